"""Round 7: how real news articles and notices name the organization, each pattern on a
text written here (see tests/notices/real/README.md for the notices)."""

from __future__ import annotations

import datetime as dt

import pytest

from parsers.fields.doc import Doc
from parsers.fields.names import is_generic, tidy_name
from parsers.fields.organization import is_first_person, plain_name
from parsers.notice import normalize, parse_text
from parsers.orgname import org_key
from parsers.schema import Category, DataItem, Stage

_NEWS_HEAD = "個人情報が流出した可能性\n\n"
_OWN_HEAD = "個人情報の取扱いに関するお詫び\n\n"


def _org(text: str) -> str | None:
    return parse_text(text).organization


# --- what surrounds a name -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("汐見市役所=汐見市本町1丁目", "汐見市"),  # the address a news article appends
        ("株式会社ミナトデータ(情報処理サービス、印刷業)", "株式会社ミナトデータ"),
        ("ミナトデータ(株)", "ミナトデータ(株)"),  # a legal form in brackets stays
        ("愛浜電信の子会社アイハマソリューションズ", "アイハマソリューションズ"),
        ("愛浜・汐見町", "汐見町"),  # a prefecture's short name in a dateline
        ("愛浜県汐見市水道局", "汐見市水道局"),
        ("国立大学法人汐見大学のメールアカウント", "国立大学法人汐見大学"),
        ("けるミナトテック株式会社", "ミナトテック株式会社"),  # a clause cut at its `が`
    ],
)
def test_what_news_puts_around_a_name_is_not_part_of_it(raw: str, name: str) -> None:
    assert tidy_name(raw) == name


def test_a_subject_cut_inside_its_describing_clause_keeps_only_the_name() -> None:
    text = _NEWS_HEAD + (
        "小学生向けの教室などを手がけるミナトテック株式会社は2021年4月26日、会員向けの"
        "電子メールで誤送信が発生し、会員のメールアドレス165件が流出したと明らかにしました。\n"
    )
    assert _org(text) == "ミナトテック株式会社"


def test_a_signature_describing_the_company_in_brackets_gives_the_name() -> None:
    text = _OWN_HEAD + (
        "当社の委託先で、お客様の情報を含む書類を紛失いたしました。深くお詫び申し上げます。\n\n"
        "株式会社ミナトデータ(情報処理サービス、印刷業)\n"
    )
    assert _org(text) == "株式会社ミナトデータ"


# --- an opening sentence placing the incident at a named organization ------------------------


def test_a_humble_at_gives_the_place_named_in_the_opening_sentence() -> None:
    text = "平成25年11月19日\n個人情報盗難のお詫び\n" + (
        "この度、市立汐見市民病院におきまして、廃棄予定の診療録の盗難事案が発生いたしました。\n"
    )
    assert _org(text) == "市立汐見市民病院"


def test_an_organization_opening_the_notice_as_subject_is_the_issuer() -> None:
    text = (
        "汐見市社会福祉協議会が汐見市から受託しております相談事業におきまして、相談記録を"
        "保存していたUSBメモリを紛失する事態が発生いたしました。\n"
    )
    assert _org(text) == "汐見市社会福祉協議会"


def test_a_bare_kind_of_organization_as_subject_names_no_one() -> None:
    text = (
        "この度、社会福祉協議会が実施する事業のご利用者様の名簿を紛失いたしました。"
        "深くお詫び申し上げます。\n"
    )
    assert _org(text) is None


# --- municipalities, their schools and their departments -----------------------------------


def test_a_skip_link_line_is_not_the_first_sentence() -> None:
    text = (
        "ここから本文です。\n更新日:2018年4月2日\n"
        "汐見町立小学校・中学校で使用するサーバーに、不正アクセスが行われたことを確認しました。\n"
    )
    assert "ここから本文" not in normalize(text)
    assert _org(text) == "汐見町"


def test_an_unnamed_school_run_by_a_municipality_gives_the_municipality() -> None:
    text = "USBメモリの紛失について\n\n" + (
        "汐見市立中学校で、生徒の個人情報が保存されていたUSBメモリの紛失が判明しました。\n"
    )
    assert _org(text) == "汐見市"


def test_a_school_board_naming_its_school_by_kind_gives_the_school_in_full() -> None:
    text = _NEWS_HEAD + (
        "愛浜県汐見市教委は15日、市立山田中学校(同市川島町)で、3年生の成績を記した調査書の"
        "データが入ったUSBメモリーを紛失したと発表した。\n"
    )
    assert _org(text) == "汐見市立山田中学校"


def test_a_prefectural_school_keeps_the_name_the_article_gives_it() -> None:
    text = _NEWS_HEAD + (
        "愛浜県教委は15日、県立汐見高校で、生徒の成績を記した書類を紛失したと発表した。\n"
    )
    assert _org(text) == "県立汐見高校"


def test_a_municipal_department_gives_the_municipality() -> None:
    text = _NEWS_HEAD + (
        "汐見市都市計画部の男性課長(58)が市民の個人情報を私的に閲覧したとして、市は24日、"
        "男性課長を減給の懲戒処分にしたと発表した。\n"
    )
    assert _org(text) == "汐見市"


def test_an_organization_located_in_a_town_is_the_one_named() -> None:
    text = _NEWS_HEAD + (
        "汐見市にある汐見農業協同組合の支店から、組合員の個人情報が記録されたパソコンが"
        "盗まれていたことがわかりました。\n"
    )
    assert _org(text) == "汐見農業協同組合"


# --- the police as the organization --------------------------------------------------------


def test_the_police_whose_officer_lost_the_papers_are_the_organization() -> None:
    text = (
        _NEWS_HEAD
        + "11日朝、愛浜県警の27歳の男性警察官が個人情報の書かれた捜査資料を紛失しました。\n"
    )
    assert _org(text) == "愛浜県警"


def test_the_police_announcing_their_officers_mistake_are_the_organization() -> None:
    text = _NEWS_HEAD + (
        "愛浜県警は8日、汐見中央署の50歳代の男性警察官が、捜索中に46人分の個人情報が書かれた"
        "メモ帳を置き忘れたと発表した。メモ帳は容疑者の男の自宅で見つかった。\n"
    )
    assert _org(text) == "愛浜県警"


def test_the_police_arresting_someone_are_not_the_organization() -> None:
    text = _NEWS_HEAD + (
        "愛浜県警は27日、切削工具メーカー「汐見精工」(汐見市)の製品データを持ち出したとして、"
        "同社社員の男を不正競争防止法違反の疑いで逮捕した。\n"
    )
    assert _org(text) != "愛浜県警"


def test_a_place_name_ending_like_a_first_person_word_is_not_first_person() -> None:
    text = "捜索先の汐見市花房本町で、男の自宅からメモ帳が見つかった。担当社員が確認した。"
    assert not is_first_person(Doc(normalize(text)))
    assert is_first_person(Doc(normalize("今回当社の委託先で紛失が判明しました。")))


# --- quoted names, wire credits, news companies, lists of subjects -------------------------


def test_a_quoted_name_after_its_trade_is_the_subject_whatever_follows() -> None:
    text = _NEWS_HEAD + (
        "汐見市の酒造メーカー「汐見酒造」がサイバー攻撃を受け一部のシステムに障害が発生し、"
        "受注ができない状態になっていることが分かりました。\n"
    )
    assert _org(text) == "汐見酒造"


def test_a_quoted_name_after_what_it_does_is_the_organization() -> None:
    text = _NEWS_HEAD + (
        "2025年11月、法人向けの引っ越し支援サービスを行う「ミナトリンク」の顧客データが"
        "不正に持ち出された事件で、元社員ら4人が逮捕された。\n"
    )
    assert _org(text) == "ミナトリンク"


def test_a_wire_credit_before_the_lead_is_not_part_of_it() -> None:
    text = _NEWS_HEAD + (
        "(ミナト通信): 汐見電機は20日、ネットワークが不正アクセスを受け、個人情報が外部に"
        "流出した可能性があると発表した。\n"
    )
    assert _org(text) == "汐見電機"


def test_a_news_company_announcing_its_own_incident_is_the_organization() -> None:
    text = _NEWS_HEAD + (
        "汐見新聞社は8日、本社の社員が業務用のノートパソコンを紛失したと発表した。"
        "同社は「今後とも弊社として誠意をもって対応する」としている。\n"
    )
    assert _org(text) == "汐見新聞社"


def test_a_news_company_quoted_as_a_source_is_not_the_organization() -> None:
    text = _NEWS_HEAD + (
        "汐見市は8日、市民の個人情報を含む書類を紛失したと発表した。汐見新聞は、"
        "市の担当者が書類を持ち帰っていたと報じた。\n"
    )
    assert _org(text) == "汐見市"


def test_the_first_of_organizations_sharing_a_subject_is_the_organization() -> None:
    text = _NEWS_HEAD + (
        "汐見海上火災保険と汐見あいおい生命保険、日進火災は4月17日、代理店が保有していた"
        "顧客情報が検索できる状況にあったことが分かったと発表した。\n"
    )
    assert _org(text) == "汐見海上火災保険"


def test_a_trade_before_the_subject_is_not_a_listed_organization() -> None:
    text = _NEWS_HEAD + (
        "ゼネコン大手、汐見建設は10日、社員のパソコンがウイルスに感染し、取引先の情報が"
        "流出した可能性があると発表した。\n"
    )
    assert _org(text) == "汐見建設"


def test_a_subsidiary_described_before_it_is_named_is_the_organization() -> None:
    text = _OWN_HEAD + (
        "このたび、弊社のインターネット販売を主とするグループ会社である株式会社 ミナトトラベル"
        "(ミナトトラベル)のサーバーに、外部からの不正アクセスがありました。"
        "深くお詫び申し上げます。\n\n株式会社汐見観光\n"
    )
    assert _org(text) == "株式会社ミナトトラベル"


# --- categories: mistakes, staff and attacks as real notices word them ---------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "校長が確認したところ、児童Aの個票を児童Bに誤配付していたことが判明しました。",
        "寄附金受納証明書について、寄附者を取り違えて郵送してしまいました。",
        "事務職員が業者に送信すべきところ、誤ったメールアドレス(以下、誤アドレス)にこれを送信しました。",
        "受講者名簿も誤ってPDF化したことに気づかず、令和4年10月18日にホームページに掲載しました。",
        "案内メールを送信した際、お客様のメールアドレスが他の受信者のメール内に表示された状態で送信されました。",
        "代理店が保有していた顧客情報が、インターネット上で検索できる状況にあったことが分かりました。",
    ],
)
def test_data_sent_or_shown_by_mistake_is_a_misdelivery(sentence: str) -> None:
    assert Category.MISDELIVERY in parse_text(_OWN_HEAD + sentence + "\n").categories


def test_a_former_seconded_employee_leaking_data_is_insider_misuse() -> None:
    text = (
        _OWN_HEAD
        + "保険会社からの元出向社員2名が、お客さま情報を代理店の外に漏えいしていました。\n"
    )
    assert parse_text(text).categories == [Category.INSIDER]


def test_an_attack_stays_stated_when_a_later_clause_denies_something_else() -> None:
    text = _NEWS_HEAD + (
        "汐見市の酒造メーカー「汐見酒造」がサイバー攻撃を受け一部のシステムに障害が発生し、"
        "取引先からの受注ができない状態になっていることが分かりました。\n"
    )
    assert Category.UNAUTHORIZED_ACCESS in parse_text(text).categories


def test_defences_not_taken_do_not_make_an_account_of_an_attack_a_warning() -> None:
    text = _OWN_HEAD + (
        "これは当社の委託業者が、新たに構築したサーバーを適切なセキュリティ対策を講じない状態で"
        "設置した結果、不正アクセス者が当該サーバーからデータを盗んだものです。\n"
    )
    assert Category.UNAUTHORIZED_ACCESS in parse_text(text).categories


def test_harm_described_as_what_can_happen_is_no_incident() -> None:
    text = "セキュリティ強化に関するお願い\n\nお客様各位\n\n" + (
        "不正利用により、ホームページが改竄され閲覧するとウィルスに感染するといった被害が発生し、"
        "メールが送信できなくなるなどのトラブルにつながります。\n"
        "パスワードの見直しをお願いいたします。\n"
    )
    incident = parse_text(text)
    assert not incident.is_incident
    assert incident.categories == []


@pytest.mark.parametrize(
    ("sentence", "category"),
    [
        (
            "再委託先の社員が取引先情報を含むデータを業務用パソコンへ許可なくダウンロードし、"
            "個人のクラウドに保存していたことを確認しました。",
            Category.INSIDER,
        ),
        (
            "勤務先の顧客データを持ち出し、転職先で営業に使ったとして会社員の男が逮捕されました。",
            Category.INSIDER,
        ),
        (
            "利用者に届ける文書を、誤って第三者の郵便ポストに投函してしまいました。",
            Category.MISDELIVERY,
        ),
        (
            "共有ドライブのファイルの一部が、外部からアクセス可能な状態にあったことが判明しました。",
            Category.MISDELIVERY,
        ),
        (
            "回収業者が個人情報の記された文書32枚を道に落とし、警察に届けられました。",
            Category.LOSS_THEFT,
        ),
        (
            "弊社メールサーバにおいて、正規のアカウント情報(ID・パスワード)が悪用され、"
            "大量のスパムメールが送信されました。",
            Category.UNAUTHORIZED_ACCESS,
        ),
    ],
)
def test_more_wordings_of_what_happened_state_the_category(
    sentence: str, category: Category
) -> None:
    incident = parse_text(_OWN_HEAD + sentence + "\n")
    assert incident.is_incident
    assert category in incident.categories


def test_a_report_of_a_seminar_on_attacks_is_no_incident() -> None:
    text = (
        "【汐見】汐見市の商工会議所で11日、「サイバー攻撃の実態」セミナーが開かれ、経営者ら20人が"
        "参加した。参加者は、取引先を装ったメールを開くだけでウイルスに感染し、情報が窃取される"
        "様子を体験した。\n"
    )
    assert not parse_text(text).is_incident


def test_a_launch_of_a_leak_monitoring_service_is_no_incident() -> None:
    text = (
        "株式会社ミナトウォッチ、ファイル共有サイトにおける機密文書の公開を監視するサービスを開始。"
        "新たな漏えい文書が確認された際には、自動的に報告します。\n"
    )
    assert not parse_text(text).is_incident


def test_attacks_on_customers_the_company_says_are_not_its_own_are_no_incident() -> None:
    text = _NEWS_HEAD + (
        "ミナト商会は、同社のサービスの一部のユーザーで、不正アクセスを受けて管理者アカウントが"
        "侵害される事象が発生しているとし、注意を呼び掛けている。"
        "この問題は、同社のセキュリティインシデントではないとしている。\n"
    )
    assert not parse_text(text).is_incident


# --- people counts --------------------------------------------------------------------------


def test_people_counted_as_owners_of_personal_data_are_the_count() -> None:
    text = _NEWS_HEAD + (
        "汐見署の男性警察官が、捜査で知り得た46人分の個人情報などが書かれたメモ帳を置き忘れた。\n"
    )
    assert parse_text(text).people_affected == 46


def test_a_count_under_its_label_line_is_the_count() -> None:
    text = _OWN_HEAD + (
        "弊社サイトが不正アクセスを受けました。\n\n流出の規模(疑いを含む)\n個人情報の件数\n"
        "22,796件(うち、クレジットカード情報を含む個人情報 13,438件)\n"
    )
    assert parse_text(text).people_affected == 22796


@pytest.mark.parametrize(
    "sentence",
    [
        "誤配付が判明した後、校長ら3名で同日に児童宅を訪問し、謝罪しました。",
        "愛浜県警は、警察官2人が個人情報が書かれた書類を一時紛失したと発表しました。",
        "1名に対して宛名ラベルのデータを誤ってメール送信してしまいました。",
        "顧客データが持ち出された事件で、代表と社員2名、元社員1名の計4名を、不正競争防止法違反の疑いで逮捕した。",
        "顧客情報を不正に取得したとして、元従業員ほか1名が逮捕されました。",
        "本学会理事が主導した3件の情報発信において、個人情報が含まれた状態で公開していました。",
    ],
)
def test_people_who_acted_received_or_were_arrested_are_not_the_count(sentence: str) -> None:
    assert parse_text(_OWN_HEAD + sentence + "\n").people_affected is None


def test_a_survey_tally_sent_by_mistake_is_no_statistics_article() -> None:
    text = (
        "記者発表日時:2025年12月12日18時\n"
        "県内の団体代表者に対し行ったアンケート調査の集計結果について、当課からメール送信した"
        "ファイルが、一部市町において、個人情報が確認できる状態となっていたことが判明しました。\n"
    )
    incident = parse_text(text)
    assert incident.is_incident
    assert incident.categories == [Category.MISDELIVERY]


def test_a_tally_of_published_leaks_is_a_statistics_article() -> None:
    text = (
        "汐見リサーチは1月19日、上場企業の個人情報漏えい・紛失事故の調査結果を発表した。"
        "同調査は、上場企業の情報漏えい・紛失事故のお知らせなど、自主的な開示を独自集計したもの。\n"
    )
    assert not parse_text(text).is_incident


# --- data items -----------------------------------------------------------------------------


def test_items_under_a_numbered_group_with_its_count_belong_to_the_heading_above() -> None:
    text = _OWN_HEAD + (
        "当院のサーバーが不正アクセスを受けました。\n\n【流出した可能性のある情報】\n"
        "1 患者様の情報 最大1,234件\n氏名、住所、生年月日、病名\n"
        "2 職員の情報 最大56件\n氏名、メールアドレス\n"
    )
    assert set(parse_text(text).data_items) == {
        DataItem.NAME,
        DataItem.ADDRESS,
        DataItem.BIRTHDATE,
        DataItem.HEALTH,
        DataItem.EMAIL,
    }


def test_a_heading_naming_the_personal_data_introduces_its_items() -> None:
    text = _OWN_HEAD + (
        "1 経緯\n職員の自家用車から業務用パソコンが盗まれました。\n\n"
        "2 パソコンにあった個人情報の内容\n・手術記録(19人分)\n 患者氏名、患者ID、性別\n"
    )
    assert {DataItem.NAME, DataItem.GENDER} <= set(parse_text(text).data_items)


@pytest.mark.parametrize(
    "sentence",
    [
        "流出した個人情報は商品配送先の住所や氏名、電話番号などとみられる。",
        "サーバーには、納税者の住所や名前、電話番号などが記された通知書のデータが保存されていた。",
    ],
)
def test_what_the_data_were_itemized_gives_the_items(sentence: str) -> None:
    text = _NEWS_HEAD + "ミナト商会のサーバーがランサムウェアに感染した。" + sentence + "\n"
    assert {DataItem.NAME, DataItem.ADDRESS, DataItem.PHONE} <= set(parse_text(text).data_items)


def test_data_deleted_are_not_items_exposed() -> None:
    text = _NEWS_HEAD + (
        "ミナト商会は、元社員がサーバーのデータを不正に削除したと発表した。"
        "削除されたデータは名前や住所、連絡先などの顧客情報だった。\n"
    )
    assert parse_text(text).data_items == []


def test_whose_data_it_is_is_no_other_kind_of_data() -> None:
    text = _OWN_HEAD + (
        "お客様の個人情報がインターネット上で閲覧できる状態でした。"
        "お客様の個人情報の内容は、氏名、性別、メールアドレス、住所などです。\n"
    )
    assert DataItem.OTHER not in parse_text(text).data_items


# --- discovered -----------------------------------------------------------------------------


def test_the_event_that_revealed_it_dates_the_finding() -> None:
    text = _NEWS_HEAD + (
        "当時、同社は持ち出しを把握していませんでしたが、2021年12月20日に入居者が区に"
        "直接通報したことにより事態が発覚しました。\n"
    )
    assert parse_text(text).discovered == dt.date(2021, 12, 20)


def test_what_caused_the_fact_found_does_not_date_the_finding() -> None:
    text = _OWN_HEAD + (
        "2023年3月7日、お取引先様より不審なメールが届いているとのご連絡をいただきました。"
        "その結果、同月2日に従業員がメールの添付ファイルを開封したことにより、パソコンが"
        "Emotetに感染していたことが判明いたしました。\n"
    )
    assert parse_text(text).discovered == dt.date(2023, 3, 7)


def test_a_spaced_finding_label_dates_the_finding() -> None:
    text = (
        _OWN_HEAD + "1 発 覚 令和5年7月29日(土)\n2 流出したデータ\n・責任者11名分のメールアドレス\n"
    )
    assert parse_text(text).discovered == dt.date(2023, 7, 29)


def test_a_timeline_entry_with_a_colon_dates_what_follows() -> None:
    text = _OWN_HEAD + (
        "弊社からのメールで、お客様のメールアドレスが他の受信者に表示されました。\n①経緯\n"
        "・2022年 1月14日(金): お客様に電子メールを送信。\n"
        "・2022年 1月15日(土): メール受信者より、アドレスが見える形で送られている旨の"
        "ご連絡をいただく。\n"
    )
    assert parse_text(text).discovered == dt.date(2022, 1, 15)


@pytest.mark.parametrize(
    "sentence",
    [
        "同社によると2024年5月10日、サーバーに不具合が発生しました。原因を調べたところ、"
        "システムの一部がランサムウェアに感染していました。",
        "令和5年12月4日に発生いたしました不正アクセスにつきまして、ご報告いたします。",
    ],
)
def test_an_incident_known_as_it_happened_is_found_that_day(sentence: str) -> None:
    assert parse_text(_NEWS_HEAD + sentence + "\n").discovered is not None


# --- reported to, stage ---------------------------------------------------------------------


def test_the_police_reporting_their_own_officers_loss_report_to_no_police() -> None:
    text = _NEWS_HEAD + (
        "愛浜県警の男性警察官が、捜査資料を紛失しました。警察官は交番に遺失届を提出しました。\n"
    )
    incident = parse_text(text)
    assert incident.organization == "愛浜県警"
    assert incident.reported_to == []


def test_a_reference_to_the_first_report_makes_an_update() -> None:
    text = _OWN_HEAD + (
        "2024年8月に発覚しましたお客さま情報漏えいにつきまして、深くお詫び申し上げます。\n"
        "(第一報:https://example.jp/news/618)\n"
    )
    assert parse_text(text).stage is Stage.UPDATE


def test_a_notice_titled_as_the_first_report_is_a_report() -> None:
    text = "ランサムウェア被害の発生について(第1報)\n\n当社サーバーが暗号化されました。\n"
    assert parse_text(text).stage is Stage.REPORT


def test_continuing_what_was_announced_makes_an_update() -> None:
    text = _OWN_HEAD + (
        "2023年11月7日(火)に発表いたしました、スカウトサービスの機能の不具合に関するお詫びと"
        "お知らせにつきまして、継続調査の結果、新たな情報が判明しましたのでお知らせいたします。\n"
    )
    assert parse_text(text).stage is Stage.UPDATE


# --- card counts: never a guess -------------------------------------------------------------


def test_card_data_among_the_records_counts_as_the_part_not_the_total() -> None:
    text = _OWN_HEAD + (
        "弊社サイトが不正アクセスを受けました。\n\n個人情報の件数\n"
        "22,796件(うち、クレジットカード情報を含む個人情報 13,438件)\n"
    )
    incident = parse_text(text)
    assert (incident.people_affected, incident.cards_affected) == (22796, 13438)


def test_card_holders_among_the_people_are_the_card_count_not_fraudulent_uses() -> None:
    text = _NEWS_HEAD + (
        "ミナト乳業は4日、通販サイトが不正にアクセスされ、最大9万2822人の顧客の個人情報が"
        "流出した恐れがあると公表した。このうち、最大2万9773人ではクレジットカード情報も流出し、"
        "不正使用はこれまでのところ、約300件と判明している。\n"
    )
    incident = parse_text(text)
    assert (incident.people_affected, incident.cards_affected) == (92822, 29773)


def test_card_data_counted_by_holders_beside_the_people_is_the_card_count() -> None:
    text = _NEWS_HEAD + (
        "漏洩した可能性のある情報は、氏名や住所などの個人情報が最大120,982人分、"
        "セキュリティコードを含むクレジットカード情報が最大112,132人分とされている。\n"
    )
    incident = parse_text(text)
    assert (incident.people_affected, incident.cards_affected) == (120982, 112132)


def test_a_round_figure_gives_way_to_the_exact_one_stated_later() -> None:
    text = _NEWS_HEAD + (
        "400施設、20万件個人情報、12万件クレジットカード情報流出\n"
        "ミナトブッキング社によると、サーバーに不正アクセスがあり、宿泊施設の氏名や住所などの"
        "個人情報が20万5137件、クレジットカード情報など12万580件が流出した。\n"
    )
    incident = parse_text(text)
    assert (incident.people_affected, incident.cards_affected) == (205137, 120580)


def test_a_card_count_held_beside_other_data_is_the_card_count() -> None:
    text = _NEWS_HEAD + (
        "ミナト通信の子会社は17日、元派遣社員が約900万件の顧客情報を不正に流出させたと発表した。"
        "流出した情報には、名前や住所などの個人情報のほか、81件のクレジットカード情報が含まれていた。\n"
    )
    assert parse_text(text).cards_affected == 81


def test_people_whose_records_are_not_said_to_hold_card_data_are_no_card_count() -> None:
    text = _NEWS_HEAD + (
        "ミナト書店は、サイトが不正アクセスを受け、個人情報が閲覧された可能性があると発表した。"
        "閲覧された可能性があるのは46万1091件のユーザーIDである。同社は調査を続けている。\n\n"
        "別の調査では、氏名、住所、クレジットカード番号が流出した可能性も指摘されている。\n"
    )
    assert parse_text(text).cards_affected is None


def test_a_surname_alone_is_a_name() -> None:
    text = _OWN_HEAD + (
        "メールを宛先表示形式で送信してしまいました。\n(1)流出したメールアドレス(4名分)\n"
        "(2)流出した姓(2名分)\n"
    )
    assert DataItem.NAME in parse_text(text).data_items


def test_a_long_enumeration_line_under_its_heading_gives_the_items() -> None:
    text = _OWN_HEAD + (
        "学生名簿を保存したUSBメモリを紛失しました。\n\n2.学生名簿に含まれる個人情報\n"
        "工学部学生名簿:所属、学生番号、氏名、性別、年次、学籍状態区分、出入学日付、住所、電話番号、"
        "メールアドレス、保護者氏名、保護者住所\n"
    )
    assert {DataItem.NAME, DataItem.ADDRESS, DataItem.PHONE, DataItem.EMAIL} <= set(
        parse_text(text).data_items
    )


def test_data_anyone_could_reach_were_exposed() -> None:
    text = _NEWS_HEAD + (
        "設定の誤りにより、約10分間、在籍した生徒約660人分の氏名、住所、電話番号などに"
        "外部からアクセスできる状態でした。\n"
    )
    incident = parse_text(text)
    assert incident.people_affected == 660
    assert {DataItem.NAME, DataItem.ADDRESS, DataItem.PHONE} <= set(incident.data_items)


@pytest.mark.parametrize(
    ("lead", "hospital"),
    [
        (
            "愛浜県は10月29日、汐見病院にて診療情報提供依頼書類の誤送信が発生したと発表した。",
            "汐見病院",
        ),
        (
            "汐見市は1日、患者のカルテを不正に閲覧するなどした市立汐見病院医療技術部職員の男性を"
            "停職6カ月の懲戒処分にした。",
            "市立汐見病院",
        ),
    ],
)
def test_a_public_body_announcing_for_its_named_hospital_gives_the_hospital(
    lead: str, hospital: str
) -> None:
    assert _org(_NEWS_HEAD + lead + "\n") == hospital


# --- the labels' conventions for organization -----------------------------------------------


def test_a_branch_office_of_a_named_prefecture_is_the_prefecture() -> None:
    text = _OWN_HEAD + (
        "汐見県自動車税事務所が、令和7年11月28日に個人情報を含む文書のFAXを誤送信したことが"
        "判明しました。深くお詫び申し上げます。\n"
    )
    assert _org(text) == "汐見県"


def test_an_office_named_after_a_city_but_run_by_no_named_parent_keeps_its_name() -> None:
    assert tidy_name("汐見建設事務所") == "汐見建設事務所"
    text = _NEWS_HEAD + "汐見建設事務所は5日、工事関係者の名簿を紛失したと発表した。\n"
    assert _org(text) == "汐見建設事務所"


def test_a_public_bodys_named_contractor_is_the_organization_when_the_body_goes_unnamed() -> None:
    text = _OWN_HEAD + (
        "広報誌の送付業務の委託先である株式会社ミナト印刷の担当者が、誤ってご本人以外の方の"
        "宛名を記載して送付しました。\n"
    )
    assert _org(text) == "株式会社ミナト印刷"


def test_a_companys_own_notice_about_its_contractor_is_not_the_contractors() -> None:
    text = _OWN_HEAD + (
        "弊社が発送業務を委託している株式会社ミナト印刷のサーバーがランサムウェアに感染し、"
        "弊社会員様の情報が流出しました。\n"
    )
    assert _org(text) != "株式会社ミナト印刷"


def test_a_quoted_name_before_a_company_suffix_is_the_name() -> None:
    text = _NEWS_HEAD + (
        "ホテル予約システムを提供する「ミナトブッキング」社のサーバーへの不正アクセスにより、"
        "宿泊客の個人情報が流出した。\n"
    )
    assert _org(text) == "ミナトブッキング"


def test_a_fax_number_listed_among_the_data_is_a_phone_number() -> None:
    text = (
        _OWN_HEAD
        + "取引先名簿を紛失しました。名簿には会社名、担当者名、FAX番号が記載されていました。\n"
    )
    assert DataItem.PHONE in parse_text(text).data_items


def test_the_number_a_fax_was_sent_to_is_no_data() -> None:
    text = _OWN_HEAD + (
        "処方に関する問い合わせ文書を、FAX番号の入力を誤り、無関係の事業者に送信しました。"
        "文書には患者の氏名が記載されていました。\n"
    )
    assert DataItem.PHONE not in parse_text(text).data_items


def test_graded_answer_sheets_are_other_data() -> None:
    text = _OWN_HEAD + "本校教員が、生徒の採点済み答案用紙を紛失しました。\n"
    assert parse_text(text).data_items == [DataItem.OTHER]


def test_a_window_of_mails_sent_by_mistake_is_no_exposure_period() -> None:
    text = _OWN_HEAD + (
        "2024年5月1日10時から11時までの間、会員の皆様へのメールを誤って他の会員に送信しました。"
        "メールには氏名が記載されていました。\n"
    )
    incident = parse_text(text)
    assert (incident.exposure_start, incident.exposure_end) == (None, None)


def test_the_card_leak_window_outranks_the_window_defining_whose_records() -> None:
    text = _OWN_HEAD + (
        "2023年1月1日から2023年6月30日までの期間に当サイトでご購入いただいたお客様のうち、"
        "2023年3月1日から2023年6月30日までの間に決済されたお客様のクレジットカード情報が"
        "流出した可能性があります。\n"
    )
    incident = parse_text(text)
    assert (incident.exposure_start, incident.exposure_end) == (
        dt.date(2023, 3, 1),
        dt.date(2023, 6, 30),
    )


# --- what is printed around a name in heads and reposts, and names by their own form -------


@pytest.mark.parametrize(
    ("head", "name"),
    [
        ("| 会社名 | 医療法人 汐見会 汐見クリニック |", "医療法人汐見会汐見クリニック"),
        (
            "メール誤送信で顧客アドレス1,350件流出か|ミナト・モビリティ株式会社",
            "ミナト・モビリティ株式会社",
        ),
        ("個人情報の漏えいに関するお詫び|株式会社ミナト電装より引用", "株式会社ミナト電装"),
        ("- HP:汐見町", "汐見町"),
        ("株式会社ミナト発表資料", "株式会社ミナト"),
    ],
)
def test_bars_labels_and_credits_around_a_name_are_not_part_of_it(head: str, name: str) -> None:
    assert plain_name(head) == name


@pytest.mark.parametrize(
    "head", ["同事務所", "1.法人数 14法人", "ECサイトに導入していた、株式会社X"]
)
def test_what_holds_no_name_gives_none(head: str) -> None:
    assert plain_name(head) is None


def test_a_legal_form_before_a_kind_of_public_body_makes_it_a_name() -> None:
    assert not is_generic("公立大学法人汐見県立大学")
    assert is_generic("県立大学")


def test_a_self_alias_without_quotes_names_the_issuer() -> None:
    text = "不正アクセスによる個人情報の流出について\n" + (
        "株式会社ミナトジョブ(以下、当社)は、当社のネットワークが第三者による不正アクセスを受けた"
        "ことをお知らせいたします。\n"
    )
    assert _org(text) == "株式会社ミナトジョブ"


def test_a_subject_with_a_nested_aside_is_the_subject() -> None:
    text = "納付書の誤送について\n" + (
        "総務省汐見総合通信局(局長 汐見 太郎(しおみ たろう))では、平成19年6月13日、"
        "納付書を誤送したことが判明しました。\n"
    )
    assert _org(text) == "総務省汐見総合通信局"


@pytest.mark.parametrize(
    ("lead", "name"),
    [
        ("製網企業「汐見製網」社が、第三者による不正アクセス被害を受けた。", "汐見製網"),
        (
            "汐見県「医療法人社団 汐見会 汐見医院」において、電子カルテシステムが使用不可能な"
            "事態が続いている。",
            "医療法人社団汐見会汐見医院",
        ),
        (
            "雇用支援を実施する「汐見雇用支援機構(SEA)」は、591件の個人情報が漏えいした可能性が"
            "あると発表した。",
            "汐見雇用支援機構",
        ),
    ],
)
def test_a_quoted_organization_is_the_organization(lead: str, name: str) -> None:
    assert _org(_NEWS_HEAD + lead + "\n") == name


def test_abbreviated_legal_forms_of_associations_are_legal_forms() -> None:
    assert org_key("(公社)汐見植物学会") == org_key("公益社団法人汐見植物学会")


@pytest.mark.parametrize(
    ("text", "people"),
    [
        ("誤掲載が判明しました。\n1.法人数 14法人\n2.文書件数 17件\n3.対象者数 85名(実人数)\n", 85),
        (
            "議事録を誤って公開しました。件数は、個人・法人をあわせて486人分だということです。\n",
            486,
        ),
        ("同社によると、4月14〜16日にかけ、5万9044IDに対し不正ログインが発生した。\n", 59044),
    ],
)
def test_counts_labelled_as_people_or_accounts_attacked_are_the_count(
    text: str, people: int
) -> None:
    assert parse_text(_OWN_HEAD + text).people_affected == people


def test_the_holders_of_cards_counted_next_are_the_people() -> None:
    text = _NEWS_HEAD + (
        "ミナトパラで不正アクセス被害。同サイトで決済を行った7409人のクレジットカード情報7645件が"
        "漏えいした可能性がある。\n"
    )
    incident = parse_text(text)
    assert (incident.people_affected, incident.cards_affected) == (7409, 7645)


def test_a_staff_account_attacked_is_no_count_of_people() -> None:
    text = _OWN_HEAD + (
        "本学教員1名のメールアカウント1件に対して不正アクセスがあり、迷惑メールが送信されました。\n"
    )
    assert parse_text(text).people_affected is None


@pytest.mark.parametrize(
    ("sentence", "category"),
    [
        (
            "本市の職員が、業務で使用すべき住民情報システムを常習的に不正使用して、市職員の個人情報を"
            "取得していました。",
            Category.INSIDER,
        ),
        (
            "汐見市は3日、調査の回答先として誤って一般市民のファクス番号を記載し、市民宅にファクスが"
            "234通届いていたと発表した。",
            Category.MISDELIVERY,
        ),
        (
            "同町が利用するメールアドレス及びパスワードが第三者に不正入手され、大量のなりすましメールが"
            "送信された。",
            Category.UNAUTHORIZED_ACCESS,
        ),
        (
            "研究室のホームページのサーバーに不正なプログラムが書き込まれていたことが分かった。",
            Category.MALWARE,
        ),
    ],
)
def test_yet_more_wordings_of_what_happened(sentence: str, category: Category) -> None:
    incident = parse_text(_NEWS_HEAD + sentence + "\n")
    assert incident.is_incident
    assert category in incident.categories


def test_a_lost_document_itemized_by_what_it_holds_gives_the_items() -> None:
    text = _NEWS_HEAD + (
        "汐見信用金庫は、顧客から受け取った振込依頼書を紛失したと発表した。"
        "依頼書には氏名や電話番号、銀行名、口座番号、取引金額が"
    )
    assert {DataItem.NAME, DataItem.PHONE, DataItem.BANK_ACCOUNT} <= set(
        parse_text(text).data_items
    )


def test_credentials_matched_from_elsewhere_are_the_means_not_the_data() -> None:
    text = _NEWS_HEAD + (
        "会員サイトがアカウントハッキングを受けた。IDとパスワードが一致した件数は1094件で、"
        "このうち44人の会員の氏名と保有ポイント数が閲覧された恐れがある。\n"
    )
    items = parse_text(text).data_items
    assert DataItem.PASSWORD not in items and DataItem.NAME in items


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2020年1月23日に気が付き、翌24日に宛先の皆様にお詫びしました。", dt.date(2020, 1, 23)),
        (
            "令和4年3月29日、書類を作成しようとしたところ、原簿が保管場所に見当たりませんでした。",
            dt.date(2022, 3, 29),
        ),
        ("送信日時 2022年4月6日 11:00\n通報受信日時 2022年4月6日 15:25\n", dt.date(2022, 4, 6)),
        (
            "公開日 2009年8月29日\n市税事務所で、個人情報が記載された文書がメモ用紙に使われていた"
            "ことが28日、分かった。",
            dt.date(2009, 8, 28),
        ),
    ],
)
def test_more_wordings_of_finding_out_date_the_finding(text: str, day: dt.date) -> None:
    assert parse_text(_OWN_HEAD + "メールを誤って送信しました。\n" + text + "\n").discovered == day


def test_a_signer_glued_to_the_name_is_not_part_of_it() -> None:
    assert plain_name("(公社)汐見植物学会会長汐見太郎") == "(公社)汐見植物学会"


def test_the_police_announcing_their_own_mistake_are_the_organization() -> None:
    text = _NEWS_HEAD + (
        "愛浜県警は16日夜、個人情報が記載された文書1枚を誤って報道機関17社にファクス送信した。\n"
    )
    assert _org(text) == "愛浜県警"


def test_a_prefectures_office_named_without_it_is_the_prefecture_named_elsewhere() -> None:
    text = _OWN_HEAD + (
        "自動車税事務所が、令和7年11月28日に個人情報を含む文書のFAXを誤送信したことが判明しました。"
        "汐見県が保管している文書で、深くお詫び申し上げます。\n"
    )
    assert _org(text) == "汐見県"


def test_a_described_kind_of_company_is_no_name_but_a_name_with_no_stays() -> None:
    assert is_generic("オンライン寄付の決済サービス会社")
    assert not is_generic("あけぼの損害保険株式会社")


@pytest.mark.parametrize(
    ("sentence", "people"),
    [
        ("院内の端末がランサムウェアに感染し、約8万5000人分の電子カルテが暗号化された。", 85000),
        ("入学予定者の一部1,317名分の電子メールアドレスが、ほかの受信者に表示されました。", 1317),
        (
            "会員団体の代表アドレスと、51名分の個人メールアドレスが表示された状態で送信しました。",
            51,
        ),
    ],
)
def test_people_counted_as_owners_of_records_or_addresses_are_the_count(
    sentence: str, people: int
) -> None:
    assert parse_text(_OWN_HEAD + sentence + "\n").people_affected == people


@pytest.mark.parametrize(
    ("sentence", "people"),
    [
        ("参加者及び登壇者103名のアドレス105件が、ほかの受信者に表示されました。", 103),
        ("同社の受託業務に関係する顧客情報1件が、別の顧客3名に流出しました。", 1),
        (
            "県は、5800人余りの名前や住所が記載された一覧表を誤ってメールで送信した。"
            "誤送信されたのは、事業の対象者5816人分の氏名、住所の一覧表が添付されたメールだ。",
            5816,
        ),
    ],
)
def test_persons_over_their_records_not_recipients_and_the_exact_figure(
    sentence: str, people: int
) -> None:
    assert parse_text(_NEWS_HEAD + sentence + "\n").people_affected == people

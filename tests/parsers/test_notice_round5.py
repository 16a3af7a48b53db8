"""Round 5: how real notices and news name the organization, each pattern on a text
written here (see tests/notices/real/README.md for the notices that showed them)."""

from __future__ import annotations

import datetime as dt

import pytest

from parsers.fields.names import could_be_name, tidy_name
from parsers.notice import parse_text


def _org(text: str) -> str | None:
    return parse_text(text).organization


# --- names as news surrounds them -------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("【汐見】愛浜県の汐見市社会福祉協議会", "汐見市社会福祉協議会"),
        ("愛浜県・汐見市の例示信用金庫", "例示信用金庫"),
        ("食品商社の例示商事", "例示商事"),
        ("通販大手の例示ロジ", "例示ロジ"),
        ("2024/05/10株式会社例示", "株式会社例示"),
        ("例示建設の海外グループ会社", "例示建設"),
        ("汐見町役場", "汐見町"),
        ("例示電機", "例示電機"),
    ],
)
def test_what_news_puts_around_a_name_is_not_part_of_it(written: str, name: str) -> None:
    assert tidy_name(written) == name


@pytest.mark.parametrize(
    "subject",
    [
        "同社",
        "市教委",
        "県警",
        "個人情報",
        "こと",
        "対象者",
        "例示社長",
        "人材派遣会社",
        "委託した",
    ],
)
def test_a_subject_that_is_no_organization_is_not_a_name(subject: str) -> None:
    assert not could_be_name(subject)


# --- who a news article says announced it -----------------------------------------------


@pytest.mark.parametrize(
    ("lead", "name"),
    [
        ("大手家電量販の例示電機は5日、会員サイトに不正アクセスがあったと発表した。", "例示電機"),
        (
            "会員制サイトが不正アクセスを受けた問題で、運営元の例示ラボ(汐見市)は9月7日、"
            "サービスを21日に再開すると発表した。",
            "例示ラボ",
        ),
        (
            "「例示ツアーズ」の名称で旅行商品を販売する汐見運輸は2024年6月16日、外部からの"
            "不正アクセスで利用客の個人情報が流出したと発表した。",
            "汐見運輸",
        ),
        (
            "例示ジャパンは9月24日、委託先のサーバーがランサムウェアに感染。顧客情報が流出した"
            "可能性があると発表した。",
            "例示ジャパン",
        ),
        (
            "和菓子販売の本家 例示庵は、通販サイトからカード情報が漏洩した可能性があると公表した。",
            "本家例示庵",
        ),
        ("例示県警は13日、汐見署の警察官が捜査書類を紛失したと発表した。", "例示県警"),
        (
            "ゼネコン大手、例示建設の海外グループ会社がサイバー攻撃を受け、内部情報が流出した"
            "可能性があることが28日、分かった。",
            "例示建設",
        ),
        ("date 2026-02-24 汐見市は2月24日、メールの宛先を誤ったと発表しました。", "汐見市"),
        (
            "障害の発生から2か月が経ち、例示ホールディングスが初めて会見を開きました。"
            "社長は、個人情報が漏えいしたおそれがあると明らかにしました。",
            "例示ホールディングス",
        ),
    ],
)
def test_the_subject_of_an_announcement_is_the_organization(lead: str, name: str) -> None:
    assert _org(f"{lead}\n同社によると、詳しい原因は調査中だという。\n") == name


def test_a_notice_quoted_by_the_news_does_not_make_it_an_own_notice() -> None:
    text = (
        "例示ソフトは2023年2月14日、「弊社が運営するオンラインショップへの不正アクセスに関する"
        "お詫び」において、カード情報を含む個人情報が漏洩した可能性があると発表した。\n"
    )
    assert _org(text) == "例示ソフト"


def test_a_clause_before_the_announcer_in_a_later_sentence_is_the_announcers() -> None:
    text = (
        "観光庁の補助事業者として例示トラベルが実施する事業で情報漏洩が発生した。"
        "例示トラベルは、背景を説明するとともに謝罪した。\n"
    )
    assert _org(text) == "例示トラベル"


def test_an_arrest_keeps_the_police_from_being_the_organization() -> None:
    text = "例示県警は13日、元社員の男を不正アクセス禁止法違反の容疑で逮捕したと発表した。\n"
    assert _org(text) != "例示県警"


# --- names in quotes, operators, places -------------------------------------------------


@pytest.mark.parametrize(
    ("lead", "name"),
    [
        (
            "独立行政法人「例示基盤機構(例示機構)」は26日までに、委託先の元派遣社員が個人情報を"
            "持ち出した可能性があると発表した。",
            "独立行政法人例示基盤機構",
        ),
        (
            "愛浜県汐見市の医療法人例示会「汐見中央病院」が、ランサムウエアによるサイバー攻撃を"
            "受けていたことが20日、分かった。",
            "汐見中央病院",
        ),
        (
            "愛浜県で人材サービス事業を展開する「例示ワークス」において、登録者の個人情報が"
            "流出したと公表した。",
            "例示ワークス",
        ),
        (
            "例示化学は2日、化粧品子会社「例示ビューティ」の通販サイトに不正アクセスがあったと"
            "発表した。",
            "例示ビューティ",
        ),
    ],
)
def test_a_quoted_name_after_its_legal_form_operator_or_parent(lead: str, name: str) -> None:
    assert _org(lead + "\n") == name


def test_a_quoted_service_is_not_the_organization() -> None:
    text = (
        "例示電力は24日、同社が運営するサービス「例示ポイント」が不正アクセスを受けたと発表した。\n"
    )
    assert _org(text) == "例示電力"


def test_the_operator_named_later_in_a_news_story_is_the_organization() -> None:
    text = (
        "14日朝、汐見市の国道で、学習塾「例示塾」の生徒の成績が記入された書類が散乱しているのを"
        "住民が見つけた。\n講師たちが回収したが、3枚が見つかっていないという。\n"
        "被害は今のところないという。\n経営する例示エデュ(汐見区)によると、書類は約100枚だった。\n"
    )
    assert _org(text) == "例示エデュ"


def test_a_cooperative_placed_by_an_aside_opens_the_story() -> None:
    text = (
        "生活協同組合コープ例示(汐見市)の北センターで、組合員の個人情報を記載したファイルを"
        "紛失したことが21日、分かった。\n"
    )
    assert _org(text) == "生活協同組合コープ例示"


def test_a_place_and_an_unnamed_hospital_name_no_organization() -> None:
    text = (
        "愛浜県汐見町の病院で電子カルテのシステムが使えなくなり、病院はランサムウエアに感染した"
        "可能性があると明らかにしました。\n"
    )
    assert _org(text) is None


@pytest.mark.parametrize(
    "first",
    [
        "汐見町立の学校において、児童の個人情報が漏えいする事案が発生いたしました。",
        "汐見町役場に提出された個人情報が記載された書類1件を紛失していたことが判明しました。",
    ],
)
def test_a_municipalitys_school_or_office_names_the_municipality(first: str) -> None:
    assert _org(f"{first}\n関係者の皆様に深くお詫び申し上げます。\n") == "汐見町"


# --- own notices that name themselves in passing ----------------------------------------


def test_an_own_notice_defining_its_short_name_opens_with_its_name() -> None:
    text = (
        "このたび、学校法人例示学園(以下「学園」といいます。)のネットワークが、外部の第三者から"
        "不正アクセスを受けたことが発覚しました。\n"
    )
    assert _org(text) == "学校法人例示学園"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "個人情報の紛失について(お詫び)株式会社例示パートナーズ\n\n"
            "弊社社員が、お客様情報が記載された資料を紛失しました。\n",
            "株式会社例示パートナーズ",
        ),
        (
            "例示総合病院における個人情報を記録したUSBメモリの紛失について\n\n"
            "このたび、当院の医師が患者様の個人情報を記録したUSBメモリを紛失しました。\n",
            "例示総合病院",
        ),
        (
            "【事件簿#2024-015】株式会社例示釣具 お客様個人情報漏えいの可能性に関するご報告\n\n"
            "この度、弊社システムがランサムウェアに攻撃されました。\n",
            "株式会社例示釣具",
        ),
    ],
)
def test_a_title_names_its_issuer_after_it_or_where_it_happened(text: str, name: str) -> None:
    assert _org(text) == name


def test_a_title_about_its_own_premises_does_not_name_a_pointer() -> None:
    text = "当社における個人情報の紛失について\n\n当社社員が資料を紛失しました。\n"
    assert _org(text) is None


def test_an_own_notice_names_itself_through_its_former_staff() -> None:
    text = (
        "例示新聞社元社員の在職中の不正行為で読者の皆さまにご心配をおかけすることを深くおわび"
        "します。\n当社は元社員が持ち出したデータを調べました。\n"
    )
    assert _org(text) == "例示新聞社"


def test_an_own_notice_names_itself_apologizing_to_its_members() -> None:
    text = (
        "この度、第三者による会員管理システムへの不正アクセスが発生し、会員の個人情報が外部に"
        "流出した可能性があることが判明しました。\n例示栄養連盟会員の皆様には多大なご迷惑と"
        "ご心配をおかけしますことを、深くお詫び申し上げます。\n"
    )
    assert _org(text) == "例示栄養連盟"


def test_a_group_company_named_by_its_trade_is_the_one_it_happened_to() -> None:
    text = (
        "2024年9月9日\n\n株式会社例示\n\n業務委託先への不正アクセスに関する調査結果\n\n"
        "当社グループの信販会社 株式会社例示クレジットが利用明細の発送を委託している"
        "株式会社例示印刷が、ランサムウェアの被害を受けました。\n"
    )
    assert _org(text) == "株式会社例示クレジット"


def test_a_facility_signed_under_its_parent_is_the_parents_facility() -> None:
    text = (
        "個人情報の漏洩に関する事案の公表について\n"
        "この度、当院で検診を受けた患者様の報告書を別の患者様へ誤送付しました。\n"
        "深くお詫び申し上げます。\n令和6年11月15日\n独立行政法人例示病院機構\n汐見西医療センター\n"
        "院長 例示 太郎\n"
    )
    assert _org(text) == "独立行政法人例示病院機構汐見西医療センター"


# --- data items ---------------------------------------------------------------------------


def _items(text: str) -> set[str]:
    return {item.value for item in parse_text(text).data_items}


def test_a_membership_number_is_other_data_not_a_login() -> None:
    text = "会員管理システムが不正アクセスを受け、会員番号、氏名、電話番号が流出しました。\n"
    assert _items(text) == {"other", "name", "phone"}


@pytest.mark.parametrize(
    "sentence",
    [
        "他社サービスから流出したIDとパスワードによって不正ログインされ、氏名が閲覧されました。",
        "リスト型アカウントハッキングにより、会員の氏名が閲覧された可能性があります。",
        "職員の認証情報が窃取され、このアカウント経由で迷惑メールが送信され、氏名が流出しました。",
    ],
)
def test_credentials_used_to_break_in_are_not_leaked_data(sentence: str) -> None:
    assert _items(sentence + "\n") == {"name"}


@pytest.mark.parametrize(
    ("sentence", "item"),
    [
        ("不正アクセスにより、取引先の企業名や個人名が流出した可能性があります。", "name"),
        ("不正アクセスにより、顧客の会社名、部署名、担当者名が流出しました。", "name"),
        ("患者ID、氏名、居住市町村が記録されたUSBメモリを紛失しました。", "address"),
        ("患者様の氏名及び検診の結果内容が記載された報告書を誤送付しました。", "health"),
        ("氏名、パスポート番号が流出した可能性があります。", "other"),
        ("氏名・契約金額・口座番号などが記載された書類を紛失しました。", "other"),
    ],
)
def test_more_words_for_kinds_of_data(sentence: str, item: str) -> None:
    assert item in _items(sentence + "\n")


def test_an_aside_denies_only_what_it_holds() -> None:
    text = (
        "不正アクセスにより、以下の情報が流出した可能性があります。\n"
        "- 氏名\n- メールアドレス(パスワードは含まない)\n"
    )
    assert _items(text) == {"name", "email"}


# --- categories ---------------------------------------------------------------------------


def _categories(text: str) -> set[str]:
    return {category.value for category in parse_text(text).categories}


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "保存期間が満了していない住民票の写しを、職員が誤って廃棄していたことが判明しました。",
            {"loss_theft"},
        ),
        (
            "システムの設定不備に伴い、利用企業の画面上で他の学生の氏名が表示される状態となって"
            "いたことが判明しました。",
            {"misdelivery"},
        ),
        ("代理店システムの参照範囲設定誤りにより、お客様情報が漏えいしました。", {"misdelivery"}),
        (
            "学習管理システムのページに誤って学生を参加者として登録したため、名簿が閲覧可能と"
            "なる事案が発生しました。",
            {"misdelivery"},
        ),
        (
            "職員が「サポート詐欺」の被害に遭い、パソコンを遠隔で操作され、市民の氏名が流出した"
            "おそれがあります。",
            {"unauthorized_access"},
        ),
        (
            "弊社サーバーがランサムウェア攻撃を受け、お客様の氏名が流出した可能性があります。",
            {"ransomware", "unauthorized_access"},
        ),
        (
            "医療法人の病院がコンピューターウイルス「ランサムウエア」に感染し、患者の氏名を含む"
            "電子カルテが暗号化されました。",
            {"ransomware"},
        ),
        (
            "市の職員が住民記録システムを職務以外の目的で閲覧し、同僚の住所を不正収集していた"
            "ことが分かりました。",
            {"insider"},
        ),
        (
            "利用者1人のメールアカウントが不正にアクセスを受け、氏名が流出しました。",
            {"unauthorized_access"},
        ),
    ],
)
def test_more_ways_a_notice_states_what_happened(sentence: str, expected: set[str]) -> None:
    assert _categories(sentence + "\n") == expected


def test_a_setting_that_slowed_a_service_is_no_misdelivery() -> None:
    text = (
        "インターネットバンキングのシステム障害に関するお詫び\n\n"
        "データベースサーバーの設定不備により、処理能力が一時的に低下しました。"
        "お客様情報の漏えいはございません。\n"
    )
    assert not parse_text(text).is_incident


def test_a_fake_infection_warning_is_no_malware() -> None:
    text = (
        "委託先の従業員がPCを操作した際、ウイルス感染したという内容の表示があり、表示された"
        "番号に電話して指示に従ったところ、パソコンを遠隔操作され、利用者の氏名が漏えいした"
        "おそれがあります。\n"
    )
    assert _categories(text) == {"unauthorized_access"}


def test_an_investigation_into_intrusion_states_none() -> None:
    text = (
        "職員のパソコンがマルウェアに感染し、保存されていた氏名が漏洩した可能性があります。"
        "同日、外部の会社で不正アクセス状況等の調査を開始しました。\n"
    )
    assert _categories(text) == {"malware"}


def test_data_a_former_employee_took_and_left_viewable_is_insider_misuse() -> None:
    text = (
        "弊社元従業員によりお客さまの情報が無断で社外に持ち出され、インターネット上で閲覧可能な"
        "状態となりました。\n"
    )
    assert _categories(text) == {"insider"}


# --- people ---------------------------------------------------------------------------------


def _people(text: str) -> int | None:
    return parse_text(text).people_affected


def test_a_kanji_idiom_counts_nobody() -> None:
    text = (
        "一人暮らしの高齢者を訪ねる調査の票が未着となり、対象者の氏名と住所が記載された調査票を"
        "紛失しました。\n"
    )
    assert _people(text) is None


def test_people_counted_beside_the_records_about_them_are_the_count() -> None:
    text = "訪問調査票37件・対象者911人分の氏名、住所を記載した書類を紛失しました。\n"
    assert _people(text) == 911


def test_whoever_reported_or_was_disciplined_is_not_affected() -> None:
    text = (
        "宛先の設定を誤り、市民の氏名とメールアドレスが漏えいしました。"
        "受信した1人から「宛先に複数のアドレスが表示されている」と連絡があり発覚しました。\n"
    )
    assert _people(text) is None
    text = "戸籍情報を業務と関係なく閲覧し漏えいさせたとして、市は職員57人を懲戒処分にした。\n"
    assert _people(text) is None


def test_customers_and_staff_listed_apart_are_summed() -> None:
    text = (
        "委託先のサーバーがランサムウェアに感染し、以下の情報が流出した可能性があります。\n"
        "・顧客情報:3841件(会社名、住所、電話番号)\n・社員情報:2603名分\n"
    )
    assert _people(text) == 6444


def test_the_recipients_of_a_misdirected_mailing_are_not_another_group() -> None:
    text = (
        "お客様情報を含む一覧表を誤って送信しました。流出した個人情報は以下のとおりです。\n"
        "対象のお客様情報 253件\n対象のお客様宛:233件\n"
    )
    assert _people(text) == 253


def test_addresses_left_visible_to_every_recipient_leaked() -> None:
    text = (
        "職員がメールを転送する際、誤って市民25人の氏名とメールアドレスを受信した全員が確認"
        "できる状態のまま送信していた。\n"
    )
    assert _people(text) == 25


# --- discovered -----------------------------------------------------------------------------


def _discovered(text: str) -> dt.date | None:
    return parse_text(text).discovered


@pytest.mark.parametrize(
    ("text", "day"),
    [
        (
            "2024年1月18日、医師がUSBメモリを持ち帰りました。翌1月19日にUSBメモリを使おうとした際、"
            "患者の氏名を記録したUSBメモリを紛失したことに気付きました。\n",
            dt.date(2024, 1, 19),
        ),
        (
            "(1) 発生日・発覚日 令和6年7月10日(水)\n患者の氏名を記載した書類を紛失しました。\n",
            dt.date(2024, 7, 10),
        ),
        (
            "同社では、2023年1月4日にクレジットカード会社の連絡に基づいてカード決済を停止した。"
            "カード情報が漏洩した可能性がある。\n",
            dt.date(2023, 1, 4),
        ),
        (
            "2025年8月25日15時頃、子会社の従業員より、不審なメールが送信されてきたとの第一報が"
            "ありました。社員の氏名が流出した可能性があります。\n",
            dt.date(2025, 8, 25),
        ),
        (
            "さる2018年1月19日に、本学教員から、端末に不調があるとの連絡が担当者にあり、"
            "メールアカウントへの不正アクセスが認められ、氏名が漏えいしました。\n",
            dt.date(2018, 1, 19),
        ),
        (
            "カード情報が流出しました。情報流出の可能性が発覚したのは2016年3月4日。\n",
            dt.date(2016, 3, 4),
        ),
        (
            "委託先がランサムウェアに感染し、同6月26日には当社のお客様の氏名が漏えいしたことが"
            "確認されました。\n",
            None,  # `同6月26日` with no year before it is not a full date
        ),
        (
            "2023年8月15日に確認書を発送したところ、2023年8月18日に対象者から「他人の確認書が"
            "入っている」との連絡があり、氏名が漏えいしたことが分かりました。\n",
            dt.date(2023, 8, 18),
        ),
    ],
)
def test_how_a_notice_dates_learning_of_it(text: str, day: dt.date | None) -> None:
    assert _discovered(text) == day


def test_a_dated_topic_dates_the_finding() -> None:
    text = (
        "2024年6月1日、委託先がランサムウェアに感染しました。同年6月26日には当社のお客様の氏名が"
        "漏えいしたことが確認されました。\n"
    )
    assert _discovered(text) == dt.date(2024, 6, 26)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        (
            "2021年6月3日、弊社社員が社外においてお客様情報が記載された資料を紛失する事象が"
            "発生しました。\n",
            dt.date(2021, 6, 3),
        ),
        (
            "当センターは2022年10月31日早朝に発生したサイバー攻撃により電子カルテが利用できなく"
            "なり、患者の氏名が流出した可能性があります。\n",
            dt.date(2022, 10, 31),
        ),
    ],
)
def test_an_incident_known_as_it_happened_is_discovered_that_day(text: str, day: dt.date) -> None:
    assert _discovered(text) == day


# --- reported to ------------------------------------------------------------------------------


def _reported(text: str) -> set[str]:
    return {authority.value for authority in parse_text(text).reported_to}


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("書類を紛失しました。10日付で汐見署に届け出た。", {"police"}),
        ("USBメモリを紛失しました。20日に自宅近くの交番に遺失物届を提出した。", {"police"}),
        ("USBメモリを紛失しました。学校では警察に届けるとともに捜索を続けています。", {"police"}),
        ("元社員が顧客情報を持ち出しました。当社は警察に告訴しました。", {"police"}),
        (
            "サイバー攻撃を受けました。県、県警、厚生労働省などの各方面に連絡をしました。",
            {"police", "other_authority"},
        ),
        (
            "資料を紛失しました。取引保険会社各社、監督当局に対しても報告しております。",
            {"other_authority"},
        ),
    ],
)
def test_more_ways_to_say_it_was_reported(sentence: str, expected: set[str]) -> None:
    assert _reported(f"顧客の氏名が流出しました。{sentence}\n") == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "職員がシステムを管理する部署に相談したことで発覚した。",
        "中小企業庁によると、企業から相談があった。",
        "削除されたデータは顧客の住所や行政庁への提出書類だった。",
        "被害を警察に届け出た人の氏名が記載された書類を紛失した。",
    ],
)
def test_what_is_no_report_by_the_organization(sentence: str) -> None:
    assert _reported(f"顧客の氏名が流出しました。{sentence}\n") == set()


def test_a_password_protecting_a_file_is_no_leaked_password() -> None:
    text = (
        "学生の氏名を記載した名簿ファイルを誤って公開しました。"
        "なお名簿ファイルにはパスワード設定がなされていました。\n"
    )
    assert _items(text) == {"name"}


def test_a_note_denies_only_what_it_names() -> None:
    text = (
        "不正アクセスにより、以下のカード情報が流出した可能性があります。\n"
        "・カード番号、名義、有効期限 ※セキュリティコードは含まれていないことが確認できました\n"
    )
    assert _items(text) == {"card_number", "card_holder", "card_expiry"}


def test_a_note_line_still_denies_what_it_names() -> None:
    text = (
        "不正アクセスにより、以下の情報が表示される状態となっていました。\n"
        "・氏名、住所\n※クレジットカード番号、口座番号は表示されておりません。\n"
    )
    assert _items(text) == {"name", "address"}


def test_health_food_is_no_health_data() -> None:
    text = "健康食品通販サイトが不正アクセスを受け、お客様の氏名、住所が流出しました。\n"
    assert _items(text) == {"name", "address"}


# --- stage and published ----------------------------------------------------------------------


def _letter_head(body: str) -> str:
    return f"2024年5月10日\n\n株式会社例示商会\n\n個人情報の漏えいに関するお詫び\n\n{body}\n"


def test_a_report_on_an_incident_announced_before_is_an_update() -> None:
    text = (
        "2024年9月9日\n\n株式会社例示\n\n不正アクセスによる個人情報漏えいに関する調査結果\n\n"
        "2024年7月1日に公表いたしました、委託先への不正アクセスによる個人情報漏えい事案に"
        "つきまして、調査結果をご報告します。\n1.経緯と概要(2024年7月1日公表済)\n"
    )
    assert parse_text(text).stage.value == "update"


def test_reporting_to_an_authority_is_no_earlier_public_notice() -> None:
    text = _letter_head("個人情報保護委員会へは報告済みです。お客様の氏名が流出しました。")
    assert parse_text(text).stage.value == "report"


def test_an_own_notice_without_first_person_words_is_no_news_article() -> None:
    text = (
        "本文\n汐見町立の学校において、令和7年6月17日(火曜日)に児童の個人情報が漏えいする"
        "事案が発生いたしました。関係する皆様に心から深くお詫び申し上げます。\n"
    )
    assert parse_text(text).published is None


def test_a_date_labelled_as_the_press_releases_is_published() -> None:
    text = (
        "ここから本文です。\n記者発表日時:2025年12月12日18時\n担当部署名/農林水産部\n"
        "アンケートの集計ファイルを誤って送信し、回答者の氏名が漏えいしました。\n"
    )
    assert parse_text(text).published == dt.date(2025, 12, 12)


def test_a_head_line_dating_the_incident_does_not_date_the_notice() -> None:
    text = (
        "個人情報の紛失について(お詫び)株式会社例示パートナーズ\n\n業種 民間企業\n"
        "発生時期 2021/6/3\n\n6月3日、弊社社員がお客様リストを紛失しました。\n"
    )
    assert parse_text(text).published is None


def test_a_letter_signed_with_its_date_at_the_end_is_published_then() -> None:
    text = (
        "個人情報の漏洩に関する事案の公表について\n"
        "この度、当院で検診を受けた患者様の報告書を別の患者様へ誤送付しました。\n"
        "令和6年11月15日\n独立行政法人例示病院機構\n汐見西医療センター\n院長 例示 太郎\n"
    )
    assert parse_text(text).published == dt.date(2024, 11, 15)


def test_a_notice_quoted_at_the_end_of_a_blog_post_does_not_date_it() -> None:
    text = (
        "ブログ記事です。同社のプレスリリースによると以下とのことです。\n\n"
        "個人情報の流出に関するお詫び\n\n2017年5月9日\n株式会社例示サービス\n\n"
        "このたび、当社におきまして、ご登録者様の個人情報が外部に流出していたことが判明しました。\n"
    )
    assert parse_text(text).published is None


def test_groups_counted_in_brackets_are_summed() -> None:
    text = (
        "申込書を誤って別の業者に送信しました。\n漏えいした情報\nア 入院患者(4人)の氏名及び病名\n"
        "イ 退院患者(1人)の氏名及び年齢\n"
    )
    assert _people(text) == 5


def test_a_count_in_a_detail_of_an_item_is_no_group() -> None:
    text = (
        "対象者911名分の個人情報が記載された調査票を紛失したことが判明しました。\n"
        "紛失した個人情報\n・生徒 400名分の氏名\n"
        "・「児童訪問調査票(令和2年度分)」(37件・対象者438名分)\n"
    )
    assert _people(text) == 911


def test_someone_in_brackets_who_reported_it_is_not_affected() -> None:
    text = (
        "確認書を発送したところ、対象者(1名)から「他人の確認書の写しが入っている」との連絡があり、"
        "別の方の氏名が記載された書類を誤って送付したことが判明しました。\n"
    )
    assert _people(text) is None

"""Round 6: more of the ways real notices state counts, discovery and mistakes, each
pattern on a text written here (see tests/notices/real/README.md for the notices)."""

from __future__ import annotations

import datetime as dt

import pytest

from parsers.fields.doc import Doc
from parsers.fields.names import could_be_name, tidy_name
from parsers.notice import parse_text
from parsers.schema import Category

_HEAD = "個人情報の取扱いに関するお詫び\n\n"


# --- counts stated as the number of personal data ----------------------------------------


def test_a_count_labelled_as_the_number_of_personal_data_is_the_count() -> None:
    text = _HEAD + "弊社サーバーが不正アクセスを受けました。\n対象となる個人情報の件数 12,345件\n"
    assert parse_text(text).people_affected == 12345


def test_a_total_said_to_be_the_number_of_personal_data_is_the_count() -> None:
    text = _HEAD + (
        "弊社サーバーが不正アクセスを受けました。個人情報の数としては、1)会員約300名、"
        "2)元会員約700名、合計約1000名になります。\n"
    )
    assert parse_text(text).people_affected == 1000


def test_accounts_found_logged_into_are_the_count() -> None:
    text = _HEAD + (
        "当社サービスで第三者による不正ログインが発生しました。"
        "不正ログインが確認されたアカウントは、最大で2万3456件です。\n"
    )
    assert parse_text(text).people_affected == 23456


def test_a_count_of_personal_data_in_general_is_not_taken_without_the_label() -> None:
    text = _HEAD + "弊社サーバーが不正アクセスを受けました。弊社は約5000件の取引を扱っています。\n"
    assert parse_text(text).people_affected is None


# --- discovery in timelines and reported messages ----------------------------------------


def test_a_timeline_dates_the_finding_under_its_date_line() -> None:
    text = _HEAD + (
        "当会において申請書類が所在不明となりました。\n\n経緯\n"
        "■令和5年3月1日(水)\n  ・担当者が書類を封筒に入れて送付の準備をした。\n"
        "■令和5年3月20日(月)\n  ・送付先に問い合わせたところ、書類が届いていないことが判明した。\n"
        "■令和5年3月22日(水)\n  ・警察に遺失物届を提出した。\n"
    )
    assert parse_text(text).discovered == dt.date(2023, 3, 20)


def test_a_date_alone_at_the_top_is_no_timeline() -> None:
    text = (
        "お知らせ\n\n2023.05.10\n\n書類の紛失について\n\n"
        "当社において、お客様の書類を紛失していることが判明いたしました。\n"
    )
    assert parse_text(text).discovered is None


def test_a_message_passed_on_by_phone_dates_the_discovery() -> None:
    text = _HEAD + (
        "令和2年6月3日に市民から、「知らない団体から案内が届いた。名簿が漏れているのではないか。」"
        "との電話があった。調査の結果、職員が名簿を不正に持ち出していたことが分かった。\n"
    )
    assert parse_text(text).discovered == dt.date(2020, 6, 3)


def test_a_quoted_full_stop_does_not_end_the_quoting_sentence() -> None:
    doc = Doc("住民から「封筒が届いた。中身が違う。」との連絡があった。次の文。")
    assert [s.text for s in doc.sentences] == [
        "住民から「封筒が届いた。中身が違う。」との連絡があった。",
        "次の文。",
    ]


# --- a file attached by mistake -------------------------------------------------------------


def test_a_file_attached_by_mistake_is_misdelivery() -> None:
    text = _HEAD + (
        "協会員の皆様へご報告します。事務局から退会手続きの案内をメールで送った際、"
        "会員名簿のファイルを添付してしまいました。\n"
    )
    assert Category.MISDELIVERY in parse_text(text).categories


def test_an_unneeded_file_attached_is_misdelivery() -> None:
    text = _HEAD + "当課から送ったメールに、不要なファイルを添付していたことが判明しました。\n"
    assert Category.MISDELIVERY in parse_text(text).categories


# --- an own notice named by its site ------------------------------------------------------

_OWN_BODY = (
    "このたび、弊社より送信したメールにおいて、お客様のメールアドレスが表示される状態と"
    "なっておりました。\n"
)


def test_the_site_after_a_page_title_names_an_own_notice() -> None:
    parsed = parse_text("メール誤送信に関するお詫び | 焼菓子の通販の例示ベーカリー\n\n" + _OWN_BODY)
    assert (parsed.organization, parsed.title) == ("例示ベーカリー", "メール誤送信に関するお詫び")


def test_a_breadcrumb_names_an_own_notice() -> None:
    text = "1. 例示証券トップ\n2. お知らせ\n\nメール誤送信に関するお詫び\n\n" + _OWN_BODY
    assert parse_text(text).organization == "例示証券"


def test_a_generic_breadcrumb_names_nobody() -> None:
    text = "公式サイトトップ > お知らせ\n\nメール誤送信に関するお詫び\n\n" + _OWN_BODY
    assert parse_text(text).organization is None


def test_a_news_site_after_an_article_title_is_not_the_organization() -> None:
    text = (
        "例示市でメール誤送信 | 例示新聞\n\n"
        "例示市は3日、市民約40人のメールアドレスが漏えいしたと発表した。\n"
    )
    assert parse_text(text).organization == "例示市"


# --- a second group that had only part of the data leaked ----------------------------------


def test_a_group_with_only_part_of_the_data_leaked_is_added_but_holds_no_cards() -> None:
    parsed = parse_text(
        _HEAD
        + "調査の結果、カード情報および個人情報が流出したと考えられるお客様は最大2,000名でした。"
        "また、カード情報以外の個人情報のみが流出した可能性のあるお客様は最大5,000名でした。\n"
    )
    assert (parsed.people_affected, parsed.cards_affected) == (7000, 2000)


def test_a_first_group_already_limited_to_part_of_the_data_is_not_added_to() -> None:
    parsed = parse_text(
        _HEAD + "氏名のみが流出した可能性のあるお客様は300名です。"
        "また、住所のみが流出した可能性のあるお客様は20名です。\n"
    )
    assert parsed.people_affected == 300


def test_names_of_organizations_departments_and_posts_are_other() -> None:
    text = (
        _HEAD + "閲覧可能であった情報には、組織名、部署名、役職名、氏名、メールアドレスが"
        "含まれていました。\n"
    )
    assert parse_text(text).data_items == ["name", "email", "other"]


def test_grades_with_the_years_in_brackets_are_other() -> None:
    text = _HEAD + (
        "紛失したUSBメモリには、生徒の氏名、学習成績(令和3年度から令和5年度:のべ120名分)が"
        "記録されていた。\n"
    )
    assert parse_text(text).data_items == ["name", "other"]


# --- keywords in a condition --------------------------------------------------------------


def test_a_shop_announcing_stronger_card_checks_reports_no_incident() -> None:
    text = (
        "お客様各位\n弊社オンラインショップでは、本人認証サービスを導入いたしました。"
        "カード情報を盗まれると、悪用されてしまう可能性があります。\n"
    )
    assert parse_text(text).is_incident is False


def test_an_advisory_on_a_vulnerability_reports_no_incident() -> None:
    text = (
        "例示ソフト社は、自社製品に脆弱性があることを確認し、この脆弱性を悪用された場合、"
        "攻撃者が任意のコードを実行できる可能性があると公表した。\n"
    )
    assert parse_text(text).is_incident is False


def test_a_stated_attack_beside_a_condition_is_still_an_incident() -> None:
    text = _HEAD + (
        "当社サーバーが脆弱性を悪用した不正アクセスを受けました。"
        "個人情報が流出した場合には、速やかにお知らせします。\n"
    )
    assert Category.UNAUTHORIZED_ACCESS in parse_text(text).categories


def test_a_timeline_line_over_several_days_dates_a_finding_by_its_first_day() -> None:
    text = _HEAD + (
        "弊社サービスにおいて個人情報が閲覧可能となっていました。\n\n経緯\n"
        " □令和2年2月6日(木)~2月9日(日)\n"
        "  ・ご利用者様より、他の方の情報が見えるとのご指摘の連絡を受け、調査を開始しました。\n"
        " □令和2年2月10日(月)\n  ・設定を修正しました。\n"
    )
    assert parse_text(text).discovered == dt.date(2020, 2, 6)


def test_a_timeline_without_bullets_dates_the_finding_under_its_date_line() -> None:
    text = _HEAD + (
        "当会で調査票を紛失しました。\n経緯\n■令和3年2月1日\n調査票が未着であったため、提出者に確認した。\n"
        "事務室内を探したところ、受領していたことが判明した。\n■令和3年2月3日\n警察に届け出た。\n"
    )
    assert parse_text(text).discovered == dt.date(2021, 2, 1)


def test_a_finding_minutes_after_a_dated_event_is_dated_that_day() -> None:
    text = (
        "例示市は3月2日、委託先が案内メールを誤送信したと発表しました。\n"
        "市によりますと、委託先が、2024年2月27日、参加者80人に案内メールを送信しました。"
        "宛先欄に全員のアドレスを入力していました。"
        "メール送信から約15分後、受信者から連絡があり、誤送信が発覚しました。\n"
    )
    assert parse_text(text).discovered == dt.date(2024, 2, 27)


def test_a_finding_some_time_later_is_not_dated_by_the_event() -> None:
    text = (
        "例示市は3月2日、委託先が案内メールを誤送信したと発表しました。\n"
        "委託先が、2024年2月27日、参加者80人に案内メールを送信しました。"
        "その後、受信者から連絡があり、誤送信が発覚しました。\n"
    )
    assert parse_text(text).discovered is None


# --- names in news leads ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("配管設計・施工を手がける例示工業株式会社", "例示工業株式会社"),
        ("検査機器の研究開発等を行う例示テック株式会社", "例示テック株式会社"),
        ("町立例示病院のサーバー", "町立例示病院"),
        ("例示商事のシステム", "例示商事"),
    ],
)
def test_what_a_lead_says_around_a_name_is_not_part_of_it(written: str, name: str) -> None:
    assert tidy_name(written) == name


@pytest.mark.parametrize("subject", ["自社", "不正アクセス", "イベント申込者8名の個人情報"])
def test_what_happened_or_leaked_is_no_name(subject: str) -> None:
    assert not could_be_name(subject)


def test_a_lead_with_a_spaced_day_cut_by_a_line_break_names_its_subject() -> None:
    text = (
        "例示新聞社は 8 日、会員情報を管理するシステムへの不正アクセスによる個人情報流出を"
        "報告し、謝罪した\n(不正アクセスによる個人情報流出に関するおわびとご報告)。\n"
    )
    assert parse_text(text).organization == "例示新聞社"


def test_a_quoted_subject_after_its_trade_is_the_organization() -> None:
    text = (
        "酒造大手「例示盛」(汐見市)は20日、自社が管理運用するサーバーが第三者による"
        "不正アクセスを受けたと発表した。\n"
    )
    assert parse_text(text).organization == "例示盛"


# --- public schools and hospitals -------------------------------------------------------


def test_a_labelled_school_is_the_organization_of_a_prefectures_release() -> None:
    text = (
        "県立高等学校における生徒の個人情報漏えいについて\n記者発表資料\n令和7年4月10日\n"
        "教育庁高校教育課\n学校名\n例示県汐見高等学校\n発生日時\n令和7年4月8日\n"
        "生徒の個人情報を含むファイルを誤って送信しました。\n"
    )
    assert parse_text(text).organization == "例示県汐見高等学校"


def test_a_kind_of_public_school_is_no_name_but_the_school_named_in_full_is() -> None:
    text = (
        "県立高等学校における個人情報の紛失について\n\n掲載日:2015年11月2日\n\n"
        "県立汐見工業高等学校の教員が、生徒107名分の氏名を記録したUSBメモリを紛失しました。\n"
    )
    assert parse_text(text).organization == "県立汐見工業高等学校"


def test_public_schools_of_a_kind_run_together_are_no_school() -> None:
    text = (
        "校務支援システムへの不正アクセスについて\n\n令和6年6月10日\nあさみ市教育委員会\n\n"
        "市立小中学校で使用している校務支援システムが不正アクセスを受けました。\n"
    )
    assert parse_text(text).organization == "あさみ市教育委員会"


def test_a_municipal_hospitals_branch_signed_with_its_section_is_the_branch() -> None:
    text = (
        "分院における記憶媒体の紛失について\n\n今般、市立例示市民病院汐見分院において個人情報が"
        "記録されたUSBメモリを紛失する事案が発生しました。深くお詫び申し上げます。\n\n"
        "市立例示市民病院汐見分院 管理課\n"
    )
    assert parse_text(text).organization == "市立例示市民病院汐見分院"


def test_a_title_naming_a_short_form_gives_the_name_signed_in_full() -> None:
    text = (
        "汐見分院における保有個人情報の紛失について\n\n当院において、患者様の個人情報を記録した"
        "USBメモリを紛失しました。深くお詫び申し上げます。\n\n市立例示市民病院汐見分院 管理課\n"
    )
    assert parse_text(text).organization == "市立例示市民病院汐見分院"


# --- heads: spaced dates, signers, titles that name the organization ---------------------


def test_a_spaced_date_does_not_make_a_head_line_letter_spaced() -> None:
    parsed = parse_text(
        "【事件簿#2023-1】例示工業株式会社 ランサムウェア被害の調査結果について"
        " 2023 年 7 月 7 日\n\n"
        "当社サーバーがランサムウェアに感染した件の調査結果をお知らせします。\n"
    )
    assert (parsed.organization, parsed.published) == ("例示工業株式会社", dt.date(2023, 7, 7))


def test_an_issuer_line_with_its_signer_names_the_issuer() -> None:
    text = (
        "弊社メールアカウントの不正利用についてお詫び\n\n平成29年6月19日\n"
        "株式会社例示コンサルタンツ 代表取締役 山田 太郎\n\n"
        "弊社のメールアカウントが第三者に不正アクセスされ、迷惑メールが送信されました。\n"
    )
    assert parse_text(text).organization == "株式会社例示コンサルタンツ"


def test_a_title_naming_what_was_attacked_names_the_organization() -> None:
    text = (
        "例示大学への不正アクセスによる個人情報の流出について\n\n"
        "本学教員のメールアカウントが不正にアクセスされました。\n"
    )
    assert parse_text(text).organization == "例示大学"


def test_a_title_wrapped_over_two_lines_names_the_shop_it_opens_with() -> None:
    text = (
        "例示亭ネットショップへの不正アクセスによるクレジットカード情報および\n"
        "個人情報漏洩に関するご質問等\n"
        "このたびの不正アクセスによる個人情報漏洩に関するご質問について、ご回答をご用意いたしました。\n"
    )
    assert parse_text(text).organization == "例示亭"


# --- look-alikes -----------------------------------------------------------------------


def test_a_warning_titled_be_careful_is_no_incident() -> None:
    text = (
        "インスタグラムの乗っ取りに注意!\n■状況\n管内では、店のインスタグラムが乗っ取られて"
        "しまったという相談が多数寄せられています。\n"
    )
    assert parse_text(text).is_incident is False


def test_ways_of_a_leak_in_general_are_no_incident() -> None:
    text = "お客様各位\nクレジットカードの情報流出について、代表的な手口をご紹介します。\n"
    assert parse_text(text).is_incident is False


def test_what_would_follow_opening_a_file_is_no_infection() -> None:
    text = (
        "管財課を装った不審メールに御注意ください。\nこの不審メールにはファイルが添付されており、"
        "ファイルを開いた場合、ウイルスに感染する可能性があります。\n"
    )
    assert parse_text(text).is_incident is False


def test_a_disease_named_after_a_virus_is_no_malware() -> None:
    text = _HEAD + "新型コロナウイルス感染症に関する名簿を含む文書が散乱していました。\n"
    assert parse_text(text).categories == [Category.LOSS_THEFT]


# --- categories in the words of real notices ----------------------------------------------


def test_a_mail_account_impersonated_to_send_spam_is_unauthorized_access() -> None:
    text = _HEAD + "弊社メールアカウントのなりすましによるスパムメール送信が確認されました。\n"
    assert Category.UNAUTHORIZED_ACCESS in parse_text(text).categories


def test_a_nurse_looking_up_records_beyond_her_duties_is_insider() -> None:
    text = (
        "例示大学によると、看護師の1名は電子カルテシステムを利用して、職務に関係のない"
        "患者のカルテを不正閲覧していた。\n"
    )
    assert Category.INSIDER in parse_text(text).categories


def test_staff_sending_and_handing_over_by_mistake_is_misdelivery() -> None:
    text = (
        "例示市の職員がメールを間違って送信したり、名簿を誤って手渡したりして、個人情報が"
        "相次いで流出していたことがわかりました。\n"
    )
    assert parse_text(text).categories == [Category.MISDELIVERY]


def test_documents_destroyed_by_mistake_are_loss() -> None:
    text = _HEAD + "福祉課において、個人情報を含む文書の一部を誤って滅失したことが判明しました。\n"
    assert parse_text(text).categories == [Category.LOSS_THEFT]


# --- what a count counts -----------------------------------------------------------------


def test_incidents_counted_are_no_people() -> None:
    text = (
        "県立高校において個人情報が漏えいする事案が2件発生しました。\n"
        "2学年生徒19名を対象とした名簿を紛失しました。\n"
    )
    assert parse_text(text).people_affected == 19


def test_mails_sent_by_mistake_are_counted_as_records() -> None:
    text = _HEAD + "メールアドレスデータの作成ミスがあり、誤送信が全227件発生しました。\n"
    assert parse_text(text).people_affected == 227


def test_those_a_file_was_shared_with_are_not_whose_data_it_held() -> None:
    text = _HEAD + (
        "ファイルはクラスの生徒計82名と共有されたが、このファイルに3年生313人分の自己採点結果が"
        "含まれており、閲覧可能な状態となっていた。\n"
    )
    assert parse_text(text).people_affected == 313


def test_the_nurse_who_acted_is_not_counted() -> None:
    text = (
        "例示大学によると、看護師の1名は電子カルテを利用して、1,000件以上の患者カルテを"
        "不正に閲覧していた。\n"
    )
    assert parse_text(text).people_affected == 1000


def test_a_count_restated_in_a_cleft_sentence_is_not_a_second_group() -> None:
    text = (
        "委託先がランサムウェア被害\n\n漏洩の恐れがあるのは報道関係者など914人分の個人情報で、"
        "氏名や連絡先などが含まれています\n\n"
        "今回の攻撃で流出した可能性があるのは、報道関係者など914人分の名刺に記載された情報です\n"
    )
    assert parse_text(text).people_affected == 914


def test_school_years_counted_side_by_side_are_summed() -> None:
    text = (
        _HEAD + "教員が、2年生107名、3年生75名分の氏名と成績を記録したUSBメモリを紛失しました。\n"
    )
    assert parse_text(text).people_affected == 182


# --- data items as real notices word them -------------------------------------------------


def test_an_account_holders_name_and_last_digits_are_no_card_data() -> None:
    parsed = parse_text(
        _HEAD + "他のお客様の画面に以下の情報が表示されていました。\n"
        "・銀行名・支店名・口座名義・口座番号(下3桁のみ)\n・クレジットカード会社名・カード番号(下4桁のみ)\n"
    )
    assert (parsed.data_items, parsed.card_data_leaked) == (
        ["name", "bank_account", "other"],
        False,
    )


def test_a_file_saved_without_a_password_leaks_no_password() -> None:
    text = (
        _HEAD
        + "職員が氏名、住所を含む処理票をパスワードをかけずに保存したUSBメモリを紛失しました。\n"
    )
    assert parse_text(text).data_items == ["name", "address"]


def test_credentials_said_not_to_be_the_cause_are_not_leaked() -> None:
    text = _HEAD + (
        "他の会員の登録情報が表示される不具合がありました。なお、本件はID・パスワードの漏洩や"
        "不正アクセス等により発生したものではありません。\n"
    )
    assert parse_text(text).data_items == []


def test_a_word_inside_a_quoted_event_name_is_no_item() -> None:
    text = _HEAD + (
        "イベント「まるごと健康ウィーク2024」の申込者8名の氏名と住所が閲覧可能な状態と"
        "なっていました。\n"
    )
    assert parse_text(text).data_items == ["name", "address"]


def test_a_timeline_of_bracketed_date_lines_dates_the_finding() -> None:
    text = _HEAD + (
        "福祉課において文書の一部を誤って滅失したことが判明しました。\n経過\n"
        "【令和7年2月19日(水曜日)】\n廃棄用の箱に入れた文書がないことを職員が発見しました。\n"
        "【令和7年2月20日(木曜日)】\n庁舎内を捜索しました。\n"
    )
    assert parse_text(text).discovered == dt.date(2025, 2, 19)


def test_a_contact_confirmed_on_a_date_dates_the_discovery() -> None:
    text = _HEAD + (
        "この情報漏洩の原因となったのが2022年8月26日に確認された、決済代行会社からの連絡でした。"
        "カード情報が流出した可能性があります。\n"
    )
    assert parse_text(text).discovered == dt.date(2022, 8, 26)


# --- updates in the words of news and reposts ---------------------------------------------


def test_a_news_article_recalling_an_earlier_announcement_is_an_update() -> None:
    text = (
        "例示新聞社は8日、会員情報の流出を報告した。不正アクセスは7月2日に確認され、"
        "5日には発信元の遮断といった対策を発表していた。\n"
    )
    assert parse_text(text).stage.value == "update"


def test_a_notice_numbered_as_the_second_part_is_an_update() -> None:
    text = "メール連絡に伴う情報漏えいに関するお詫び(その2)\n\n当社の代理店で誤送信がありました。\n"
    assert parse_text(text).stage.value == "update"


def test_an_investigations_results_citing_no_earlier_notice_are_a_report() -> None:
    text = (
        "例示工業株式会社 ランサムウェア被害の調査結果について\n\n"
        "当社サーバーがランサムウェアに感染した件について、調査結果をお知らせします。\n"
    )
    assert parse_text(text).stage.value == "report"


# --- schools and places in news leads ----------------------------------------------------


def test_a_board_announcing_for_a_school_named_without_its_city_gives_the_school() -> None:
    text = (
        "例示市教育委員会は12月19日に記者会見を開き、汐見小学校に勤務する教諭が児童の成績が"
        "入ったUSBメモリーを紛失したと発表し、謝罪しました。\n"
    )
    assert parse_text(text).organization == "汐見小学校"


def test_an_unnamed_school_somewhere_in_a_prefecture_gives_the_prefecture() -> None:
    text = (
        "2026年1月30日、例示県内の県立高校で、生徒313名分の採点結果が誤って他の生徒に"
        "共有される事案が発生した。\n"
    )
    assert parse_text(text).organization == "例示県"


def test_a_lead_opening_with_a_day_names_the_organization_after_it() -> None:
    text = "10月22日、例示大学の附属病院に所属する看護師2名が懲戒処分された。\n"
    assert parse_text(text).organization == "例示大学"


@pytest.mark.parametrize("kind", ["豊島区立小学校", "県立高等学校", "市立小中学校"])
def test_a_kind_of_public_school_with_or_without_its_place_is_no_name(kind: str) -> None:
    assert not could_be_name(kind)


# --- what a leaked set or a lost device held ------------------------------------------------


def test_what_the_leaked_data_contained_is_itemized() -> None:
    text = (
        "例示新聞社は8日、会員向けシステムへの不正アクセスで会員情報が流出したと発表した。\n"
        "個人情報には氏名・住所・電話番号・生年月日が含まれ、クレジットカード情報は含まれない。\n"
    )
    parsed = parse_text(text)
    assert (parsed.data_items, parsed.card_data_leaked) == (
        ["name", "address", "phone", "birthdate"],
        False,
    )


def test_what_a_stolen_device_held_is_itemized() -> None:
    text = (
        "例示病院で職員の業務用端末が盗難にあった。\n"
        "当該端末には、患者数千件分の一部情報(氏名、生年月日、住所、診療情報)が保存されていた。\n"
    )
    assert parse_text(text).data_items == ["name", "address", "birthdate", "health"]


def test_what_a_list_had_written_on_it_is_itemized() -> None:
    text = (
        "職員がプレゼントの中に名簿を誤って入れて渡し、個人情報が流出しました。\n"
        "名簿には名前や住所、電話番号が書かれていました。\n"
    )
    assert parse_text(text).data_items == ["name", "address", "phone"]


def test_a_count_said_of_the_customer_data_is_the_count() -> None:
    text = (
        _HEAD + "委託先のサーバーが不正アクセスを受けました。送信されていた顧客情報は、11,941件。\n"
    )
    assert parse_text(text).people_affected == 11941


def test_data_attached_to_a_misdirected_mail_is_counted() -> None:
    text = (
        "職員が資料を誤ったメールアドレスに送ってしまいました。資料には、本来送るべきではない"
        "応募者704人分の個人情報が添付されていました。\n"
    )
    assert parse_text(text).people_affected == 704


def test_data_found_taken_out_is_counted() -> None:
    text = (
        "元社員による情報の持ち出しについて\n\n持ち出しが確認された情報は、患者情報885名分です。\n"
    )
    assert parse_text(text).people_affected == 885


def test_a_period_saying_which_patients_records_were_held_is_no_exposure() -> None:
    text = _HEAD + (
        "当院において患者様366名分の病名を記録したUSBメモリを紛失しました。\n"
        "※平成26年8月1日から平成28年3月31日に当院に入院された患者様より抽出\n"
    )
    parsed = parse_text(text)
    assert (parsed.exposure_start, parsed.exposure_end) == (None, None)


@pytest.mark.parametrize(
    ("written", "name"),
    [("話題例示通運", "例示通運"), ("【汐見】例示通運", "例示通運")],
)
def test_a_news_sections_label_is_not_part_of_a_name(written: str, name: str) -> None:
    assert tidy_name(written) == name


def test_a_town_named_with_its_district_is_the_town() -> None:
    text = "例示県東松浦郡汐見町は15日、職員が住民の個人情報を不正に閲覧していたと発表した。\n"
    assert parse_text(text).organization == "汐見町"


def test_an_issuer_with_its_legal_form_then_dewa_is_the_issuer() -> None:
    text = (
        "学校法人例示大学では、保守を委託している会社のサーバーがランサムウェアに感染し、"
        "学生の個人情報が流出した可能性があることが判明しました。\n"
    )
    assert parse_text(text).organization == "学校法人例示大学"


def test_what_began_it_is_no_name() -> None:
    assert not could_be_name("きっかけ")


def test_an_advisory_saying_what_exploitation_would_do_is_no_incident() -> None:
    text = (
        "例示機構は4月20日、例示ソフトの脆弱性について発表した。情報が公開されているが、"
        "脆弱性が悪用されると、機微な情報を不正に改ざんされる可能性がある。\n"
    )
    assert parse_text(text).is_incident is False


def test_a_survey_of_leaks_counted_over_years_is_no_incident() -> None:
    text = (
        "例示リサーチは、上場企業の個人情報漏えい事故の調査を行い、その結果を発表した。"
        "5年間に漏えいした可能性のある個人情報は、累計で最大延べ7545万人分に達した。\n"
    )
    assert parse_text(text).is_incident is False


def test_an_employee_named_after_the_data_taken_out_is_insider() -> None:
    text = (
        "工具メーカー「例示精工」の設計データを不正に持ち出したとして、県警は27日、同社社員を"
        "不正競争防止法違反の疑いで逮捕した。\n"
    )
    assert parse_text(text).categories == [Category.INSIDER]


def test_a_ransom_screen_in_the_sentence_names_the_virus_ransomware() -> None:
    text = (
        "ランサムウェアに市のパソコンが感染\n職員がパソコンを起動させたところ、身代金を要求する画面が"
        "表示され、ウイルス感染が発覚した。\n"
    )
    assert Category.MALWARE not in parse_text(text).categories


def test_a_definition_and_a_denied_cause_state_no_malware() -> None:
    text = _HEAD + (
        "当社サーバーが第三者から不正アクセスを受けました。本不正アクセスの方法はマルウェア感染"
        "などではなく、正規のリクエストを装ったものでした。「マルウェア」とは、不正な動作をする"
        "プログラムの総称です。\n"
    )
    assert parse_text(text).categories == [Category.UNAUTHORIZED_ACCESS]


# --- own notices naming themselves beside their first person --------------------------


def test_an_own_notice_naming_itself_after_we_is_the_issuer() -> None:
    text = (
        "弊社工場システムへの不正侵入被害に関するお詫び\n皆様におかれましては、ご清祥のことと"
        "お慶び申し上げます。\n弊社、例示印刷(株)は、外部からの不正侵入を受けました。\n"
    )
    assert parse_text(text).organization == "例示印刷(株)"


def test_an_issuer_with_an_aside_before_its_alias_is_the_issuer() -> None:
    text = (
        "Eメール誤送信についてのお詫び\n\n株式会社例示コスメ(本社:東京都渋谷区、代表取締役:山田"
        " 太郎)(以下、「当社」)は、お客様へのメールを誤送信いたしました。"
        "弊社のお客様にご迷惑をおかけしました。\n"
    )
    assert parse_text(text).organization == "株式会社例示コスメ"


def test_a_mayor_signing_the_head_names_the_city() -> None:
    text = (
        "市職員による住民基本台帳システムの不正閲覧についてお詫びいたします\n\n"
        "更新日 2021年9月29日\n\n"
        "汐見市長 山田 太郎\n\nこのたび、市職員による不正閲覧が判明しました。\n"
    )
    assert parse_text(text).organization == "汐見市"


def test_the_site_operator_quoted_after_its_trade_is_the_organization() -> None:
    text = (
        "農産物を取り扱う「例示青果オンラインショップ」で、不正アクセスによる情報流出が発生した。\n"
        "サイト運営の「例示青果」によると、カード情報が流出した可能性がある。\n"
    )
    assert parse_text(text).organization == "例示青果"


# --- credentials and words that are no leaked items ---------------------------------------


def test_a_password_stolen_to_log_in_is_the_means_not_leaked_data() -> None:
    text = (
        _HEAD + "何らかの方法でパスワードが盗まれ、不正ログインされたとみられる。"
        "会員の氏名が閲覧された。\n"
    )
    assert parse_text(text).data_items == ["name"]


def test_a_teachers_mail_password_taken_is_the_means_not_leaked_data() -> None:
    text = (
        "教員のメールのパスワードが何者かに不正に取得されたことが原因で、学生の氏名が流出した。\n"
    )
    assert parse_text(text).data_items == ["name"]


def test_a_file_protected_by_a_password_leaks_no_password() -> None:
    text = _HEAD + "学籍番号が入力されたファイルも流出したが、パスワードがかけられているという。\n"
    assert "password" not in parse_text(text).data_items


def test_a_health_and_welfare_department_is_no_health_data() -> None:
    text = _HEAD + "申請者の氏名や住所が誤って公開されていた。市健康福祉部の部長が謝罪した。\n"
    assert parse_text(text).data_items == ["name", "address"]

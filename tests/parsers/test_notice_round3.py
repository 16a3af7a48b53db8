"""Round 3: general patterns behind misses on unseen notices, each on a notice written here."""

from __future__ import annotations

import datetime as dt

import pytest

from parsers.errors import PdfError
from parsers.jpdate import find_periods
from parsers.notice import parse_text
from parsers.pdf import pdf_to_text, unwrap_lines
from parsers.schema import Authority, Category, DataItem, Stage


def _letter(body: str, title: str = "個人情報の漏えいに関するお詫び") -> str:
    return f"2024年5月10日\n\nお客様各位\n\n株式会社例示商会\n\n{title}\n\n{body}"


# --- organization ---------------------------------------------------------------------


def test_a_blog_series_tag_is_not_part_of_the_issuer() -> None:
    text = (
        "【セキュリティ事件簿#2024-042】株式会社例示ネット 当社サーバへの不正アクセスについて"
        " 2024/3/1\n\n当社サーバが不正アクセスを受け、お客様の氏名が流出した可能性があります。"
    )
    assert parse_text(text).organization == "株式会社例示ネット"


def test_a_news_subject_without_legal_form_is_taken_when_the_headline_leads_with_it() -> None:
    text = (
        "例示精機、社員PCがマルウェア感染　取引先情報流出の恐れ\n\n"
        "計測機器メーカーの例示精機(東京都例示市)は2024年3月9日、社員のパソコンがマルウェアに"
        "感染し、取引先の氏名など約500件が流出した可能性があると発表した。\n"
    )
    assert parse_text(text).organization == "例示精機"


def test_a_news_subject_that_announced_it_is_taken_though_the_headline_does_not_name_it() -> None:
    text = (
        "取引先情報流出の恐れ　社員PCがマルウェア感染\n\n"
        "例示精機は2024年3月9日、社員のパソコンがマルウェアに感染し、取引先の氏名など"
        "約500件が流出した可能性があると発表した。\n"
    )
    assert parse_text(text).organization == "例示精機"


def test_an_arrest_report_names_the_victim_not_the_police() -> None:
    text = (
        "顧客情報持ち出しで元社員を逮捕 ─ 例示県警\n\n"
        "例示県警は2024年6月18日、勤務先から顧客情報を持ち出したとして元社員の男を逮捕したと"
        "発表した。\n\n被害に遭ったのは、株式会社例示キャリア(本社・東京都)。同社によると、"
        "男は顧客約900人分の氏名を持ち出していたという。\n"
    )
    assert parse_text(text).organization == "株式会社例示キャリア"


def test_a_page_that_never_says_heisha_is_signed_off_by_its_company() -> None:
    text = (
        "【お詫び】不正アクセスによる会員情報流出について\n"
        "いつも「例示ゲーム」をご利用いただき、ありがとうございます。\n"
        "2024年11月2日、ゲームサーバーが不正アクセスを受け、会員のメールアドレスが流出した"
        "可能性があることが判明いたしました。\n"
        "株式会社例示ゲームス\n例示ゲーム運営チーム\n"
    )
    assert parse_text(text).organization == "株式会社例示ゲームス"


def test_a_place_name_with_ga_is_part_of_a_school_name() -> None:
    text = (
        "令和5年12月22日\n\n保護者の皆様へ\n\n例示市立星が丘中学校\n校長 例示 太郎\n\n"
        "生徒の個人情報を含む書類の紛失について(お詫び)\n\n"
        "本校教員が、生徒30名分の氏名を記載した書類を紛失しました。\n"
    )
    assert parse_text(text).organization == "例示市立星が丘中学校"


# --- reported_to ----------------------------------------------------------------------


def test_agencies_short_ministry_names_and_prefectural_offices_are_other_authorities() -> None:
    for sentence in (
        "4月13日、観光庁に報告いたしました。",
        "同日、文科省へ報告しました。",
        "翌3日、県総務部私学振興課へ本事案を報告いたしました。",
        "同院は厚生労働省と県に連絡した。",
    ):
        leak = "当社サーバーへの不正アクセスにより、お客様の氏名が流出しました。"
        text = _letter(leak + sentence)
        assert parse_text(text).reported_to == [Authority.OTHER_AUTHORITY], sentence


def test_prefectural_police_headquarters_is_police_only() -> None:
    text = _letter(
        "当社サーバーへの不正アクセスにより、お客様の氏名が流出しました。"
        "例示県警察本部サイバー犯罪対策課に相談しております。"
    )
    assert parse_text(text).reported_to == [Authority.POLICE]


def test_reporting_alongside_another_step_is_done_unless_put_in_the_future() -> None:
    done = _letter(
        "職員が顧客の氏名を記載した書類を紛失しました。"
        "当社は例示財務局に報告するとともに、対象の顧客に個別に謝罪する予定です。"
    )
    planned = _letter(
        "職員が顧客の氏名を記載した書類を紛失しました。"
        "今後、例示財務局に報告するとともに、対象の顧客に個別に謝罪いたします。"
    )
    assert parse_text(done).reported_to == [Authority.OTHER_AUTHORITY]
    assert parse_text(planned).reported_to == []


# --- is_incident and categories -------------------------------------------------------


def test_a_contractors_unauthorized_subcontracting_is_an_incident_of_category_other() -> None:
    text = _letter(
        "2024年2月14日、委託先事業者が、当社の承諾を得ずに別の事業者に業務を再委託し、"
        "お客様の氏名、住所を含むデータを提供していたことが判明しました。",
        title="業務の無断再委託について(お詫び)",
    )
    incident = parse_text(text)
    assert incident.is_incident
    assert incident.categories == [Category.OTHER]


def test_a_press_release_with_a_long_title_naming_a_webinar_is_no_incident() -> None:
    text = (
        "報道関係者各位\nプレスリリース\n2024年7月10日\n例示セキュリティ株式会社\n\n"
        "【無料ウェビナー】「ランサムウェア被害の初動対応 ~情報漏えい発覚から個人情報保護委員会"
        "への報告まで~」を8月6日に開催\n\n"
        "例示セキュリティ株式会社は、ランサムウェア被害と不正アクセスによる情報漏えいへの対応を"
        "解説するセミナーを開催いたします。顧客へのお詫びの作成のポイントも解説いたします。\n"
    )
    assert parse_text(text).is_incident is False


def test_a_correction_of_an_earlier_release_is_no_incident() -> None:
    text = (
        "2024年10月2日\n\n株式会社例示シールド\n\n"
        "(訂正)「ランサムウェア対策製品の提供開始のお知らせ」の一部訂正について\n\n"
        "先日発表したリリースの記載内容に誤りがございました。ご迷惑をおかけしましたことを"
        "お詫び申し上げます。本製品はランサムウェアによる暗号化と不正アクセスを検知します。\n"
    )
    assert parse_text(text).is_incident is False


def test_mistaken_enclosures_and_others_data_on_screen_are_misdeliveries() -> None:
    for sentence in (
        "お客様宛ての通知に、別のお客様の書類を誤って同封していたことが判明しました。",
        "アプリで、ログインした利用者の画面に別の利用者の氏名が表示される不具合がありました。",
    ):
        assert parse_text(_letter(sentence)).categories == [Category.MISDELIVERY], sentence


def test_credentials_typed_into_a_phishing_site_by_mistake_are_no_misdelivery() -> None:
    text = _letter(
        "当社従業員がフィッシングメールを受信し、誤って偽サイトにIDとパスワードを入力しました。"
        "その後、同従業員のメールアカウントへの不正ログインが行われ、お客様の氏名が閲覧された"
        "可能性があります。"
    )
    assert set(parse_text(text).categories) == {Category.PHISHING, Category.UNAUTHORIZED_ACCESS}


def test_an_intrusion_into_the_network_is_unauthorized_access() -> None:
    text = _letter(
        "当社サーバーがランサムウェアに感染しました。攻撃者は保守用回線の認証情報を悪用して"
        "社内ネットワークに侵入したとみられ、従業員の氏名が流出した可能性があります。"
    )
    assert set(parse_text(text).categories) == {
        Category.UNAUTHORIZED_ACCESS,
        Category.RANSOMWARE,
    }


def test_a_hijacked_staff_account_and_former_staff_as_data_subjects_are_no_insiders() -> None:
    text = _letter(
        "調査の結果、当社従業員1名のメールアカウントが不正にログインされていたことが判明しました。"
        "流出した可能性のある情報は、お客様及び元従業員の氏名です。"
    )
    assert parse_text(text).categories == [Category.UNAUTHORIZED_ACCESS]


# --- stage ----------------------------------------------------------------------------


def test_an_investigators_final_report_received_does_not_make_the_notice_final() -> None:
    text = _letter(
        "当社サーバーへの不正アクセスにより、お客様の氏名が流出しました。"
        "12月1日に調査機関から最終報告書を受領いたしました。",
        title="不正アクセスに関するお知らせ(第2報)",
    )
    assert parse_text(text).stage is Stage.UPDATE


def test_a_news_follow_up_recalling_an_earlier_announcement_is_an_update() -> None:
    text = (
        "例示ロジ、ランサム被害で情報流出の恐れ\n\n"
        "物流の株式会社例示ロジは2023年7月24日、サーバーがランサムウェアに感染した問題で、"
        "調査結果を公表した。従業員約1,300人の氏名が流出した可能性があるという。"
        "同社は7月5日にシステム障害の発生を公表し、原因を調べていた。\n"
    )
    incident = parse_text(text)
    assert incident.published == dt.date(2023, 7, 24)
    assert incident.stage is Stage.UPDATE


# --- dates ----------------------------------------------------------------------------


def test_a_window_within_one_day_is_a_period() -> None:
    periods = find_periods("2024年4月15日午前10時ごろから午後2時40分ごろまで発生した。")
    assert [(p.start.date, p.end.date) for p in periods] == [
        (dt.date(2024, 4, 15), dt.date(2024, 4, 15))
    ]


def test_a_period_with_full_weekday_names_is_a_period() -> None:
    periods = find_periods("令和5年4月1日(土曜日)から令和6年1月19日(金曜日)まで")
    assert [(p.start.date, p.end.date) for p in periods] == [
        (dt.date(2023, 4, 1), dt.date(2024, 1, 19))
    ]


def test_a_mail_sent_and_a_deletion_asked_for_is_no_exposure_period() -> None:
    text = _letter(
        "2024年7月2日、保護者あてのメールを送信した際、誤って「宛先」欄にメールアドレスを"
        "入力して送信しました。同日、受信者全員に当該メールの削除をお願いするメールを送信"
        "しました。"
    )
    incident = parse_text(text)
    assert (incident.exposure_start, incident.exposure_end) == (None, None)


def test_being_told_politely_is_a_discovery() -> None:
    for told in ("ご連絡をいただきました", "とのお問い合わせがあり、社内調査を開始しました"):
        text = _letter(
            f"2024年2月15日、外部の方から、ファイルが公開状態になっている{told}。"
            "お客様の氏名が閲覧できる状態でした。"
        )
        assert parse_text(text).discovered == dt.date(2024, 2, 15), told


def test_a_date_after_a_finding_opens_the_event_not_the_discovery() -> None:
    text = _letter(
        "2023年10月2日、保守会社から不審な通信の報告がありました。調査の結果、同年9月28日に、"
        "不正アクセスが行われ、お客様の氏名が参照された可能性があることが判明いたしました。"
    )
    assert parse_text(text).discovered == dt.date(2023, 10, 2)


# --- counts and data items ------------------------------------------------------------


def test_a_long_label_line_ending_in_a_card_count_is_the_card_count() -> None:
    text = _letter(
        "当社サイトの決済画面が改ざんされ、カード情報が漏えいしました。\n\n"
        "3. 漏えいした可能性のある情報\n\n(1)クレジットカード情報\n"
        "2022年11月30日~2023年9月14日の期間中に当社サイトでご購入の際に入力されたクレジット"
        "カード情報 最大7,093件\n・カード番号\n・有効期限\n\n(2)会員情報\n"
        "当社サイトに会員登録されたお客様 11,520名\n・氏名\n"
    )
    incident = parse_text(text)
    assert incident.cards_affected == 7093
    assert incident.people_affected == 11520


def test_a_staff_member_who_acted_is_not_a_count_of_people_affected() -> None:
    text = _letter(
        "当社従業員1名がフィッシングメールのURLにアクセスし、同従業員のメールアカウントから"
        "お客様の個人情報が漏えいした可能性があります。"
    )
    assert parse_text(text).people_affected is None


def test_table_rows_with_items_after_a_tab_are_summed() -> None:
    text = _letter(
        "不正アクセスにより、個人情報が漏えいした可能性があります。\n"
        "2. 漏えいした可能性のある個人情報\n対象者\t人数\t項目\n"
        "本学学生\t312名\t氏名、学籍番号\n学外の関係者\t45名\t氏名、所属\n"
    )
    assert parse_text(text).people_affected == 357


def test_a_pdf_line_opening_with_nao_is_not_joined_to_the_list_item_above() -> None:
    lines = [
        "攻撃者がサーバー内のデータの一部を外部へ送信した痕跡が確認されました。以下の",
        "情報が流出した可能性を否定できないとの結論に至りました。ご迷惑をおかけします",
        "(2)項目 氏名、性別、生年月日、住所、電話番号、病名等の診療情報とその他の記録",
        "なお、クレジットカード情報は含まれておりません。現時点で悪用の報告はありません",
    ]
    assert unwrap_lines("\n".join(lines)).split("\n")[-1].startswith("なお、")


def test_a_grade_number_is_not_a_data_item_but_mail_subjects_are() -> None:
    grade = _letter("2学年保護者のメールアドレスが、誤送信により他の受信者に表示されました。")
    subjects = _letter(
        "マルウェア感染により、取引先の氏名とメールアドレス、メールの件名や本文の一部が流出した"
        "可能性があります。"
    )
    assert parse_text(grade).data_items == [DataItem.EMAIL]
    assert DataItem.OTHER in parse_text(subjects).data_items


def test_a_pdf_string_with_an_octal_escape_out_of_range_is_a_pdf_error() -> None:
    data = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]/Contents 4 0 R>>endobj\n"
        b"4 0 obj<</Length 30>>stream\nBT /F1 12 Tf (\\746) Tj ET\nendstream endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    with pytest.raises(PdfError):
        pdf_to_text(data)

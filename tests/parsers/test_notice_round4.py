"""Round 4: general patterns behind misses on unseen notices, each on a notice written here."""

from __future__ import annotations

import datetime as dt

from parsers.document import parse_document
from parsers.notice import parse_text
from parsers.schema import Authority, Category, DataItem


def _letter(body: str, title: str = "個人情報の漏えいに関するお詫び") -> str:
    return f"2024年5月10日\n\nお客様各位\n\n株式会社例示商会\n\n{title}\n\n{body}"


_DISCLOSURE_HEAD = (
    "2024年6月7日\n各位\n会社名 例示ホールディングス株式会社\n"
    "代表者名 代表取締役社長 例示 太郎\n(コード番号:9999 東証プライム)\n\n"
)


# --- organization ---------------------------------------------------------------------


def test_a_holding_company_disclosure_names_the_subsidiary_it_happened_to() -> None:
    text = _DISCLOSURE_HEAD + (
        "当社子会社における不正アクセスについて\n\n"
        "当社の連結子会社である株式会社例示精工(本社:例示県例示市、以下「例示精工」)において、"
        "第三者による不正アクセスを受け、サーバーがランサムウェアに感染したことが判明しました。\n"
    )
    assert parse_text(text).organization == "株式会社例示精工"


def test_a_subsidiary_named_with_its_legal_form_last_is_taken_too() -> None:
    text = _DISCLOSURE_HEAD + (
        "当社海外子会社への不正アクセスについて\n\n"
        "当社の海外子会社である例示精工株式会社のサーバーが不正アクセスを受けました。\n"
    )
    assert parse_text(text).organization == "例示精工株式会社"


def test_a_contractors_incident_stays_with_the_client_that_reports_it() -> None:
    text = _letter(
        "このたび、当社が業務を委託している株式会社例示システムズのサーバーが不正アクセスを"
        "受け、当社のお客様の氏名約3,000件が流出した可能性があることが判明しました。\n",
        title="業務委託先における不正アクセスについて",
    )
    assert parse_text(text).organization == "株式会社例示商会"


def test_a_romanized_company_name_keeps_its_second_word() -> None:
    text = (
        "株式会社Example Japan　当社サイトへの不正アクセスについて　2024年5月31日\n\n"
        "当社サイトが不正アクセスを受け、お客様の氏名が流出した可能性があります。\n"
    )
    assert parse_text(text).organization == "株式会社ExampleJapan"


def test_a_title_word_after_a_romanized_name_is_not_part_of_it() -> None:
    text = (
        "株式会社Example VPN機器への不正アクセスについて　2024年5月31日\n\n"
        "当社のVPN機器が不正アクセスを受け、お客様の氏名が流出した可能性があります。\n"
    )
    assert parse_text(text).organization == "株式会社Example"


def test_a_cooperative_named_kind_first_is_an_organization() -> None:
    text = (
        "生協で組合員情報流出か　ランサム被害\n\n"
        "生活協同組合コープ例示(例示市)は2024年9月12日、サーバーがランサムウェアに感染し、"
        "組合員の氏名が流出した可能性があると発表した。\n"
    )
    assert parse_text(text).organization == "生活協同組合コープ例示"


def test_a_news_subject_placed_by_an_aside_is_taken_as_written() -> None:
    text = (
        "例示県の生協、ランサム被害\n\n"
        "コープ例示(例示県例示市)は2024年3月5日、サーバーがランサムウェアに感染し、組合員の"
        "氏名や住所が流出した可能性があると発表した。\n"
    )
    assert parse_text(text).organization == "コープ例示"


# --- people_affected ------------------------------------------------------------------


def test_the_bodys_exact_count_outranks_the_headlines_rounded_one() -> None:
    text = (
        "生協で組合員15万人分の情報流出か\n\n"
        "コープ例示(例示市)は2024年9月12日、サーバーがランサムウェアに感染し、組合員約15万8千"
        "人分の個人情報が外部に流出した可能性があると発表した。\n"
    )
    assert parse_text(text).people_affected == 158_000


def test_pages_enclosed_by_mistake_count_as_leaked() -> None:
    text = _letter(
        "6月28日、他の方の通知書が同封されているとのご連絡をいただき、誤送付が判明いたしました。"
        "調査の結果、誤って同封された通知書は17名分であることを確認いたしました。\n",
        title="通知書の誤送付について(お詫び)",
    )
    assert parse_text(text).people_affected == 17


def test_a_count_under_investigation_is_null() -> None:
    text = _letter(
        "当社サーバーが不正アクセスを受け、お客様の氏名、メールアドレスが流出した可能性があり"
        "ます。対象件数は現在精査中です。なお、当社がお預かりしているお客様情報は約12万件です。\n"
    )
    assert parse_text(text).people_affected is None


# --- exposure -------------------------------------------------------------------------


def test_a_period_defining_whose_records_were_stored_is_not_exposure() -> None:
    text = _letter(
        "当社採用サイトがSQLインジェクション攻撃を受け、応募者情報が漏えいした可能性があります。\n\n"
        "2.漏えいの可能性がある情報\n"
        "2019年4月1日から2024年5月13日までの間に当サイトからご応募いただいた方の情報\n"
        "・応募者 4,120名\n 氏名、電話番号\n"
    )
    inc = parse_text(text)
    assert (inc.exposure_start, inc.exposure_end) == (None, None)


def test_the_window_of_card_payments_in_a_skimming_notice_is_exposure() -> None:
    text = _letter(
        "当社サイトの決済画面が改ざんされ、クレジットカード情報が漏えいした可能性があります。\n\n"
        "2.対象\n2023年1月5日から2023年6月30日までの間に当サイトでクレジットカード決済を"
        "された方のカード番号、有効期限 最大1,200件\n"
    )
    inc = parse_text(text)
    assert inc.exposure_start == dt.date(2023, 1, 5)
    assert inc.exposure_end == dt.date(2023, 6, 30)


def test_the_days_spent_apologizing_are_not_an_exposure_period() -> None:
    text = _letter(
        "令和6年11月13日、職員が申請書類を入れた封筒を紛失しました。記載内容は氏名、住所です。\n"
        "対象となる皆様には、11月15日から18日にかけて、職員が個別に訪問又は電話により経緯を"
        "説明し、お詫びしました。\n",
        title="申請書類の紛失について",
    )
    inc = parse_text(text)
    assert (inc.exposure_start, inc.exposure_end) == (None, None)


# --- discovered -----------------------------------------------------------------------


def test_something_found_dates_the_discovery() -> None:
    text = (
        "例示生協でランサム被害\n\n"
        "生活協同組合コープ例示(例示市)は2024年9月12日、ランサムウェア被害を受けたと発表した。"
        "同生協によると、8月28日早朝にシステムが停止し、担当者が調べたところ、データが暗号化"
        "されているのが見つかった。\n"
    )
    assert parse_text(text).discovered == dt.date(2024, 8, 28)


def test_a_search_that_found_nothing_is_no_discovery() -> None:
    text = _letter(
        "2024年5月8日、書類の紛失が判明しました。2024年5月9日に院内を捜索しましたが、書類は"
        "見つかっておりません。書類には患者様の氏名が記載されていました。\n",
        title="書類の紛失について",
    )
    assert parse_text(text).discovered == dt.date(2024, 5, 8)


# --- reported_to ----------------------------------------------------------------------


def test_a_ministrys_regional_bureau_is_an_authority() -> None:
    text = _letter(
        "通知書を誤って同封し、加入者様の氏名が他の方に送付されました。関東信越厚生局及び"
        "個人情報保護委員会へ報告いたしました。\n",
        title="通知書の誤送付について",
    )
    assert parse_text(text).reported_to == [Authority.PPC, Authority.OTHER_AUTHORITY]


def test_the_ppc_split_by_a_line_break_is_still_the_ppc() -> None:
    text = _letter(
        "当校のサーバーが不正アクセスを受け、生徒の氏名が流出した可能性があります。\n\n"
        "4.関係機関への報告\n本件につきましては、個人情報保護委\n員会及び所轄警察署へ報告・"
        "相談を行っております。\n"
    )
    assert Authority.PPC in parse_text(text).reported_to


# --- data_items -----------------------------------------------------------------------


def test_a_name_guessable_from_an_address_is_not_a_name() -> None:
    text = _letter(
        "受講者の皆様へ送信したメールで、他の受講者のメールアドレスが表示される状態で送信"
        "しました。\n\n2.流出した情報\n受講者136名のメールアドレス\n"
        "ただし、メールアドレスの中には、氏名が推測できる文字列を含むものがございます。\n",
        title="メール誤送信について",
    )
    assert parse_text(text).data_items == [DataItem.EMAIL]


def test_a_password_leaked_elsewhere_and_abused_is_the_means() -> None:
    text = _letter(
        "従業員のメールアカウントが不正ログインされ、お客様の氏名が閲覧された可能性があります。"
        "原因は、外部で流出したパスワードが悪用されたものと推定しております。\n",
        title="メールアカウントへの不正アクセスについて",
    )
    assert DataItem.PASSWORD not in parse_text(text).data_items


def test_a_staff_accounts_phished_credentials_are_not_personal_data() -> None:
    text = _letter(
        "当社職員が受信したフィッシングメールにより、業務用メールアカウントのID及びパスワードが"
        "窃取され、アカウントが不正に利用されました。当該アカウントのメールには、お取引先様の"
        "氏名、電話番号が含まれており、第三者に閲覧された可能性があります。\n",
        title="メールアカウントの不正利用について",
    )
    assert parse_text(text).data_items == [DataItem.NAME, DataItem.PHONE]


def test_a_count_of_accounts_is_not_an_account_name() -> None:
    text = _letter(
        "不正ログインが行われ、会員の氏名が閲覧された可能性があります。\n\n"
        "■閲覧された可能性のある情報\n不正ログインされたアカウント数 1,932件 / 氏名、住所\n",
        title="不正ログインについて",
    )
    assert DataItem.LOGIN_ID not in parse_text(text).data_items


def test_enquiry_contents_and_tax_data_are_other_data() -> None:
    text = _letter(
        "ファイルが外部から閲覧できる状態になっていました。ファイルには、顧客の氏名、"
        "問い合わせ内容が記録されていました。\n",
        title="ファイルの共有設定の誤りについて",
    )
    assert parse_text(text).data_items == [DataItem.NAME, DataItem.OTHER]


def test_ya_joins_kinds_of_data_a_staff_member_looked_up() -> None:
    text = (
        "住民情報を私的に閲覧、市職員を処分　例示市\n\n"
        "例示市は14日、住民情報システムを使い、知人ら5人分の住所や税情報を私的に閲覧したと"
        "して、市民課の男性職員を懲戒処分にしたと発表した。\n"
    )
    inc = parse_text(text)
    assert inc.categories == [Category.INSIDER]
    assert inc.data_items == [DataItem.ADDRESS, DataItem.OTHER]


# --- is_incident and categories -------------------------------------------------------


def test_personal_data_destroyed_by_mistake_is_an_incident_of_its_own_kind() -> None:
    text = (
        "2024年8月9日\n例示損害保険株式会社\n\nお客さまの申込書画像データの一部消失について\n\n"
        "このたび、委託先の事務センターにおいて、お客さまの申込書の画像データの一部が消失する"
        "事案が発生いたしました。深くお詫び申し上げます。\n"
        "同月23日、画像が表示されない事象から調査を行い、本件が判明いたしました。\n"
        "本件は、データが消失したものであり、第三者への情報の漏えいの可能性はございません。\n"
        "金融庁及び個人情報保護委員会に報告いたしました。\n"
    )
    inc = parse_text(text)
    assert inc.is_incident and inc.categories == [Category.OTHER]
    assert inc.people_affected is None and inc.data_items == []
    assert inc.reported_to == [Authority.PPC, Authority.OTHER_AUTHORITY]


def test_an_outage_that_lost_no_data_is_not_an_incident() -> None:
    text = _letter(
        "2024年5月9日、機器の故障によりサービスが停止しました。お客様の個人情報の流出や"
        "お取引データの消失はございません。\n",
        title="サービス停止についてのお詫び",
    )
    assert not parse_text(text).is_incident


def test_a_news_article_on_statistics_is_not_an_incident() -> None:
    text = (
        "ランサムウェア被害、前年比2割増　中小企業で目立つ\n\n"
        "例示セキュリティ協会は2025年2月1日、2024年に国内で報告されたランサムウェア被害が"
        "前年比21%増の250件だったと発表した。取引先の情報が流出する被害も出ている。\n"
    )
    assert not parse_text(text).is_incident


# --- published (HTML) ----------------------------------------------------------------


def test_a_news_pages_date_and_title_above_its_body_are_kept() -> None:
    html = (
        "<html><body><div class='wrap'><div class='contents'><section class='news-article'>"
        "<div class='news-meta'><time>2024年11月5日</time><span>重要</span></div>"
        "<h1>DDoS攻撃による接続障害についてのお詫び</h1><div class='news-body'>"
        "<p>2024年11月2日、弊社サイトがDDoS攻撃を受け、サイトへの接続がしにくい状態となりました。"
        "多くのお客様にご迷惑をおかけしましたことを、深くお詫び申し上げます。</p>"
        "<p>お客様の個人情報の流出は発生しておりません。警視庁に相談しております。</p>"
        "<p class='sign'>株式会社例示チケット</p></div></section>"
        "<aside><ol><li><time>2024年10月31日</time>営業時間について</li></ol></aside>"
        "</div></div></body></html>"
    )
    inc = parse_document(html.encode(), media_type="text/html")
    assert inc.published == dt.date(2024, 11, 5)
    assert inc.categories == [Category.DDOS]


def test_a_date_paragraph_above_the_body_is_kept_without_a_time_element() -> None:
    html = (
        "<html><body><div id='wrap'><div class='box'>"
        "<p class='news-date'>2024年3月1日</p><h2>不正アクセスによる個人情報流出のお詫び</h2>"
        "<div class='txt'><p>弊社サーバーが不正アクセスを受け、お客様の氏名、住所が流出した"
        "可能性があることが判明いたしました。深くお詫び申し上げます。</p>"
        "<p>現在、外部専門機関による調査を進めております。</p></div></div>"
        "<div class='ft'>株式会社例示</div></div></body></html>"
    )
    assert parse_document(html.encode(), media_type="text/html").published == dt.date(2024, 3, 1)

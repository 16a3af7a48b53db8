"""What the poll benchmark's loopback site serves, and the configs that watch it.

Pure: every page is a function of (source, version), so a run can be rebuilt and each
version's work is the same: version v of source i lists entries v … v+19 (newest
first); going to v+1 adds one entry and drops the oldest. One new entry in 20
is an incident notice (a title with incident words, a page the parser calls an incident);
the rest are ordinary news releases.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable

LISTED = 20  # entries a listing shows
MATCH_EVERY = 20  # one new entry in this many is an incident notice (the poll issue's case)
FIRST_DAY = dt.date(2024, 1, 1)

BLAND_TITLES = (
    "新製品「サンプル{k}」発売のお知らせ",
    "第{k}回定時株主総会招集ご通知",
    "年末年始の営業について",
    "決算説明会の開催について（第{k}期）",
    "サービスメンテナンスのお知らせ（No.{k}）",
    "新社長就任のお知らせ",
    "展示会出展のお知らせ（ブース{k}）",
)
INCIDENT_TITLE = "不正アクセスによる個人情報漏えいに関するお詫び"

CHROME_TOP = """<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8">
<title>ニュースリリース | 株式会社ベンチ{i}</title>
<link rel="stylesheet" href="/assets/common.css"></head>
<body>
<header><div class="logo"><a href="/">株式会社ベンチ{i}</a></div>
<nav><ul><li><a href="/company/">企業情報</a></li><li><a href="/products/">製品・サービス</a></li>
<li><a href="/ir/">IR情報</a></li><li><a href="/s/{i}/">ニュース</a></li>
<li><a href="/recruit/">採用情報</a></li><li><a href="/contact/">お問い合わせ</a></li></ul></nav>
</header>
<main><h1>ニュースリリース</h1>
<ul class="news-list">
"""
CHROME_BOTTOM = """</ul></main>
<footer><ul><li><a href="/privacy/">プライバシーポリシー</a></li>
<li><a href="/sitemap/">サイトマップ</a></li></ul>
<p>Copyright © Bench Co., Ltd. All Rights Reserved.</p></footer>
</body></html>
"""

NOTICE = """<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><title>{title}</title></head>
<body><main><article>
<h1>{title}</h1>
<p>{date}</p><p>株式会社ベンチ{i}-{k}</p>
<p>このたび、弊社が運営するオンラインショップのサーバーが第三者による不正アクセスを受け、
お客様の個人情報{people}件が漏えいした可能性があることが判明いたしました。</p>
<p>お客様には多大なるご迷惑とご心配をおかけしますことを、深くお詫び申し上げます。</p>
<p>{detail}</p>
<p>{found}、外部からの指摘により判明いたしました。個人情報保護委員会への報告及び警察への相談を行っております。</p>
</article></main></body></html>
"""


ORDINARY = """<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><title>{title}</title></head>
<body><main><article>
<h1>{title}</h1>
<p>{date}</p><p>株式会社ベンチ{i}</p>
<p>平素は格別のご愛顧を賜り、厚く御礼申し上げます。詳細は添付資料をご覧ください。</p>
</article></main></body></html>
"""


def listing_path(source: int) -> str:
    return f"/s/{source}/"


def entry_path(source: int, k: int) -> str:
    return f"/s/{source}/news/{k}.html"


def matches(source: int, k: int) -> bool:
    """Whether entry k of `source` is an incident notice. Version 0's entries match on
    one page in MATCH_EVERY; each later entry on one source in MATCH_EVERY."""
    if k < LISTED:
        return k == LISTED - 1 and source % MATCH_EVERY == 0
    return (source + k) % MATCH_EVERY == 0


def entry_date(k: int) -> dt.date:
    return FIRST_DAY + dt.timedelta(days=k)


def jp_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def entry_title(source: int, k: int) -> str:
    if matches(source, k):
        return INCIDENT_TITLE
    return BLAND_TITLES[(source + k) % len(BLAND_TITLES)].format(k=k)


def listed(version: int) -> range:
    """Entry numbers on a listing at `version`, oldest first."""
    return range(version, version + LISTED)


def listing_html(source: int, version: int) -> bytes:
    items = "".join(
        f'<li><span class="date">{jp_date(entry_date(k))}</span>'
        f'<a href="{entry_path(source, k)}">{html.escape(entry_title(source, k))}</a></li>\n'
        for k in reversed(listed(version))
    )
    return (CHROME_TOP.format(i=source) + items + CHROME_BOTTOM).encode()


# Words that make each notice its own: notices from one template would otherwise be taken
# for copies of one notice and merged into one incident (collector.incidents.likeness).
DETAIL_WORDS = [
    "会員サイト",
    "予約システム",
    "通販サイト",
    "決済画面",
    "管理画面",
    "メールサーバー",
    "顧客データベース",
    "ファイルサーバー",
    "業務端末",
    "クラウドストレージ",
    "氏名",
    "住所",
    "電話番号",
    "メールアドレス",
    "生年月日",
    "購入履歴",
    "ログインID",
    "性別",
    "勤務先",
    "職業",
    "改ざん",
    "脆弱性",
    "設定不備",
    "マルウェア",
    "不正ログイン",
    "フィッシング",
    "委託先",
    "保守業者",
    "調査会社",
    "専門機関",
    "店舗",
    "物流拠点",
    "本社",
    "支店",
    "研究所",
]


def detail(source: int, k: int) -> str:
    state, words = source * 7919 + k * 104729 + 1, []
    for _ in range(24):
        state = (state * 1103515245 + 12345) % 2**31
        words.append(DETAIL_WORDS[state % len(DETAIL_WORDS)])
    return "調査の対象: " + "、".join(words) + "。"


def notice_html(source: int, k: int) -> bytes:
    return NOTICE.format(
        detail=detail(source, k),
        title=INCIDENT_TITLE,
        date=jp_date(entry_date(k)),
        found=jp_date(entry_date(k) - dt.timedelta(days=3)),
        i=source,
        k=k,
        people=100 + (source * 31 + k) % 9000,
    ).encode()


def entry_html(source: int, k: int) -> bytes:
    """The page behind entry k: the incident notice, or an ordinary news release (owabi
    reads every new entry after a source's first pass and lets the parser decide)."""
    if matches(source, k):
        return notice_html(source, k)
    title = entry_title(source, k)
    return ORDINARY.format(title=title, date=jp_date(entry_date(k)), i=source).encode()


def new_entries(sources: int, version: int) -> list[tuple[int, int]]:
    """(source, entry) of every entry first listed at `version`."""
    ks = listed(version) if version == 0 else [version + LISTED - 1]
    return [(i, k) for i in range(sources) for k in ks]


def incident_next(source: int, version: int) -> bool:
    """Whether moving `source` from `version` to the next one lists an incident notice."""
    return matches(source, version + LISTED)


def new_notices(sources: int, version: int) -> list[tuple[int, int]]:
    """(source, entry) of the matching entries first listed at `version`."""
    ks = listed(version) if version == 0 else [version + LISTED - 1]
    return [(i, k) for i in range(sources) for k in ks if matches(i, k)]


def nginx_etag(mtime: int, size: int) -> str:
    """The ETag nginx gives a static file: hex mtime (seconds) and hex size."""
    return f'"{mtime:x}-{size:x}"'


def sources_toml(base_url: str, ids: Iterable[int]) -> str:
    return "".join(
        f'[[source]]\nid = "s{i}"\nurl = "{base_url}{listing_path(i)}"\nkind = "page"\n'
        f'organization = "株式会社ベンチ{i}"\n\n'
        for i in ids
    )


def urlwatch_jobs(base_url: str, sources: int) -> str:
    """urls.yaml: one plain `url:` job per listing (YAML documents separated by ---)."""
    return "---\n".join(f"url: {base_url}{listing_path(i)}\n" for i in range(sources))

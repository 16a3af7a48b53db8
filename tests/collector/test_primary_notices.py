"""From a news article to the organization's own notice, end to end over loopback: a
news site (127.0.0.1) whose feed's articles link the notices of a company (127.0.0.2,
HTML) and of a city (127.0.0.3, PDF), besides navigation, ads, rankings and another
news site's article (127.0.0.4). Private addresses are allowed for these tests only."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select

from alerts.rules import RulesConfig
from collector.fetch import Fetcher, FetchSettings
from collector.pipeline import Collector, SourceReport
from collector.sources.feed import FeedSource
from collector.store.engine import make_engine, session_factory
from collector.store.migrate import upgrade
from collector.store.models import Delivery, IncidentRecord, NoticeRecord
from tests.support.parsing import shared_pool
from tests.support.typeset import typeset

pytestmark = pytest.mark.anyio


@dataclass
class Host:
    """One loopback host serving fixed pages; records every path asked for."""

    address: str
    pages: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        host = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                host.hits.append(self.path)
                body, kind = host.pages.get(self.path, (b"not found", "text/plain"))
                self.send_response(200 if self.path in host.pages else 404)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer((self.address, 0), Handler)
        self.server.daemon_threads = True

    def url(self, path: str) -> str:
        return f"http://{self.address}:{self.server.server_address[1]}{path}"


@contextmanager
def _serving(*addresses: str) -> Iterator[list[Host]]:
    hosts = [Host(a) for a in addresses]
    threads = [
        threading.Thread(target=h.server.serve_forever, kwargs={"poll_interval": 0.01})
        for h in hosts
    ]
    for t in threads:
        t.start()
    try:
        yield hosts
    finally:
        for h in hosts:
            h.server.shutdown()
            h.server.server_close()
        for t in threads:
            t.join()


HTML = "text/html; charset=utf-8"

# The company's own notice: the figures the articles round.
COMPANY_NOTICE = """<html><head><meta charset="utf-8"><title>お知らせ | サンプル商事</title></head>
<body><div class="nav"><a href="/">ホーム</a></div><main>
<h1>弊社オンラインストアへの不正アクセスによる個人情報漏えいに関するお詫びとお知らせ</h1>
<p>2026年12月2日</p><p>株式会社サンプル商事</p>
<p>このたび、弊社が運営するオンラインストアが第三者による不正アクセスを受け、お客様の個人情報
1,234件（氏名、住所、電話番号、メールアドレス）が漏えいした可能性があることが判明いたしました。</p>
<p>2026年11月30日、サーバーの監視により不審な通信を検知し、調査を開始いたしました。</p>
<p>個人情報保護委員会へ報告するとともに、警察に被害を申告しております。</p>
</main></body></html>"""

CITY_REPORT = """サンプル市
個人情報の漏えいについて（報告）
2026年12月1日
サンプル市健康福祉課において、住民の個人情報を含むUSBメモリを紛失したことが判明しました。
USBメモリには、住民567人分の氏名、住所、生年月日が保存されていました。
2026年11月28日、職員が庁舎外に持ち出した後、紛失に気付きました。警察に遺失届を提出しています。
"""


def _article(title: str, body: str, links: str) -> bytes:
    return f"""<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8">
<title>{title} | セキュリティニュース</title></head><body>
<header><nav><a href="/">トップ</a><a href="/news/">ニュース</a></nav></header>
<div class="ad-banner"><a href="{{ads}}">情報漏えい対策のお知らせ【PR】</a></div>
<main><article><h1>{title}</h1><p>2026年12月3日</p>{body}{links}
<section class="related"><h2>関連記事</h2><ul>
<li><a href="/news/2.html">病院にランサムウェア攻撃について</a></li></ul></section>
</article></main>
<aside><h2>アクセスランキング</h2>
<ol><li><a href="{{other}}">他社で不正アクセス</a></li></ol></aside>
<footer>セキュリティニュース</footer></body></html>""".encode()


@dataclass
class World:
    news: Host
    company: Host
    city: Host
    other: Host
    collector: Collector

    async def poll(self) -> SourceReport:
        return await self.collector.run_source(
            FeedSource(id="news", url=self.news.url("/feed.xml"), tags=("news",))
        )

    def incidents(self) -> list[IncidentRecord]:
        with self.collector.sessions() as s:
            return list(s.scalars(select(IncidentRecord).order_by(IncidentRecord.id)))

    def incident_of(self, name: str) -> IncidentRecord:
        [found] = [i for i in self.incidents() if name in (i.organization or "")]
        return found

    def notices(self) -> list[NoticeRecord]:
        with self.collector.sessions() as s:
            return list(s.scalars(select(NoticeRecord).order_by(NoticeRecord.id)))

    def deliveries(self) -> list[Delivery]:
        with self.collector.sessions() as s:
            return list(s.scalars(select(Delivery).order_by(Delivery.id)))


def _publish(news: Host, company: Host, city: Host, other: Host) -> None:
    fill = {"ads": other.url("/ads/click"), "other": other.url("/article/9.html")}
    company_notice = company.url("/info/20261202.html")
    city_report = city.url("/material/files/houkoku.pdf")
    one = _article(
        "サンプル商事に不正アクセス、個人情報約1200件が漏えいか",
        "<p>サンプル商事は、同社のオンラインストアが不正アクセスを受け、顧客の個人情報約1200件が"
        "漏えいした可能性があると発表した。11月30日に不審な通信を検知したという。</p>",
        f"<h3>公式発表</h3><ul><li><a href='{company_notice}'>弊社オンラインストアへの"
        "不正アクセスによる個人情報漏えいに関するお詫びとお知らせ</a></li></ul>",
    )
    two = _article(
        "サンプル市、個人情報入りUSBメモリを紛失",
        "<p>サンプル市は、住民約570人分の個人情報を保存したUSBメモリを職員が紛失したと"
        f"<a href='{city_report}'>個人情報の漏えいについて（報告）</a>で明らかにした。</p>",
        f"<p>（<a href='{other.url('/article/8.html')}'>他紙の関連報道</a>）</p>",
    )
    three = _article(
        "続報：サンプル商事の不正アクセス",
        "<p>サンプル商事のオンラインストアへの不正アクセスで、同社は調査を続けている。"
        "漏えいした可能性がある個人情報は約1200件。</p>",
        f"<p>発表資料：<a href='{company_notice}'>不正アクセスに関するお知らせ</a></p>",
    )
    for path, page in (("/news/1.html", one), ("/news/3.html", two), ("/news/4.html", three)):
        news.pages[path] = (
            page.replace(b"{ads}", fill["ads"].encode()).replace(
                b"{other}", fill["other"].encode()
            ),
            HTML,
        )
    items = "".join(
        f"<item><title>{t}</title><link>{news.url(p)}</link><description>{t}</description>"
        "<pubDate>Thu, 03 Dec 2026 09:00:00 +0900</pubDate></item>"
        for t, p in (
            ("サンプル商事に不正アクセス、個人情報約1200件が漏えいか", "/news/1.html"),
            ("サンプル市、個人情報入りUSBメモリを紛失", "/news/3.html"),
        )
    )
    news.pages["/feed.xml"] = (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>セキュリティニュース</title><link>{news.url('/')}</link>{items}"
        "</channel></rss>".encode(),
        "application/rss+xml",
    )
    company.pages["/info/20261202.html"] = (COMPANY_NOTICE.encode(), HTML)
    city.pages["/material/files/houkoku.pdf"] = (typeset(CITY_REPORT), "application/pdf")
    other.pages["/article/8.html"] = (b"<html><body>other</body></html>", HTML)


RULES = {"rules": [{"name": "all", "channels": ["console"]}]}


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    engine = make_engine(f"sqlite:///{tmp_path}/owabi.db")
    upgrade(engine)
    settings = FetchSettings(
        politeness_delay=0, retries=0, allow_private_addresses=True, per_host_concurrency=2
    )
    with _serving("127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4") as hosts:
        news, company, city, other = hosts
        _publish(news, company, city, other)
        async with Fetcher(settings) as fetcher:
            collector = Collector(
                sessions=session_factory(engine),
                fetcher=fetcher,
                parser=shared_pool(),
                rules=RulesConfig.model_validate(RULES),
                keywords=("不正アクセス", "紛失"),
            )
            yield World(news, company, city, other, collector)
    engine.dispose()


async def test_an_article_and_the_notice_it_links_are_one_incident_with_the_notice_facts(
    world: World,
) -> None:
    report = await world.poll()
    assert report.ok, report.error
    assert report.primaries == 2
    assert len(world.incidents()) == 2
    company, city = world.incident_of("サンプル商事"), world.incident_of("サンプル市")
    by_incident = {
        i.id: [n for n in world.notices() if n.incident_id == i.id] for i in (company, city)
    }
    # Each article with the notice it linked: one incident, both URLs, the notice primary.
    assert [n.is_primary for n in by_incident[company.id]] == [False, True]
    assert by_incident[company.id][1].url == world.company.url("/info/20261202.html")
    assert [n.is_primary for n in by_incident[city.id]] == [False, True]
    assert by_incident[city.id][1].url.endswith("/houkoku.pdf")
    # The notice's own figures, not the articles' rounded ones.
    assert company.people_affected == 1234
    assert city.people_affected == 567
    # Only the notices were read from other sites: no ad, ranking or other paper's page.
    assert world.other.hits == []
    assert world.company.hits.count("/info/20261202.html") == 1


async def test_the_first_alert_already_carries_the_official_notice(world: World) -> None:
    await world.poll()
    company = world.incident_of("サンプル商事")
    [alert] = [d for d in world.deliveries() if d.incident_id == company.id]
    assert alert.event == "new"
    notice = world.company.url("/info/20261202.html")
    assert alert.payload["primary"] == [notice]
    assert alert.payload["links"][0] == notice  # the organization's own first


def _add_follow_up(world: World) -> None:
    feed = world.news.pages["/feed.xml"][0].replace(
        b"</channel>",
        f"<item><title>続報：サンプル商事の不正アクセス</title><link>{world.news.url('/news/4.html')}"
        "</link><description>続報</description></item></channel>".encode(),
    )
    world.news.pages["/feed.xml"] = (feed, "application/rss+xml")


async def test_a_notice_is_read_once_however_many_articles_link_it(world: World) -> None:
    await world.poll()
    _add_follow_up(world)
    report = await world.poll()
    assert report.ok and report.primaries == 0
    assert world.company.hits.count("/info/20261202.html") == 1
    assert len(world.incidents()) == 2
    assert world.incident_of("サンプル商事").people_affected == 1234  # not the article's 約1200


async def test_a_linked_page_that_fails_is_recorded_and_not_fetched_again(world: World) -> None:
    del world.company.pages["/info/20261202.html"]
    report = await world.poll()
    assert report.ok and report.primaries == 1  # the city's report only
    assert len(world.incidents()) == 2  # the article alone still makes its incident
    _add_follow_up(world)  # another article links the page that failed
    await world.poll()
    assert world.company.hits.count("/info/20261202.html") == 1


async def test_without_primary_links_only_the_articles_are_read(world: World) -> None:
    world.collector.primary_links = 0
    report = await world.poll()
    assert report.ok and report.primaries == 0
    assert world.company.hits == [] and world.city.hits == []

"""`kind = "tdnet"` end to end on list pages in TDnet's markup (tests.support.tdnet) and
PDFs typeset as companies file them: only incident titles are read, the PDF's facts
become an incident with the listed company's name and securities code, a correction
joins the incident it corrects or opens none, pages are fetched conditionally, one at a
time, and after midnight yesterday's list is read too."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from alerts.rules import RulesConfig, parse_rules
from collector.fetch import Fetcher, FetchSettings
from collector.pipeline import Collector, SourceReport
from collector.sources import KINDS
from collector.sources.tdnet import JST, TdnetSource
from collector.store.engine import make_engine, session_factory
from collector.store.migrate import upgrade
from collector.store.models import Delivery, IncidentRecord, NoticeRecord
from tests.support.clock import FakeClock
from tests.support.parsing import shared_pool
from tests.support.tdnet import Row, daily_page
from tests.support.typeset import typeset

pytestmark = pytest.mark.anyio

BASE = "https://www.release.tdnet.info/inbs/"
DAY = dt.date(2026, 12, 3)

BREACH = """各位
2026年12月3日
会社名　サンプル電機株式会社
代表者名　代表取締役社長　山田　太郎
（コード番号：3999　東証プライム）
当社サーバーへの不正アクセスによる個人情報漏えいに関するお知らせ
当社は、2026年11月28日、当社が運営するオンラインショップのサーバーが第三者による不正アクセスを受け、お客様の個人情報が漏えいした可能性があることを確認いたしました。
漏えいした可能性がある情報は、お客様の氏名、住所、電話番号、メールアドレスで、対象は最大12,345件です。
当社は、個人情報保護委員会に報告するとともに、警察に相談しております。
"""

# Names no company anywhere: only 当社.
OUTAGE = """各位
2026年12月3日
ランサムウェア被害によるシステム障害に関するお知らせ
当社は、2026年12月1日、当社の社内サーバーがランサムウェアに感染し、受注システムに障害が発生していることを確認いたしました。
現在、外部の専門機関の協力を得て調査を進めております。個人情報の漏えいの有無については調査中です。
"""

CORRECTION = """各位
2026年12月4日
会社名　サンプル電機株式会社
（訂正）「当社サーバーへの不正アクセスによる個人情報漏えいに関するお知らせ」の一部訂正について
2026年12月3日に公表いたしました「当社サーバーへの不正アクセスによる個人情報漏えいに関するお知らせ」の記載内容に一部誤りがありましたので、訂正いたします。
当社は、2026年11月28日、当社が運営するオンラインショップのサーバーが第三者による不正アクセスを受けたことを確認いたしました。
漏えいした可能性がある情報は、お客様の氏名、住所、電話番号、メールアドレスで、対象は最大13,000件です。
"""

STRAY_CORRECTION = """各位
2026年12月4日
会社名　株式会社ていせい
（訂正）「情報セキュリティ基本方針の改定に関するお知らせ」の一部訂正について
2026年12月2日に公表いたしましたお知らせに一部誤りがありましたので訂正いたします。
当社の情報セキュリティ基本方針の改定日を、正しくは2027年1月1日といたします。
"""


def _rows_day1() -> tuple[list[Row], list[Row]]:
    first = [
        Row(
            "15:30",
            "39990",
            "サンプル電機",
            "当社サーバーへの不正アクセスによる個人情報漏えいに関するお知らせ",
            "140120261203500001.pdf",
        ),
        Row(
            "15:00",
            "11110",
            "甲商事",
            "2027年3月期 第2四半期決算短信〔日本基準〕(連結)",
            "140120261203500002.pdf",
        ),
        Row("14:00", "22220", "乙化学", "剰余金の配当に関するお知らせ", "140120261203500003.pdf"),
        Row(
            "13:00",
            "55550",
            "戊工業",
            "個人情報の漏えいに関するお知らせ",
            "140120261203500004.pdf",
            withdrawn=True,
        ),
    ]
    second = [
        Row(
            "11:00",
            "12340",
            "テスト物産",
            "ランサムウェア被害によるシステム障害に関するお知らせ",
            "140120261203500005.pdf",
        ),
        Row(
            "10:00", "33330", "丙建設", "代表取締役の異動に関するお知らせ", "140120261203500006.pdf"
        ),
    ]
    return first, second


@dataclass
class Tdnet:
    """The site: pages and PDFs by path, validators honoured, requests recorded with the
    most that were ever in flight at once."""

    files: dict[str, bytes] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0

    def publish_day(self, day: dt.date, pages: list[list[Row]]) -> None:
        for number, rows in enumerate(pages, start=1):
            name = f"I_list_{number:03d}_{day:%Y%m%d}.html"
            self.files[name] = daily_page(day, rows, page=number, pages=len(pages))

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(0)  # let any other request start, were one allowed to
            name = request.url.path.rsplit("/", 1)[-1]
            self.requests.append(name)
            if name == "robots.txt":
                return httpx.Response(404)
            body = self.files.get(name)
            if body is None:
                return httpx.Response(404, text="Not Found")
            tag = '"' + hashlib.sha1(body).hexdigest() + '"'
            if request.headers.get("if-none-match") == tag:
                return httpx.Response(304, headers={"ETag": tag})
            kind = "application/pdf" if name.endswith(".pdf") else "text/html"
            return httpx.Response(200, content=body, headers={"Content-Type": kind, "ETag": tag})
        finally:
            self.in_flight -= 1


@pytest.fixture
def site() -> Tdnet:
    site = Tdnet()
    first, second = _rows_day1()
    site.publish_day(DAY, [first, second])
    site.files["140120261203500001.pdf"] = typeset(BREACH)
    site.files["140120261203500005.pdf"] = typeset(OUTAGE)
    return site


@dataclass
class Run:
    collector: Collector
    clock: FakeClock
    engine_url: str

    async def poll(self, at: dt.datetime) -> SourceReport:
        self.clock.t = at.astimezone(dt.UTC)
        source = TdnetSource(id="tdnet", url=BASE)
        return await self.collector.run_source(source)

    def incidents(self) -> list[IncidentRecord]:
        with self.collector.sessions() as s:
            return list(s.scalars(select(IncidentRecord).order_by(IncidentRecord.id)))

    def notices(self) -> list[NoticeRecord]:
        with self.collector.sessions() as s:
            return list(s.scalars(select(NoticeRecord).order_by(NoticeRecord.id)))


@pytest.fixture
def run(site: Tdnet, tmp_path: Path) -> Iterator[Run]:
    engine = make_engine(f"sqlite:///{tmp_path}/owabi.db")
    upgrade(engine)
    settings = FetchSettings(politeness_delay=0, retries=0, per_host_concurrency=4)
    fetcher = Fetcher(settings, transport=httpx.MockTransport(site.handle))
    clock = FakeClock()
    collector = Collector(
        sessions=session_factory(engine),
        fetcher=fetcher,
        parser=shared_pool(),
        rules=RulesConfig(rules=[]),
        keywords=("お知らせ",),
        clock=clock,
    )
    yield Run(collector, clock, str(engine.url))
    engine.dispose()


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=JST)


async def test_incident_titles_become_incidents_with_code_name_and_pdf_facts(
    run: Run, site: Tdnet
) -> None:
    report = await run.poll(_at(DAY, 16))
    assert report.ok, report.error
    # Both pages read; only the two incident titles fetched; the others and the
    # withdrawn one counted as skipped.
    pdfs = sorted(r for r in site.requests if r.endswith(".pdf"))
    assert pdfs == ["140120261203500001.pdf", "140120261203500005.pdf"]
    assert {"I_list_001_20261203.html", "I_list_002_20261203.html"} <= set(site.requests)
    assert report.skipped == 4  # 決算短信, 配当, 異動, and the withdrawn disclosure
    breach, outage = sorted(run.incidents(), key=lambda i: i.securities_code or "")[::-1]
    assert breach.securities_code == "3999"
    assert breach.organization == "サンプル電機株式会社"
    assert breach.people_affected == 12345
    assert "unauthorized_access" in breach.data["categories"]
    # The PDF says only 当社: the listed name fills the organization.
    assert outage.securities_code == "1234" and outage.organization == "テスト物産"
    assert "ransomware" in outage.data["categories"]
    assert {n.securities_code for n in run.notices()} == {"3999", "1234"}
    assert site.most_in_flight == 1  # one request at a time to TDnet, PDFs included


async def test_unchanged_pages_are_not_read_again(run: Run, site: Tdnet) -> None:
    await run.poll(_at(DAY, 16))
    site.requests.clear()
    again = await run.poll(_at(DAY, 16))
    assert again.ok and again.unchanged
    assert site.requests == ["I_list_001_20261203.html", "I_list_002_20261203.html"]


async def test_a_correction_joins_the_incident_it_corrects_and_a_stray_one_opens_none(
    run: Run, site: Tdnet
) -> None:
    await run.poll(_at(DAY, 16))
    next_day = DAY + dt.timedelta(days=1)
    site.publish_day(
        next_day,
        [
            [
                Row(
                    "12:00",
                    "39990",
                    "サンプル電機",
                    "（訂正）「当社サーバーへの不正アクセスによる個人情報漏えいに関するお知らせ」の一部訂正について",
                    "140120261204500001.pdf",
                ),
                Row(
                    "11:00",
                    "77770",
                    "ていせい",
                    "（訂正）「情報セキュリティ基本方針の改定に関するお知らせ」の一部訂正について",
                    "140120261204500002.pdf",
                ),
            ]
        ],
    )
    site.files["140120261204500001.pdf"] = typeset(CORRECTION)
    site.files["140120261204500002.pdf"] = typeset(STRAY_CORRECTION)
    report = await run.poll(_at(next_day, 13))
    assert report.ok and len(report.notices) == 2
    incidents = run.incidents()
    assert len(incidents) == 2  # no new incident
    breach = next(i for i in incidents if i.securities_code == "3999")
    # The correction is one of the incident's notices; the incident keeps its title.
    assert len([n for n in run.notices() if n.incident_id == breach.id]) == 2
    assert breach.title and not breach.title.startswith("(訂正)")
    stray = next(n for n in run.notices() if n.securities_code == "7777")
    assert stray.incident_id is None


async def test_after_midnight_yesterdays_list_is_read_too(run: Run, site: Tdnet) -> None:
    next_day = DAY + dt.timedelta(days=1)
    report = await run.poll(_at(next_day, 1))
    assert report.ok
    assert "I_list_001_20261204.html" in site.requests  # today: not published yet (404)
    assert "I_list_001_20261203.html" in site.requests
    assert len(run.incidents()) == 2
    site.requests.clear()
    await run.poll(_at(next_day, 9))
    assert site.requests == ["I_list_001_20261204.html"]


async def test_an_empty_day_yields_nothing(run: Run, site: Tdnet) -> None:
    site.files.clear()
    site.publish_day(DAY, [[]])
    report = await run.poll(_at(DAY, 10))
    assert report.ok and report.leads == 0 and report.skipped == 0
    assert run.incidents() == []


def test_tdnet_is_recognised_before_any_other_kind() -> None:
    assert next(iter(KINDS)) == "tdnet"


async def test_a_watchlist_entry_with_the_securities_code_alerts_on_the_disclosure(
    run: Run, tmp_path: Path
) -> None:
    (tmp_path / "vendors.toml").write_text(
        '[[organization]]\nname = "SAMPLE ELECTRIC"\ncode = "3999"\n', encoding="utf-8"
    )
    run.collector.rules = parse_rules(
        {
            "rules": [
                {"name": "vendors", "channels": ["console"], "organizations_file": "vendors.toml"}
            ]
        },
        base_dir=tmp_path,
    )
    await run.poll(_at(DAY, 16))
    with run.collector.sessions() as s:
        alerted = {d.incident_id for d in s.scalars(select(Delivery))}
    [breach] = [i for i in run.incidents() if i.securities_code == "3999"]
    assert alerted == {breach.id}

"""End to end on a loopback site of labelled notices, each served by two routes: as an
article in a security-news feed (a news page with navigation and other headlines) and on
one of three Shift_JIS corporate listings, as an HTML page or a PDF, a quarter of them
behind a link text with no keyword (`お知らせ`). Over three passes: every notice is read,
each notice's copies make one incident and no incident holds two notices, every incident
is alerted exactly once, and a later pass alerts nothing."""

from __future__ import annotations

import datetime as dt
import email.utils
import html
import json
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from alerts.rules import RulesConfig
from collector.clock import SYSTEM
from collector.fetch import Fetcher, FetchSettings
from collector.pipeline import Collector
from collector.sources.feed import FeedSource
from collector.sources.page import PageSource
from collector.store.engine import make_engine, session_factory
from collector.store.migrate import upgrade
from collector.store.models import Delivery, IncidentRecord, NoticeRecord
from parsers.keywords import DEFAULT_INCIDENT_KEYWORDS
from parsers.orgname import org_key
from tests.support.notices import listing_page_sjis
from tests.support.parsing import shared_pool
from tests.support.routes import corporate_page, news_page, pdf
from tests.support.site import LocalSite, Page, local_site

NOTICES = Path(__file__).resolve().parents[1] / "notices"
SETS = [NOTICES / "real" / "dev", NOTICES / "dev1"]
LISTINGS = 3
PRECISION, RECALL = 0.98, 0.94
RULES = RulesConfig.model_validate(
    {"rules": [{"name": "every-incident", "channels": ["console"], "events": ["new"]}]}
)

pytestmark = pytest.mark.anyio


def _notices(folder: Path) -> dict[str, str]:
    """The set's text notices (an HTML notice of a fictitious set is served as it is
    elsewhere)."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))}


def _gold_org(label: dict[str, object]) -> str:
    """The labelled organization (the first spelling of a list); an unnamed one is unique."""
    org = label.get("organization")
    name = org[0] if isinstance(org, list) else org
    return str(name) if name else f"(unnamed {id(label)})"


def _title(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")[:80]


def _serve(site: LocalSite, notices: dict[str, str], today: dt.date) -> None:
    stamp = email.utils.format_datetime(dt.datetime.combine(today, dt.time(9), dt.UTC))
    items = "".join(
        f"<item><title>{html.escape(_title(text))}</title>"
        f"<link>{site.url(f'/news/{name}.html')}</link><pubDate>{stamp}</pubDate>"
        f"<description>{html.escape(text[:120])}</description></item>"
        for name, text in notices.items()
    )
    site.pages["/feed.xml"] = Page(
        (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>セキュリティニュース</title><link>{site.url('/')}</link>{items}</channel></rss>"
        ).encode(),
        "application/rss+xml",
    )
    listings: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    for i, (name, text) in enumerate(notices.items()):
        site.pages[f"/news/{name}.html"] = Page(news_page(text), "text/html; charset=utf-8")
        corp = i % LISTINGS
        as_pdf = i % 2 == 1
        path = f"/corp{corp}/news/{name}.{'pdf' if as_pdf else 'html'}"
        site.pages[path] = (
            Page(pdf(text), "application/pdf")
            if as_pdf
            else Page(corporate_page(text), "text/html")
        )
        link_text = "お知らせ" if i % 4 == 3 else _title(text)
        listings[corp].append((f"{today:%Y年%m月%d日}", path, html.escape(link_text)))
    for corp, entries in listings.items():
        site.pages[f"/corp{corp}/news/"] = Page(listing_page_sjis(entries), "text/html")


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(f"sqlite:///{tmp_path}/owabi.db")
    upgrade(engine)
    yield session_factory(engine)
    engine.dispose()


@pytest.mark.parametrize("folder", [s for s in SETS if s.is_dir()], ids=lambda p: p.name)
async def test_every_notice_by_two_routes_is_one_incident_alerted_once(
    folder: Path, sessions: sessionmaker[Session]
) -> None:
    notices = _notices(folder)
    today = SYSTEM.now().date()
    with local_site() as site:
        _serve(site, notices, today)
        sources = [
            FeedSource(id="news", url=site.url("/feed.xml")),
            *(PageSource(id=f"corp{c}", url=site.url(f"/corp{c}/news/")) for c in range(LISTINGS)),
        ]
        settings = FetchSettings(politeness_delay=0, retries=0, respect_robots=False)
        async with Fetcher(settings) as fetcher:
            collector = Collector(
                sessions=sessions,
                fetcher=fetcher,
                parser=shared_pool(),
                rules=RULES,
                keywords=DEFAULT_INCIDENT_KEYWORDS,
                max_leads=len(notices),
            )
            alerts_after: list[int] = []
            for _ in range(3):
                await collector.run(sources)
                with sessions() as s:
                    alerts_after.append(len(s.scalars(select(Delivery)).all()))
    with sessions() as s:
        by_url = {n.url: n for n in s.scalars(select(NoticeRecord))}
        incidents = s.scalars(select(IncidentRecord)).all()
        holders: dict[str, set[int]] = defaultdict(set)
        for url, notice in by_url.items():
            name = url.rsplit("/", 1)[-1].rsplit(".", 1)[0]
            if notice.incident_id is not None:
                holders[name].add(notice.incident_id)
        per_incident = {
            r.id: {n.url.rsplit("/", 1)[-1].rsplit(".", 1)[0] for n in r.notices} for r in incidents
        }
        deliveries = s.scalars(select(Delivery)).all()
    gold = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in folder.glob("*.json")}
    assert len(by_url) == 2 * len(notices)  # every notice read by both routes
    assert all(len(ids) == 1 for ids in holders.values()), "a notice split over incidents"
    # Notices served on one day about one organization's incidents of one kind merge: two
    # articles on the same leak (a real set holds a few) or two undated ones nothing tells
    # apart. Notices about different organizations never do.
    wrong = [
        sorted(names)
        for names in per_incident.values()
        if len({org_key(_gold_org(gold[name])) for name in names}) > 1
    ]
    assert not wrong, f"notices of different organizations merged: {wrong}"
    # every incident holds a notice, and every notice's incident is stored
    assert set(per_incident) == {i for ids in holders.values() for i in ids}
    assert len(deliveries) == len(incidents)  # alerted once each
    assert alerts_after[1] == alerts_after[2] == alerts_after[0]  # nothing on later passes
    # Which notices became incidents is the parser's call (its is_incident), measured
    # against the labels; the floors sit a little under what it reaches.
    labelled = {name for name in notices if gold[name]["is_incident"]}
    right = len(labelled & set(holders))
    assert right / len(holders) >= PRECISION and right / len(labelled) >= RECALL

"""Which entries of a listing are read: a link text does not decide.

Real notices hide behind link texts such as `お知らせ`, `本文` or a date. After a source's
first pass every new entry is read and the notice parser decides; on the first pass the
entries with an incident keyword and the recent ones are read, and the old entries of the
archive without a keyword are recorded as seen (counted as skipped). Entries with a
keyword are read first; what the per-pass cap leaves is read on the next pass.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker

from alerts.rules import RulesConfig
from collector.fetch import Fetcher, FetchSettings
from collector.pipeline import (
    LEAD_CONCURRENCY,
    MAX_LEAD_ATTEMPTS,
    Collector,
    SourceReport,
    StateWrites,
)
from collector.sources.page import PageSource
from collector.store.engine import make_engine, session_factory
from collector.store.migrate import upgrade
from collector.store.models import SeenEntry, SourceState
from parsers import listing
from parsers.keywords import DEFAULT_INCIDENT_KEYWORDS
from tests.support.clock import FakeClock
from tests.support.notices import CARD_LEAK_ARTICLE, ORDINARY_ARTICLE
from tests.support.parsing import shared_pool

pytestmark = pytest.mark.anyio

TODAY = dt.date(2024, 5, 10)
SOURCE = PageSource(id="corp", url="https://corp.example/news/", kind="page")


class Site:
    """A news listing whose entries the test sets; every fetched path is recorded."""

    def __init__(self) -> None:
        self.entries: list[tuple[dt.date, str, str]] = []  # (date, path, link text)
        self.pages: dict[str, str] = {}
        self.fetched: list[str] = []
        self.as_table = False  # the listing's markup: a <ul>, or after a redesign a <table>

    def handler(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        self.fetched.append(path)
        if path == "/news/":
            if self.as_table:
                rows = "".join(
                    f'<tr><td>{d:%Y.%m.%d}</td><td><a href="{p}">{text}</a></td></tr>'
                    for d, p, text in self.entries
                )
                body = f'<html><body><table class="topics">{rows}</table></body></html>'
                return httpx.Response(200, text=body, headers={"content-type": "text/html"})
            items = "".join(
                f'<li><span class="date">{d:%Y年%m月%d日}</span><a href="{p}">{text}</a></li>'
                for d, p, text in self.entries
            )
            body = f'<html><body><ul class="news">{items}</ul></body></html>'
            return httpx.Response(200, text=body, headers={"content-type": "text/html"})
        if path in self.pages:
            return httpx.Response(200, text=self.pages[path], headers={"content-type": "text/html"})
        return httpx.Response(404)

    def read(self) -> list[str]:
        return [p for p in self.fetched if p != "/news/"]


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(f"sqlite:///{tmp_path}/owabi.db")
    upgrade(engine)
    yield session_factory(engine)
    engine.dispose()


async def _pass(
    sessions: sessionmaker[Session],
    site: Site,
    *,
    max_leads: int = 30,
    halt: asyncio.Event | None = None,
) -> SourceReport:
    clock = FakeClock(start=dt.datetime.combine(TODAY, dt.time(9), tzinfo=dt.UTC))
    async with _fetcher(site.handler) as fetcher:
        collector = _collector(
            sessions, fetcher, max_leads=max_leads, recent_days=7, clock=clock, halt=halt
        )
        return await collector.run_source(SOURCE)


def _fetcher(handler: Callable[[httpx.Request], httpx.Response]) -> Fetcher:
    settings = FetchSettings(politeness_delay=0, retries=0, respect_robots=False)
    return Fetcher(settings, transport=httpx.MockTransport(handler))


def _collector(sessions: sessionmaker[Session], fetcher: Fetcher, **options: Any) -> Collector:
    return Collector(
        sessions=sessions,
        fetcher=fetcher,
        parser=shared_pool(),
        rules=RulesConfig(rules=[]),
        keywords=DEFAULT_INCIDENT_KEYWORDS,
        **options,
    )


def _site() -> Site:
    site = Site()
    site.entries = [
        (TODAY - dt.timedelta(days=2), "/news/recent.html", "お知らせ"),
        (TODAY - dt.timedelta(days=40), "/news/leak.html", "不正アクセスに関するお詫び"),
        (TODAY - dt.timedelta(days=60), "/news/old.html", "新製品のご案内"),
        (TODAY - dt.timedelta(days=90), "/news/older.html", "【重要なお知らせ】"),
    ]
    for _, path, _ in site.entries:
        site.pages[path] = ORDINARY_ARTICLE
    site.pages["/news/leak.html"] = CARD_LEAK_ARTICLE
    return site


async def test_the_first_pass_reads_keyword_and_recent_entries_and_skips_the_archive(
    sessions: sessionmaker[Session],
) -> None:
    site = _site()
    report = await _pass(sessions, site)
    assert sorted(site.read()) == ["/news/leak.html", "/news/recent.html"]
    assert (report.leads, report.skipped, report.deferred) == (2, 2, 0)


async def test_after_the_first_pass_every_new_entry_is_read_and_the_parser_decides(
    sessions: sessionmaker[Session],
) -> None:
    site = _site()
    await _pass(sessions, site)
    site.fetched.clear()
    # A card leak posted under a link text that carries no keyword at all.
    site.entries.insert(0, (TODAY, "/news/notice-0510.html", "お知らせ"))
    site.pages["/news/notice-0510.html"] = CARD_LEAK_ARTICLE.replace("お詫び", "ご報告")
    report = await _pass(sessions, site)
    assert site.read() == ["/news/notice-0510.html"]  # the archive is not read again
    [notice] = report.notices
    assert notice.facts.is_incident


async def test_keyword_entries_go_first_and_the_cap_defers_the_rest(
    sessions: sessionmaker[Session],
) -> None:
    site = _site()
    await _pass(sessions, site)
    site.fetched.clear()
    site.entries[:0] = [
        (TODAY, "/news/a.html", "お知らせ"),
        (TODAY, "/news/b.html", "店舗営業時間の変更"),
        (TODAY, "/news/c.html", "メール誤送信のお詫び"),
    ]
    for path in ("/news/a.html", "/news/b.html", "/news/c.html"):
        site.pages[path] = ORDINARY_ARTICLE
    report = await _pass(sessions, site, max_leads=2)
    assert site.read()[0] == "/news/c.html" and len(site.read()) == 2
    assert (report.leads, report.deferred) == (2, 1)
    site.fetched.clear()
    report = await _pass(sessions, site, max_leads=2)
    assert len(site.read()) == 1 and report.deferred == 0


async def test_no_document_starts_once_halted_and_the_next_pass_reads_the_rest(
    sessions: sessionmaker[Session],
) -> None:
    """SIGTERM sets the halt: documents already requested finish, no other one starts,
    and what was not read stays unread for the next start."""
    site = Site()
    paths = [f"/news/leak{i}.html" for i in range(10)]
    site.entries = [(TODAY, p, f"不正アクセスに関するお詫び {i}") for i, p in enumerate(paths)]
    site.pages = {p: CARD_LEAK_ARTICLE for p in paths}
    halt = asyncio.Event()
    serve = site.handler

    def halting(request: httpx.Request) -> httpx.Response:
        if request.url.path != "/news/":
            halt.set()  # the signal arrives while the first documents are fetched
        return serve(request)

    site.handler = halting  # type: ignore[method-assign]
    report = await _pass(sessions, site, halt=halt)
    started = site.read()
    assert 1 <= len(started) <= LEAD_CONCURRENCY < len(paths)
    assert len(report.notices) == len(started)
    site.fetched.clear()
    site.handler = serve  # type: ignore[method-assign]
    report = await _pass(sessions, site)
    assert sorted(site.read()) == sorted(set(paths) - set(started))


async def test_the_detected_list_is_remembered_and_a_redesign_is_detected_afresh(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Detection is most of a listing's parse; the list found on one version is tried
    first on the next, and the page is detected again only when that list stops fitting."""
    site = _site()
    await _pass(sessions, site)
    with sessions() as s:
        first = s.get(SourceState, SOURCE.id)
        assert first is not None and first.layout is not None
        assert "news" in first.layout["item"]

    def no_detection(*_: object) -> None:
        raise AssertionError("the remembered list fits: nothing to detect")

    site.fetched.clear()
    site.entries.insert(0, (TODAY, "/news/0510.html", "お知らせ"))
    site.pages["/news/0510.html"] = ORDINARY_ARTICLE
    with monkeypatch.context() as patch:
        patch.setattr(listing, "_detect", no_detection)
        report = await _pass(sessions, site)
    assert report.ok and site.read() == ["/news/0510.html"]

    site.fetched.clear()
    site.as_table = True  # a redesign: the remembered <ul> is gone
    site.entries.insert(0, (TODAY, "/news/0510-2.html", "お知らせ"))
    site.pages["/news/0510-2.html"] = ORDINARY_ARTICLE
    report = await _pass(sessions, site)
    assert report.ok and site.read() == ["/news/0510-2.html"]
    with sessions() as s:
        after = s.get(SourceState, SOURCE.id)
        assert after is not None and after.layout is not None
        assert "topics" in after.layout["item"]


async def test_an_entry_that_keeps_failing_is_given_up_after_its_attempts(
    sessions: sessionmaker[Session],
) -> None:
    site = _site()
    await _pass(sessions, site)
    site.entries.insert(0, (TODAY, "/news/broken.html", "お知らせ"))  # no page: 404
    for attempt in range(1, MAX_LEAD_ATTEMPTS + 1):
        site.fetched.clear()
        report = await _pass(sessions, site)
        assert site.read() == ["/news/broken.html"] and len(report.lead_errors) == 1
        with sessions() as s:
            entry = s.scalars(
                select(SeenEntry).where(SeenEntry.canonical_url.endswith("/broken.html"))
            ).one()
            assert entry.attempts == attempt
            assert entry.outcome == ("failed" if attempt == MAX_LEAD_ATTEMPTS else "retry")
    site.fetched.clear()
    report = await _pass(sessions, site)
    assert site.read() == [] and report.clean  # given up: not read again


async def test_a_pass_stores_its_sources_outcomes_together(
    sessions: sessionmaker[Session],
) -> None:
    """A pass over many sources writes their states a batch at a time: an unchanged
    source costs its request and a row of one executemany, not a transaction."""
    listing = (
        '<html><body><ul class="news"><li><span>2024年5月1日</span>'
        '<a href="/news/a.html">お知らせ</a></li></ul></body></html>'
    )

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/news/") and request.url.path.endswith("/"):
            if request.headers.get("if-none-match") == '"v1"':
                return httpx.Response(304, headers={"etag": '"v1"'})
            return httpx.Response(
                200, text=listing, headers={"content-type": "text/html", "etag": '"v1"'}
            )
        return httpx.Response(200, text=ORDINARY_ARTICLE, headers={"content-type": "text/html"})

    sources = [
        PageSource(id=f"s{i}", url=f"https://corp{i}.example/news/", kind="page") for i in range(5)
    ]
    engine = sessions.kw["bind"]
    commits: list[int] = []
    event.listen(engine, "commit", lambda _conn: commits.append(1))
    async with _fetcher(handler) as fetcher:
        collector = _collector(sessions, fetcher)
        first = await collector.run(sources)
        commits.clear()
        second = await collector.run(sources)
    assert all(r.ok for r in first) and all(r.unchanged for r in second)
    assert len(commits) == 2  # the states read, then the five outcomes written
    with sessions() as s:
        states = s.scalars(select(SourceState)).all()
        assert {st.source_id: st.etag for st in states} == {f"s{i}": '"v1"' for i in range(5)}
        assert all(st.last_success_at is not None for st in states)


def test_state_writes_go_out_when_the_batch_is_full(sessions: sessionmaker[Session]) -> None:
    writes = StateWrites(sessions, size=2)
    now = dt.datetime(2024, 5, 10, tzinfo=dt.UTC)
    for i in range(3):
        writes.add({"source_id": f"s{i}", "url": f"https://s{i}.example/", "last_run_at": now})
    with sessions() as s:
        assert sorted(s.scalars(select(SourceState.source_id))) == ["s0", "s1"]
    writes.flush()
    with sessions() as s:
        assert sorted(s.scalars(select(SourceState.source_id))) == ["s0", "s1", "s2"]

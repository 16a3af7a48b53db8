"""Source kinds are registered once: a kind is one module (its keys, how it is fetched,
how it yields leads) plus one registry line, and config loading, the pipeline, probing
and the CLI all read that registry. The `lines` kind below is written the way a new kind
would be, registered with one `setitem`, and then used everywhere without touching
anything else."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import httpx
import pytest
from typer.testing import CliRunner

from alerts.rules import RulesConfig
from collector.cli.main import app
from collector.config.files import load_sources
from collector.errors import ConfigError
from collector.fetch import Fetcher, FetchResult, FetchSettings
from collector.pipeline import Collector
from collector.sources import KINDS, Layout, Lead, SourceConfig, SourceKind, fingerprint
from collector.sources.base import BODY_THREADS
from collector.sources.page import PageKind, PageSource
from collector.sources.probe import probe
from collector.store.engine import make_engine, session_factory
from collector.store.migrate import upgrade
from tests.support.notices import CARD_LEAK_ARTICLE
from tests.support.parsing import shared_pool


class LinesSource(SourceConfig):
    kind: Literal["lines"] = "lines"
    prefix: str = "https://"


class LinesKind(SourceKind):
    """A plain-text file of notice URLs, one a line; only lines under `prefix` count."""

    name = "lines"
    summary = "a text file of notice URLs"
    config = LinesSource
    keyword_filtered = False

    def leads(self, result: FetchResult, source: SourceConfig) -> list[Lead]:
        prefix = source.prefix if isinstance(source, LinesSource) else "https://"
        urls = [u.strip() for u in result.content.decode().splitlines()]
        return [
            Lead(url=u, title=None, published=None, fingerprint=fingerprint(u))
            for u in urls
            if u.startswith(prefix)
        ]

    def recognise(self, result: FetchResult, **keys: Any) -> SourceConfig | None:
        return LinesSource(**keys) if result.content_type == "text/plain" else None


@pytest.fixture
def lines_kind() -> Iterator[None]:
    """The one registry line, ahead of the others so that probing tries it first."""
    saved = dict(KINDS)
    KINDS.clear()
    KINDS.update({"lines": LinesKind(), **saved})
    yield
    KINDS.clear()
    KINDS.update(saved)


def _pages(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/list.txt":
        body = "https://corp.example/notice.html\nhttps://elsewhere.example/x.html\n"
        return httpx.Response(200, text=body, headers={"content-type": "text/plain"})
    if request.url.path == "/notice.html":
        return httpx.Response(
            200, text=CARD_LEAK_ARTICLE, headers={"content-type": "text/html; charset=utf-8"}
        )
    return httpx.Response(404)


def _fetcher() -> Fetcher:
    settings = FetchSettings(politeness_delay=0, retries=0, respect_robots=False)
    return Fetcher(settings, transport=httpx.MockTransport(_pages))


def test_every_registered_kind_declares_its_name_keys_and_summary() -> None:
    for name, kind in KINDS.items():
        assert kind.name == name
        assert kind.config.model_fields["kind"].default == name
        assert kind.summary
    assert list(KINDS)[-1] == "notice"  # anything at all is a notice: tried last


def test_a_new_kind_loads_with_its_own_keys_and_others_refuse_them(
    tmp_path: Path, lines_kind: None
) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(
        '[[source]]\nid = "l"\nurl = "https://corp.example/list.txt"\nkind = "lines"\n'
        'prefix = "https://corp.example/"\n',
        encoding="utf-8",
    )
    [source] = load_sources(path).sources
    assert isinstance(source, LinesSource) and source.prefix == "https://corp.example/"
    path.write_text(
        '[[source]]\nid = "f"\nurl = "https://x/"\nkind = "feed"\nprefix = "https://"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="prefix applies only to kind = 'lines'"):
        load_sources(path)


@pytest.mark.anyio
async def test_the_pipeline_polls_a_new_kind_and_reads_its_leads(
    tmp_path: Path, lines_kind: None
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/owabi.db")
    upgrade(engine)
    source = LinesSource(
        id="l", url="https://corp.example/list.txt", prefix="https://corp.example/"
    )
    try:
        async with _fetcher() as fetcher:
            collector = Collector(
                sessions=session_factory(engine),
                fetcher=fetcher,
                parser=shared_pool(),
                rules=RulesConfig(rules=[]),
                keywords=("お詫び",),
            )
            report = await collector.run_source(source)
    finally:
        engine.dispose()
    assert report.ok and report.leads == 1 and report.skipped == 0
    [notice] = report.notices
    assert notice.url == "https://corp.example/notice.html" and notice.facts.is_incident


@pytest.mark.anyio
async def test_probing_recognises_a_new_kind(lines_kind: None) -> None:
    async with _fetcher() as fetcher:
        found = await probe(
            fetcher,
            shared_pool(),
            "https://corp.example/list.txt",
            source_id="l",
            keywords=("お詫び",),
        )
    assert isinstance(found.source, LinesSource)
    assert [lead.url for lead in found.leads] == [
        "https://corp.example/notice.html",
        "https://elsewhere.example/x.html",
    ]
    assert found.samples[0][1].is_incident  # type: ignore[union-attr]


def test_cli_help_lists_every_kind() -> None:
    result = CliRunner().invoke(app, ["sources", "--help"])
    assert result.exit_code == 0
    for name, kind in KINDS.items():
        assert f"{name}: {kind.summary}" in " ".join(result.stdout.split())


@pytest.mark.parametrize(
    "layout",
    [
        None,
        {"item": 5},  # written by something else: not selectors
        {"item": "ul.gone > li", "date": ["x"]},
        {"title": "a"},  # no item
    ],
)
def test_a_page_without_a_usable_layout_detects_its_list(layout: Layout | None) -> None:
    items = "".join(
        f'<li><span>2024年5月{d}日</span><a href="/n/{d}.html">お知らせ{d}</a></li>'
        for d in range(1, 6)
    )
    body = f'<html><body><ul class="news">{items}</ul></body></html>'.encode()
    result = FetchResult(
        url="https://corp.example/news/",
        final_url="https://corp.example/news/",
        status=200,
        content=body,
        content_type="text/html",
        charset="utf-8",
        etag=None,
        last_modified=None,
        elapsed=0.0,
    )
    source = PageSource(id="corp", url="https://corp.example/news/")
    leads, learned = PageKind().read(result, source, layout)
    assert [lead.url for lead in leads] == [f"https://corp.example/n/{d}.html" for d in range(1, 6)]
    assert learned is not None and "news" in str(learned["item"])


@pytest.mark.anyio
async def test_bodies_are_parsed_off_the_event_loop_in_the_two_body_threads() -> None:
    """A listing or feed is parsed in its own small pool: never on the loop (a slow page
    must not hold up /healthz), and in two threads rather than asyncio's default six
    (parsing holds the GIL; each thread's malloc arena only added memory)."""
    seen: list[str] = []

    class Recording(LinesKind):
        def leads(self, result: FetchResult, source: SourceConfig) -> list[Lead]:
            seen.append(threading.current_thread().name)
            return super().leads(result, source)

    kind, source = Recording(), LinesSource(id="l", url="https://corp.example/list.txt")
    async with _fetcher() as fetcher:
        polls = await asyncio.gather(
            *(kind.poll(fetcher, source, etag=None, last_modified=None) for _ in range(6))
        )
    assert [len(p.leads) for p in polls] == [2] * 6
    assert all(name.startswith("owabi-body") for name in seen)
    assert threading.current_thread().name not in seen
    assert BODY_THREADS._max_workers == 2

"""Parsing in worker processes: results as in-process parsing, a deadline and a memory
bound that fail one document without harming the pool, and a close that stops it all."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading

import pytest

from collector.sources.parse_pool import ParseLimits, ParsePool
from parsers.document import read_document
from parsers.errors import ParseError
from parsers.hints import NoticeHints
from tests.support.notices import CARD_LEAK_ARTICLE

ARTICLE = CARD_LEAK_ARTICLE.encode()


def test_a_worker_parses_as_the_parsers_do() -> None:
    hints = NoticeHints(organization="株式会社テスト通販")
    with ParsePool(ParseLimits(workers=1)) as pool:
        read = pool.read(ARTICLE, media_type="text/html", name="n.html", hints=hints)
    assert read == read_document(ARTICLE, media_type="text/html", name="n.html", hints=hints)
    assert read.facts.cards_affected == 2345


def test_parse_errors_keep_their_code_and_message() -> None:
    with ParsePool(ParseLimits(workers=1)) as pool:
        with pytest.raises(ParseError) as info:
            pool.read(b"%PDF-1.4 broken", media_type="application/pdf")
        assert info.value.code == "pdf_error" and "PDF" in str(info.value)
        # The worker lives on: the next document is read.
        assert pool.read(ARTICLE, media_type="text/html").facts.is_incident


def test_a_document_over_the_deadline_fails_and_its_worker_is_replaced() -> None:
    # Several MB of markup take far longer than a millisecond to send and parse.
    slow = (
        b"<html><body><ul>" + b"<li>\xe3\x81\x8a\xe7\x9f\xa5\xe3\x82\x89\xe3\x81\x9b</li>" * 300_000
    )
    with ParsePool(ParseLimits(deadline=0.001, workers=1)) as pool:
        with pytest.raises(ParseError) as info:
            pool.read(slow, media_type="text/html")
        assert info.value.code == "parse_deadline"
        assert str(info.value) == "parse deadline exceeded (0.001 s)"
    with ParsePool(ParseLimits(workers=1)) as pool:
        assert pool.read(ARTICLE, media_type="text/html").facts.is_incident


def test_a_document_over_the_memory_bound_fails_and_the_pool_goes_on() -> None:
    huge = "個人情報".encode() * 10_000_000  # 120 MB to receive, more to decode
    with ParsePool(ParseLimits(memory_mb=256, workers=1)) as pool:
        with pytest.raises(ParseError) as info:
            pool.read(huge, media_type="text/plain")
        assert info.value.code == "parse_memory"
        assert "parse memory bound exceeded (256 MiB)" in str(info.value)
        assert pool.read(ARTICLE, media_type="text/html").facts.is_incident


def test_reads_from_many_threads_share_the_workers() -> None:
    results: list[int | None] = []
    with ParsePool(ParseLimits(workers=2)) as pool:
        threads = [
            threading.Thread(
                target=lambda: results.append(
                    pool.read(ARTICLE, media_type="text/html").facts.cards_affected
                )
            )
            for _ in range(6)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(pool._busy) == 0 and pool._idle.qsize() <= 2
    assert results == [2345] * 6


def test_reading_off_the_event_loop() -> None:
    async def go() -> int | None:
        with ParsePool(ParseLimits(workers=1)) as pool:
            read = await pool.read_async(ARTICLE, media_type="text/html")
        return read.facts.cards_affected

    assert asyncio.run(go()) == 2345


def test_close_stops_a_busy_worker_and_refuses_more() -> None:
    slow = b"<html><body><ul>" + b"<li>x</li>" * 1_500_000
    pool = ParsePool(ParseLimits(workers=1))
    errors: list[ParseError] = []

    def parse() -> None:
        try:
            pool.read(slow, media_type="text/html")
        except ParseError as exc:
            errors.append(exc)

    thread = threading.Thread(target=parse)
    thread.start()
    while not pool._busy:  # the document is with its worker
        threading.Event().wait(0.01)
    pool.close()
    thread.join()
    assert [e.code for e in errors] in (["parse_stopped"], [])  # [] if it finished first
    with pytest.raises(ParseError, match="parsing stopped"):
        pool.read(ARTICLE, media_type="text/html")
    with pytest.raises(ParseError, match="parsing stopped"):
        asyncio.run(pool.read_async(ARTICLE, media_type="text/html"))


def test_the_worker_side_imports_none_of_the_collectors_stack() -> None:
    # A worker imports its target's module; in the sources package that import pulled in
    # every source kind, httpx and structlog, in every worker of every command.
    probe = (
        "import sys, collector.parse_worker as w;"
        "print(sorted(m for m in ('collector.sources', 'httpx', 'structlog', 'sqlalchemy',"
        " 'pydantic') if m in sys.modules)); print(w.__name__ in w.PRELOAD)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[:2] == ["[]", "True"]

"""Fault injection with real processes: `python -m collector.cli fetch` is killed with
SIGKILL at the two dangerous moments, against the loopback site and Slack receiver.

(a) While Slack holds the request (the message reached Slack, the row is not marked):
    the row stays claimed until its lease runs out, a restart inside the lease sends
    nothing, a restart after it sends again: delivered, with exactly the one duplicate
    the design allows (docs/delivery.md, "what can duplicate").
(b) After the outbox row is committed and before any send: a restart sends it exactly
    once.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select

from collector.clock import utc
from collector.store.engine import make_engine, session_factory
from collector.store.migrate import upgrade
from collector.store.models import Delivery
from tests.support.site import LocalSite, Page
from tests.support.slack_receiver import SlackReceiver

# Real processes killed mid-delivery: `make test-slow`. The default suite keeps one crash
# (tests/reliability/test_failpoints.py, after the outbox commit).
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
RULES = """
[[rule]]
name = "cards"
channels = ["slack"]
conditions = [{ field = "cards_affected", op = ">=", value = 1000 }]

[channels.slack]
kind = "slack"
"""
# http and smtp: a send is cut at 3 s and the claim's lease is 6 s, long enough for a
# restarted process to start up inside it even on a loaded CI machine.
TIMEOUT = "1.5"


@pytest.fixture
def faults(env: dict, site: LocalSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    site.pages["/slow/news/"] = Page(b"<html><body>slow</body></html>", "text/html", delay=30)
    sources = tmp_path / "fault-sources.toml"
    sources.write_text(
        f'[[source]]\nid = "test-news"\nurl = "{site.url("/feed.xml")}"\nkind = "feed"\n\n'
        f'[[source]]\nid = "slow"\nurl = "{site.url("/slow/news/")}"\nkind = "page"\n',
        encoding="utf-8",
    )
    rules = tmp_path / "fault-rules.toml"
    rules.write_text(RULES, encoding="utf-8")
    monkeypatch.setenv("OWABI_SOURCES_FILE", str(sources))
    monkeypatch.setenv("OWABI_RULES_FILE", str(rules))
    monkeypatch.setenv("OWABI_HTTP_TIMEOUT", TIMEOUT)
    monkeypatch.setenv("OWABI_SMTP_TIMEOUT", TIMEOUT)
    monkeypatch.setenv("OWABI_FETCH_RETRIES", "0")
    engine = make_engine(env["OWABI_DATABASE_URL"])
    upgrade(engine)  # so that the test can watch the outbox from the first moment
    engine.dispose()
    return env


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "OWABI_LOG_FORMAT": "json"}


@contextmanager
def owabi_fetch(*args: str) -> Iterator[subprocess.Popen[bytes]]:
    """A real `fetch` process; killed and reaped whatever happens."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "collector.cli", "fetch", *args],
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


def fetch_to_end(*args: str) -> int:
    with owabi_fetch(*args) as proc:
        return proc.wait(timeout=30)


def wait_for(condition: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.005)


def rows(database_url: str) -> list[Delivery]:
    engine = make_engine(database_url)
    try:
        with session_factory(engine)() as s:
            return list(s.scalars(select(Delivery).order_by(Delivery.id)))
    finally:
        engine.dispose()


def test_kill_while_slack_holds_the_request(faults: dict, site: LocalSite) -> None:
    slack: SlackReceiver = faults["slack"]
    db = faults["OWABI_DATABASE_URL"]
    site.pages["/slow/news/"] = Page(b"<html></html>", "text/html")
    slack.hang()
    with owabi_fetch() as proc:
        wait_for(lambda: len(slack.requests) == 1)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    [row] = rows(db)
    assert row.status == "pending" and row.claimed_by and row.attempts == 0
    lease_end = utc(row.claimed_until)  # type: ignore[arg-type]

    # A restart inside the lease leaves the row alone: a live sender could still own it.
    assert fetch_to_end() == 0
    assert len(slack.requests) == 1 and rows(db)[0].status == "pending"

    # After the lease: sent again. Slack got it twice, the one duplicate of this window.
    time.sleep(max(0.0, (lease_end - dt.datetime.now(dt.UTC)).total_seconds()) + 0.1)
    assert fetch_to_end() == 0
    [row] = rows(db)
    assert row.status == "sent" and row.claimed_by is None and row.attempts == 1
    assert len(slack.requests) == 2
    assert slack.requests[0].body == slack.requests[1].body


def test_kill_after_the_outbox_commit_before_any_send(faults: dict, site: LocalSite) -> None:
    slack: SlackReceiver = faults["slack"]
    db = faults["OWABI_DATABASE_URL"]
    with owabi_fetch() as proc:
        # The feed's incident and its outbox row are committed while the slow source
        # still keeps the pass (and so the delivery step) from running.
        wait_for(lambda: len(rows(db)) == 1)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    [row] = rows(db)
    assert (row.status, row.claimed_by, row.attempts) == ("pending", None, 0)
    assert slack.requests == []

    site.pages["/slow/news/"] = Page(b"<html></html>", "text/html")
    assert fetch_to_end() == 0
    assert len(slack.requests) == 1 and rows(db)[0].status == "sent"
    assert fetch_to_end() == 0
    assert len(slack.requests) == 1

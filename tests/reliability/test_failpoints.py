"""Crash at every stage: a real `owabi fetch` is SIGKILLed by a failpoint
(collector/failpoints.py), restarted without it, and must end with every notice in an
incident and every alert delivered; duplicates only in the window docs/delivery.md names
(a channel accepted the message, the row was not yet marked)."""

from __future__ import annotations

import datetime as dt
import signal
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from collector.clock import utc
from collector.store.engine import make_engine, session_factory
from collector.store.models import Delivery
from tests.reliability.conftest import (
    EXPECTED_ALERTS,
    EXPECTED_INCIDENTS,
    delivered,
    owabi_env,
    sources_toml,
    store_counts,
)
from tests.support.proc import run_owabi
from tests.support.site import LocalSite
from tests.support.slack_receiver import SlackReceiver
from tests.support.smtp_server import SmtpServer

STAGES = ["after_fetch", "after_parse", "after_outbox", "after_store", "after_send"]
KILLED = -signal.SIGKILL


def _lease_end(database_url: str) -> dt.datetime | None:
    engine = make_engine(database_url)
    try:
        with session_factory(engine)() as s:
            ends = s.scalars(
                select(Delivery.claimed_until).where(Delivery.claimed_by.is_not(None))
            ).all()
    finally:
        engine.dispose()
    return max((utc(e) for e in ends if e is not None), default=None)


def _crash_and_recover(
    stage: str,
    database_url: str,
    tmp_path: Path,
    site: LocalSite,
    receivers: tuple[SlackReceiver, SmtpServer],
) -> dict[str, int]:
    slack, smtp = receivers
    env = owabi_env(tmp_path, database_url, sources_toml(site), slack, smtp)

    crashed = run_owabi("fetch", env={**env, "OWABI_FAILPOINTS": stage})
    assert crashed.returncode == KILLED, crashed.output
    in_window = store_counts(database_url)["alerts_claimed"]
    if stage != "after_send":
        assert in_window == 0

    first = run_owabi("fetch", env=env)
    assert first.returncode == 0, first.output
    lease_end = _lease_end(database_url)
    if lease_end is not None:  # rows claimed by the killed sender are due after its lease
        time.sleep(max(0.0, (lease_end - dt.datetime.now(dt.UTC)).total_seconds()) + 0.2)
        assert run_owabi("fetch", env=env).returncode == 0
    again = run_owabi("fetch", env=env)  # a further pass sends nothing more
    assert again.returncode == 0, again.output

    counts = store_counts(database_url)
    assert counts["incidents"] == EXPECTED_INCIDENTS, counts
    assert counts["notices_in_incidents"] == EXPECTED_INCIDENTS, counts
    assert counts.get("alerts_sent") == EXPECTED_ALERTS, counts
    assert counts["alerts_claimed"] == 0
    copies = delivered(slack, smtp)
    assert len(copies) == EXPECTED_ALERTS, copies
    duplicates = sum(n - 1 for n in copies.values())
    assert all(n >= 1 for n in copies.values())
    # Only a row that was in flight when the process died may arrive twice.
    assert duplicates <= in_window, (copies, in_window)
    if stage == "after_send":
        assert duplicates >= 1  # the accepted message was not yet marked: the window
    return {"in_window": in_window, "duplicates": duplicates}


@pytest.mark.parametrize("stage", ["after_outbox"])
def test_crash_after_the_outbox_commit_loses_nothing(
    stage: str,
    sqlite_url: str,
    tmp_path: Path,
    site: LocalSite,
    receivers: tuple[SlackReceiver, SmtpServer],
) -> None:
    result = _crash_and_recover(stage, sqlite_url, tmp_path, site, receivers)
    assert result["duplicates"] == 0


@pytest.mark.slow
@pytest.mark.parametrize("stage", STAGES)
def test_crash_at_every_stage(
    stage: str,
    database_url: str,
    tmp_path: Path,
    site: LocalSite,
    receivers: tuple[SlackReceiver, SmtpServer],
) -> None:
    _crash_and_recover(stage, database_url, tmp_path, site, receivers)


def test_failpoints_are_inert_unless_armed(monkeypatch: pytest.MonkeyPatch) -> None:
    from collector import failpoints

    failpoints.armed.cache_clear()
    monkeypatch.setenv(failpoints.ENV, "something_else, other")
    try:
        assert failpoints.armed() == {"something_else", "other"}
        failpoints.hit("after_fetch")  # not armed: returns
    finally:
        failpoints.armed.cache_clear()

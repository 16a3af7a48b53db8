"""Digests from the store: a period's routed incidents, sent once per (channel, period),
retried and parked like alerts, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import Iterator, Sequence
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from alerts.digest import DigestItem, Period
from alerts.errors import DeliveryError
from alerts.rules import RulesConfig
from collector.delivery.digests import send_due_digests
from collector.incidents import record_notice
from collector.store.engine import make_engine, session_factory
from collector.store.migrate import upgrade
from collector.store.models import Delivery, DigestRun
from parsers.schema import Category, Incident
from tests.support.waiting import DEADLINE

Sessions = sessionmaker[Session]
JST = ZoneInfo("Asia/Tokyo")
CONFIG = RulesConfig.model_validate(
    {
        "rules": [
            {
                "name": "cards",
                "channels": ["daily"],
                "conditions": [{"field": "cards_affected", "op": ">=", "value": 1000}],
            }
        ],
        "channels": {
            "daily": {"kind": "console", "each": False, "digest": {"every": "daily", "at": "09:00"}}
        },
    }
)


class DigestChannel:
    name, kind = "daily", "console"

    def __init__(self, failures: list[DeliveryError] | None = None) -> None:
        self.failures = failures or []
        self.digests: list[tuple[list[DigestItem], Period]] = []
        self.calls = 0

    async def send_digest(self, items: Sequence[DigestItem], period: Period) -> None:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        self.digests.append((list(items), period))


@pytest.fixture
def sessions(database_url: str) -> Iterator[Sessions]:
    engine = make_engine(database_url)
    upgrade(engine)
    yield session_factory(engine)
    engine.dispose()


def seed(sessions: Sessions) -> dict[str, int]:
    """Incidents first seen around the 2024-05-09 09:00 → 05-10 09:00 JST period."""
    seen = {
        "before": (dt.datetime(2024, 5, 9, 8, 59, tzinfo=JST), 5000),
        "first": (dt.datetime(2024, 5, 9, 9, 0, tzinfo=JST), 1200),
        "small": (dt.datetime(2024, 5, 9, 12, 0, tzinfo=JST), 10),
        "last": (dt.datetime(2024, 5, 10, 8, 59, tzinfo=JST), 3000),
        "after": (dt.datetime(2024, 5, 10, 9, 0, tzinfo=JST), 9000),
    }
    ids = {}
    for name, (when, cards) in seen.items():
        with sessions.begin() as s:
            ids[name] = record_notice(
                s,
                rules=CONFIG,
                source_id="corp",
                url=f"https://corp.example/{name}",
                content_hash=name,
                media_type=None,
                entry_title=None,
                facts=Incident(
                    is_incident=True,
                    organization=f"株式会社{name}",
                    categories=[Category.UNAUTHORIZED_ACCESS],
                    cards_affected=cards,
                ),
                now=when.astimezone(dt.UTC),
            ).incident_id
    return ids


NOW = dt.datetime(2024, 5, 10, 9, 30, tzinfo=JST)


def run(sessions: Sessions, channel: DigestChannel, now: dt.datetime = NOW) -> list[str]:
    results = asyncio.run(send_due_digests(sessions, {"daily": channel}, CONFIG, now))
    return [r.outcome for r in results]


def test_the_periods_routed_incidents_are_sent_once(sessions: Sessions) -> None:
    ids = seed(sessions)
    channel = DigestChannel()
    assert run(sessions, channel) == ["sent"]
    items, period = channel.digests[0]
    assert [i.incident_id for i in items] == [ids["first"], ids["last"]]
    assert (period.start, period.end) == (
        dt.datetime(2024, 5, 9, 9, 0, tzinfo=JST),
        dt.datetime(2024, 5, 10, 9, 0, tzinfo=JST),
    )
    assert items[0].links == ("https://corp.example/first",)
    # A digest-only channel got no per-alert rows.
    with sessions() as s:
        assert s.scalars(select(Delivery)).all() == []
    # Running again (cron, a restart, a second replica) sends nothing more.
    assert run(sessions, channel) == ["already sent"]
    assert run(sessions, channel, NOW + dt.timedelta(hours=20)) == ["already sent"]
    assert channel.calls == 1
    # The next day's run sends the next period.
    assert run(sessions, channel, NOW + dt.timedelta(days=1)) == ["sent"]
    assert [i.incident_id for i in channel.digests[1][0]] == [ids["after"]]


def test_an_empty_period_is_still_sent(sessions: Sessions) -> None:
    channel = DigestChannel()
    assert run(sessions, channel) == ["sent"]
    assert channel.digests[0][0] == []


def test_a_failed_digest_is_retried_then_parked(sessions: Sessions) -> None:
    seed(sessions)
    down = [DeliveryError("down", reason="http_5xx", retryable=True) for _ in range(2)]
    channel = DigestChannel(down)
    assert run(sessions, channel) == ["retrying"]
    assert run(sessions, channel) == ["retrying"]  # backoff: not tried again yet
    assert channel.calls == 1
    assert run(sessions, channel, NOW + dt.timedelta(hours=2)) == ["retrying"]
    assert run(sessions, channel, NOW + dt.timedelta(hours=4)) == ["sent"]
    assert len(channel.digests) == 1 and channel.calls == 3

    hopeless = DigestChannel([DeliveryError("gone", reason="http_4xx", retryable=False)])
    assert run(sessions, hopeless, NOW + dt.timedelta(days=1)) == ["parked"]
    with sessions() as s:
        parked = s.scalars(select(DigestRun).where(DigestRun.status == "parked")).one()
        assert "gone" in (parked.last_error or "")


def test_two_replicas_send_a_period_once(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    seed(session_factory(engine))
    lock = threading.Lock()
    sent: list[Period] = []
    finished: list[str] = []
    others_done = threading.Event()

    class Slow(DigestChannel):
        async def send_digest(self, items: Sequence[DigestItem], period: Period) -> None:
            # Hold the claim until the two other replicas have looked and given up.
            await asyncio.to_thread(others_done.wait, DEADLINE)
            with lock:
                sent.append(period)

    def replica() -> None:
        own = make_engine(database_url)
        try:
            asyncio.run(send_due_digests(session_factory(own), {"daily": Slow()}, CONFIG, NOW))
        finally:
            own.dispose()
            with lock:
                finished.append("done")
                if len(finished) == 2:
                    others_done.set()

    threads = [threading.Thread(target=replica) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(sent) == 1
    engine.dispose()

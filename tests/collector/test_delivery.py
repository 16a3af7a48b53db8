"""The outbox sender: sent once, retried with backoff, parked when hopeless."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from alerts.errors import DeliveryError
from alerts.message import Alert
from alerts.rules import RulesConfig
from collector.delivery import backoff, deliver_due
from collector.incidents import record_notice
from collector.store.engine import make_engine, session_factory
from collector.store.migrate import upgrade
from collector.store.models import Delivery
from parsers.schema import Incident

pytestmark = pytest.mark.anyio

RULES = RulesConfig.model_validate(
    {"rules": [{"name": "all", "channels": ["fake"]}], "channels": {"fake": {"kind": "console"}}}
)


class Clock:
    def __init__(self) -> None:
        self.t = dt.datetime(2024, 5, 10, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.t


class FakeChannel:
    name, kind = "fake", "fake"

    def __init__(self, failures: list[DeliveryError]) -> None:
        self.failures = failures
        self.sent: list[Alert] = []
        self.calls = 0

    async def send(self, alert: Alert) -> None:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(alert)


@pytest.fixture
def sessions(sqlite_url: str):  # type: ignore[no-untyped-def]
    engine = make_engine(sqlite_url)
    upgrade(engine)
    yield session_factory(engine)
    engine.dispose()


def enqueue(sessions, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as s:
        record_notice(
            s,
            rules=RULES,
            source_id="s",
            url="https://a.example/1",
            content_hash="h",
            media_type=None,
            entry_title=None,
            facts=Incident(is_incident=True, organization="株式会社テスト"),
            now=clock(),
        )


async def test_sent_once(sessions) -> None:  # type: ignore[no-untyped-def]
    clock, channel = Clock(), FakeChannel([])
    enqueue(sessions, clock)
    first = await deliver_due(sessions, {"fake": channel}, now=clock, max_attempts=3)
    again = await deliver_due(sessions, {"fake": channel}, now=clock, max_attempts=3)
    assert (first.sent, again.sent) == (1, 0)
    assert channel.sent[0].incident.organization == "株式会社テスト"


async def test_retryable_waits_then_succeeds(sessions) -> None:  # type: ignore[no-untyped-def]
    clock = Clock()
    channel = FakeChannel([DeliveryError("down", reason="http_5xx", retryable=True)])
    enqueue(sessions, clock)
    stats = await deliver_due(sessions, {"fake": channel}, now=clock, max_attempts=3)
    assert stats.retrying == 1
    # Not due yet: nothing is attempted.
    await deliver_due(sessions, {"fake": channel}, now=clock, max_attempts=3)
    assert channel.calls == 1
    clock.t += dt.timedelta(hours=2)
    stats = await deliver_due(sessions, {"fake": channel}, now=clock, max_attempts=3)
    assert stats.sent == 1 and len(channel.sent) == 1


async def test_permanent_failure_is_parked_with_error(sessions) -> None:  # type: ignore[no-untyped-def]
    clock = Clock()
    channel = FakeChannel([DeliveryError("bad hook", reason="http_4xx", retryable=False)])
    enqueue(sessions, clock)
    stats = await deliver_due(sessions, {"fake": channel}, now=clock, max_attempts=3)
    assert stats.parked == 1
    with sessions() as s:
        row = s.scalars(select(Delivery)).one()
        assert row.status == "parked" and "bad hook" in (row.last_error or "")


async def test_gives_up_after_max_attempts(sessions) -> None:  # type: ignore[no-untyped-def]
    clock = Clock()
    errors = [DeliveryError("down", reason="timeout", retryable=True) for _ in range(5)]
    channel = FakeChannel(errors)
    enqueue(sessions, clock)
    for _ in range(3):
        await deliver_due(sessions, {"fake": channel}, now=clock, max_attempts=3)
        clock.t += dt.timedelta(days=1)
    with sessions() as s:
        assert s.scalars(select(Delivery)).one().status == "parked"
    assert channel.calls == 3


@pytest.mark.parametrize(
    ("attempt", "retry_after", "low", "high"),
    [(1, None, 15, 30), (2, None, 30, 60), (20, None, 1800, 3600), (1, 120, 120, 120)],
)
def test_backoff_table(attempt: int, retry_after: float | None, low: float, high: float) -> None:
    for rand in (0.0, 1.0):
        assert low <= backoff(attempt, retry_after, rand) <= high

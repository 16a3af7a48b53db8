"""The outbox sender on SQLite and PostgreSQL: sent once, retried with backoff, parked when
hopeless; claims and leases keep two senders from sending one row; pacing and throttles
delay without dropping; digest-only channels and source tags shape what is enqueued."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from alerts.errors import DeliveryError
from alerts.message import Alert
from alerts.rules import RulesConfig
from collector.delivery.outbox import Pacer, backoff, deliver_due
from collector.incidents import record_notice
from collector.store.engine import make_engine, session_factory
from collector.store.migrate import upgrade
from collector.store.models import Delivery
from collector.store.queries import claim_next
from parsers.schema import Category, Incident
from tests.support.clock import FakeClock

pytestmark = pytest.mark.anyio

Sessions = sessionmaker[Session]


def rules(**rule: Any) -> RulesConfig:
    base = {"name": "all", "channels": ["fake"]}
    return RulesConfig.model_validate(
        {"rules": [base | rule], "channels": {"fake": {"kind": "console"}}}
    )


RULES = rules()


class FakeChannel:
    kind = "fake"

    def __init__(self, failures: list[DeliveryError] | None = None, name: str = "fake") -> None:
        self.name = name
        self.failures = failures or []
        self.sent: list[Alert] = []
        self.calls = 0

    async def send(self, alert: Alert) -> None:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(alert)


@pytest.fixture
def sessions(database_url: str) -> Iterator[Sessions]:
    engine = make_engine(database_url)
    upgrade(engine)
    yield session_factory(engine)
    engine.dispose()


def enqueue(
    sessions: Sessions,
    clock: FakeClock,
    n: int = 1,
    config: RulesConfig = RULES,
    source: str = "s",
    tags: dict[str, tuple[str, ...]] | None = None,
) -> int:
    """Record `n` incidents of distinct organizations; returns the alerts enqueued."""
    enqueued = 0
    for i in range(n):
        with sessions.begin() as s:
            enqueued += record_notice(
                s,
                rules=config,
                source_id=source,
                url=f"https://a.example/{source}/{i}",
                content_hash=f"h{i}",
                media_type=None,
                entry_title=None,
                facts=Incident(
                    is_incident=True,
                    organization=f"株式会社テスト{i}",
                    categories=[Category.UNAUTHORIZED_ACCESS],
                ),
                now=clock.now(),
                source_tags=tags,
            ).alerts_enqueued
    return enqueued


def statuses(sessions: Sessions) -> list[str]:
    with sessions() as s:
        return list(s.scalars(select(Delivery.status).order_by(Delivery.id)))


# --- send, retry, park ------------------------------------------------------------------


async def test_sent_once(sessions: Sessions) -> None:
    clock, channel = FakeClock(), FakeChannel()
    enqueue(sessions, clock)
    first = await deliver_due(sessions, {"fake": channel}, clock=clock, max_attempts=3)
    again = await deliver_due(sessions, {"fake": channel}, clock=clock, max_attempts=3)
    assert (first.sent, again.sent) == (1, 0)
    assert channel.sent[0].incident.organization == "株式会社テスト0"
    with sessions() as s:
        row = s.scalars(select(Delivery)).one()
        assert (row.claimed_by, row.claimed_until, row.attempts) == (None, None, 1)


async def test_retryable_waits_then_succeeds(sessions: Sessions) -> None:
    clock = FakeClock()
    channel = FakeChannel([DeliveryError("down", reason="http_5xx", retryable=True)])
    enqueue(sessions, clock)
    stats = await deliver_due(sessions, {"fake": channel}, clock=clock, max_attempts=3)
    assert stats.retrying == 1
    # Not due yet: nothing is attempted.
    await deliver_due(sessions, {"fake": channel}, clock=clock, max_attempts=3)
    assert channel.calls == 1
    clock.t += dt.timedelta(hours=2)
    stats = await deliver_due(sessions, {"fake": channel}, clock=clock, max_attempts=3)
    assert stats.sent == 1 and len(channel.sent) == 1


async def test_retry_after_is_honoured(sessions: Sessions) -> None:
    clock = FakeClock()
    error = DeliveryError("slow down", reason="http_429", retryable=True, retry_after=900)
    enqueue(sessions, clock)
    await deliver_due(sessions, {"fake": FakeChannel([error])}, clock=clock, max_attempts=3)
    with sessions() as s:
        row = s.scalars(select(Delivery)).one()
        wait = row.next_attempt_at.replace(tzinfo=dt.UTC) - clock.t
        assert wait >= dt.timedelta(seconds=900)


async def test_permanent_failure_is_parked_with_error(sessions: Sessions) -> None:
    clock = FakeClock()
    channel = FakeChannel([DeliveryError("bad hook", reason="http_4xx", retryable=False)])
    enqueue(sessions, clock)
    stats = await deliver_due(sessions, {"fake": channel}, clock=clock, max_attempts=3)
    assert stats.parked == 1
    with sessions() as s:
        row = s.scalars(select(Delivery)).one()
        assert row.status == "parked" and "bad hook" in (row.last_error or "")


async def test_gives_up_after_max_attempts(sessions: Sessions) -> None:
    clock = FakeClock()
    errors = [DeliveryError("down", reason="timeout", retryable=True) for _ in range(5)]
    channel = FakeChannel(errors)
    enqueue(sessions, clock)
    for _ in range(3):
        await deliver_due(sessions, {"fake": channel}, clock=clock, max_attempts=3)
        clock.t += dt.timedelta(days=1)
    assert statuses(sessions) == ["parked"]
    assert channel.calls == 3


async def test_a_send_that_never_returns_times_out_and_is_retried(sessions: Sessions) -> None:
    class Stuck(FakeChannel):
        async def send(self, alert: Alert) -> None:
            await asyncio.Event().wait()  # never answers

    clock = FakeClock()
    enqueue(sessions, clock)
    stats = await deliver_due(
        sessions, {"fake": Stuck()}, clock=clock, max_attempts=3, send_timeout=0.05
    )
    assert stats.retrying == 1
    with sessions() as s:
        assert "no answer within" in (s.scalars(select(Delivery)).one().last_error or "")


@pytest.mark.parametrize(
    ("attempt", "retry_after", "low", "high"),
    [(1, None, 15, 30), (2, None, 30, 60), (20, None, 1800, 3600), (1, 120, 120, 120)],
)
def test_backoff_table(attempt: int, retry_after: float | None, low: float, high: float) -> None:
    for rand in (0.0, 1.0):
        assert low <= backoff(attempt, retry_after, rand) <= high


# --- claims and leases ------------------------------------------------------------------


async def test_a_claimed_row_is_skipped_until_its_lease_runs_out(sessions: Sessions) -> None:
    clock = FakeClock()
    enqueue(sessions, clock)
    with sessions.begin() as s:
        row = claim_next(s, Delivery, worker="crashed", now=clock.t, lease=120)
        assert row is not None and row.claimed_by == "crashed"
    channel = FakeChannel()
    stats = await deliver_due(sessions, {"fake": channel}, clock=clock, max_attempts=3)
    assert stats.sent == 0 and channel.calls == 0
    # The claimer died: once its lease has run out the row is due again, and sent.
    clock.t += dt.timedelta(seconds=121)
    stats = await deliver_due(sessions, {"fake": channel}, clock=clock, max_attempts=3)
    assert stats.sent == 1 and len(channel.sent) == 1


async def test_claims_are_exclusive_and_in_id_order(sessions: Sessions) -> None:
    clock = FakeClock()
    enqueue(sessions, clock, n=3)
    with sessions.begin() as s:
        a = claim_next(s, Delivery, worker="a", now=clock.t, lease=60)
    with sessions.begin() as s:
        b = claim_next(s, Delivery, worker="b", now=clock.t, lease=60)
    with sessions.begin() as s:
        c = claim_next(s, Delivery, worker="c", now=clock.t, lease=60)
    with sessions.begin() as s:
        none = claim_next(s, Delivery, worker="d", now=clock.t, lease=60)
    assert [a.id, b.id, c.id] == sorted({a.id, b.id, c.id}) and none is None


async def test_a_lost_claim_is_not_marked_sent(sessions: Sessions) -> None:
    """A sender whose lease ran out and was taken over must not overwrite the new claim."""
    clock = FakeClock()
    enqueue(sessions, clock)

    class TakenOver(FakeChannel):
        async def send(self, alert: Alert) -> None:
            await super().send(alert)
            with sessions.begin() as s:
                row = s.scalars(select(Delivery)).one()
                row.claimed_by = "someone-else"

    stats = await deliver_due(sessions, {"fake": TakenOver()}, clock=clock, max_attempts=3)
    assert (stats.sent, stats.lost) == (0, 1)
    with sessions() as s:
        row = s.scalars(select(Delivery)).one()
        assert (row.status, row.claimed_by, row.attempts) == ("pending", "someone-else", 0)


def test_two_concurrent_deliverers_never_send_a_row_twice(database_url: str) -> None:
    """Two senders, each with its own engine (connections), in two threads, race over 40
    rows; every row is sent exactly once and each is marked sent once."""
    engine = make_engine(database_url)
    upgrade(engine)
    sessions = session_factory(engine)
    clock = FakeClock()
    enqueue(sessions, clock, n=40)
    lock = threading.Lock()
    sent: list[str] = []
    by_worker: dict[str, int] = {}

    class Shared(FakeChannel):
        def __init__(self, who: str) -> None:
            super().__init__()
            self.who = who

        async def send(self, alert: Alert) -> None:
            await asyncio.sleep(0)  # a point where the other sender's thread may run
            with lock:
                sent.append(alert.key)
                by_worker[self.who] = by_worker.get(self.who, 0) + 1

    def worker(who: str) -> None:
        own = make_engine(database_url)
        try:
            asyncio.run(
                deliver_due(
                    session_factory(own), {"fake": Shared(who)}, clock=clock, max_attempts=3
                )
            )
        finally:
            own.dispose()

    threads = [threading.Thread(target=worker, args=(w,)) for w in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(sent) == 40 and len(set(sent)) == 40
    assert statuses(sessions) == ["sent"] * 40
    assert sum(by_worker.values()) == 40
    engine.dispose()


# --- pacing and throttle ----------------------------------------------------------------


async def test_pacer_spaces_messages_per_channel() -> None:
    fake = FakeClock()
    pacer = Pacer({"slack": 1.0, "email": 0.0}, clock=fake)
    for name in ("slack", "email", "slack", "email", "slack"):
        await pacer.turn(name)
    assert fake.slept == [1.0, 1.0]  # only the second and third Slack message waited
    fake.mono += 5
    await pacer.turn("slack")  # a gap longer than the interval: no wait
    assert fake.slept == [1.0, 1.0]


async def test_deliveries_on_a_paced_channel_are_one_second_apart(sessions: Sessions) -> None:
    clock, fake, channel = FakeClock(), FakeClock(), FakeChannel()
    enqueue(sessions, clock, n=4)
    times: list[float] = []
    original = channel.send

    async def timed(alert: Alert) -> None:
        times.append(fake.mono)
        await original(alert)

    channel.send = timed  # type: ignore[method-assign]
    pacer = Pacer({"fake": 1.0}, clock=fake)
    stats = await deliver_due(sessions, {"fake": channel}, clock=clock, max_attempts=3, pacer=pacer)
    assert stats.sent == 4
    assert [b - a for a, b in itertools.pairwise(times)] == [1.0, 1.0, 1.0]


async def test_throttle_delays_and_never_drops(sessions: Sessions) -> None:
    config = rules(throttle={"max": 2, "per": "1h"})
    clock, channel = FakeClock(), FakeChannel()
    assert enqueue(sessions, clock, n=5, config=config) == 5
    stats = await deliver_due(
        sessions, {"fake": channel}, clock=clock, max_attempts=3, rules=config
    )
    assert (stats.sent, stats.throttled) == (2, 3)
    with sessions() as s:
        waiting = s.scalars(select(Delivery).where(Delivery.status == "pending")).all()
        assert {w.next_attempt_at.replace(tzinfo=dt.UTC) for w in waiting} == {
            clock.t + dt.timedelta(hours=1)
        }
        assert all(w.attempts == 0 and w.claimed_by is None for w in waiting)
    clock.t += dt.timedelta(minutes=59)
    stats = await deliver_due(
        sessions, {"fake": channel}, clock=clock, max_attempts=3, rules=config
    )
    assert stats.sent == 0
    for expected in (2, 1):
        clock.t += dt.timedelta(hours=1)
        stats = await deliver_due(
            sessions, {"fake": channel}, clock=clock, max_attempts=3, rules=config
        )
        assert stats.sent == expected
    assert len(channel.sent) == 5 and statuses(sessions) == ["sent"] * 5


async def test_unconfigured_channel_parks_with_a_reason(sessions: Sessions) -> None:
    clock = FakeClock()
    enqueue(sessions, clock)
    stats = await deliver_due(sessions, {}, clock=clock, max_attempts=3)
    assert stats.parked == 1
    with sessions() as s:
        assert "not configured" in (s.scalars(select(Delivery)).one().last_error or "")


# --- what gets enqueued -----------------------------------------------------------------


def test_digest_only_channel_gets_no_per_alert_rows(sessions: Sessions) -> None:
    config = RulesConfig.model_validate(
        {
            "rules": [{"name": "r", "channels": ["fake", "weekly"]}],
            "channels": {
                "fake": {"kind": "console"},
                "weekly": {
                    "kind": "console",
                    "each": False,
                    "digest": {"every": "weekly", "at": "09:00"},
                },
            },
        }
    )
    assert enqueue(sessions, FakeClock(), config=config) == 1
    with sessions() as s:
        assert s.scalars(select(Delivery.channel)).all() == ["fake"]


def test_tag_restricted_rule_sees_the_tags_of_every_source(sessions: Sessions) -> None:
    config = rules(tags=["news"], events=["new", "update"])
    tags = {"corp": (), "piyolog": ("news", "blog")}
    clock = FakeClock()
    # From an untagged source: no alert (and none without the tag map at all).
    assert enqueue(sessions, clock, config=config, source="corp", tags=tags) == 0
    assert enqueue(sessions, clock, n=2, config=config, source="other") == 0
    # A tagged source: the rule fires.
    with sessions.begin() as s:
        recorded = record_notice(
            s,
            rules=config,
            source_id="piyolog",
            url="https://news.example/1",
            content_hash="n1",
            media_type=None,
            entry_title=None,
            facts=Incident(
                is_incident=True,
                organization="株式会社テスト9",
                categories=[Category.UNAUTHORIZED_ACCESS],
            ),
            now=clock.now(),
            source_tags=tags,
        )
    assert recorded.event == "new" and recorded.alerts_enqueued == 1

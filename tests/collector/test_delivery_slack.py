"""Delivery against a loopback Slack webhook that answers 429 + Retry-After, 500 and
hangs: after recovery every alert was accepted exactly once, Retry-After was honoured,
and messages were paced one second apart (on an injected clock, so the test does not wait)."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from alerts.channels.slack import SlackChannel
from alerts.rules import RulesConfig
from collector.delivery.outbox import Pacer, deliver_due
from collector.store.engine import make_engine, session_factory
from collector.store.migrate import upgrade
from collector.store.models import Delivery
from tests.collector.test_delivery import enqueue
from tests.support.clock import FakeClock
from tests.support.slack_receiver import SlackReceiver

CONFIG = RulesConfig.model_validate(
    {"rules": [{"name": "all", "channels": ["fake"]}], "channels": {"fake": {"kind": "slack"}}}
)
ALERTS = 6


@pytest.fixture
def sessions(sqlite_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(sqlite_url)
    upgrade(engine)
    yield session_factory(engine)
    engine.dispose()


async def _pass(
    sessions: sessionmaker[Session],
    url: str,
    clock: FakeClock,
    fake: FakeClock,
    sent_at: list[float],
) -> None:
    # The hang is the one request that takes this long; others answer in milliseconds.
    async with httpx.AsyncClient(timeout=1.0) as client:
        slack = SlackChannel("fake", url, client=client)
        original = slack.send

        async def timed(alert):  # type: ignore[no-untyped-def]
            sent_at.append(fake.mono)
            await original(alert)

        slack.send = timed  # type: ignore[method-assign]
        await deliver_due(
            sessions,
            {"fake": slack},
            clock=clock,
            max_attempts=5,
            rules=CONFIG,
            pacer=Pacer({"fake": 1.0}, clock=fake),
            send_timeout=2.0,
        )


def test_every_alert_arrives_once_after_429_500_and_a_hang(
    sessions: sessionmaker[Session],
) -> None:
    clock, fake, sent_at = FakeClock(), FakeClock(), []
    assert enqueue(sessions, clock, n=ALERTS, config=CONFIG) == ALERTS
    with SlackReceiver(hang_seconds=30) as receiver:
        receiver.respond_429(retry_after=900)
        receiver.respond(500, body=b"internal_error")
        receiver.hang()
        asyncio.run(_pass(sessions, receiver.url(), clock, fake, sent_at))
        with sessions() as s:
            rows = s.scalars(select(Delivery).order_by(Delivery.id)).all()
            assert [r.status for r in rows] == ["pending"] * 3 + ["sent"] * 3
            reasons = [(r.last_error or "").split(":")[0] for r in rows[:3]]
            assert reasons == ["http_429", "http_5xx", "timeout"]
            # Retry-After: 900 s, longer than the first backoff step, wins.
            first_wait = rows[0].next_attempt_at.replace(tzinfo=dt.UTC) - clock.t
            assert first_wait >= dt.timedelta(seconds=900)
        # Recovery: every later request is answered 200.
        clock.t += dt.timedelta(hours=2)
        fake.mono += 7200
        asyncio.run(_pass(sessions, receiver.url(), clock, fake, sent_at))
        accepted = [r.json()["text"] for r in receiver.requests[3:]]
    assert statuses_sent(sessions) == ALERTS
    orgs = [next(f"テスト{i}" for i in range(ALERTS) if f"テスト{i}" in t) for t in accepted]
    assert sorted(orgs) == sorted(f"テスト{i}" for i in range(ALERTS))  # each exactly once
    assert len(receiver.requests) == ALERTS + 3
    # Paced: never less than one second between two messages to the webhook.
    assert all(b - a >= 1.0 for a, b in itertools.pairwise(sent_at))


def statuses_sent(sessions: sessionmaker[Session]) -> int:
    with sessions() as s:
        return len(s.scalars(select(Delivery).where(Delivery.status == "sent")).all())

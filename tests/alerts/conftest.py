"""Fixtures for alerts tests: sample incidents/alerts and the loopback servers.

The servers live in `tests/support/` so other packages' tests can wrap them the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from alerts.message import Alert, alert_key
from parsers.schema import Authority, Category, DataItem, Incident, Stage
from tests.support.slack_receiver import SlackReceiver
from tests.support.smtp_server import SmtpServer

SMTP_USER = "owabi-bot"
SMTP_PASSWORD = "pw-Zx9!secret"


@pytest.fixture
def slack_receiver() -> Iterator[SlackReceiver]:
    with SlackReceiver() as receiver:
        yield receiver


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


@pytest.fixture
def smtp_server_auth() -> Iterator[SmtpServer]:
    with SmtpServer(username=SMTP_USER, password=SMTP_PASSWORD) as server:
        yield server


def sample_incident(**changes: Any) -> Incident:
    """An invented skimming incident with every impact field stated."""
    base = Incident(
        is_incident=True,
        organization="株式会社サンプル商事",
        title="弊社通販サイトへの不正アクセスによる個人情報漏えいに関するお詫び",
        published=dt.date(2024, 3, 1),
        stage=Stage.REPORT,
        categories=[Category.UNAUTHORIZED_ACCESS, Category.WEB_SKIMMING],
        services=["サンプルストア"],
        people_affected=12345,
        cards_affected=1938,
        data_items=[DataItem.NAME, DataItem.ADDRESS, DataItem.CARD_NUMBER],
        card_data_leaked=True,
        exposure_start=dt.date(2023, 1, 10),
        exposure_end=dt.date(2023, 6, 30),
        discovered=dt.date(2023, 7, 5),
        reported_to=[Authority.PPC, Authority.POLICE],
        cause="決済画面の改ざん",
    )
    return base.model_copy(update=changes)


def sample_alert(
    incident: Incident | None = None,
    *,
    rule: str = "cards",
    event: str = "new",
    links: tuple[str, ...] = ("https://example.co.jp/news/2024/0301.html",),
    sources: tuple[str, ...] = ("sample-news",),
    primary: tuple[str, ...] = (),
) -> Alert:
    return Alert(
        rule=rule,
        event=event,  # type: ignore[arg-type]
        incident_id=42,
        incident=incident if incident is not None else sample_incident(),
        links=links,
        sources=sources,
        key=alert_key(42, rule, "test", event),  # type: ignore[arg-type]
        primary=primary,
    )


@pytest.fixture
def make_incident() -> Callable[..., Incident]:
    return sample_incident


@pytest.fixture
def make_alert() -> Callable[..., Alert]:
    return sample_alert

"""A loopback site with two incident notices (a feed article, a PDF behind a listing),
a Slack receiver and an SMTP server, and the settings a real `owabi fetch` child needs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from collector.store.engine import make_engine, session_factory
from collector.store.models import Delivery, IncidentRecord, NoticeRecord
from tests.support.notices import (
    serve_card_leak_feed,
    serve_corporate_listing,
)
from tests.support.site import LocalSite, Page, local_site
from tests.support.slack_receiver import SlackReceiver
from tests.support.smtp_server import SmtpServer

# Every incident goes to both channels: 2 incidents × 2 channels = 4 alerts.
RULES = """
[[rule]]
name = "all-incidents"
channels = ["slack", "email"]

[channels.slack]
kind = "slack"
min_interval = 0

[channels.email]
kind = "email"
"""
EXPECTED_ALERTS = 4
EXPECTED_INCIDENTS = 2


@pytest.fixture
def site() -> Iterator[LocalSite]:
    with local_site() as s:
        s.pages["/robots.txt"] = Page(b"", "text/plain")
        serve_card_leak_feed(s)
        serve_corporate_listing(
            s, [("2024年4月20日", "/corp/news/fair.html", "春の感謝祭を開催します")]
        )
        yield s


def sources_toml(site: LocalSite) -> str:
    return (
        f'[[source]]\nid = "news"\nurl = "{site.url("/feed.xml")}"\nkind = "feed"\n\n'
        f'[[source]]\nid = "corp"\nurl = "{site.url("/corp/news/")}"\nkind = "page"\n'
        'organization = "株式会社サンプル商事"\n'
    )


@pytest.fixture
def receivers() -> Iterator[tuple[SlackReceiver, SmtpServer]]:
    with SlackReceiver() as slack, SmtpServer() as smtp:
        yield slack, smtp


def owabi_env(
    tmp_path: Path,
    database_url: str,
    sources: str,
    slack: SlackReceiver,
    smtp: SmtpServer,
    rules: str = RULES,
) -> dict[str, str]:
    """Settings for a child `owabi` process (short timeouts: a send is cut at 3 s and a
    claim's lease is 6 s)."""
    (tmp_path / "sources.toml").write_text(sources, encoding="utf-8")
    (tmp_path / "rules.toml").write_text(rules, encoding="utf-8")
    return {
        "OWABI_DATABASE_URL": database_url,
        "OWABI_SOURCES_FILE": str(tmp_path / "sources.toml"),
        "OWABI_RULES_FILE": str(tmp_path / "rules.toml"),
        "OWABI_SECRETS_DIR": "/nonexistent-owabi-secrets",
        "OWABI_POLITENESS_DELAY": "0",
        "OWABI_FETCH_RETRIES": "0",
        "OWABI_HTTP_TIMEOUT": "1.5",
        "OWABI_SMTP_TIMEOUT": "1.5",
        "OWABI_SLACK_WEBHOOK_URL": slack.url(),
        "OWABI_SMTP_HOST": smtp.host,
        "OWABI_SMTP_PORT": str(smtp.port),
        "OWABI_SMTP_STARTTLS": "false",
        "OWABI_SMTP_TO": "soc@example.com",
        "OWABI_SMTP_FROM": "owabi@example.com",
    }


def store_counts(database_url: str) -> dict[str, int]:
    """What the store holds: incidents, notices attached to one, and outbox rows by status."""
    engine = make_engine(database_url)
    try:
        with session_factory(engine)() as s:
            counts = {
                "incidents": s.scalar(select(func.count()).select_from(IncidentRecord)) or 0,
                "notices_in_incidents": s.scalar(
                    select(func.count())
                    .select_from(NoticeRecord)
                    .where(NoticeRecord.incident_id.is_not(None))
                )
                or 0,
            }
            for status, n in s.execute(
                select(Delivery.status, func.count()).group_by(Delivery.status)
            ):
                counts[f"alerts_{status}"] = n
            counts["alerts_claimed"] = (
                s.scalar(
                    select(func.count())
                    .select_from(Delivery)
                    .where(Delivery.claimed_by.is_not(None))
                )
                or 0
            )
            return counts
    finally:
        engine.dispose()


def delivered(slack: SlackReceiver, smtp: SmtpServer, refused: int = 0) -> dict[str, int]:
    """How many times each alert reached a channel, keyed by channel and message; the
    first `refused` Slack requests were answered with an error and do not count."""
    seen: dict[str, int] = {}
    for payload in slack.payloads[refused:]:
        key = "slack:" + str(payload.get("text", payload))[:200]
        seen[key] = seen.get(key, 0) + 1
    for mail in smtp.messages:
        key = "email:" + str(mail.message["Message-ID"])
        seen[key] = seen.get(key, 0) + 1
    return seen

"""Fixtures for end-to-end tests: a loopback site with a feed, a Shift_JIS listing
without charset, an article and a PDF notice, plus Slack and SMTP receivers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.notices import (
    serve_corporate_listing,
    serve_news_feed,
)
from tests.support.site import LocalSite, Page, local_site
from tests.support.slack_receiver import SlackReceiver
from tests.support.smtp_server import SmtpServer

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def site() -> Iterator[LocalSite]:
    with local_site() as s:
        s.pages["/robots.txt"] = Page(b"User-agent: *\nDisallow: /private/\n", "text/plain")
        serve_news_feed(s)
        serve_corporate_listing(
            s,
            [
                ("2024年4月20日", "/corp/news/fair.html", "春の感謝祭を開催します"),
                ("2024年4月1日", "/corp/news/new-office.html", "新オフィス開設のお知らせ"),
            ],
        )
        yield s


def write_sources(tmp_path: Path, site: LocalSite) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(
        f"""
[defaults.all]
interval = "5m"

[[source]]
id = "test-news"
url = "{site.url("/feed.xml")}"
kind = "feed"
tags = ["news"]

[[source]]
id = "sample-corp"
url = "{site.url("/corp/news/")}"
kind = "page"
organization = "株式会社サンプル商事"
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, site: LocalSite, database_url: str
) -> Iterator[dict[str, str]]:
    """Settings for a run against `site`, on SQLite and (when available) PostgreSQL."""
    monkeypatch.chdir(tmp_path)
    with SlackReceiver() as slack, SmtpServer() as smtp:
        values = {
            "OWABI_DATABASE_URL": database_url,
            "OWABI_SOURCES_FILE": str(write_sources(tmp_path, site)),
            "OWABI_RULES_FILE": str(REPO / "config" / "rules.toml"),
            "OWABI_POLITENESS_DELAY": "0",
            "OWABI_SLACK_WEBHOOK_URL": slack.url(),
            "OWABI_SMTP_HOST": smtp.host,
            "OWABI_SMTP_PORT": str(smtp.port),
            "OWABI_SMTP_STARTTLS": "false",
            "OWABI_SMTP_TO": "soc@example.com",
            "OWABI_SMTP_FROM": "owabi@example.com",
        }
        for k, v in values.items():
            monkeypatch.setenv(k, v)
        yield {"slack": slack, "smtp": smtp, **values}  # type: ignore[dict-item]

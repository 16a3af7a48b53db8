"""Merging end to end: the same incident from the company's own news page and from a
news feed is one incident and one alert per rule; a 続報 with a larger count is one
`update` alert (for the rules that want updates) and nothing else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import run_cli as run
from tests.support.notices import CARD_LEAK_ARTICLE, listing_page_sjis
from tests.support.site import LocalSite, Page
from tests.support.slack_receiver import SlackReceiver
from tests.support.smtp_server import SmtpServer

RULES = """
[[rule]]
name = "cards"
events = ["new", "update"]
channels = ["slack"]
conditions = [{ field = "cards_affected", op = ">=", value = 1000 }]

[[rule]]
name = "everything-new"
channels = ["email"]

[[rule]]
name = "news-only"
tags = ["news"]
channels = ["email"]

[channels.slack]
kind = "slack"
min_interval = 0

[channels.email]
kind = "email"
"""

FOLLOW_UP = (
    CARD_LEAK_ARTICLE.replace("2,345件", "5,100件")
    .replace("2,345名", "5,100名")
    .replace("2024年5月10日", "2024年5月20日")
    .replace("お詫び</h1>", "お詫び（第2報）</h1>")
)


def _listing(entries: list[tuple[str, str, str]]) -> Page:
    """The shop's news list; ordinary entries make it recognisable as a list."""
    ordinary = [
        ("2024年4月20日", "/shop/news/fair.html", "春の感謝祭を開催します"),
        ("2024年4月1日", "/shop/news/office.html", "新オフィス開設のお知らせ"),
    ]
    return Page(listing_page_sjis(entries + ordinary), "text/html")


@pytest.fixture
def setup(env: dict, site: LocalSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    site.pages["/shop/news/"] = _listing(
        [
            (
                "2024年5月10日",
                "/shop/news/0510.html",
                "不正アクセスによるカード情報漏えいに関するお詫び",
            )
        ]
    )
    site.pages["/shop/news/0510.html"] = Page(
        CARD_LEAK_ARTICLE.encode(), "text/html; charset=utf-8"
    )
    sources = tmp_path / "merge-sources.toml"
    sources.write_text(
        f"""
[[source]]
id = "test-shop"
url = "{site.url("/shop/news/")}"
kind = "page"
organization = "株式会社テスト通販"

[[source]]
id = "test-news"
url = "{site.url("/feed.xml")}"
kind = "feed"
tags = ["news"]
""",
        encoding="utf-8",
    )
    rules = tmp_path / "merge-rules.toml"
    rules.write_text(RULES, encoding="utf-8")
    monkeypatch.setenv("OWABI_SOURCES_FILE", str(sources))
    monkeypatch.setenv("OWABI_RULES_FILE", str(rules))
    return env


def test_page_and_feed_make_one_incident_and_one_alert_per_rule(
    setup: dict, site: LocalSite
) -> None:
    slack: SlackReceiver = setup["slack"]
    smtp: SmtpServer = setup["smtp"]
    code, out, err = run("fetch", "--source", "test-shop")
    assert code == 0, err
    code, out, err = run("fetch", "--source", "test-news")
    assert code == 0, err

    _, exported, _ = run("incidents", "export", "--format", "json")
    shop = [i for i in json.loads(exported) if "テスト通販" in (i["organization"] or "")]
    assert len(shop) == 1 and len(shop[0]["notices"]) == 2
    assert {n["source"] for n in shop[0]["notices"]} == {"test-shop", "test-news"}
    # cards → slack once; everything-new → email once; news-only matched only when the
    # news feed's notice arrived, but the incident was no longer new: no second e-mail.
    assert len(slack.requests) == 1 and "2,345" in slack.requests[0].json()["text"]
    assert len(smtp.messages) == 1

    # The company publishes a 続報 with a larger count: one update alert, on Slack only.
    site.pages["/shop/news/"] = _listing(
        [
            ("2024年5月20日", "/shop/news/0520.html", "カード情報漏えいに関するお詫び（第2報）"),
            (
                "2024年5月10日",
                "/shop/news/0510.html",
                "不正アクセスによるカード情報漏えいに関するお詫び",
            ),
        ]
    )
    site.pages["/shop/news/0520.html"] = Page(FOLLOW_UP.encode(), "text/html; charset=utf-8")
    code, out, err = run("fetch")
    assert code == 0, err
    assert "1 updated" in out
    assert len(slack.requests) == 2
    update = slack.requests[1].json()["text"]
    assert "5,100" in update
    assert len(smtp.messages) == 1
    _, exported, _ = run("incidents", "export", "--format", "json")
    shop = [i for i in json.loads(exported) if "テスト通販" in (i["organization"] or "")]
    assert len(shop) == 1 and shop[0]["cards_affected"] == 5100

    # Nothing changes on another pass.
    run("fetch")
    assert (len(slack.requests), len(smtp.messages)) == (2, 1)

"""The whole spine on loopback: a feed, a Shift_JIS listing without charset, an article
and a PDF notice are collected, stored and alerted once to Slack and email; a second
pass sends nothing new."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import run_cli as run
from tests.support.notices import (
    CARD_LEAK_ARTICLE,
    MISDELIVERY_NOTICE_LINES,
    ORDINARY_ARTICLE,
    pdf_bytes,
    rss,
)
from tests.support.site import LocalSite, Page
from tests.support.slack_receiver import SlackReceiver
from tests.support.smtp_server import SmtpServer


def test_fetch_collects_stores_and_alerts_once(env: dict, site: LocalSite) -> None:
    code, out, err = run("fetch")
    assert code == 0, err
    assert "sources: 2 ok" in out
    assert "テスト通販" in out

    slack: SlackReceiver = env["slack"]
    smtp: SmtpServer = env["smtp"]
    assert len(slack.requests) == 1
    payload = slack.requests[0].json()
    assert "テスト通販" in payload["text"]
    assert len(smtp.messages) == 1
    assert "テスト通販" in str(smtp.messages[0].message["Subject"])

    # The ordinary listing entries were never fetched; the PDF notice and the article were.
    assert site.hits("/corp/news/fair.html") == 0
    assert site.hits("/news/product.html") == 0
    assert site.hits("/corp/news/notice.pdf") == 1
    assert site.hits("/news/card-leak.html") == 1

    code, out, _ = run("incidents", "export", "--format", "json")
    incidents = json.loads(out)
    by_org = {i["organization"]: i for i in incidents}
    card = next(i for org, i in by_org.items() if org and "テスト通販" in org)
    assert card["cards_affected"] == 2345 and card["card_data_leaked"] is True
    # The Shift_JIS listing's PDF notice was decoded and parsed as the company's own notice.
    misdelivery = next(i for org, i in by_org.items() if org and "サンプル商事" in org)
    assert "misdelivery" in misdelivery["categories"]

    # A second pass: everything is unchanged (304) or seen; nothing is sent again.
    code, out, err = run("fetch")
    assert code == 0, err
    assert "sources: 2 ok (2 unchanged)" in out
    assert len(slack.requests) == 1
    assert len(smtp.messages) == 1


def test_parse_jsonl_keeps_input_order(tmp_path: Path) -> None:
    article = tmp_path / "a.html"
    article.write_text(CARD_LEAK_ARTICLE, encoding="utf-8")
    pdf = tmp_path / "b.pdf"
    pdf.write_bytes(pdf_bytes(MISDELIVERY_NOTICE_LINES))
    missing = tmp_path / "missing.txt"
    code, out, err = run("parse", str(article), str(missing), str(pdf), "--format", "jsonl")
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == 3
    assert lines[0]["cards_affected"] == 2345
    assert lines[1]["error"] and lines[1]["is_incident"] is False
    assert "misdelivery" in lines[2]["categories"]
    assert code == 1 and "missing.txt" in err


def test_entries_over_the_cap_are_read_on_later_passes(
    env: dict, site: LocalSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = [
        (
            f"第{i}報 不正アクセスに関するお詫び",
            site.url(f"/news/n{i}.html"),
            "Fri, 10 May 2024 09:00:00 +0900",
            "不正アクセス",
        )
        for i in range(5)
    ]
    site.pages["/feed.xml"] = Page(rss(items), "application/rss+xml")
    for i in range(5):
        site.pages[f"/news/n{i}.html"] = Page(ORDINARY_ARTICLE.encode(), "text/html")
    monkeypatch.setenv("OWABI_MAX_ARTICLES_PER_SOURCE", "2")
    for expected in (2, 4, 5, 5):
        run("fetch", "--source", "test-news")
        assert sum(site.hits(f"/news/n{i}.html") for i in range(5)) == expected


def test_fetch_sends_a_due_digest_once(
    env: dict, site: LocalSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = tmp_path / "digest-rules.toml"
    rules.write_text(
        '[[rule]]\nname = "everything"\nchannels = ["daily"]\n'
        '[channels.daily]\nkind = "slack"\neach = false\n'
        'digest = { every = "daily", at = "00:00", timezone = "UTC" }\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("OWABI_RULES_FILE", str(rules))
    code, out, err = run("fetch")
    assert code == 0, err
    assert "digests: 1 sent, 0 failed" in out
    slack: SlackReceiver = env["slack"]
    assert len(slack.requests) == 1  # the digest only: per-alert messages are off
    code, out, _ = run("fetch")
    assert "digests:" not in out and len(slack.requests) == 1

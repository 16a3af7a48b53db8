"""`owabi alerts test|failed|retry|digest` on a seeded store, with a loopback Slack webhook:
tables and messages on stdout, one-line errors, exit codes 0/1/2."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from alerts.channels.console import ConsoleChannel
from alerts.channels.slack import SlackChannel
from alerts.rules import RulesConfig
from collector.config.files import load_rules
from collector.delivery.outbox import deliver_due
from collector.incidents import record_notice
from collector.store.engine import make_engine, session_factory
from collector.store.migrate import upgrade
from parsers.schema import Category, Incident
from tests.support.cli import run_cli as run
from tests.support.slack_receiver import SlackReceiver

RULES_TOML = """
[[rule]]
name = "cards"
channels = ["slack"]
events = ["new", "update"]
conditions = [{ field = "cards_affected", op = ">=", value = 1000 }]

[[rule]]
name = "watch"
organizations_file = "watch.txt"
channels = ["console", "daily"]

[channels.slack]
kind = "slack"
min_interval = 0

[channels.daily]
kind = "console"
each = false
digest = { every = "daily", at = "09:00" }
"""
NOW = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SlackReceiver]:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "rules.toml").write_text(RULES_TOML, encoding="utf-8")
    (tmp_path / "watch.txt").write_text("# 取引先\n株式会社サンプル商事\n", encoding="utf-8")
    (tmp_path / "sources.toml").write_text(
        '[[source]]\nid = "corp"\nurl = "https://corp.example/news/"\nkind = "page"\n'
        'tags = ["corp"]\n',
        encoding="utf-8",
    )
    url = f"sqlite:///{tmp_path}/owabi.db"
    with SlackReceiver() as slack:
        for key, value in {
            "OWABI_DATABASE_URL": url,
            "OWABI_RULES_FILE": str(tmp_path / "rules.toml"),
            "OWABI_SOURCES_FILE": str(tmp_path / "sources.toml"),
            "OWABI_SLACK_WEBHOOK_URL": slack.url(),
            "OWABI_HTTP_TIMEOUT": "2",
        }.items():
            monkeypatch.setenv(key, value)
        engine = make_engine(url)
        upgrade(engine)
        config = load_rules(tmp_path / "rules.toml")
        sessions = session_factory(engine)
        seed(sessions, config)
        engine.dispose()
        yield slack


def seed(sessions, config: RulesConfig) -> None:  # type: ignore[no-untyped-def]
    for i, (org, cards) in enumerate(
        [("株式会社テスト通販", 2345), ("株式会社サンプル商事", None)]
    ):
        with sessions.begin() as s:
            record_notice(
                s,
                rules=config,
                source_id="corp",
                url=f"https://corp.example/news/{i}.html",
                content_hash=str(i),
                media_type=None,
                entry_title=None,
                facts=Incident(
                    is_incident=True,
                    organization=org,
                    title=f"{org} 不正アクセスに関するお詫び",
                    categories=[Category.UNAUTHORIZED_ACCESS],
                    cards_affected=cards,
                    card_data_leaked=cards is not None,
                ),
                now=NOW,
                source_tags={"corp": ("corp",)},
            )


async def deliver_once(url: str) -> None:
    engine = make_engine(os.environ["OWABI_DATABASE_URL"])
    async with httpx.AsyncClient() as client:
        channels = {
            "slack": SlackChannel("slack", url, client=client),
            "console": ConsoleChannel(stream=io.StringIO()),
        }
        stats = await deliver_due(session_factory(engine), channels, max_attempts=3)
    engine.dispose()
    assert (stats.parked, stats.sent) == (1, 1)


def test_alerts_test_shows_matches_and_the_exact_message(env: SlackReceiver) -> None:
    code, out, err = run("alerts", "test")
    assert code == 0, err
    assert "Rule cards: 1 of 2 incidents" in out
    assert "Rule watch: 1 of 2 incidents" in out  # the watchlist file was loaded
    assert '"text":' in out and "テスト通販" in out  # the Slack payload, verbatim
    assert "digest only" in out
    assert env.requests == []  # nothing sent


def test_alerts_test_explains_a_miss(env: SlackReceiver) -> None:
    code, out, _ = run("alerts", "test", "--rule", "cards", "--incident", "2")
    assert code == 0
    assert "no" in out and "cards_affected >= 1000" in out


def test_alerts_test_send_posts_one_message(env: SlackReceiver) -> None:
    code, out, err = run("alerts", "test", "--rule", "cards", "--send")
    assert code == 0, err
    assert "✓ slack: test message sent" in out
    assert len(env.requests) == 1 and "テスト通販" in env.requests[0].json()["text"]


def test_alerts_test_bad_input_is_one_line(env: SlackReceiver) -> None:
    code, _, err = run("alerts", "test", "--rule", "nope")
    assert code == 2 and "no rule named 'nope'" in err and len(err.strip().splitlines()) == 1
    code, _, err = run("alerts", "test", "--send")
    assert code == 2 and "--send needs --rule" in err
    code, _, err = run("alerts", "test", "--incident", "99")
    assert code == 1 and "no incident with id 99" in err


def test_failed_lists_parked_alerts_and_retry_sends_them(env: SlackReceiver) -> None:
    code, out, _ = run("alerts", "failed")
    assert code == 0 and "no failed alerts" in out
    env.respond(404, body=b"no_service")  # a permanent failure parks the alert
    asyncio.run(deliver_once(env.url()))
    code, out, _ = run("alerts", "failed")
    assert code == 0 and "cards" in out and "http_4xx" in out and "no_service" in out
    code, _, err = run("alerts", "retry")
    assert code == 2 and "--all" in err
    code, _, err = run("alerts", "retry", "42")
    assert code == 2 and "not a failed alert: 42" in err
    code, out, err = run("alerts", "retry", "1")
    assert code == 0, err
    assert "requeued 1 alerts" in out and "1 sent" in out
    assert len(env.requests) == 2 and env.requests[1].json() == env.requests[0].json()
    code, out, _ = run("alerts", "failed")
    assert "no failed alerts" in out


def test_digest_command_sends_each_period_once(env: SlackReceiver) -> None:
    at = (NOW + dt.timedelta(days=1)).astimezone(dt.UTC).isoformat()
    code, out, err = run("alerts", "digest", "--at", at)
    assert code == 0, err
    assert "合計 1件" in out and "サンプル商事" in out  # the console digest
    assert "sent" in out
    code, out, _ = run("alerts", "digest", "--at", at)
    assert code == 0 and "already sent" in out and "合計" not in out
    code, _, err = run("alerts", "digest", "--channel", "slack")
    assert code == 2 and "has no digest" in err
    code, _, err = run("alerts", "digest", "--at", "tomorrow")
    assert code == 2 and "ISO" in err


def test_missing_watchlist_file_stops_startup(env: SlackReceiver, tmp_path: Path) -> None:
    (tmp_path / "watch.txt").unlink()
    code, _, err = run("alerts", "test")
    line = " ".join(err.split())  # rich wraps long lines at the terminal width
    assert code == 2
    assert "rules.toml: rule 'watch' key 'organizations_file'" in line
    assert "watch.txt: file not found" in line


def test_alerts_test_checks_a_watchlist_with_its_near_misses(
    env: SlackReceiver, tmp_path: Path
) -> None:
    watch = tmp_path / "watch.txt"
    watch.write_text("# vendors\n㈱テスト通販\nテスト\n", encoding="utf-8")
    code, out, err = run("alerts", "test", "--watchlist", str(watch))
    assert code == 0, err
    assert "2 names" in out
    rows = {line.split("│")[1].strip(): line for line in out.splitlines() if "│" in line}
    assert "株式会社テスト通販" in rows["㈱テスト通販"].split("│")[2]
    assert rows["テスト"].split("│")[2].strip() == "–"  # テスト is not テスト通販
    assert "テスト通販" in rows["テスト"].split("│")[3]  # … but shown as a near miss
    missing = run("alerts", "test", "--watchlist", str(tmp_path / "none.txt"))
    assert missing[0] == 2 and "file not found" in missing[2]

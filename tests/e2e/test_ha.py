"""High availability with real processes: two `owabi run` replicas on one PostgreSQL
database, a loopback site and a loopback Slack.

One replica leads and polls; the other serves /healthz, answers /readyz with 503
"standby" and polls nothing. The leader is killed with SIGKILL (no cleanup runs; its
connection, and so its advisory lock, dies with it). The standby must take over within
30 s, keep polling the sources, alert on a notice published after the handover, and
Slack must have received every alert exactly once.

On SQLite there is one writer: a second `owabi run` on the same file exits with code 2
and the one-line reason, and the first keeps running.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from collector.store.engine import make_engine, session_factory
from collector.store.models import Delivery
from tests.support.notices import CARD_LEAK_ARTICLE, rss
from tests.support.site import LocalSite, Page
from tests.support.slack_receiver import SlackReceiver

# Real processes killed and leases waited out: `make test-slow`. The default suite covers
# election with tests/collector/test_leader.py and test_daemon_leadership.py, and the
# SQLite refusal with tests/collector/test_daemon.py.
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
TAKEOVER_LIMIT = 30.0
RULES = """
[[rule]]
name = "every-incident"
channels = ["slack"]

[channels.slack]
kind = "slack"
"""
# A second, different incident, published only after the handover.
LATE_ARTICLE = (
    CARD_LEAK_ARTICLE.replace("株式会社テスト通販", "株式会社ハンドオーバー")
    .replace("テストストア", "ハンドオーバーストア")
    .replace("2,345", "3,456")
)


@dataclass
class Replica:
    name: str
    port: int
    proc: subprocess.Popen[bytes]
    log_path: Path

    def events(self) -> list[dict[str, Any]]:
        """The replica's JSON log lines so far (a partly written last line is skipped)."""
        found = []
        for line in self.log_path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict):
                found.append(record)
        return found

    def logged(self, event: str) -> bool:
        return any(r.get("event") == event for r in self.events())

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=2) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return 0, ""

    def tail(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-3000:]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _standby(answer: tuple[int, str]) -> bool:
    status, body = answer
    return status == 503 and "standby" in body


def wait_for(what: str, condition: Callable[[], bool], timeout: float = 60.0) -> float:
    """Seconds it took; fails naming `what` if it never happened."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"not within {timeout:.0f} s: {what}")
        time.sleep(0.05)
    return time.monotonic() - started


def deliveries(database_url: str) -> list[Delivery]:
    engine = make_engine(database_url)
    try:
        with session_factory(engine)() as s:
            return list(s.scalars(select(Delivery).order_by(Delivery.id)))
    finally:
        engine.dispose()


def service_env(
    tmp_path: Path, site: LocalSite, database_url: str, slack_url: str
) -> dict[str, str]:
    """The environment of one replica: a fresh one, not the test process's."""
    sources = tmp_path / "sources.toml"
    sources.write_text(
        f'[defaults.all]\ninterval = "3s"\n\n'
        f'[[source]]\nid = "test-news"\nurl = "{site.url("/feed.xml")}"\nkind = "feed"\n\n'
        f'[[source]]\nid = "sample-corp"\nurl = "{site.url("/corp/news/")}"\nkind = "page"\n'
        f'organization = "株式会社サンプル商事"\n',
        encoding="utf-8",
    )
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES, encoding="utf-8")
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(REPO),
        "OWABI_SECRETS_DIR": str(tmp_path / "no-secrets"),
        "OWABI_DATABASE_URL": database_url,
        "OWABI_SOURCES_FILE": str(sources),
        "OWABI_RULES_FILE": str(rules),
        "OWABI_SLACK_WEBHOOK_URL": slack_url,
        "OWABI_POLITENESS_DELAY": "0",
        "OWABI_MIN_INTERVAL": "0",
        "OWABI_FETCH_RETRIES": "0",
        "OWABI_LOG_FORMAT": "json",
        "OWABI_HTTP_HOST": "127.0.0.1",
    }


@pytest.fixture
def slack() -> Iterator[SlackReceiver]:
    with SlackReceiver() as receiver:
        yield receiver


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Callable[[str, dict[str, str]], Replica]]:
    """Starts named `owabi run` replicas; every one still alive at the end is killed."""
    replicas: list[Replica] = []

    def _start(name: str, env: dict[str, str]) -> Replica:
        port = _free_port()
        log_path = tmp_path / f"{name}.log"
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "collector.cli", "run"],
                cwd=tmp_path,
                env={**env, "OWABI_HTTP_PORT": str(port)},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        replica = Replica(name, port, proc, log_path)
        replicas.append(replica)
        return replica

    yield _start
    for replica in replicas:
        if replica.proc.poll() is None:
            replica.proc.kill()
        replica.proc.wait(timeout=10)


def test_standby_takes_over_when_the_leader_is_killed(
    start: Callable[[str, dict[str, str]], Replica],
    site: LocalSite,
    slack: SlackReceiver,
    postgres_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = postgres_url
    env = service_env(tmp_path, site, db, slack.url())

    a = start("a", env)
    wait_for("a leads", lambda: a.logged("leader acquired") or a.proc.poll() is not None)
    assert a.proc.poll() is None, a.tail()
    b = start("b", env)
    wait_for("b is up", lambda: b.get("/healthz")[0] == 200 or b.proc.poll() is not None)
    assert b.proc.poll() is None, b.tail()
    wait_for("b stands by", lambda: _standby(b.get("/readyz")), timeout=30)
    assert not b.logged("leader acquired")

    # The leader collects both sources' incidents and alerts on them; all rows get sent.
    wait_for(
        "a alerted on both incidents",
        lambda: len(slack.requests) == 2 and all(d.status == "sent" for d in deliveries(db)),
    )
    assert len(deliveries(db)) == 2
    a_status, _ = a.get("/readyz")
    assert a_status == 200
    # The standby polled nothing: every fetch event so far is the leader's.
    assert not any("source" in r for r in b.events()), b.tail()

    # SIGKILL the leader; the standby's next lock attempt wins.
    killed_at = time.monotonic()
    os.kill(a.proc.pid, signal.SIGKILL)
    wait_for("b takes over", lambda: b.logged("leader acquired"), timeout=TAKEOVER_LIMIT + 5)
    takeover = time.monotonic() - killed_at
    wait_for("b is ready", lambda: b.get("/readyz")[0] == 200, timeout=TAKEOVER_LIMIT)
    ready = time.monotonic() - killed_at
    with capsys.disabled():
        print(f"\n[ha] SIGKILL -> standby leads {takeover:.2f} s, /readyz 200 {ready:.2f} s")
    assert takeover < TAKEOVER_LIMIT, f"takeover took {takeover:.1f} s"
    assert a.proc.wait(timeout=10) == -signal.SIGKILL

    # The sources keep being polled, and a notice published now is alerted by b.
    feed_hits = site.hits("/feed.xml")
    corp_hits = site.hits("/corp/news/")
    site.pages["/news/late.html"] = Page(LATE_ARTICLE.encode(), "text/html; charset=utf-8")
    site.pages["/feed.xml"] = Page(
        rss(
            [
                (
                    "ハンドオーバー社、カード情報3,456件が漏えいの可能性 不正アクセスで",
                    site.url("/news/late.html"),
                    "Sat, 11 May 2024 09:00:00 +0900",
                    "株式会社ハンドオーバーは不正アクセスを受けたと発表した。",
                ),
            ]
        ),
        "application/rss+xml",
    )
    wait_for("b alerted on the new incident", lambda: len(slack.requests) >= 3)
    wait_for(
        "both sources polled twice more",
        lambda: (
            site.hits("/feed.xml") >= feed_hits + 2 and site.hits("/corp/news/") >= corp_hits + 2
        ),
    )

    # Every alert exactly once: one Slack message per outbox row, none repeated.
    rows = deliveries(db)
    assert [r.status for r in rows] == ["sent"] * 3
    bodies = [r.body for r in slack.requests]
    assert len(bodies) == 3 and len(set(bodies)) == 3
    texts = [p["text"] for p in slack.payloads]
    for organization in ("テスト通販", "サンプル商事", "ハンドオーバー"):
        assert sum(organization in t for t in texts) == 1, (organization, texts)

    # And b stops cleanly on SIGTERM.
    b.proc.send_signal(signal.SIGTERM)
    assert b.proc.wait(timeout=45) == 0, b.tail()


def test_second_scheduler_on_one_sqlite_file_is_refused(
    start: Callable[[str, dict[str, str]], Replica],
    site: LocalSite,
    slack: SlackReceiver,
    sqlite_url: str,
    tmp_path: Path,
) -> None:
    env = service_env(tmp_path, site, sqlite_url, slack.url())
    first = start("first", env)
    wait_for(
        "first is up", lambda: first.get("/healthz")[0] == 200 or first.proc.poll() is not None
    )
    assert first.proc.poll() is None, first.tail()

    second = start("second", env)
    assert second.proc.wait(timeout=30) == 2
    db = sqlite_url.removeprefix("sqlite:///")
    output = second.log_path.read_text(encoding="utf-8")
    # Whitespace-normalised: off a terminal the CLI wraps at 200 columns, and pytest's
    # temporary paths are long (production paths like /data/owabi.db fit on one line).
    assert " ".join(output.split()).endswith(
        f"owabi: another owabi scheduler is running on {db} (lock {db}.lock)"
    )
    assert Path(f"{db}.lock").read_text().endswith(f":{first.proc.pid}\n")
    wait_for("first still leads", lambda: first.get("/readyz")[0] == 200, timeout=30)
    assert first.proc.poll() is None

"""`owabi run`: hot reload in process (a good edit applied, a bad one rejected once while
the running configuration stays) and a second scheduler on one SQLite file refused with
exit 2 by a real process. In `make test-slow`, real processes against a loopback site:
reload by file change and by SIGHUP, and SIGTERM in the middle of a run (exit 0 within
the deadline, a restart resumes without a duplicate alert)."""

from __future__ import annotations

import asyncio
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from collector.config.files import load_config
from collector.config.settings import load_settings
from collector.pipeline import LEAD_CONCURRENCY
from collector.service.daemon import ConfigWatch, Daemon
from tests.support.cli import run_cli
from tests.support.daemon import REPO, OwabiRun
from tests.support.notices import CARD_LEAK_ARTICLE, rss, serve_card_leak_feed
from tests.support.site import LocalSite, Page, local_site
from tests.support.slack_receiver import SlackReceiver
from tests.support.waiting import until, wait_until

RULES = """
[[rule]]
name = "cards"
channels = ["slack"]
conditions = [{ field = "cards_affected", op = ">=", value = 1000 }]

[channels.slack]
kind = "slack"
"""
EMPTY_FEED = rss([])


@pytest.fixture
def site() -> Iterator[LocalSite]:
    with local_site() as s:
        for name in ("a", "b", "c"):
            s.pages[f"/{name}.xml"] = Page(EMPTY_FEED, "application/rss+xml")
        serve_card_leak_feed(s, "/cards.xml")
        s.pages["/slow/"] = Page(b"<html><body>slow</body></html>", "text/html", delay=20)
        yield s


def feeds(site: LocalSite, *names: str, interval: str = "0.2") -> str:
    return "".join(
        f'[[source]]\nid = "{n}"\nurl = "{site.url(f"/{n}.xml")}"\nkind = "feed"\n'
        f'interval = "{interval}"\n\n'
        for n in names
    )


@pytest.fixture
def env(tmp_path: Path, sqlite_url: str) -> dict[str, str]:
    (tmp_path / "rules.toml").write_text(RULES, encoding="utf-8")
    return {
        "OWABI_DATABASE_URL": sqlite_url,
        "OWABI_SOURCES_FILE": str(tmp_path / "sources.toml"),
        "OWABI_RULES_FILE": str(tmp_path / "rules.toml"),
        "OWABI_POLITENESS_DELAY": "0",
        "OWABI_FETCH_RETRIES": "0",
        "OWABI_CONFIG_POLL": "0.2",
        "OWABI_MIN_INTERVAL": "0",
        "OWABI_DELIVERY_INTERVAL": "0.2",
    }


def write(env: dict[str, str], body: str) -> None:
    path = Path(env["OWABI_SOURCES_FILE"])
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(body, encoding="utf-8")
    # a coarse filesystem clock must still see a change
    if path.stat().st_mtime_ns == before:
        path.touch()


def grows(site: LocalSite, path: str, by: int = 2) -> None:
    start = site.hits(path)
    wait_until(lambda: site.hits(path) >= start + by, f"{path} polled {by} more times")


@pytest.mark.anyio
async def test_reload_applies_a_good_edit_and_keeps_the_running_config_on_a_bad_one(
    env: dict[str, str], site: LocalSite, tmp_path: Path
) -> None:
    write(env, feeds(site, "a", interval="1h"))
    settings = load_settings(
        None,
        database_url=env["OWABI_DATABASE_URL"],
        sources_file=env["OWABI_SOURCES_FILE"],
        rules_file=env["OWABI_RULES_FILE"],
        http_host="127.0.0.1",
        http_port=0,
        politeness_delay=0,
        fetch_retries=0,
        schedule_jitter=0,
    )
    daemon = Daemon(settings, load_config(settings), node_id="t")
    task = asyncio.create_task(daemon.run(handle_signals=False))
    reloads = daemon.metrics.reloads.labels
    try:
        await until(lambda: daemon.schedule is not None, "the schedule started")
        write(env, feeds(site, "a", "b", interval="1h"))
        daemon.reload()  # what SIGHUP does
        await until(lambda: reloads("ok")._value.get() == 1, "the edit applied")
        assert daemon.schedule is not None and set(daemon.schedule.runtime.sources) == {"a", "b"}
        await until(lambda: site.hits("/b.xml") >= 1, "the added source polled")

        write(env, feeds(site, "a", "b") + '[[source]]\nid = "c"\nurl = "ftp://nope"\n')
        daemon.reload()
        await until(lambda: reloads("rejected")._value.get() == 1, "the edit rejected")
        assert set(daemon.schedule.runtime.sources) == {"a", "b"}
        assert "source 'c' key 'url'" in str(daemon.last_reload_error)

        # A file truncated to nothing is valid TOML with no source: taken for an accident.
        Path(env["OWABI_SOURCES_FILE"]).write_bytes(b"")
        daemon.reload()
        await until(lambda: reloads("rejected")._value.get() == 2, "the emptying rejected")
        assert set(daemon.schedule.runtime.sources) == {"a", "b"}
        assert "leaves no enabled source (2 running)" in str(daemon.last_reload_error)
        # Disabling every source but one is an edit like any other.
        disabled_b = feeds(site, "b", interval="1h").replace(
            'id = "b"', 'id = "b"\nenabled = false'
        )
        write(env, feeds(site, "a", interval="1h") + disabled_b)
        daemon.reload()
        await until(lambda: reloads("ok")._value.get() == 2, "a smaller edit applied")
        assert set(daemon.schedule.runtime.sources) == {"a"}
    finally:
        daemon.stop()
        await task


@pytest.mark.slow
def test_edits_take_effect_and_a_bad_edit_is_rejected(env: dict[str, str], site: LocalSite) -> None:
    write(env, feeds(site, "a"))
    with OwabiRun(env) as owabi:
        owabi.wait_for_event("scheduler started")
        grows(site, "/a.xml")
        assert site.hits("/b.xml") == 0

        write(env, feeds(site, "a", "b"))  # add a source: it gets polled
        owabi.wait_for_event("config reloaded")
        grows(site, "/b.xml")

        write(env, feeds(site, "a", "b") + '[[source]]\nid = "c"\nurl = "ftp://nope"\n')
        rejected = owabi.wait_for_event("config rejected, keeping the running configuration")
        assert "source 'c' key 'url'" in rejected["error"] and rejected["trigger"] == "file change"
        lines = [line for line in owabi.text().splitlines() if "config rejected" in line]
        assert len(lines) == 1  # one line, and only once for one bad edit
        grows(site, "/a.xml")  # the old configuration keeps running
        grows(site, "/b.xml")
        assert site.hits("/c.xml") == 0

        write(env, feeds(site, "b"))  # fixed: a is dropped
        owabi.wait_for_event("config reloaded", count=2)
        time.sleep(0.3)  # a run of a already in flight may still finish
        hits_a = site.hits("/a.xml")
        grows(site, "/b.xml")
        assert site.hits("/a.xml") == hits_a
        assert owabi.get("/readyz") == (200, "ready\n")


@pytest.mark.slow
def test_sighup_reloads_at_once(env: dict[str, str], site: LocalSite) -> None:
    env["OWABI_CONFIG_POLL"] = "1h"  # so only the signal can have done it
    write(env, feeds(site, "a"))
    with OwabiRun(env) as owabi:
        owabi.wait_for_event("scheduler started")
        write(env, feeds(site, "a", "c"))
        time.sleep(0.5)
        assert site.hits("/c.xml") == 0
        owabi.signal(signal.SIGHUP)
        reloaded = owabi.wait_for_event("config reloaded")
        assert reloaded["trigger"] == "SIGHUP"
        grows(site, "/c.xml")

        write(env, "[[source]\nbroken")
        owabi.signal(signal.SIGHUP)
        rejected = owabi.wait_for_event("config rejected, keeping the running configuration")
        assert "not valid TOML" in rejected["error"]
        grows(site, "/c.xml")


@pytest.mark.slow
def test_sigterm_mid_run_exits_cleanly_and_a_restart_sends_no_duplicate(
    env: dict[str, str], site: LocalSite
) -> None:
    """The alert goes out, then SIGTERM arrives while the slow source (20 s) is being
    fetched: the fetch is cancelled at once, not waited for (30 s shutdown timeout), and
    the process exits 0. The restarted process polls the slow source again at once (its
    plan was not advanced) and re-reads the feed, yet the alert is not sent a second time."""
    env["OWABI_SCHEDULE_JITTER"] = "0"  # the hourly slow source starts at once
    write(
        env,
        feeds(site, "cards", interval="0.3")
        + f'[[source]]\nid = "slow"\nurl = "{site.url("/slow/")}"\nkind = "page"\n'
        'interval = "1h"\n',
    )
    with SlackReceiver() as slack:
        env["OWABI_SLACK_WEBHOOK_URL"] = slack.url()
        with OwabiRun(env) as owabi:
            owabi.wait_for_event("alert sent")
            wait_until(lambda: site.hits("/slow/") == 1, "the slow source in flight")
            started = time.monotonic()
            owabi.signal(signal.SIGTERM)
            assert owabi.wait(10) == 0
            took = time.monotonic() - started
            assert took < 2, took
            assert owabi.named("source runs cancelled at shutdown")[0]["runs"] >= 1
            assert not owabi.named("runs abandoned at shutdown")  # nothing else in flight
            assert owabi.named("owabi run stopped")
        assert len(slack.requests) == 1

        with OwabiRun(env) as again:
            again.wait_for_event("scheduler started")
            wait_until(lambda: site.hits("/slow/") == 2, "the abandoned run resumed")
            grows(site, "/cards.xml")
            time.sleep(0.5)  # two delivery sweeps
            again.signal(signal.SIGTERM)
            assert again.wait(10) == 0
        assert len(slack.requests) == 1


def _first_pass_site(site: LocalSite, count: int, gate: threading.Event) -> list[str]:
    """A feed of `count` notices of different shops, each held by the server until `gate`."""
    paths = [f"/shop{i}.html" for i in range(count)]
    for i, path in enumerate(paths):
        body = CARD_LEAK_ARTICLE.replace("テスト通販", f"例示{'一二三四五六七八九十'[i]}商会")
        page = Page(body.encode(), "text/html")

        def held(handler: BaseHTTPRequestHandler, page: Page = page) -> None:
            gate.wait(30)
            handler._send(page)  # type: ignore[attr-defined]

        site.pages[path] = held
    items = [
        (
            f"例示商会{i} 不正アクセスに関するお詫び",
            site.url(p),
            "Fri, 10 May 2024 09:00:00 +0900",
            "",
        )
        for i, p in enumerate(paths)
    ]
    site.pages["/first.xml"] = Page(rss(items), "application/rss+xml")
    return paths


@pytest.mark.slow
def test_sigterm_during_a_first_pass_starts_nothing_more_and_the_restart_finishes_it(
    env: dict[str, str], site: LocalSite
) -> None:
    """SIGTERM while a feed's first pass has 4 notices in flight (the server holds them)
    and 6 to go: the fetches are cancelled, nothing more is requested, and the process
    exits 0 within 2 s (before, it waited out the 30 s shutdown timeout and went on
    fetching and storing). The next start reads all 10, each once."""
    gate = threading.Event()
    paths = _first_pass_site(site, 10, gate)
    env["OWABI_SCHEDULE_JITTER"] = "0"
    env["OWABI_PER_HOST_CONCURRENCY"] = str(LEAD_CONCURRENCY)  # all 4 at the one host
    write(env, f'[[source]]\nid = "first"\nurl = "{site.url("/first.xml")}"\nkind = "feed"\n')
    articles = lambda: [p for _, p in site.requests if p.startswith("/shop")]  # noqa: E731
    try:
        with OwabiRun(env) as owabi:
            wait_until(lambda: len(articles()) == LEAD_CONCURRENCY, "4 notices in flight")
            owabi.signal(signal.SIGTERM)
            started = time.monotonic()
            assert owabi.wait(10) == 0
            took = time.monotonic() - started
            assert not owabi.named("notice")
    finally:
        gate.set()
    assert took < 2, took
    assert len(articles()) == LEAD_CONCURRENCY  # nothing requested after the signal

    with OwabiRun(env) as again:
        wait_until(lambda: len(again.named("notice")) == len(paths), "all 10 read")
        again.wait_for_event("source fetched")
        again.signal(signal.SIGTERM)
        assert again.wait(10) == 0
        stored = sorted(e["url"] for e in again.named("notice"))
    assert stored == sorted(site.url(p) for p in paths)  # each once


def test_a_second_scheduler_on_one_sqlite_file_is_refused(
    env: dict[str, str], site: LocalSite
) -> None:
    write(env, feeds(site, "a", interval="1h"))
    with OwabiRun(env) as first:
        first.wait_for_event("scheduler started")
        second = subprocess.run(
            [sys.executable, "-m", "collector.cli", "run"],
            env=first.env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert second.returncode == 2
        message = second.stderr.strip().splitlines()
        assert len(message) == 1 and "another owabi scheduler is running on" in message[0]
        assert first.get("/readyz")[0] == 200


def test_config_watch_sees_edits_and_a_deleted_file(tmp_path: Path) -> None:
    """What the daemon polls every OWABI_CONFIG_POLL to reload on a file change."""
    path = tmp_path / "sources.toml"
    path.write_text("a", encoding="utf-8")
    watch = ConfigWatch([path])
    assert not watch.changed()
    path.write_text("a longer file", encoding="utf-8")
    assert watch.changed() and not watch.changed()  # one change is reported once
    path.unlink()
    assert watch.changed()


def test_a_busy_port_is_one_line_and_exit_2(
    env: dict[str, str], site: LocalSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(env, feeds(site, "a", interval="1h"))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for key, value in {**env, "OWABI_HTTP_HOST": "127.0.0.1"}.items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("OWABI_HTTP_PORT", str(port))
        code, out, err = run_cli("run")
    assert code == 2 and out == "" and "Traceback" not in err
    (line,) = [line for line in err.splitlines() if line.startswith("owabi:")]
    assert line == (
        f"owabi: cannot listen on 127.0.0.1:{port}: Address already in use"
        " (set OWABI_HTTP_HOST / OWABI_HTTP_PORT)"
    )
    assert site.hits("/a.xml") == 0  # nothing was polled

"""Outages: Slack and SMTP down for a while, then back; the store (PostgreSQL behind a
TCP proxy the test cuts, the server itself never stopped) down for a while, then back.
Every alert arrives exactly once after recovery and nothing is lost."""

from __future__ import annotations

import socket
from pathlib import Path

from sqlalchemy.engine import make_url

from tests.reliability.conftest import (
    EXPECTED_ALERTS,
    EXPECTED_INCIDENTS,
    delivered,
    owabi_env,
    sources_toml,
    store_counts,
)
from tests.support.proc import run_owabi
from tests.support.site import LocalSite
from tests.support.slack_receiver import SlackReceiver
from tests.support.smtp_server import SmtpServer
from tests.support.tcpproxy import TcpProxy


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_slack_and_smtp_down_then_back(
    sqlite_url: str,
    tmp_path: Path,
    site: LocalSite,
    receivers: tuple[SlackReceiver, SmtpServer],
) -> None:
    slack, smtp = receivers
    env = owabi_env(tmp_path, sqlite_url, sources_toml(site), slack, smtp)
    slack.respond(500, times=1000, body=b"internal_error")
    # The first attempt fails on both channels and parks (max attempts 1), the way a long
    # outage ends; backoff retries are covered by tests/collector/test_delivery_slack.py.
    down = {**env, "OWABI_SMTP_PORT": str(_closed_port()), "OWABI_DELIVERY_MAX_ATTEMPTS": "1"}

    first = run_owabi("fetch", env=down)
    assert first.returncode == 0, first.output  # sources fine; alerts are the outbox's job
    assert "alerts: 0 sent, 0 retrying, 4 failed" in first.stdout
    assert smtp.messages == [] and len(slack.requests) == 2
    assert store_counts(sqlite_url).get("alerts_parked") == EXPECTED_ALERTS

    again = run_owabi("fetch", env=down)  # still down: parked rows are not hammered
    assert again.returncode == 0 and len(slack.requests) == 2

    slack._script.clear()  # Slack recovers; SMTP is back on its real port in `env`
    retry = run_owabi("alerts", "retry", "--all", env=env)
    assert retry.returncode == 0, retry.output
    final = run_owabi("fetch", env=env)
    assert final.returncode == 0

    copies = delivered(slack, smtp, refused=2)
    assert len(copies) == EXPECTED_ALERTS and set(copies.values()) == {1}, copies
    assert store_counts(sqlite_url).get("alerts_sent") == EXPECTED_ALERTS


def test_store_down_then_back(
    postgres_url: str,
    tmp_path: Path,
    site: LocalSite,
    receivers: tuple[SlackReceiver, SmtpServer],
) -> None:
    slack, smtp = receivers
    real = make_url(postgres_url)
    with TcpProxy(real.host or "127.0.0.1", real.port or 5432) as proxy:
        proxied = real.set(port=proxy.port).render_as_string(hide_password=False)
        env = owabi_env(tmp_path, proxied, sources_toml(site), slack, smtp)

        proxy.cut()
        down = run_owabi("fetch", env=env)
        assert down.returncode == 1
        said = [line for line in down.stderr.splitlines() if not line.startswith("{")]
        assert len(said) == 1 and said[0].startswith("owabi: store:"), down.stderr
        assert "Traceback" not in down.output
        assert site.requests == []  # nothing fetched that could not be recorded

        proxy.restore()
        up = run_owabi("fetch", env=env)
        assert up.returncode == 0, up.output

    counts = store_counts(postgres_url)
    assert counts["incidents"] == EXPECTED_INCIDENTS
    assert counts.get("alerts_sent") == EXPECTED_ALERTS
    assert set(delivered(slack, smtp).values()) == {1}

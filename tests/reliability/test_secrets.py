"""Secrets never surface: with a Slack webhook URL, an SMTP password and a database
password set, and every channel and the store made to fail (Slack 500, SMTP AUTH refused,
the database unreachable with the password in its URL), nothing `owabi fetch`, `owabi run`
or `owabi alerts …` prints or logs contains any of them."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.reliability.conftest import owabi_env, sources_toml
from tests.support.daemon import OwabiRun
from tests.support.proc import run_owabi
from tests.support.site import LocalSite
from tests.support.slack_receiver import SlackReceiver
from tests.support.smtp_server import SmtpServer
from tests.support.tcpproxy import TcpProxy

SLACK_TOKEN = "T0SECRET/B0SECRET/xoxSlackWebhookSecret42"
SMTP_PASSWORD = "smtp-Secret-Pa55word"
DB_PASSWORD = "db-Secret-Pa55word"
SECRETS = (SLACK_TOKEN, SMTP_PASSWORD, DB_PASSWORD)


def _leaks(text: str) -> list[str]:
    return [s for s in SECRETS if s in text]


@pytest.mark.slow
def test_no_secret_in_any_output(postgres_url: str, tmp_path: Path, site: LocalSite) -> None:
    real = make_url(postgres_url)
    with (
        SlackReceiver() as slack,
        SmtpServer(username="owabi", password="the-right-one") as smtp,
        TcpProxy(real.host or "127.0.0.1", real.port or 5432) as proxy,
    ):
        # PostgreSQL in the test setup trusts loopback, so the password is carried, unused.
        url = real.set(port=proxy.port, password=DB_PASSWORD)
        env = owabi_env(
            tmp_path, url.render_as_string(hide_password=False), sources_toml(site), slack, smtp
        )
        env.update(
            {
                "OWABI_SLACK_WEBHOOK_URL": slack.url(f"/services/{SLACK_TOKEN}"),
                "OWABI_SMTP_USERNAME": "owabi",
                "OWABI_SMTP_PASSWORD": SMTP_PASSWORD,
                "OWABI_LOG_LEVEL": "debug",
                "OWABI_DELIVERY_MAX_ATTEMPTS": "1",
            }
        )
        # A proxy in front of Slack that echoes the request path in its error page.
        slack.respond(500, times=1000, body=f"no route for /services/{SLACK_TOKEN}".encode())
        outputs = {"fetch": run_owabi("fetch", env=env).output}
        outputs["alerts failed"] = run_owabi("alerts", "failed", env=env).output
        outputs["alerts retry"] = run_owabi("alerts", "retry", "--all", env=env).output
        outputs["alerts test"] = run_owabi("alerts", "test", "--send", env=env).output
        with OwabiRun({**env, "OWABI_DELIVERY_INTERVAL": "1"}) as daemon:
            daemon.wait_for_event("scheduler started")
            time.sleep(2)  # a delivery pass over the parked and retried rows
            daemon.signal(signal.SIGTERM)
            daemon.wait(20)
            outputs["run"] = daemon.text()

        proxy.cut()
        for args in (("fetch",), ("alerts", "failed"), ("incidents", "list")):
            outputs[" ".join(args) + " (store down)"] = run_owabi(*args, env=env).output
        with OwabiRun(env) as daemon:
            time.sleep(3)  # the daemon keeps trying the store; its log is what counts
            daemon.signal(signal.SIGTERM)
            daemon.wait(20)
            outputs["run (store down)"] = daemon.text()

    assert "failed" in outputs["alerts failed"] or "slack" in outputs["alerts failed"]
    assert "store" in outputs["fetch (store down)"]
    assert len(slack.requests) >= 2 and smtp.messages == []
    for command, text in outputs.items():
        assert not _leaks(text), (command, _leaks(text), text[-2000:])

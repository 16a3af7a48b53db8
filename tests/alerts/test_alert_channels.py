"""The channel contract: one attempt per send, failures classified, no secret in errors.

Parametrized over the HTTP channels (Slack, generic webhook) against a loopback receiver,
in the manner of Alertmanager's shared notifier test.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import socket
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from alerts.channels import CHANNEL_KINDS, Channel, ConsoleChannel, SlackChannel, WebhookChannel
from alerts.errors import DeliveryError
from alerts.message import Alert
from parsers.httpheaders import retry_after_seconds
from tests.support.slack_receiver import SlackReceiver

SECRET = "xoxSECRETtoken1234"
SECRET_PATH = f"/services/T0AAAAAAA/B0BBBBBBB/{SECRET}"
HTTP_KINDS = ["slack", "webhook"]


def http_channel(kind: str, url: str, client: httpx.AsyncClient) -> Channel:
    if kind == "slack":
        return SlackChannel("team", url, client=client)
    return WebhookChannel("hook", url, client=client)


def deliver(kind: str, url: str, alert: Alert, *, timeout: float = 5.0) -> DeliveryError | None:
    """Send once through a fresh client; return the DeliveryError, if any."""

    async def run() -> DeliveryError | None:
        async with httpx.AsyncClient(timeout=timeout, trust_env=False) as client:
            try:
                await http_channel(kind, url, client).send(alert)
            except DeliveryError as exc:
                return exc
        return None

    return asyncio.run(run())


def assert_no_secret(err: DeliveryError) -> None:
    for text in (str(err), repr(err), err.message):
        assert SECRET not in text
        assert "B0BBBBBBB" not in text
    assert "\n" not in str(err)


@pytest.mark.parametrize("kind", HTTP_KINDS)
@pytest.mark.parametrize("status", [200, 201, 204])
def test_2xx_is_delivered(
    kind: str, status: int, slack_receiver: SlackReceiver, make_alert: Any
) -> None:
    slack_receiver.respond(status)
    assert deliver(kind, slack_receiver.url(SECRET_PATH), make_alert()) is None
    [received] = slack_receiver.requests
    assert received.path == SECRET_PATH
    assert received.headers["content-type"] == "application/json"
    payload = received.json()
    if kind == "slack":
        assert payload["blocks"][0]["type"] == "header"
        assert "株式会社サンプル商事" in payload["text"]
    else:
        assert payload["incident"]["organization"] == "株式会社サンプル商事"
        assert payload["key"] == make_alert().key


@pytest.mark.parametrize("kind", HTTP_KINDS)
@pytest.mark.parametrize(
    ("status", "retryable", "reason"),
    [
        (400, False, "http_4xx"),
        (401, False, "http_4xx"),
        (403, False, "http_4xx"),
        (404, False, "http_4xx"),
        (410, False, "http_4xx"),
        (413, False, "http_4xx"),
        (429, True, "http_429"),
        (500, True, "http_5xx"),
        (502, True, "http_5xx"),
        (503, True, "http_5xx"),
        (504, True, "http_5xx"),
        (302, False, "http_3xx"),
    ],
)
def test_status_code_classification(
    kind: str,
    status: int,
    retryable: bool,
    reason: str,
    slack_receiver: SlackReceiver,
    make_alert: Any,
) -> None:
    # A server that echoes the URL, or only its token, must not smuggle it into the error.
    echo = f"invalid_token for {slack_receiver.url(SECRET_PATH)} (token {SECRET})".encode()
    slack_receiver.respond(status, body=echo, Location="http://127.0.0.1/x")
    err = deliver(kind, slack_receiver.url(SECRET_PATH), make_alert())
    assert err is not None
    assert (err.retryable, err.reason) == (retryable, reason)
    assert f"HTTP {status}" in str(err)
    assert err.channel in ("team", "hook")
    assert_no_secret(err)
    assert len(slack_receiver.requests) == 1  # one attempt: channels never retry


@pytest.mark.parametrize("kind", HTTP_KINDS)
def test_429_carries_retry_after(kind: str, slack_receiver: SlackReceiver, make_alert: Any) -> None:
    slack_receiver.respond_429(retry_after=7)
    err = deliver(kind, slack_receiver.url(SECRET_PATH), make_alert())
    assert err is not None and err.retryable and err.retry_after == 7.0
    # The script is consumed: the next attempt goes through.
    assert deliver(kind, slack_receiver.url(SECRET_PATH), make_alert()) is None


@pytest.mark.parametrize("kind", HTTP_KINDS)
def test_503_retry_after_is_passed_on(
    kind: str, slack_receiver: SlackReceiver, make_alert: Any
) -> None:
    slack_receiver.respond(503, **{"Retry-After": "30"})
    err = deliver(kind, slack_receiver.url(SECRET_PATH), make_alert())
    assert err is not None and (err.reason, err.retry_after) == ("http_5xx", 30.0)


@pytest.mark.parametrize("kind", HTTP_KINDS)
def test_timeout_is_retryable(kind: str, make_alert: Any) -> None:
    with SlackReceiver(hang_seconds=5) as receiver:
        receiver.hang()
        err = deliver(kind, receiver.url(SECRET_PATH), make_alert(), timeout=0.3)
    assert err is not None
    assert (err.retryable, err.reason) == (True, "timeout")
    assert_no_secret(err)


@pytest.mark.parametrize("kind", HTTP_KINDS)
def test_connection_refused_is_retryable_network_error(kind: str, make_alert: Any) -> None:
    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    err = deliver(kind, f"http://127.0.0.1:{port}{SECRET_PATH}", make_alert())
    assert err is not None
    assert (err.retryable, err.reason) == (True, "network")
    assert_no_secret(err)
    assert err.__cause__ is None  # httpx's message may hold the URL: not chained


@pytest.mark.parametrize("kind", HTTP_KINDS)
def test_repr_hides_the_url(kind: str) -> None:
    async def build() -> str:
        async with httpx.AsyncClient(trust_env=False) as client:
            return repr(http_channel(kind, f"https://hooks.example{SECRET_PATH}", client))

    assert SECRET not in asyncio.run(build())


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("7", 7.0),
        (" 120 ", 120.0),
        ("Wed, 01 May 2024 00:00:30 GMT", 30.0),
        ("Wed, 01 May 2024 00:00:00 GMT", 0.0),
        ("Tue, 30 Apr 2024 00:00:00 GMT", 0.0),
        ("soon", None),
        (None, None),
        ("", None),
    ],
)
def test_parse_retry_after(header: str | None, expected: float | None) -> None:
    now = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
    assert retry_after_seconds(header, now) == expected


def test_console_writes_to_the_injected_stream(make_alert: Any) -> None:
    stream = io.StringIO()
    asyncio.run(ConsoleChannel(stream=stream).send(make_alert()))
    assert stream.getvalue().startswith("[owabi] 新規 株式会社サンプル商事")


def test_console_defaults_to_stdout(make_alert: Any, capsys: pytest.CaptureFixture[str]) -> None:
    asyncio.run(ConsoleChannel().send(make_alert()))
    assert "株式会社サンプル商事" in capsys.readouterr().out


def test_console_write_failure_is_permanent(make_alert: Any) -> None:
    stream = io.StringIO()
    stream.close()
    with pytest.raises(DeliveryError) as info:
        asyncio.run(ConsoleChannel("tty", stream=stream).send(make_alert()))
    assert (info.value.retryable, info.value.reason, info.value.channel) == (False, "io", "tty")


def test_registry_maps_every_kind() -> None:
    assert set(CHANNEL_KINDS) == {"console", "slack", "email", "webhook"}
    for kind, cls in CHANNEL_KINDS.items():
        assert cls.kind == kind
        send: Callable[..., Awaitable[None]] = cls.send
        assert asyncio.iscoroutinefunction(send)

"""`send_digest` on every channel: one attempt, the same DeliveryError contract as `send`."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from collections.abc import Awaitable, Callable

import httpx
import pytest

from alerts.channels import (
    CHANNEL_KINDS,
    ConsoleChannel,
    EmailChannel,
    SlackChannel,
    WebhookChannel,
)
from alerts.digest import DigestItem, Period
from alerts.errors import DeliveryError
from tests.alerts.conftest import sample_incident
from tests.support.slack_receiver import SlackReceiver
from tests.support.smtp_server import SmtpServer

PERIOD = Period(
    start=dt.datetime(2024, 3, 1, 0, 0, tzinfo=dt.UTC),
    end=dt.datetime(2024, 3, 2, 0, 0, tzinfo=dt.UTC),
    label="日次ダイジェスト 2024-03-01 09:00 〜 2024-03-02 09:00 (Asia/Tokyo)",
)
ITEMS = [
    DigestItem(
        incident_id=7,
        incident=sample_incident(),
        links=("https://example.co.jp/news/0301.html",),
        first_seen=dt.datetime(2024, 3, 1, 3, 0, tzinfo=dt.UTC),
    )
]
SECRET_PATH = "/services/T0AAAAAAA/B0BBBBBBB/xoxDIGESTsecret"


def post(kind: str, url: str, items: list[DigestItem]) -> DeliveryError | None:
    async def run() -> DeliveryError | None:
        async with httpx.AsyncClient(timeout=5.0, trust_env=False) as client:
            channel = (
                SlackChannel("team", url, client=client)
                if kind == "slack"
                else WebhookChannel("hook", url, client=client)
            )
            try:
                await channel.send_digest(items, PERIOD)
            except DeliveryError as exc:
                return exc
        return None

    return asyncio.run(run())


def test_slack_digest_is_posted(slack_receiver: SlackReceiver) -> None:
    assert post("slack", slack_receiver.url(SECRET_PATH), ITEMS) is None
    [payload] = slack_receiver.payloads
    assert payload["blocks"][0]["text"]["text"] == f"owabi {PERIOD.label}"
    assert "合計 1件" in payload["text"]


def test_webhook_digest_is_posted(slack_receiver: SlackReceiver) -> None:
    assert post("webhook", slack_receiver.url(SECRET_PATH), []) is None
    [payload] = slack_receiver.payloads
    assert payload["kind"] == "digest" and payload["groups"] == []


@pytest.mark.parametrize("kind", ["slack", "webhook"])
def test_digest_failures_are_classified_like_alerts(
    kind: str, slack_receiver: SlackReceiver
) -> None:
    slack_receiver.respond_429(retry_after=12)
    err = post(kind, slack_receiver.url(SECRET_PATH), ITEMS)
    assert err is not None
    assert (err.reason, err.retryable, err.retry_after) == ("http_429", True, 12.0)
    assert "xoxDIGESTsecret" not in str(err) and "B0BBBBBBB" not in str(err)
    slack_receiver.respond(404)
    err = post(kind, slack_receiver.url(SECRET_PATH), ITEMS)
    assert err is not None and (err.reason, err.retryable) == ("http_4xx", False)
    assert len(slack_receiver.requests) == 2  # one attempt each


def test_email_digest_is_delivered(smtp_server: SmtpServer) -> None:
    channel = EmailChannel(
        "mail",
        host="127.0.0.1",
        port=smtp_server.port,
        sender="owabi@example.com",
        to=["ops@example.com"],
        timeout=5.0,
    )
    asyncio.run(channel.send_digest(ITEMS, PERIOD))
    [mail] = smtp_server.messages
    assert mail.rcpt_tos == ["ops@example.com"]
    assert b"=?utf-8?" in mail.raw.lower()
    assert mail.message["Subject"] == f"[owabi] {PERIOD.label}: 1件"
    assert mail.message["Date"] is not None
    assert mail.message["Message-ID"].startswith("<digest-")


def test_email_digest_refusal_is_a_delivery_error(smtp_server: SmtpServer) -> None:
    smtp_server.refuse_recipients("550 5.1.1 No such user")
    channel = EmailChannel(
        "mail",
        host="127.0.0.1",
        port=smtp_server.port,
        sender="owabi@example.com",
        to=["nobody@example.com"],
        timeout=5.0,
    )
    with pytest.raises(DeliveryError) as info:
        asyncio.run(channel.send_digest([], PERIOD))
    assert (info.value.reason, info.value.retryable) == ("smtp_refused", False)


def test_console_digest_and_its_write_failure() -> None:
    stream = io.StringIO()
    asyncio.run(ConsoleChannel(stream=stream).send_digest([], PERIOD))
    assert stream.getvalue() == (
        f"[owabi] {PERIOD.label}: 該当するインシデントはありませんでした\n\n"
    )
    stream.close()
    with pytest.raises(DeliveryError) as info:
        asyncio.run(ConsoleChannel("tty", stream=stream).send_digest(ITEMS, PERIOD))
    assert (info.value.reason, info.value.retryable, info.value.channel) == ("io", False, "tty")


def test_every_kind_can_send_a_digest() -> None:
    for cls in CHANNEL_KINDS.values():
        send_digest: Callable[..., Awaitable[None]] = cls.send_digest
        assert asyncio.iscoroutinefunction(send_digest)

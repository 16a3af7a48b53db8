"""EmailChannel against a loopback aiosmtpd server: content, AUTH, failure classes."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from alerts.channels.email import EmailChannel
from alerts.errors import DeliveryError
from tests.support.smtp_server import SmtpServer

SUBJECT = (
    "[owabi] 株式会社サンプル商事: 不正アクセス・Webスキミング (被害 12,345件 / カード 1,938件)"
)


def channel(server_port: int, **overrides: Any) -> EmailChannel:
    options: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": server_port,
        "sender": "owabi@example.com",
        "to": ["ops@example.com"],
        "timeout": 5.0,
    }
    options.update(overrides)
    return EmailChannel("mail", **options)


def send(ch: EmailChannel, alert: Any) -> DeliveryError | None:
    try:
        asyncio.run(ch.send(alert))
    except DeliveryError as exc:
        return exc
    return None


def test_delivers_multipart_japanese_mail(smtp_server: SmtpServer, make_alert: Any) -> None:
    assert send(channel(smtp_server.port), make_alert()) is None
    [mail] = smtp_server.messages
    assert mail.mail_from == "owabi@example.com"
    assert mail.rcpt_tos == ["ops@example.com"]
    assert b"=?utf-8?" in mail.raw.lower()  # RFC 2047 on the wire
    msg = mail.message
    assert msg["Subject"] == SUBJECT
    assert msg["Date"] is not None
    assert msg.get_content_type() == "multipart/alternative"
    text, html_part = msg.get_body(("plain",)), msg.get_body(("html",))
    assert text is not None and html_part is not None
    assert "カード: 1,938件" in text.get_content()
    assert '<th align="left">カード</th><td>1,938件</td>' in html_part.get_content()


def test_authenticated_delivery(smtp_server_auth: SmtpServer, make_alert: Any) -> None:
    server = smtp_server_auth
    ch = channel(server.port, username=server.username, password=server.password)
    assert send(ch, make_alert()) is None
    assert smtp_server_auth.messages[0].message["Subject"] == SUBJECT


def test_bad_password_is_permanent_and_secret(
    smtp_server_auth: SmtpServer, make_alert: Any
) -> None:
    password = str(smtp_server_auth.password)
    ch = channel(smtp_server_auth.port, username=smtp_server_auth.username, password="x" + password)
    err = send(ch, make_alert())
    assert err is not None
    assert (err.retryable, err.reason, err.channel) == (False, "smtp_auth", "mail")
    assert "535" in str(err)
    for text in (str(err), repr(err), repr(ch)):
        assert password not in text
    assert smtp_server_auth.messages == []


def test_missing_auth_is_refused_permanently(smtp_server_auth: SmtpServer, make_alert: Any) -> None:
    err = send(channel(smtp_server_auth.port), make_alert())
    assert err is not None
    assert (err.retryable, err.reason) == (False, "smtp_refused")
    assert "530" in str(err)


@pytest.mark.parametrize(
    ("reply", "retryable", "reason"),
    [
        ("550 5.1.1 No such user", False, "smtp_refused"),
        ("451 4.3.0 Try again later", True, "smtp_unavailable"),
    ],
)
def test_refused_recipient(
    reply: str, retryable: bool, reason: str, smtp_server: SmtpServer, make_alert: Any
) -> None:
    smtp_server.refuse_recipients(reply)
    err = send(channel(smtp_server.port), make_alert())
    assert err is not None
    assert (err.retryable, err.reason) == (retryable, reason)
    assert reply[:3] in str(err)


def test_partly_refused_recipients_count_as_delivered(
    smtp_server: SmtpServer, make_alert: Any
) -> None:
    smtp_server.refuse_recipients("550 5.1.1 No such user")
    ch = channel(smtp_server.port, to=["gone@example.com", "ops@example.com"])
    assert send(ch, make_alert()) is None
    assert smtp_server.messages[0].rcpt_tos == ["ops@example.com"]


def test_connection_refused_is_retryable(make_alert: Any) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    err = send(channel(port), make_alert())
    assert err is not None
    assert (err.retryable, err.reason) == (True, "network")


@pytest.fixture
def silent_listener() -> Iterator[int]:
    """A loopback port that accepts TCP connections but never sends an SMTP greeting."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        yield sock.getsockname()[1]


def test_timeout_is_retryable(silent_listener: int, make_alert: Any) -> None:
    err = send(channel(silent_listener, timeout=0.3), make_alert())
    assert err is not None
    assert (err.retryable, err.reason) == (True, "timeout")


def test_starttls_unsupported_is_a_permanent_config_error(
    smtp_server: SmtpServer, make_alert: Any
) -> None:
    err = send(channel(smtp_server.port, starttls=True), make_alert())
    assert err is not None
    assert (err.retryable, err.reason) == (False, "smtp_config")


def test_constructor_rejects_contradictions() -> None:
    with pytest.raises(ValueError, match="exclude each other"):
        channel(25, use_tls=True, starttls=True)
    with pytest.raises(ValueError, match="recipient"):
        channel(25, to=[])

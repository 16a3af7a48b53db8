"""An aiosmtpd SMTP server on 127.0.0.1 that keeps what it receives, parsed.

    with SmtpServer(username="owabi", password="s3cret") as smtp:
        smtp.refuse_recipients("550 5.1.1 No such user")   # next RCPT only
        ... send to smtp.host, smtp.port ...
        msg = smtp.messages[-1].message                     # email.message.EmailMessage

With credentials set, AUTH PLAIN/LOGIN is offered over plain TCP (loopback only) and
MAIL FROM is refused with 530 until the client has authenticated.
"""

from __future__ import annotations

import email
import socket
import threading
from collections import deque
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from typing import Any, Self, cast

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session


@dataclass(frozen=True)
class ReceivedMail:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    message: EmailMessage


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self._server = server

    async def handle_MAIL(
        self, server: Any, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self._server.username is not None and not session.authenticated:
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: Any, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        refusal = self._server._next_refusal()
        if refusal is not None:
            return refusal
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:
        raw = cast(bytes, envelope.original_content or envelope.content)
        parsed = cast(EmailMessage, email.message_from_bytes(raw, policy=policy.default))
        self._server._store(
            ReceivedMail(str(envelope.mail_from), list(envelope.rcpt_tos), raw, parsed)
        )
        return "250 Message accepted"


class SmtpServer:
    """Context manager around an aiosmtpd `Controller` on a free loopback port."""

    def __init__(self, *, username: str | None = None, password: str | None = None) -> None:
        self.host = "127.0.0.1"
        self.port = 0
        self.username = username
        self.password = password
        self._lock = threading.Lock()
        self._messages: list[ReceivedMail] = []
        self._refusals: deque[str] = deque()
        self._controller: Controller | None = None

    def __enter__(self) -> Self:
        self.port = _free_port(self.host)
        kwargs: dict[str, Any] = {}
        if self.username is not None:
            kwargs = {"authenticator": self._authenticate, "auth_require_tls": False}
        self._controller = Controller(
            _Handler(self),
            hostname=self.host,
            port=self.port,
            server_hostname="localhost",
            ready_timeout=5.0,
            **kwargs,
        )
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._controller is not None:
            self._controller.stop()

    def refuse_recipients(self, reply: str = "550 5.1.1 No such user", *, times: int = 1) -> None:
        """Answer the next `times` RCPT commands with `reply` (e.g. `451 4.3.0 Try later`)."""
        with self._lock:
            self._refusals.extend([reply] * times)

    @property
    def messages(self) -> list[ReceivedMail]:
        with self._lock:
            return list(self._messages)

    def _authenticate(
        self, server: Any, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and data.login.decode() == self.username
            and data.password.decode() == self.password
        )
        return AuthResult(success=ok, handled=False)

    def _next_refusal(self) -> str | None:
        with self._lock:
            return self._refusals.popleft() if self._refusals else None

    def _store(self, mail: ReceivedMail) -> None:
        with self._lock:
            self._messages.append(mail)


def _free_port(host: str) -> int:
    """aiosmtpd's Controller cannot listen on port 0, so ask the OS for a free port first."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])

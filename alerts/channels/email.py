"""E-mail over SMTP: `render.email_message`, sent by smtplib in a worker thread.

smtplib is blocking, so one attempt runs under `asyncio.to_thread`, bounded by
`timeout` per socket operation. Failures are classified, not retried: bad credentials
and 5xx replies are permanent, 4xx replies, disconnects, timeouts and network errors are
retryable. When the server accepts some recipients and refuses others the message was
delivered, so that counts as success (retrying would duplicate it for the others).
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import formatdate
from typing import ClassVar

from alerts.digest import DigestItem, Period, digest_email_message
from alerts.errors import DeliveryError
from alerts.message import Alert
from alerts.render import email_message


class EmailChannel:
    """SMTP with implicit TLS (`use_tls`, port 465) or STARTTLS, optional AUTH."""

    kind: ClassVar[str] = "email"

    def __init__(
        self,
        name: str,
        *,
        host: str,
        port: int = 587,
        username: str | None = None,
        password: str | None = None,
        use_tls: bool = False,
        starttls: bool = False,
        sender: str,
        to: list[str],
        timeout: float = 30.0,
    ) -> None:
        if use_tls and starttls:
            raise ValueError("use_tls (implicit TLS) and starttls exclude each other")
        if not to:
            raise ValueError("an e-mail channel needs at least one recipient")
        self.name = name
        self.host, self.port = host, port
        self.username = username
        self._password = password
        self.use_tls, self.starttls = use_tls, starttls
        self.sender, self.to = sender, list(to)
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"EmailChannel(name={self.name!r}, host={self.host!r}, port={self.port!r})"

    async def send(self, alert: Alert) -> None:
        msg = email_message(alert, sender=self.sender, to=self.to)
        msg["Date"] = formatdate(localtime=True)
        await asyncio.to_thread(self._deliver, msg)

    async def send_digest(self, items: Sequence[DigestItem], period: Period) -> None:
        msg = digest_email_message(items, period, sender=self.sender, to=self.to)
        msg["Date"] = formatdate(localtime=True)
        await asyncio.to_thread(self._deliver, msg)

    def _deliver(self, msg: EmailMessage) -> None:
        try:
            self._transmit(msg)
        except smtplib.SMTPAuthenticationError as exc:
            raise self._error(
                f"authentication failed (SMTP {exc.smtp_code})", "smtp_auth", False
            ) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            permanent = all(code >= 500 for code in codes)
            reason = "smtp_refused" if permanent else "smtp_unavailable"
            detail = f"all recipients refused (SMTP {', '.join(map(str, sorted(set(codes))))})"
            raise self._error(detail, reason, not permanent) from exc
        except smtplib.SMTPResponseException as exc:
            permanent = exc.smtp_code >= 500
            reason = "smtp_refused" if permanent else "smtp_unavailable"
            reply = self._reply(exc.smtp_error)
            raise self._error(f"SMTP {exc.smtp_code}: {reply}", reason, not permanent) from exc
        except smtplib.SMTPServerDisconnected as exc:
            if isinstance(exc.__context__, TimeoutError):  # smtplib wraps read timeouts
                raise self._error("timed out", "timeout", True) from exc
            raise self._error("server disconnected", "smtp_unavailable", True) from exc
        except smtplib.SMTPException as exc:
            # SMTPNotSupportedError (no STARTTLS/AUTH) and "no suitable auth method".
            detail = f"unsupported by server: {self._reply(str(exc))}"
            raise self._error(detail, "smtp_config", False) from exc
        except TimeoutError as exc:
            raise self._error("timed out", "timeout", True) from exc
        except ssl.SSLCertVerificationError as exc:
            raise self._error("TLS certificate verification failed", "tls", False) from exc
        except ssl.SSLError as exc:
            raise self._error(f"TLS error ({type(exc).__name__})", "tls", True) from exc
        except OSError as exc:
            raise self._error(f"network error ({type(exc).__name__})", "network", True) from exc

    def _transmit(self, msg: EmailMessage) -> None:
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if self.use_tls:
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with smtp:
            if self.starttls:
                smtp.starttls(context=context)
            if self.username:
                smtp.login(self.username, self._password or "")
            smtp.send_message(msg, from_addr=self.sender, to_addrs=self.to)

    def _reply(self, raw: bytes | str) -> str:
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
        if self._password:
            text = text.replace(self._password, "<redacted>")
        return text[:200]

    def _error(self, detail: str, reason: str, retryable: bool) -> DeliveryError:
        return DeliveryError(
            f"email via {self.host}:{self.port}: {detail}",
            reason=reason,
            retryable=retryable,
            channel=self.name,
        )

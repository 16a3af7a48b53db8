"""E-mail over SMTP: one multipart mail per alert or digest, sent by smtplib in a worker
thread, with the server and its credentials from the OWABI_SMTP_* settings.

smtplib is blocking, so one attempt runs under `asyncio.to_thread`, bounded by
`timeout` per socket operation. Failures are classified, not retried: bad credentials
and 5xx replies are permanent, 4xx replies, disconnects, timeouts and network errors are
retryable. When the server accepts some recipients and refuses others the message was
delivered, so that counts as success (retrying would duplicate it for the others).
Scraped text is flattened to one line before it reaches a header, and escaped in HTML.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import json
import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import formatdate
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import NoDecode

from alerts.channels.base import Channel, ChannelEnv, ChannelSpec, Unconfigured, spec_as
from alerts.digest import (
    DigestItem,
    Period,
    describe,
    digest_title,
    digest_totals,
    empty_line,
    first_link,
    group_by_category,
    totals_line,
)
from alerts.errors import DeliveryError
from alerts.message import Alert
from alerts.render import (
    CATEGORY_JA,
    EVENT_JA,
    STAGE_JA,
    clean_line,
    facts,
    incident_title,
    narrative,
    primary_mark,
    safe_links,
    summary,
    truncate,
)

SUBJECT_MAX = 150
PLACEHOLDER_TO = "recipient@example.invalid"


class EmailSpec(ChannelSpec):
    """`to=None` means the default recipients from settings (OWABI_SMTP_TO)."""

    kind: Literal["email"]
    to: list[str] | None = None

    @field_validator("to")
    @classmethod
    def _addresses(cls, to: list[str] | None) -> list[str] | None:
        for address in to or []:
            if "@" not in address or not address.isprintable() or " " in address:
                raise ValueError(f"invalid e-mail address {address!r}")
        return to


class EmailSettings(BaseModel):
    """OWABI_SMTP_*: the server every e-mail channel uses; unset host means console."""

    smtp_host: str | None = None
    smtp_port: int = Field(587, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = True
    smtp_tls: bool = False
    smtp_from: str = "owabi@localhost"
    smtp_to: Annotated[list[str], NoDecode] = Field(default_factory=list)
    smtp_timeout: float = Field(30.0, gt=0)

    @field_validator("smtp_to", mode="before")
    @classmethod
    def _address_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [a.strip() for a in value.split(",") if a.strip()]
        return value


class EmailChannel:
    """SMTP with implicit TLS (`use_tls`, port 465) or STARTTLS, optional AUTH."""

    kind: ClassVar[str] = "email"
    spec: ClassVar[type[ChannelSpec]] = EmailSpec
    settings: ClassVar[type[BaseModel] | None] = EmailSettings

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

    @classmethod
    def build(cls, name: str, spec: ChannelSpec, env: ChannelEnv) -> Channel:
        s = env.settings(EmailSettings)
        to = spec_as(spec, EmailSpec).to or s.smtp_to
        if not s.smtp_host or not to:
            raise Unconfigured("OWABI_SMTP_HOST and OWABI_SMTP_TO")
        return cls(
            name,
            host=s.smtp_host,
            port=s.smtp_port,
            username=s.smtp_username,
            password=s.smtp_password.get_secret_value() if s.smtp_password else None,
            use_tls=s.smtp_tls,
            starttls=s.smtp_starttls,
            sender=s.smtp_from,
            to=list(to),
            timeout=s.smtp_timeout,
        )

    @classmethod
    def preview(cls, spec: ChannelSpec, alert: Alert, env: ChannelEnv) -> str:
        """Subject, recipients and the text part, as they would be sent."""
        s = env.settings(EmailSettings)
        to = spec_as(spec, EmailSpec).to or s.smtp_to or [PLACEHOLDER_TO]
        msg = email_message(alert, sender=s.smtp_from, to=list(to))
        part = msg.get_body(preferencelist=("plain",))
        text = part.get_content() if part is not None else ""
        return f"Subject: {msg['Subject']}\nTo: {msg['To']}\n\n{text}"

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


# --- Single alerts ----------------------------------------------------------------------


def email_subject(alert: Alert) -> str:
    """`[owabi] 株式会社X: 不正アクセス (カード 1,938件)`; one line whatever was scraped."""
    prefix = "[owabi]" if alert.event == "new" else "[owabi 更新]"
    return truncate(clean_line(f"{prefix} {summary(alert)}"), SUBJECT_MAX)


def _address(value: str) -> str:
    """Addresses come from config, not pages, but a header is no place for a newline."""
    if not value or clean_line(value) != value:
        raise ValueError("e-mail address contains control characters or is empty")
    return value


def email_message(alert: Alert, *, sender: str, to: list[str]) -> EmailMessage:
    """multipart/alternative (text + HTML), UTF-8 in base64, RFC 2047 subject.

    The Message-ID derives from the alert key, so a retried send is recognisably the
    same message. Date is left to the sender (this function does not read the clock).
    """
    return mime_message(
        subject=email_subject(alert),
        sender=sender,
        to=to,
        message_id=f"<{alert.key}@owabi.invalid>",
        text=_email_text(alert),
        html_body=_email_html(alert),
    )


def mime_message(
    *, subject: str, sender: str, to: list[str], message_id: str, text: str, html_body: str
) -> EmailMessage:
    """The one place an e-mail is assembled, so every kind gets the same header hygiene:
    a one-line subject (RFC 2047-encoded by the policy), checked addresses, UTF-8 base64
    bodies."""
    if not to:
        raise ValueError("an e-mail needs at least one recipient")
    msg = EmailMessage()
    msg["Subject"] = clean_line(subject)
    msg["From"] = _address(sender)
    msg["To"] = ", ".join(_address(a) for a in to)
    msg["Message-ID"] = message_id
    msg.set_content(text, charset="utf-8", cte="base64")
    msg.add_alternative(html_body, subtype="html", charset="utf-8", cte="base64")
    return msg


def _rows(alert: Alert) -> list[tuple[str, str]]:
    inc = alert.incident
    rows = [("タイトル", incident_title(inc)), ("段階", STAGE_JA[inc.stage])]
    if inc.published:
        rows.append(("公表日", inc.published.isoformat()))
    return [*rows, *facts(inc), *narrative(inc)]


def _email_text(alert: Alert) -> str:
    lines = [summary(alert), ""]
    lines += [f"{label}: {value}" for label, value in _rows(alert)]
    links = safe_links(alert.links)
    if links:
        lines += ["", "お知らせ:", *(f"  {url}{primary_mark(alert, url)}" for url in links)]
    lines += ["", f"ルール: {clean_line(alert.rule)} ({EVENT_JA[alert.event]})"]
    lines.append(f"ソース: {clean_line(', '.join(alert.sources)) or '-'}")
    return "\n".join(lines) + "\n"


def _email_html(alert: Alert) -> str:
    esc = html.escape
    rows = "".join(
        f'<tr><th align="left">{esc(label)}</th><td>{esc(value)}</td></tr>'
        for label, value in _rows(alert)
    )
    links = "".join(
        f'<li><a href="{esc(url)}">{esc(url)}</a>{esc(primary_mark(alert, url))}</li>'
        for url in safe_links(alert.links)
    )
    rule = f"ルール: {clean_line(alert.rule)} ({EVENT_JA[alert.event]})"
    sources = f"ソース: {clean_line(', '.join(alert.sources)) or '-'}"
    return (
        '<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"></head><body>'
        f"<h2>{esc(summary(alert))}</h2><table>{rows}</table>"
        + (f"<p>お知らせ:</p><ul>{links}</ul>" if links else "")
        + f"<p><small>{esc(rule)}<br>{esc(sources)}</small></p></body></html>\n"
    )


# --- Digests ----------------------------------------------------------------------------


def digest_subject(items: Sequence[DigestItem], period: Period) -> str:
    count = f"{len(items)}件" if items else "該当なし"
    return truncate(clean_line(f"[owabi] {period.label}: {count}"), SUBJECT_MAX)


def _message_id(items: Sequence[DigestItem], period: Period) -> str:
    """Derived from the period and its incidents, so a retried send is the same message."""
    parts = [period.start.isoformat(), period.end.isoformat(), sorted(i.incident_id for i in items)]
    digest = hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()[:40]
    return f"<digest-{digest}@owabi.invalid>"


def _digest_text(items: Sequence[DigestItem], period: Period) -> str:
    if not items:
        return empty_line(period) + "\n"
    lines = [digest_title(period), totals_line(digest_totals(items))]
    for category, members in group_by_category(items):
        lines += ["", f"■ {CATEGORY_JA[category]} ({len(members)}件)"]
        for item in members:
            lines.append(f"- {describe(item)}")
            lines += [f"  {url}" for url in safe_links(item.links)]
    return "\n".join(lines) + "\n"


def _digest_html(items: Sequence[DigestItem], period: Period) -> str:
    esc = html.escape
    head = '<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"></head><body>'
    if not items:
        return f"{head}<p>{esc(empty_line(period))}</p></body></html>\n"
    body = [f"<h2>{esc(digest_title(period))}</h2><p>{esc(totals_line(digest_totals(items)))}</p>"]
    for category, members in group_by_category(items):
        body.append(f"<h3>{esc(CATEGORY_JA[category])} ({len(members)}件)</h3><ul>")
        for item in members:
            url = first_link(item)
            text = esc(describe(item))
            body.append(f'<li><a href="{esc(url)}">{text}</a></li>' if url else f"<li>{text}</li>")
        body.append("</ul>")
    return head + "".join(body) + "</body></html>\n"


def digest_email_message(
    items: Sequence[DigestItem], period: Period, *, sender: str, to: list[str]
) -> EmailMessage:
    """multipart/alternative like a per-alert mail; Date is left to the sender."""
    return mime_message(
        subject=digest_subject(items, period),
        sender=sender,
        to=to,
        message_id=_message_id(items, period),
        text=_digest_text(items, period),
        html_body=_digest_html(items, period),
    )

"""Console channel: the newcomer's default, and the stand-in for any channel whose
settings are unset. Control characters (ESC included) never reach the terminal."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import ClassVar, Literal, TextIO

from pydantic import BaseModel

from alerts.channels.base import Channel, ChannelEnv, ChannelSpec
from alerts.digest import (
    EMPTY_JA,
    DigestItem,
    Period,
    describe,
    digest_totals,
    first_link,
    group_by_category,
    totals_line,
)
from alerts.errors import DeliveryError
from alerts.message import Alert
from alerts.render import (
    CATEGORY_JA,
    EVENT_JA,
    clean_line,
    facts,
    incident_title,
    primary_mark,
    safe_links,
    summary,
    truncate,
)


class ConsoleSpec(ChannelSpec):
    kind: Literal["console"] = "console"


class ConsoleChannel:
    """Writes `console_text` to a text stream (stdout unless one is injected)."""

    kind: ClassVar[str] = "console"
    spec: ClassVar[type[ChannelSpec]] = ConsoleSpec
    settings: ClassVar[type[BaseModel] | None] = None
    timeout: float = 0.0

    def __init__(self, name: str = "console", *, stream: TextIO | None = None) -> None:
        self.name = name
        self._stream = stream

    def __repr__(self) -> str:
        return f"ConsoleChannel(name={self.name!r})"

    @classmethod
    def build(cls, name: str, spec: ChannelSpec, env: ChannelEnv) -> Channel:
        return cls(name)

    @classmethod
    def preview(cls, spec: ChannelSpec, alert: Alert, env: ChannelEnv) -> str:
        return console_text(alert)

    async def send(self, alert: Alert) -> None:
        self._write(console_text(alert))

    async def send_digest(self, items: Sequence[DigestItem], period: Period) -> None:
        self._write(digest_console_text(items, period))

    def _write(self, text: str) -> None:
        # Resolved at send time so a test's (or typer's) redirected stdout is honoured.
        stream = self._stream if self._stream is not None else sys.stdout
        try:
            stream.write(text + "\n\n")
            stream.flush()
        except (OSError, ValueError) as exc:
            raise DeliveryError(
                f"console: cannot write ({type(exc).__name__})",
                reason="io",
                retryable=False,
                channel=self.name,
            ) from exc


def console_text(alert: Alert) -> str:
    """A few readable lines for a terminal; control characters (ESC included) removed."""
    inc = alert.incident
    lines = [
        f"[owabi] {EVENT_JA[alert.event]} {summary(alert)}",
        f"  {truncate(incident_title(inc), 200)}",
    ]
    impact = " · ".join(f"{label} {truncate(value, 120)}" for label, value in facts(inc))
    if impact:
        lines.append(f"  {impact}")
    lines += [f"  {url}{primary_mark(alert, url)}" for url in safe_links(alert.links)]
    lines.append(f"  rule={clean_line(alert.rule)} sources={clean_line(','.join(alert.sources))}")
    return "\n".join(lines)


def digest_console_text(items: Sequence[DigestItem], period: Period) -> str:
    """A few lines per category for a terminal; one line for an empty period."""
    if not items:
        return f"[owabi] {clean_line(period.label)}: {EMPTY_JA}"
    lines = [f"[owabi] {clean_line(period.label)} — {totals_line(digest_totals(items))}"]
    for category, members in group_by_category(items):
        lines.append(f"  {CATEGORY_JA[category]} ({len(members)}件)")
        for item in members:
            lines.append(f"    {truncate(describe(item), 200)}")
            url = first_link(item)
            if url:
                lines.append(f"      {url}")
    return "\n".join(lines)

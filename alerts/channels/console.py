"""Console channel: the newcomer's default, and handy with `owabi alerts test`."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import ClassVar, TextIO

from alerts.digest import DigestItem, Period, digest_console_text
from alerts.errors import DeliveryError
from alerts.message import Alert
from alerts.render import console_text


class ConsoleChannel:
    """Writes `render.console_text` to a text stream (stdout unless one is injected)."""

    kind: ClassVar[str] = "console"

    def __init__(self, name: str = "console", *, stream: TextIO | None = None) -> None:
        self.name = name
        self._stream = stream

    def __repr__(self) -> str:
        return f"ConsoleChannel(name={self.name!r})"

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

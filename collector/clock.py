"""Time, from one place: every component that reads the time or waits receives a `Clock`.

The daemon's schedule, the outbox's leases and backoff, the fetcher's politeness and
retries, the readiness probe and the pass reports all ask the clock they were given, so a
test drives them with a fake clock and asserts what was done, never how long it took.

- `now()` is aware UTC wall time: what is stored, and compared with what was stored.
- `monotonic()` measures durations and spaces events; it never jumps with the wall clock.
- `sleep()` waits; a fake clock advances instead of waiting.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from typing import Final, Protocol


class Clock(Protocol):
    def now(self) -> dt.datetime: ...

    def monotonic(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


SYSTEM: Final = SystemClock()


def utc(value: dt.datetime) -> dt.datetime:
    """An aware UTC datetime: SQLite hands back naive ones, and every stored time is UTC."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)

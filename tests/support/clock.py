"""A `collector.clock.Clock` for tests: time moves only when a test advances it or code
sleeps on it, and a sleep is recorded instead of waited for."""

from __future__ import annotations

import asyncio
import datetime as dt

START = dt.datetime(2024, 5, 10, tzinfo=dt.UTC)


class FakeClock:
    def __init__(self, start: dt.datetime = START, monotonic: float = 1000.0) -> None:
        self.t = start
        self.mono = monotonic
        self.slept: list[float] = []

    def now(self) -> dt.datetime:
        return self.t

    def monotonic(self) -> float:
        return self.mono

    async def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.advance(seconds)
        await asyncio.sleep(0)  # still a point where other tasks run, as a real sleep is

    def advance(self, seconds: float) -> None:
        self.t += dt.timedelta(seconds=seconds)
        self.mono += seconds

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


class ManualClock(FakeClock):
    """A clock whose sleeps last until the test advances time past their end, so a test
    steps a polling loop one poll at a time and counts the polls instead of timing them."""

    def __init__(self, start: dt.datetime = START, monotonic: float = 1000.0) -> None:
        super().__init__(start, monotonic)
        self._sleepers: list[tuple[float, asyncio.Future[None]]] = []

    @property
    def sleeping(self) -> int:
        """How many sleeps are waiting for time to move."""
        return sum(1 for _, waiter in self._sleepers if not waiter.done())

    async def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        waiter = asyncio.get_running_loop().create_future()
        self._sleepers.append((self.mono + seconds, waiter))
        try:
            await waiter
        finally:
            self._sleepers = [(end, w) for end, w in self._sleepers if w is not waiter]

    def advance(self, seconds: float) -> None:
        self.t += dt.timedelta(seconds=seconds)
        self.mono += seconds
        for end, waiter in self._sleepers:
            if end <= self.mono and not waiter.done():
                waiter.set_result(None)

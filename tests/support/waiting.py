"""Waiting for something to happen, never for time to pass: a test waits until a
condition holds and asserts what was done. The deadline only turns a hang into a
failure; it is long enough that a loaded machine never reaches it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

DEADLINE = 60.0
_POLL = 0.01


def wait_until(condition: Callable[[], object], what: str = "", deadline: float = DEADLINE) -> None:
    end = time.monotonic() + deadline
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"not reached within {deadline:g}s: {what or condition}")
        time.sleep(_POLL)


async def until(
    condition: Callable[[], object], what: str = "", deadline: float = DEADLINE
) -> None:
    end = time.monotonic() + deadline
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"not reached within {deadline:g}s: {what or condition}")
        await asyncio.sleep(_POLL)

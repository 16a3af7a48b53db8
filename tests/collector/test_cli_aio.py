"""A command's coroutine result is handed back without ever being formatted."""

from __future__ import annotations

import asyncio

from collector.cli import aio


class Loud:
    """A result whose repr must not be built (a pass's thousands of reports)."""

    def __init__(self) -> None:
        self.reprs = 0

    def __repr__(self) -> str:
        self.reprs += 1
        return "Loud()"


async def _result(value: Loud) -> Loud:
    await asyncio.sleep(0)
    return value


def test_the_result_comes_back_and_is_never_formatted() -> None:
    # asyncio.run(_result(value)) formats it twice on Python 3.11.
    value = Loud()
    assert aio.run(_result(value)) is value
    assert value.reprs == 0

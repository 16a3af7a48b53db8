"""One parse-worker pool for a test process: tests that build a Collector by hand parse
through real worker processes, as `owabi fetch` does, without starting a pool each."""

from __future__ import annotations

import atexit
from functools import cache

from collector.sources.parse_pool import ParsePool


@cache
def shared_pool() -> ParsePool:
    pool = ParsePool()
    atexit.register(pool.close)
    return pool

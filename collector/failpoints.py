"""Failpoints: a test facility that kills the process at a named stage of the pipeline.

The reliability tests (tests/reliability/test_failpoints.py) prove that a crash at any
stage of `owabi fetch` loses nothing and duplicates only inside the window that
docs/delivery.md allows. A real crash is what they need, so `hit(name)` sends the
process SIGKILL, the signal nothing can catch or clean up after, when the comma-separated
OWABI_FAILPOINTS variable lists `name`. Unset (production), `hit` is one set lookup.

The variable is read once, on first use, so a hit costs nothing per call. Stages:
`after_fetch`, `after_parse`, `after_outbox`, `after_store`, `after_send`
(docs/reliability.md says where each one sits).
"""

from __future__ import annotations

import os
import signal
from functools import cache

ENV = "OWABI_FAILPOINTS"


@cache
def armed() -> frozenset[str]:
    """The failpoint names this process dies at (read once from OWABI_FAILPOINTS)."""
    return frozenset(n.strip() for n in os.environ.get(ENV, "").split(",") if n.strip())


def hit(name: str) -> None:
    """Kill this process with SIGKILL if failpoint `name` is armed; otherwise do nothing."""
    if name in armed():
        os.kill(os.getpid(), signal.SIGKILL)

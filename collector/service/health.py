"""What the daemon's /readyz judges (served by collector.web with /healthz and /metrics).

- /healthz: 200 while the process serves requests at all (a container HEALTHCHECK).
- /readyz: 200 only when this process does its job: the store answers, it leads and its
  scheduler runs, and some job started or ended recently. 503 otherwise, with the reason
  ("standby", "store unreachable: …", "scheduler stale: …") as the body.
- /metrics: Prometheus text format.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from collector.clock import SYSTEM, Clock

STORE_TIMEOUT = 3.0


@dataclass
class Probe:
    """What /readyz judges, kept current by the daemon.

    `ping_store` runs in a thread (a blocking DB round trip) and raises when the store
    cannot answer. `stale_after` is a few times the shortest job interval: the scheduler
    is stale when no job has started or ended for that long.
    """

    ping_store: Callable[[], None]
    role: str = "starting"  # starting | standby | leader | stopping
    last_tick: float | None = None
    stale_after: float = float("inf")
    clock: Clock = SYSTEM
    store_timeout: float = STORE_TIMEOUT

    def tick(self) -> None:
        self.last_tick = self.clock.monotonic()

    async def ready(self) -> tuple[bool, str]:
        if self.role != "leader":
            return False, self.role
        try:
            answered = await self._ping_within(self.store_timeout)
        except Exception as exc:
            return False, "store unreachable: " + " ".join(str(exc).split())[:300]
        if not answered:
            return False, f"store unreachable: no answer within {self.store_timeout:g}s"
        since = self.clock.monotonic() - self.last_tick if self.last_tick is not None else None
        if since is None or since > self.stale_after:
            ago = "ever" if since is None else f"for {since:.0f}s"
            return False, f"scheduler stale: no job {ago} (limit {self.stale_after:g}s)"
        return True, "ready"

    async def _ping_within(self, timeout: float) -> bool:
        """Whether the store answered within `timeout` on the probe's clock; a ping that
        hangs is left to finish in its thread (a blocking driver call cannot be cancelled)."""
        ping = asyncio.ensure_future(asyncio.to_thread(self.ping_store))
        timer = asyncio.ensure_future(self.clock.sleep(timeout))
        try:
            await asyncio.wait({ping, timer}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            timer.cancel()
        if not ping.done():
            ping.add_done_callback(lambda task: task.cancelled() or task.exception())
            return False
        ping.result()
        return True

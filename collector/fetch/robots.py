"""robots.txt: a pure allow/deny decision plus a per-origin cache for one Fetcher's life.

The cache does not fetch by itself; it is handed a loader so robots.txt travels through
the same HTTP client (same limits, user agent, SSRF checks) as every other request.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from urllib.robotparser import RobotFileParser

import httpx

AGENT_TOKEN = "owabi"
"""The product token matched against User-agent lines (RFC 9309 §2.2.1)."""

RobotsLoader = Callable[[str, bool], Awaitable[tuple[int | None, bytes]]]
"""async (robots_url, trusted) -> (status or None if unreachable, body)."""


class RobotsPolicy:
    """What one origin's robots.txt lets owabi fetch."""

    def __init__(self, parser: RobotFileParser | None) -> None:
        self._parser = parser  # None means everything is allowed

    @classmethod
    def from_response(cls, status: int | None, body: bytes) -> RobotsPolicy:
        """Build the policy from how the robots.txt request went.

        Only a 2xx body can restrict us. A missing or forbidden robots.txt (any 4xx) means
        "no rules", and an unreachable or failing one (5xx, network) is treated the same:
        a broken robots.txt must not silently stop monitoring of a source.
        """
        if status is None or not 200 <= status < 300:
            return cls(None)
        parser = RobotFileParser()
        # utf-8-sig: a leading BOM would otherwise hide the first User-agent line.
        parser.parse(body.decode("utf-8-sig", errors="replace").splitlines())
        return cls(parser)

    def allows(self, url: str) -> bool:
        return self._parser is None or self._parser.can_fetch(AGENT_TOKEN, url)


class RobotsCache:
    """Per scheme+host(+port) policies, each origin's robots.txt loaded at most once."""

    def __init__(self, loader: RobotsLoader) -> None:
        self._loader = loader
        self._policies: dict[str, RobotsPolicy] = {}
        # One lock per origin so concurrent first requests share a single robots.txt fetch.
        self._locks: dict[str, asyncio.Lock] = {}

    async def allows(self, url: httpx.URL, *, trusted: bool) -> bool:
        origin = f"{url.scheme}://{url.netloc.decode('ascii')}"
        policy = self._policies.get(origin)
        if policy is None:
            async with self._locks.setdefault(origin, asyncio.Lock()):
                policy = self._policies.get(origin)
                if policy is None:
                    status, body = await self._loader(f"{origin}/robots.txt", trusted)
                    policy = RobotsPolicy.from_response(status, body)
                    self._policies[origin] = policy
        return policy.allows(str(url))

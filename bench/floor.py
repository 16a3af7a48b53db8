"""The floor: the same GETs as an owabi pass, made by a bare httpx AsyncClient.

Run as a child of the suite (its rusage is the measurement):

    python -m bench.floor JOBS.json CONCURRENCY

JOBS.json is a list of [url, etag or null]; an etag makes the GET conditional. No
parsing, no store, no policy: what is left is Python, asyncio and httpx.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections import Counter
from pathlib import Path

import httpx


async def fetch_all(jobs: list[tuple[str, str | None]], concurrency: int) -> Counter[int]:
    gate = asyncio.Semaphore(concurrency)
    statuses: Counter[int] = Counter()
    async with httpx.AsyncClient(timeout=20) as client:

        async def one(url: str, etag: str | None) -> None:
            headers = {"If-None-Match": etag} if etag else {}
            async with gate:
                response = await client.get(url, headers=headers)
            statuses[response.status_code] += 1

        await asyncio.gather(*(one(url, etag) for url, etag in jobs))
    return statuses


def main(argv: list[str]) -> int:
    jobs = [(url, etag) for url, etag in json.loads(Path(argv[0]).read_text())]
    statuses = asyncio.run(fetch_all(jobs, int(argv[1])))
    print(dict(statuses), file=sys.stderr)
    return 0 if set(statuses) <= {200, 304, 404} else 1  # robots.txt: 404


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The floor: the job of an owabi pass with no framework around it.

httpx + selectolax + sqlite3, the job the poll issue defines: a conditional GET per
listing, the listing's links parsed, one transaction per listing recording its new
entries and validators, then the new entries' pages fetched and their text stored. The
same GETs as owabi: on a listing's first pass only entries whose title has an incident
word are read (the rest are the archive), afterwards every new entry. No notice parsing,
no incidents, no alerts, no policy: what is left is Python, asyncio, httpx, selectolax
and SQLite. State lives in DB between passes, as owabi's store does.

Run as a child of the suite (its rusage is the measurement):

    python -m bench.floor DB LISTINGS.json CONCURRENCY
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
from selectolax.lexbor import LexborHTMLParser

INCIDENT_WORDS = ("お詫び", "不正アクセス", "漏えい", "漏洩", "流出", "ランサムウェア")
SCHEMA = """
CREATE TABLE IF NOT EXISTS listing (url TEXT PRIMARY KEY, etag TEXT, checks INTEGER);
CREATE TABLE IF NOT EXISTS entry (url TEXT PRIMARY KEY, listing TEXT, title TEXT);
CREATE TABLE IF NOT EXISTS page (url TEXT PRIMARY KEY, text TEXT);
"""


class Floor:
    def __init__(self, db: sqlite3.Connection, client: httpx.AsyncClient) -> None:
        self.db = db
        self.client = client
        self.statuses: Counter[int] = Counter()

    async def get(self, url: str, headers: dict[str, str] | None = None) -> httpx.Response:
        response = await self.client.get(url, headers=headers or {})
        self.statuses[response.status_code] += 1
        return response

    async def listing(self, url: str) -> None:
        row = self.db.execute("SELECT etag FROM listing WHERE url = ?", (url,)).fetchone()
        first = row is None
        headers = {"If-None-Match": row[0]} if row and row[0] else {}
        response = await self.get(url, headers)
        if response.status_code == 304:
            with self.db:
                self.db.execute("UPDATE listing SET checks = checks + 1 WHERE url = ?", (url,))
            return
        links = [
            (urljoin(url, a.attributes.get("href") or ""), a.text(strip=True))
            for a in LexborHTMLParser(response.text).css("li a[href]")
            if urlsplit(a.attributes.get("href") or "").path.endswith(".html")
        ]
        with self.db:
            marks = ",".join("?" * len(links))
            known = {
                u
                for (u,) in self.db.execute(
                    f"SELECT url FROM entry WHERE url IN ({marks})", [u for u, _ in links]
                )
            }
            new = [(u, t) for u, t in links if u not in known]
            self.db.executemany(
                "INSERT INTO entry (url, listing, title) VALUES (?, ?, ?)",
                [(u, url, t) for u, t in new],
            )
            self.db.execute(
                "INSERT INTO listing (url, etag, checks) VALUES (?, ?, 1) ON CONFLICT (url)"
                " DO UPDATE SET etag = excluded.etag, checks = checks + 1",
                (url, response.headers.get("etag")),
            )
        for entry, title in new:
            if not first or any(word in title for word in INCIDENT_WORDS):
                await self.page(entry)

    async def page(self, url: str) -> None:
        response = await self.get(url)
        body = LexborHTMLParser(response.text).body
        text = body.text(separator="\n", strip=True) if body is not None else ""
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO page (url, text) VALUES (?, ?)", (url, text))


async def run(db_path: Path, listings: list[str], concurrency: int) -> Counter[int]:
    db = sqlite3.connect(db_path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(SCHEMA)
    gate = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(timeout=20) as client:
        floor = Floor(db, client)
        origin = urlsplit(listings[0])
        await floor.get(f"{origin.scheme}://{origin.netloc}/robots.txt")

        async def one(url: str) -> None:
            async with gate:
                await floor.listing(url)

        await asyncio.gather(*(one(url) for url in listings))
    db.close()
    return floor.statuses


def main(argv: list[str]) -> int:
    listings = json.loads(Path(argv[1]).read_text())
    statuses = asyncio.run(run(Path(argv[0]), listings, int(argv[2])))
    print(dict(statuses), file=sys.stderr)
    return 0 if set(statuses) <= {200, 304, 404} else 1  # robots.txt: 404


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

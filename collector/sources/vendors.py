"""A vendor list: the companies a user watches, one per line of a CSV or TSV file, with
their news page (organization, url, optional tags and interval). `owabi sources import`
turns it into sources.

The file comes from a spreadsheet: UTF-8 (with or without a BOM) or Shift_JIS (Excel's
CSV in Japan), comma- or tab-separated, with a header row (`organization`/`組織`,
`url`/`URL`, `tags`/`タグ`, `interval`/`間隔`) or the columns in that order. A line that
cannot be used is kept with the reason, never dropped.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from alerts.durations import parse_duration
from collector.errors import ConfigError
from collector.fetch import Fetcher
from collector.sources.base import SourceConfig
from collector.sources.parse_pool import ParsePool
from collector.sources.probe import probe
from parsers.errors import OwabiError

# The kinds a vendor's news page may turn out to be (a single notice is not one).
LISTING_KINDS = frozenset({"page", "feed"})

COLUMNS = ("organization", "url", "tags", "interval")
HEADER_NAMES = {
    "organization": "organization",
    "組織": "organization",
    "組織名": "organization",
    "会社名": "organization",
    "url": "url",
    "tags": "tags",
    "タグ": "tags",
    "interval": "interval",
    "間隔": "interval",
}


@dataclass(frozen=True)
class Vendor:
    line: int
    organization: str
    url: str
    tags: tuple[str, ...] = ()
    interval: float | None = None


@dataclass(frozen=True)
class Unusable:
    line: int
    organization: str
    url: str
    reason: str


def _text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ConfigError(f"{path}: neither UTF-8 nor Shift_JIS")


def read_vendors(path: Path) -> tuple[list[Vendor], list[Unusable]]:
    """The usable lines of the file and the others with their reason."""
    text = _text(path)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if path.suffix.lower() == ".tsv" or "\t" in first else ","
    rows = [
        (number, [cell.strip() for cell in row])
        for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1)
        if any(cell.strip() for cell in row)
    ]
    columns = list(COLUMNS)
    if rows and any(cell.lower() in HEADER_NAMES for cell in rows[0][1]):
        header = [HEADER_NAMES.get(cell.lower(), "") for cell in rows[0][1]]
        if "url" not in header:
            raise ConfigError(f"{path}: line 1: a header without a url column")
        columns, rows = header, rows[1:]
    vendors: list[Vendor] = []
    unusable: list[Unusable] = []
    for number, cells in rows:
        value = {name: cells[i] for i, name in enumerate(columns) if name and i < len(cells)}
        org, url = value.get("organization", ""), value.get("url", "")
        reason = _problem(org, url, value.get("interval", ""))
        if reason is not None:
            unusable.append(Unusable(number, org, url, reason))
            continue
        tags = tuple(t for t in value.get("tags", "").replace(";", " ").replace(",", " ").split())
        interval = parse_duration(value["interval"]) if value.get("interval") else None
        vendors.append(Vendor(number, org, url, tags, interval))
    return vendors, unusable


def _problem(org: str, url: str, interval: str) -> str | None:
    if not org:
        return "no organization"
    if not url:
        return "no URL"
    try:
        parts = urlsplit(url)
    except ValueError:
        return f"not a URL: {url!r}"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"not an http(s) URL: {url!r}"
    if interval:
        try:
            parse_duration(interval)
        except ValueError as exc:
            return f"interval {interval!r}: {exc}"
    return None


@dataclass(frozen=True)
class Found:
    """A vendor whose page yields entries: the source to write and what was seen."""

    vendor: Vendor
    source: SourceConfig
    entries: int
    newest: dt.date | None


async def probe_vendors(
    fetcher: Fetcher,
    parser: ParsePool,
    vendors: Sequence[Vendor],
    *,
    taken: set[str],
    keywords: tuple[str, ...],
    concurrency: int,
    on_done: Callable[[Vendor], None] | None = None,
) -> tuple[list[Found], list[Unusable]]:
    """Probe every vendor's URL, `concurrency` at a time (the fetcher keeps its per-host
    limit, politeness delay and robots.txt), as `sources add` does; a page counts when it
    is recognised as a listing or feed with at least one entry. Ids are suggested from the
    host, unique against `taken` (which grows)."""
    ids = {}
    for vendor in vendors:
        ids[vendor.line] = suggest_id(vendor.url, taken)
        taken.add(ids[vendor.line])
    gate = asyncio.Semaphore(concurrency)

    async def one(vendor: Vendor) -> Found | Unusable:
        async with gate:
            try:
                seen = await probe(
                    fetcher,
                    parser,
                    vendor.url,
                    source_id=ids[vendor.line],
                    keywords=keywords,
                    organization=vendor.organization,
                    samples=0,
                )
            except OwabiError as exc:
                return Unusable(vendor.line, vendor.organization, vendor.url, str(exc))
            finally:
                if on_done is not None:
                    on_done(vendor)
        if seen.source.kind not in LISTING_KINDS:
            reason = "no news list or feed found on the page"
            return Unusable(vendor.line, vendor.organization, vendor.url, reason)
        if not seen.leads:
            return Unusable(vendor.line, vendor.organization, vendor.url, "no entries found")
        source = seen.source.model_copy(update={"tags": vendor.tags, "interval": vendor.interval})
        dates = [lead.published for lead in seen.leads if lead.published is not None]
        return Found(vendor, source, len(seen.leads), max(dates, default=None))

    results = await asyncio.gather(*(one(v) for v in vendors))
    found = [r for r in results if isinstance(r, Found)]
    unusable = [r for r in results if isinstance(r, Unusable)]
    return found, unusable


def suggest_id(url: str, taken: set[str]) -> str:
    """A source id from the URL's host, unique against `taken`."""
    host = (urlsplit(url).hostname or "source").removeprefix("www.")
    base = re.sub(r"[^a-z0-9]+", "-", host.lower()).strip("-")[:56] or "source"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate

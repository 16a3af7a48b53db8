"""What every source kind shares: the keys of a `[[source]]` block, the leads a kind
yields, and `SourceKind`, the contract a new kind fulfils in a module of its own."""

from __future__ import annotations

import asyncio
import codecs
import datetime as dt
import hashlib
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict, field_validator

from alerts.durations import parse_duration
from collector.fetch import Fetcher, FetchResult
from parsers.memo import remember_short

_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
_TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "yclid")


class SourceConfig(BaseModel):
    """The keys every `[[source]]` block may set. A kind with keys of its own subclasses
    this and narrows `kind` to its name (see `PageSource.selectors`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    url: str
    kind: str
    interval: float | None = None
    tags: tuple[str, ...] = ()
    encoding: str | None = None
    organization: str | None = None
    keywords: tuple[str, ...] | None = None
    enabled: bool = True

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("use lowercase letters, digits, '-', '_' or '.' (at most 64)")
        return value

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {value!r}")
        return value

    @field_validator("interval", mode="before")
    @classmethod
    def _interval(cls, value: Any) -> float | None:
        return None if value is None else parse_duration(value)

    @field_validator("encoding")
    @classmethod
    def _encoding(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                codecs.lookup(value)
            except LookupError:
                raise ValueError(f"unknown encoding {value!r}") from None
        return value

    def effective_keywords(self, default: tuple[str, ...]) -> tuple[str, ...]:
        return self.keywords if self.keywords is not None else default


# Listings and feeds are parsed here. Two threads: parsing holds the GIL, so more would
# not parse faster, and each thread's malloc arena added to the peak RSS (asyncio's
# default executor, 6 threads on two cores: +18 MB on a 10,000-source first pass); two
# keep one slow page from holding up every other source's.
BODY_THREADS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="owabi-body")


@dataclass(frozen=True)
class Lead:
    """A document a source points at. `content` is set when the source already
    carried the whole document (a full-content feed entry, a notice URL)."""

    url: str
    title: str | None
    published: dt.date | None
    fingerprint: str
    summary: str = ""
    content: bytes | None = None
    media_type: str | None = None
    charset: str | None = None
    # What the source knows of the document's organization (a TDnet row: the listed
    # name and securities code), and whether it corrects an earlier document.
    organization: str | None = None
    securities_code: str | None = None
    amends: bool = False

    @property
    def canonical_url(self) -> str:
        return canonical_url(self.url)


@dataclass(frozen=True)
class Poll:
    """One poll of a source: its leads, or that nothing changed since the validators
    that were sent; and the validators to send next time."""

    leads: list[Lead]
    unchanged: bool = False
    etag: str | None = None
    last_modified: str | None = None
    # What the kind learned of the body's layout (a page's detected list), given back
    # to it on the next poll.
    layout: Layout | None = None
    # Entries the kind itself left out (TDnet's withdrawn disclosures), for the count.
    skipped: int = 0


Layout = dict[str, str | None]
"""A kind's note on a source's layout, kept in the store as JSON between polls."""


class SourceKind:
    """One kind of source: its `[[source]]` keys, how it is fetched, how it yields leads.

    A kind sets the class attributes and implements `leads` (and `recognise`, so that
    `owabi sources add URL` can propose it); `poll` is a conditional GET of the source's
    URL unless the kind needs more requests than that.
    """

    name: ClassVar[str]
    summary: ClassVar[str]  # one line for `owabi sources --help`
    config: ClassVar[type[SourceConfig]]
    # Leads are read only when their title or summary has an incident keyword.
    keyword_filtered: ClassVar[bool] = True
    # The source's URL is itself the notice: failing to read it fails the source.
    is_document: ClassVar[bool] = False
    # Leads without a keyword are skipped (counted, never read): for a source whose
    # entries are mostly of other kinds (TDnet's results and dividends).
    keyword_required: ClassVar[bool] = False
    # The keywords of a source that sets none; None: the collector's.
    default_keywords: ClassVar[tuple[str, ...] | None] = None

    async def poll(
        self,
        fetcher: Fetcher,
        source: SourceConfig,
        *,
        etag: str | None,
        last_modified: str | None,
        layout: Layout | None = None,
        now: dt.datetime | None = None,
    ) -> Poll:
        result = await fetcher.fetch(
            source.url, source_id=source.id, etag=etag, last_modified=last_modified
        )
        if result.not_modified:
            return Poll([], unchanged=True, etag=result.etag, last_modified=result.last_modified)
        # A listing or feed is parsed off the event loop, like every notice: a large or
        # deep page must not hold up other sources, delivery or /healthz.
        loop = asyncio.get_running_loop()
        leads, learned = await loop.run_in_executor(BODY_THREADS, self.read, result, source, layout)
        return Poll(leads, etag=result.etag, last_modified=result.last_modified, layout=learned)

    def leads(self, result: FetchResult, source: SourceConfig) -> list[Lead]:
        """The documents a fetched source body points at; ParseError when it is unreadable."""
        raise NotImplementedError

    def read(
        self, result: FetchResult, source: SourceConfig, layout: Layout | None
    ) -> tuple[list[Lead], Layout | None]:
        """`leads`, for a kind that learns a source's layout: given what it learned last
        time, it returns the leads and what to remember. Most kinds learn nothing."""
        return self.leads(result, source), None

    def recognise(self, result: FetchResult, **keys: Any) -> SourceConfig | None:
        """This kind's block for a URL whose fetch gave `result` (`keys`: id, url and
        organization), or None when the URL is not of this kind."""
        raise NotImplementedError

    def without_validators(self, layout: Layout | None) -> Layout | None:
        """`layout` less any validators a kind keeps there (one per page it fetches),
        for a poll whose leads were not all read: a 304 must not hide them next time."""
        return layout


@remember_short(size=8192)
def canonical_url(url: str) -> str:
    """One spelling per document: lowercase host, no fragment, no default port,
    no tracking parameters, so that an entry is new once. Remembered: a pass asks for
    each lead's spelling several times, and urllib's parsing was 4 % of a first pass."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not (
        (parts.scheme == "http" and port == 80) or (parts.scheme == "https" and port == 443)
    ):
        host = f"{host}:{port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING)
    ]
    return urlunsplit((parts.scheme.lower(), host, parts.path or "/", urlencode(query), ""))


def fingerprint(*parts: str | bytes | None) -> str:
    """A stable hash of what identifies a version of an entry."""
    h = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else (part or "").encode("utf-8")
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()

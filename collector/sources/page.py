"""`kind = "page"`: a corporate news listing, read with selectors or by detecting the list."""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator

from collector.fetch import FetchResult
from collector.sources.base import Layout, Lead, SourceConfig, SourceKind, fingerprint
from parsers.charset import decode
from parsers.errors import ParseError, UnsupportedFormat
from parsers.listing import (
    ListingEntry,
    ListingSelectors,
    check_selector,
    detect_selectors,
    parse_listing,
    read_listing,
)

HTML_TYPES = ("text/html", "application/xhtml+xml", None)
# A detected list shorter than this is more likely a notice's own links than a listing.
MIN_LISTING_ENTRIES = 3


def _leads(entries: list[ListingEntry]) -> list[Lead]:
    return [
        Lead(url=e.url, title=e.title, published=e.date, fingerprint=fingerprint(e.url, e.title))
        for e in entries
    ]


def _remembered(layout: Layout | None) -> ListingSelectors | None:
    """A stored layout as selectors; one that does not have their shape (written by
    another version) is ignored, and the page detected afresh."""
    if not layout or not isinstance(layout.get("item"), str):
        return None
    names = {f.name for f in fields(ListingSelectors)}
    kept = {k: v for k, v in layout.items() if k in names and (v is None or isinstance(v, str))}
    return ListingSelectors(**kept)


class Selectors(BaseModel):
    """CSS selectors for a listing page; without them the list is detected."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    item: str
    link: str | None = None
    title: str | None = None
    date: str | None = None

    @field_validator("item", "link", "title", "date")
    @classmethod
    def _parsable(cls, selector: str | None) -> str | None:
        if selector is not None:
            try:
                check_selector(selector)
            except ParseError:
                raise ValueError(f"not a valid CSS selector: {selector!r}") from None
        return selector


class PageSource(SourceConfig):
    kind: Literal["page"] = "page"
    selectors: Selectors | None = None


class PageKind(SourceKind):
    name = "page"
    summary = "a news listing page; new entries that match the keywords are fetched (HTML or PDF)"
    config = PageSource

    def leads(self, result: FetchResult, source: SourceConfig) -> list[Lead]:
        return self.read(result, source, None)[0]

    def read(
        self, result: FetchResult, source: SourceConfig, layout: Layout | None
    ) -> tuple[list[Lead], Layout | None]:
        """The listing's leads. Without configured selectors the detected list is
        returned as the layout, and tried first on the page's next version."""
        if result.content_type not in HTML_TYPES:
            raise UnsupportedFormat(f"expected an HTML listing page, got {result.content_type}")
        text = decode(result.content, http_charset=result.charset, override=source.encoding).text
        selectors = source.selectors if isinstance(source, PageSource) else None
        if selectors is not None:
            given = ListingSelectors(**selectors.model_dump())
            return _leads(parse_listing(text, base_url=result.final_url, selectors=given)), None
        remembered = _remembered(layout)
        listing = read_listing(text, base_url=result.final_url, remembered=remembered)
        learned = asdict(listing.selectors) if listing.selectors is not None else None
        return _leads(listing.entries), learned

    def recognise(self, result: FetchResult, **keys: Any) -> SourceConfig | None:
        if result.content_type not in HTML_TYPES:
            return None
        detected = detect_selectors(decode(result.content, http_charset=result.charset).text)
        if detected is None or detected.item is None:
            return None
        source = PageSource(
            **keys,
            selectors=Selectors(
                item=detected.item, link=detected.link, title=detected.title, date=detected.date
            ),
        )
        return source if len(self.leads(result, source)) >= MIN_LISTING_ENTRIES else None

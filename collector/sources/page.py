"""`kind = "page"`: a corporate news listing, read with selectors or by detecting the list."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator

from collector.fetch import FetchResult
from collector.sources.base import Lead, SourceConfig, SourceKind, fingerprint
from parsers.charset import decode
from parsers.errors import ParseError, UnsupportedFormat
from parsers.listing import ListingSelectors, check_selector, detect_selectors, parse_listing

HTML_TYPES = ("text/html", "application/xhtml+xml", None)
# A detected list shorter than this is more likely a notice's own links than a listing.
MIN_LISTING_ENTRIES = 3


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
        if result.content_type not in HTML_TYPES:
            raise UnsupportedFormat(f"expected an HTML listing page, got {result.content_type}")
        text = decode(result.content, http_charset=result.charset, override=source.encoding).text
        selectors = source.selectors if isinstance(source, PageSource) else None
        found = ListingSelectors(**selectors.model_dump()) if selectors is not None else None
        entries = parse_listing(text, base_url=result.final_url, selectors=found)
        return [
            Lead(
                url=e.url,
                title=e.title,
                published=e.date,
                fingerprint=fingerprint(e.url, e.title),
            )
            for e in entries
        ]

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

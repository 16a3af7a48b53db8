"""`kind = "page"`: a corporate news listing, read with selectors or by detecting the list."""

from __future__ import annotations

from collector.config.sources_file import SourceConfig
from collector.fetch import FetchResult
from collector.sources.base import Lead, fingerprint
from parsers.charset import decode
from parsers.errors import UnsupportedFormat
from parsers.listing import ListingSelectors, parse_listing

HTML_TYPES = ("text/html", "application/xhtml+xml", None)


def listing_selectors(source: SourceConfig) -> ListingSelectors | None:
    s = source.selectors
    if s is None:
        return None
    return ListingSelectors(item=s.item, link=s.link, title=s.title, date=s.date)


def page_leads(result: FetchResult, source: SourceConfig) -> list[Lead]:
    if result.content_type not in HTML_TYPES:
        raise UnsupportedFormat(f"expected an HTML listing page, got {result.content_type}")
    text = decode(result.content, http_charset=result.charset, override=source.encoding).text
    entries = parse_listing(text, base_url=result.final_url, selectors=listing_selectors(source))
    return [
        Lead(
            url=e.url,
            title=e.title,
            published=e.date,
            fingerprint=fingerprint(e.url, e.title),
        )
        for e in entries
    ]

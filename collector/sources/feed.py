"""`kind = "feed"`: RSS 1.0/2.0 and Atom. Full-content entries are read inline;
summary-only entries point at the page to fetch."""

from __future__ import annotations

from typing import Any, Literal

from collector.fetch import FetchResult
from collector.sources.base import Lead, SourceConfig, SourceKind, fingerprint
from parsers.feed import looks_like_feed, parse_feed


class FeedSource(SourceConfig):
    kind: Literal["feed"] = "feed"


class FeedKind(SourceKind):
    name = "feed"
    summary = "RSS 1.0/2.0 or Atom feed; entries that match the keywords are read in full"
    config = FeedSource

    def leads(self, result: FetchResult, source: SourceConfig) -> list[Lead]:
        feed = parse_feed(result.content, base_url=result.final_url, http_charset=result.charset)
        leads = []
        for entry in feed.entries:
            if not entry.link:
                continue
            full = entry.content_html if entry.is_full_content else None
            leads.append(
                Lead(
                    url=entry.link,
                    title=entry.title,
                    published=entry.published,
                    summary=entry.summary,
                    fingerprint=fingerprint(entry.link, entry.title),
                    content=full.encode("utf-8") if full else None,
                    media_type="text/html" if full else None,
                    charset="utf-8" if full else None,
                )
            )
        return leads

    def recognise(self, result: FetchResult, **keys: Any) -> SourceConfig | None:
        if looks_like_feed(result.content) or (result.content_type or "").endswith("xml"):
            return FeedSource(**keys)
        return None

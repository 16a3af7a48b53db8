"""Source kinds: each turns a fetched body into leads. The registry maps kind → reader."""

from __future__ import annotations

from collections.abc import Callable

from collector.config.sources_file import SourceConfig
from collector.fetch import FetchResult
from collector.sources.base import Lead, canonical_url, fingerprint
from collector.sources.feed import feed_leads
from collector.sources.notice import notice_leads
from collector.sources.page import page_leads

LeadReader = Callable[[FetchResult, SourceConfig], list[Lead]]

READERS: dict[str, LeadReader] = {
    "feed": feed_leads,
    "page": page_leads,
    "notice": notice_leads,
}

# Kinds whose leads are filtered by the incident keywords before they are read.
KEYWORD_FILTERED = frozenset({"feed", "page"})

__all__ = ["KEYWORD_FILTERED", "READERS", "Lead", "canonical_url", "fingerprint"]

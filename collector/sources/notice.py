"""`kind = "notice"`: one notice URL; a new version is read whenever its bytes change."""

from __future__ import annotations

from typing import Any, Literal

from collector.fetch import FetchResult
from collector.sources.base import Lead, SourceConfig, SourceKind, fingerprint


class NoticeSource(SourceConfig):
    kind: Literal["notice"] = "notice"


class NoticeKind(SourceKind):
    name = "notice"
    summary = "one notice URL (HTML or PDF), re-read when it changes"
    config = NoticeSource
    keyword_filtered = False
    is_document = True

    def leads(self, result: FetchResult, source: SourceConfig) -> list[Lead]:
        return [
            Lead(
                url=source.url,
                title=None,
                published=None,
                fingerprint=fingerprint(result.content),
                content=result.content,
                media_type=result.content_type,
                charset=result.charset,
            )
        ]

    def recognise(self, result: FetchResult, **keys: Any) -> SourceConfig | None:
        """Whatever is neither a feed nor a listing is read as one notice."""
        return NoticeSource(**keys)

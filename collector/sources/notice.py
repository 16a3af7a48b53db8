"""`kind = "notice"`: one notice URL; a new version is read whenever its bytes change."""

from __future__ import annotations

from collector.config.sources_file import SourceConfig
from collector.fetch import FetchResult
from collector.sources.base import Lead, fingerprint


def notice_leads(result: FetchResult, source: SourceConfig) -> list[Lead]:
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

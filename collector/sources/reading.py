"""Reading one lead into schema facts: fetch it unless the source carried it, then parse."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from collector.fetch import Fetcher
from collector.sources.base import Lead, SourceConfig
from collector.sources.parse_pool import ParsePool
from parsers.hints import NoticeHints
from parsers.schema import Incident


@dataclass(frozen=True)
class Document:
    facts: Incident
    media_type: str | None
    text: str  # the notice text the facts were parsed from


def same_host(a: str, b: str) -> bool:
    return (urlsplit(a).hostname or "").lower() == (urlsplit(b).hostname or "").lower()


async def read_lead(
    fetcher: Fetcher, parser: ParsePool, source: SourceConfig, lead: Lead
) -> Document:
    """Parse the document behind `lead` in `parser`'s workers; raises OwabiError (fetch or
    parse, a parse deadline or memory bound included) with the cause.

    Links to the source's own host are trusted like the source itself; any other host
    goes through the fetcher's private-address guard.
    """
    local = same_host(lead.url, source.url)
    content, media_type, charset = lead.content, lead.media_type, lead.charset
    if content is None:
        doc = await fetcher.fetch(lead.url, source_id=source.id, trusted=local)
        content, media_type, charset = doc.content, doc.content_type, doc.charset
    read = await parser.read_async(
        content,
        media_type=media_type,
        charset=charset,
        encoding_override=source.encoding if local else None,
        name=lead.url,
        hints=NoticeHints(
            title=lead.title,
            organization=lead.organization or source.organization,
            published=lead.published,
        ),
    )
    return Document(read.facts, media_type, read.text)

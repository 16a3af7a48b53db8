"""Reading one lead into schema facts: fetch it unless the source carried it, then parse."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from urllib.parse import urlsplit

from collector.fetch import Fetcher
from collector.sources.base import BODY_THREADS, Lead, SourceConfig
from collector.sources.page import HTML_TYPES
from collector.sources.parse_pool import ParsePool
from parsers.charset import decode
from parsers.hints import NoticeHints
from parsers.primary import primary_links
from parsers.schema import Incident


@dataclass(frozen=True)
class Document:
    facts: Incident
    media_type: str | None
    text: str  # the notice text the facts were parsed from
    # Links from a news article to the organization's own notice (parsers.primary).
    primaries: tuple[str, ...] = ()


def _primaries(content: bytes, charset: str | None, url: str, limit: int) -> tuple[str, ...]:
    text = decode(content, http_charset=charset).text
    return tuple(link.url for link in primary_links(text, base_url=url, limit=limit))


def same_host(a: str, b: str) -> bool:
    return (urlsplit(a).hostname or "").lower() == (urlsplit(b).hostname or "").lower()


async def read_lead(
    fetcher: Fetcher, parser: ParsePool, source: SourceConfig, lead: Lead, *, primaries: int = 0
) -> Document:
    """Parse the document behind `lead` in `parser`'s workers; raises OwabiError (fetch or
    parse, a parse deadline or memory bound included) with the cause.

    Links to the source's own host are trusted like the source itself; any other host
    goes through the fetcher's private-address guard. An HTML page that reports an
    incident gives up to `primaries` links to the organization's own notice.
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
    found: tuple[str, ...] = ()
    if primaries and read.facts.is_incident and (media_type or "text/html") in HTML_TYPES:
        # Off the event loop, like every page: the article is hostile markup too.
        loop = asyncio.get_running_loop()
        found = await loop.run_in_executor(
            BODY_THREADS, _primaries, content, charset, lead.url, primaries
        )
    return Document(read.facts, media_type, read.text, found)


async def read_primary(
    fetcher: Fetcher, parser: ParsePool, source: SourceConfig, url: str, article: Incident
) -> Document:
    """The organization's own notice that an article of `source` linked: fetched as any
    link taken from fetched content (public addresses only, robots.txt obeyed), parsed
    with the article's organization as the name a notice that says only 当社 lacks."""
    doc = await fetcher.fetch(url, source_id=source.id, trusted=False)
    read = await parser.read_async(
        doc.content,
        media_type=doc.content_type,
        charset=doc.charset,
        name=url,
        hints=NoticeHints(organization=article.organization),
    )
    return Document(read.facts, doc.content_type, read.text)

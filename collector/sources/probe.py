"""What the collector would make of a URL, without storing anything: the engine behind
`owabi sources test` and `owabi sources add`."""

from __future__ import annotations

from dataclasses import dataclass, field

from collector.config.sources_file import Selectors, SourceConfig
from collector.fetch import Fetcher, FetchResult
from collector.sources import KEYWORD_FILTERED, READERS, Lead
from collector.sources.reading import read_lead
from parsers.charset import decode
from parsers.errors import OwabiError
from parsers.feed import looks_like_feed
from parsers.keywords import match_keyword
from parsers.listing import detect_selectors
from parsers.schema import Incident

PDF = "application/pdf"
MIN_LISTING_ENTRIES = 3


@dataclass
class Probe:
    """A proposed source and what it yields."""

    source: SourceConfig
    leads: list[Lead]
    matching: list[Lead]
    samples: list[tuple[Lead, Incident | str]] = field(default_factory=list)


def guess_kind(result: FetchResult) -> tuple[str, Selectors | None]:
    """feed, page (with detected selectors) or notice."""
    if looks_like_feed(result.content) or (result.content_type or "").endswith("xml"):
        return "feed", None
    if result.content_type == PDF:
        return "notice", None
    html = decode(result.content, http_charset=result.charset).text
    detected = detect_selectors(html)
    if detected is None:
        return "notice", None
    return "page", Selectors(
        item=detected.item, link=detected.link, title=detected.title, date=detected.date
    )


async def probe(
    fetcher: Fetcher,
    url: str,
    *,
    source_id: str,
    keywords: tuple[str, ...],
    kind: str | None = None,
    organization: str | None = None,
    samples: int = 3,
) -> Probe:
    result = await fetcher.fetch(url, source_id=source_id)
    selectors = None
    if kind is None:
        kind, selectors = guess_kind(result)
    source = SourceConfig(
        id=source_id, url=url, kind=kind, selectors=selectors, organization=organization
    )
    leads = READERS[kind](result, source)
    if kind == "page" and len(leads) < MIN_LISTING_ENTRIES and selectors is not None:
        source = source.model_copy(update={"kind": "notice", "selectors": None})
        leads = READERS["notice"](result, source)
    if source.kind in KEYWORD_FILTERED:
        matching = [
            lead for lead in leads if match_keyword(f"{lead.title}\n{lead.summary}", keywords)
        ]
    else:
        matching = leads
    found = Probe(source, leads, matching)
    for lead in matching[:samples]:
        try:
            found.samples.append((lead, (await read_lead(fetcher, source, lead)).facts))
        except OwabiError as exc:
            found.samples.append((lead, str(exc)))
    return found

"""What the collector would make of a URL, without storing anything: the engine behind
`owabi sources test` and `owabi sources add`."""

from __future__ import annotations

from dataclasses import dataclass, field

from collector.fetch import Fetcher
from collector.sources import KINDS, Lead, SourceConfig
from collector.sources.parse_pool import ParsePool
from collector.sources.reading import read_lead
from parsers.errors import OwabiError
from parsers.keywords import match_keyword
from parsers.schema import Incident


@dataclass
class Probe:
    """A proposed source and what it yields."""

    source: SourceConfig
    leads: list[Lead]
    matching: list[Lead]
    samples: list[tuple[Lead, Incident | str]] = field(default_factory=list)


async def probe(
    fetcher: Fetcher,
    parser: ParsePool,
    url: str,
    *,
    source_id: str,
    keywords: tuple[str, ...],
    kind: str | None = None,
    organization: str | None = None,
    samples: int = 3,
) -> Probe:
    """Fetch `url`, take it as `kind` (or the first kind that recognises it), list its
    leads and parse the first few that match the keywords."""
    result = await fetcher.fetch(url, source_id=source_id)
    if kind is None:
        recognised = (
            k.recognise(result, id=source_id, url=url, organization=organization)
            for k in KINDS.values()
        )
        source = next(s for s in recognised if s is not None)
    else:
        source = KINDS[kind].config(kind=kind, id=source_id, url=url, organization=organization)
    chosen = KINDS[source.kind]
    leads = chosen.leads(result, source)
    if chosen.keyword_filtered:
        matching = [
            lead for lead in leads if match_keyword(f"{lead.title}\n{lead.summary}", keywords)
        ]
    else:
        matching = leads
    found = Probe(source, leads, matching)
    for lead in matching[:samples]:
        try:
            found.samples.append((lead, (await read_lead(fetcher, parser, source, lead)).facts))
        except OwabiError as exc:
            found.samples.append((lead, str(exc)))
    return found

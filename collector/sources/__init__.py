"""Source kinds, one module each (its `[[source]]` keys, how it is fetched, how it yields
leads), and the registry that config loading, the pipeline and the CLI read.

A new kind is a module with a `SourceKind` subclass and one line below. The order is the
order in which `owabi sources add URL` tries to recognise a URL: the most specific first,
`notice` (anything at all) last.
"""

from __future__ import annotations

from collector.sources.base import (
    Layout,
    Lead,
    Poll,
    SourceConfig,
    SourceKind,
    canonical_url,
    fingerprint,
)
from collector.sources.feed import FeedKind
from collector.sources.notice import NoticeKind
from collector.sources.page import PageKind
from collector.sources.tdnet import TdnetKind

KINDS: dict[str, SourceKind] = {
    kind.name: kind
    for kind in (
        TdnetKind(),
        FeedKind(),
        PageKind(),
        NoticeKind(),
    )
}


def kind_of(source: SourceConfig) -> SourceKind:
    return KINDS[source.kind]


__all__ = [
    "KINDS",
    "Layout",
    "Lead",
    "Poll",
    "SourceConfig",
    "SourceKind",
    "canonical_url",
    "fingerprint",
    "kind_of",
]

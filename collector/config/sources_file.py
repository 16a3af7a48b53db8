"""The operator's `config/sources.toml`: one short `[[source]]` block per source.

Defaults may be set for every source (`[defaults.all]`) and per kind
(`[defaults.page]`), urlwatch-style, so that each block stays short.
"""

from __future__ import annotations

import codecs
import re
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from alerts.durations import parse_duration
from parsers.keywords import DEFAULT_INCIDENT_KEYWORDS

SourceKind = Literal["feed", "page", "notice"]
SOURCE_KINDS: dict[str, str] = {
    "feed": "RSS 1.0/2.0 or Atom feed; entries that match the keywords are read in full",
    "page": "a news listing page; new entries that match the keywords are fetched (HTML or PDF)",
    "notice": "one notice URL (HTML or PDF), re-read when it changes",
}
_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")


class Selectors(BaseModel):
    """CSS selectors for a listing page; without them the list is detected."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    item: str
    link: str | None = None
    title: str | None = None
    date: str | None = None


class SourceConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    url: str
    kind: SourceKind
    interval: float | None = None
    tags: tuple[str, ...] = ()
    encoding: str | None = None
    organization: str | None = None
    selectors: Selectors | None = None
    keywords: tuple[str, ...] | None = None
    enabled: bool = True

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("use lowercase letters, digits, '-', '_' or '.' (at most 64)")
        return value

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {value!r}")
        return value

    @field_validator("interval", mode="before")
    @classmethod
    def _interval(cls, value: Any) -> float | None:
        return None if value is None else parse_duration(value)

    @field_validator("encoding")
    @classmethod
    def _encoding(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                codecs.lookup(value)
            except LookupError:
                raise ValueError(f"unknown encoding {value!r}") from None
        return value

    @model_validator(mode="after")
    def _selectors_only_for_pages(self) -> SourceConfig:
        if self.selectors is not None and self.kind != "page":
            raise ValueError("selectors apply only to kind = 'page'")
        return self

    def effective_keywords(self, default: tuple[str, ...]) -> tuple[str, ...]:
        return self.keywords if self.keywords is not None else default


class SourcesFile(BaseModel):
    """The whole file after defaults are merged into each source."""

    model_config = ConfigDict(extra="forbid")

    keywords: tuple[str, ...] = DEFAULT_INCIDENT_KEYWORDS
    sources: list[SourceConfig] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_ids(self) -> SourcesFile:
        seen: set[str] = set()
        for source in self.sources:
            if source.id in seen:
                raise ValueError(f"duplicate source id {source.id!r}")
            seen.add(source.id)
        return self

    def by_id(self) -> dict[str, SourceConfig]:
        return {s.id: s for s in self.sources}


def merge_defaults(raw: dict[str, Any]) -> dict[str, Any]:
    """Apply `[defaults.all]` and `[defaults.<kind>]` under each `[[source]]` block."""
    defaults = raw.get("defaults", {})
    merged = []
    for block in raw.get("source", []):
        if not isinstance(block, dict):
            merged.append(block)
            continue
        kind_defaults = defaults.get(block.get("kind", ""), {})
        merged.append({**defaults.get("all", {}), **kind_defaults, **block})
    out: dict[str, Any] = {"sources": merged}
    if "keywords" in raw:
        out["keywords"] = raw["keywords"]
    unknown = set(raw) - {"defaults", "source", "keywords"}
    if unknown:
        out.update({k: raw[k] for k in unknown})  # let validation name them
    return out

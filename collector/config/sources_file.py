"""The operator's `config/sources.toml`: one short `[[source]]` block per source.

Defaults may be set for every source (`[defaults.all]`) and per kind
(`[defaults.page]`), urlwatch-style, so that each block stays short. Each block is
validated by its kind's own model (collector.sources), so a key of another kind is
refused with the kinds it belongs to.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    create_model,
    field_validator,
    model_validator,
)

from collector.sources import KINDS, SourceConfig
from parsers.keywords import DEFAULT_INCIDENT_KEYWORDS


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


def sources_model() -> type[SourcesFile]:
    """SourcesFile whose blocks are validated by the registered kinds' own models, each
    chosen by the block's `kind`."""
    return _model(tuple(kind.config for kind in KINDS.values()))


UNKNOWN = "unknown kind"


class _UnknownKind(SourceConfig):
    """A block whose `kind` is missing or not registered: checked for the keys every kind
    shares, so that its errors come in the same order as any other block's."""

    @field_validator("kind")
    @classmethod
    def _known(cls, kind: str) -> str:
        raise ValueError(f"must be one of {', '.join(repr(k) for k in KINDS)}")


def _kind_of(block: Any) -> str:
    kind = block.get("kind") if isinstance(block, dict) else getattr(block, "kind", None)
    return kind if isinstance(kind, str) and kind in KINDS else UNKNOWN


@cache
def _model(configs: tuple[type[SourceConfig], ...]) -> type[SourcesFile]:
    tagged = tuple(Annotated[c, Tag(c.model_fields["kind"].default)] for c in configs)
    members = (*tagged, Annotated[_UnknownKind, Tag(UNKNOWN)])
    block: Any = Annotated[Union.__getitem__(members), Discriminator(_kind_of)]
    model: type[SourcesFile] = create_model(
        "SourcesFile", __base__=SourcesFile, sources=(list[block], Field(default_factory=list))
    )
    return model


class RawSourcesFile(BaseModel):
    """The file's shape before defaults are merged: a `source = 5` or `[defaults] all = 5`
    is answered by key, not by a TypeError in the merge."""

    model_config = ConfigDict(extra="allow")

    defaults: dict[str, dict[str, Any]] = Field(default_factory=dict)
    source: list[Any] = Field(default_factory=list)


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


def source_error(
    loc: tuple[int | str, ...], kind: str, msg: str
) -> tuple[tuple[int | str, ...], str]:
    """A pydantic error inside the kinds' union, as an operator reads it: the union's tag
    (`page` in `sources.0.page.url`) dropped, and a key of another kind answered with
    the kinds it belongs to."""
    if len(loc) >= 3 and loc[0] == "sources" and (loc[2] in KINDS or loc[2] == UNKNOWN):
        loc = (*loc[:2], *loc[3:])
    if kind == "extra_forbidden" and len(loc) == 3:
        key = str(loc[2])
        owners = [name for name, k in KINDS.items() if key in k.config.model_fields]
        if owners:
            verb = "apply" if key.endswith("s") else "applies"
            kinds = " or ".join(f"kind = {name!r}" for name in owners)
            return loc, f"{key} {verb} only to {kinds}"
    return loc, msg

"""Loading the operator's TOML files, with one-line errors naming file and key."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from alerts.errors import RuleError
from alerts.rules import RulesConfig
from collector.config.settings import Settings
from collector.config.sources_file import (
    RawSourcesFile,
    SourcesFile,
    merge_defaults,
    source_error,
    sources_model,
)
from collector.errors import ConfigError
from collector.sources import SourceConfig

M = TypeVar("M", bound=BaseModel)


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found", path=str(path)) from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}", path=str(path)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}", path=str(path)) from exc


def _where(loc: tuple[int | str, ...], data: dict[str, Any], list_key: str, label: str) -> str:
    """`source 'piyolog' key 'interval'` from a location like ('sources', 3, 'interval')."""
    if len(loc) >= 2 and loc[0] == list_key and isinstance(loc[1], int):
        items = data.get(list_key, [])
        item = items[loc[1]] if loc[1] < len(items) else {}
        name = item.get("id") or item.get("name") if isinstance(item, dict) else None
        who = f"{label} {name!r}" if name else f"{label} #{loc[1] + 1}"
        rest = ".".join(str(p) for p in loc[2:])
        return f"{who} key {rest!r}" if rest else who
    return "key " + repr(".".join(str(p) for p in loc)) if loc else "file"


Refine = Callable[[tuple[int | str, ...], str, str], tuple[tuple[int | str, ...], str]]
"""(location, pydantic error type, message) -> the location and message to show."""


def validate(
    model: type[M],
    data: dict[str, Any],
    path: Path,
    list_key: str,
    label: str,
    alias: str,
    refine: Refine | None = None,
) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc: tuple[int | str, ...] = tuple(err["loc"])
        msg = err["msg"]
        if refine is not None:
            loc, msg = refine(loc, err["type"], msg)
        where = _where(loc, data, list_key, label).replace(repr(list_key), repr(alias))
        msg = msg.removeprefix("Value error, ")
        key = ".".join(str(p) for p in loc)
        raise ConfigError(f"{path}: {where}: {msg}", path=str(path), key=key) from exc


def load_sources(path: Path) -> SourcesFile:
    raw = read_toml(path)
    validate(RawSourcesFile, raw, path, "source", "source", "source")
    data = merge_defaults(raw)
    return validate(sources_model(), data, path, "sources", "source", "source", source_error)


def check_intervals(sources: SourcesFile, path: Path, floor: float) -> None:
    """Every source's own interval at or above the floor (OWABI_MIN_INTERVAL)."""
    for source in sources.sources:
        if source.interval is not None and source.interval < floor:
            raise ConfigError(
                f"{path}: source {source.id!r} key 'interval': {source.interval:g} s is below"
                f" the floor of {floor:g} s (OWABI_MIN_INTERVAL)",
                path=str(path),
                key="interval",
            )


def check_reload(running: Config, new: Config) -> None:
    """Refuse an edit that leaves no enabled source where some ran: a file truncated or
    emptied by accident looks exactly like that. OWABI_ALLOW_NO_SOURCES=true means it."""
    before = sum(1 for s in running.sources.sources if s.enabled)
    after = sum(1 for s in new.sources.sources if s.enabled)
    if before and not after and not new.settings.allow_no_sources:
        path = str(new.settings.sources_file)
        raise ConfigError(
            f"{path}: the edit leaves no enabled source ({before} running); an empty list"
            " must be meant: set OWABI_ALLOW_NO_SOURCES=true",
            path=path,
        )


def load_rules(path: Path) -> RulesConfig:
    raw = read_toml(path)
    data = {"rules": raw.get("rule", []), **{k: v for k, v in raw.items() if k != "rule"}}
    rules = validate(RulesConfig, data, path, "rules", "rule", "rule")
    try:
        rules.load_watchlists(path.parent)
    except RuleError as exc:
        raise ConfigError(f"{path}: {exc}", path=str(path), key="organizations_file") from exc
    return rules


@dataclass
class Config:
    """Everything the operator configured, validated."""

    settings: Settings
    sources: SourcesFile
    rules: RulesConfig

    def source_tags(self) -> dict[str, tuple[str, ...]]:
        """Every configured source's tags, for rules restricted to source tags."""
        return {source.id: source.tags for source in self.sources.sources}

    def select_sources(self, ids: Sequence[str]) -> list[SourceConfig]:
        """The sources named by `--source`, or every enabled one."""
        known = self.sources.by_id()
        unknown = [i for i in ids if i not in known]
        if unknown:
            path = str(self.settings.sources_file)
            raise ConfigError(
                f"{path}: no source with id {', '.join(map(repr, unknown))}"
                f" (known: {', '.join(sorted(known)) or 'none'})",
                path=path,
                key="id",
            )
        if ids:
            return [known[i] for i in ids]
        return [s for s in self.sources.sources if s.enabled]


def load_config(settings: Settings) -> Config:
    """The sources and rules files the settings name; ConfigError names file and key."""
    sources = load_sources(Path(settings.sources_file))
    check_intervals(sources, Path(settings.sources_file), settings.min_interval)
    return Config(settings=settings, sources=sources, rules=load_rules(Path(settings.rules_file)))

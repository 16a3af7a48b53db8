"""`owabi parse`: the parser alone on files or URLs, nothing stored."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.table import Table

from collector.app import fetch_settings
from collector.fetch import Fetcher
from collector.report import incident_row
from collector.settings import Settings
from parsers.document import parse_document
from parsers.errors import OwabiError
from parsers.schema import Incident

MEDIA_BY_SUFFIX = {
    ".pdf": "application/pdf",
    ".html": "text/html",
    ".htm": "text/html",
    ".xhtml": "text/html",
    ".txt": "text/plain",
    ".text": "text/plain",
}


@dataclass
class Parsed:
    name: str
    facts: Incident | None = None
    error: str | None = None

    def as_json(self) -> dict[str, Any]:
        if self.facts is not None:
            return self.facts.to_json_dict()
        return {**Incident().to_json_dict(), "error": self.error}


def _is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def _parse_file(name: str, encoding: str | None) -> Parsed:
    path = Path(name)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Parsed(name, error=f"cannot read file: {exc.strerror}")
    try:
        facts = parse_document(
            data,
            media_type=MEDIA_BY_SUFFIX.get(path.suffix.lower()),
            encoding_override=encoding,
            name=path.name,
        )
    except OwabiError as exc:
        return Parsed(name, error=str(exc))
    return Parsed(name, facts)


async def _parse_url(fetcher: Fetcher, url: str, encoding: str | None) -> Parsed:
    try:
        result = await fetcher.fetch(url)
        facts = parse_document(
            result.content,
            media_type=result.content_type,
            charset=result.charset,
            encoding_override=encoding,
            name=url,
        )
    except OwabiError as exc:
        return Parsed(url, error=str(exc))
    return Parsed(url, facts)


async def parse_inputs(
    inputs: Sequence[str], settings: Settings, encoding: str | None
) -> list[Parsed]:
    """Parse every input, keeping input order; a failure is recorded, not raised."""
    results: list[Parsed] = []
    if not any(_is_url(i) for i in inputs):
        return [_parse_file(i, encoding) for i in inputs]
    async with Fetcher(fetch_settings(settings)) as fetcher:
        for item in inputs:
            if _is_url(item):
                results.append(await _parse_url(fetcher, item, encoding))
            else:
                results.append(_parse_file(item, encoding))
    return results


def parse_table(results: Sequence[Parsed]) -> Table:
    table = Table(title="Parsed notices")
    for col in ("input", "incident", "organization", "date", "categories", "people", "cards"):
        table.add_column(col, justify="right" if col in ("people", "cards") else "left")
    for item in results:
        if item.facts is None:
            table.add_row(item.name, "error", item.error or "", "", "", "", "")
            continue
        table.add_row(
            item.name, "yes" if item.facts.is_incident else "no", *incident_row(item.facts)
        )
    return table

"""`owabi parse`: the parser alone on files or URLs, nothing stored."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from collector.cli import aio
from collector.cli.context import EXIT_FAILED, EXIT_OK, cli_errors, ctx_of, err, escape, out
from collector.cli.report import incident_row
from collector.config.settings import Settings
from collector.fetch import Fetcher
from collector.runtime import open_fetcher, open_parser
from collector.sources.parse_pool import ParsePool
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


def _parse_file(parser: ParsePool, name: str, encoding: str | None) -> Parsed:
    path = Path(name)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Parsed(name, error=f"cannot read file: {exc.strerror}")
    try:
        facts = parser.read(
            data,
            media_type=MEDIA_BY_SUFFIX.get(path.suffix.lower()),
            encoding_override=encoding,
            name=path.name,
        ).facts
    except OwabiError as exc:
        return Parsed(name, error=str(exc))
    return Parsed(name, facts)


async def _parse_url(fetcher: Fetcher, parser: ParsePool, url: str, encoding: str | None) -> Parsed:
    try:
        result = await fetcher.fetch(url)
        read = await parser.read_async(
            result.content,
            media_type=result.content_type,
            charset=result.charset,
            encoding_override=encoding,
            name=url,
        )
    except OwabiError as exc:
        return Parsed(url, error=str(exc))
    return Parsed(url, read.facts)


async def parse_inputs(
    inputs: Sequence[str], settings: Settings, encoding: str | None
) -> list[Parsed]:
    """Parse every input, keeping input order; a failure is recorded, not raised. Each
    document goes through the parse workers, as in `owabi fetch`: a deadline and a memory
    bound hold for every input."""
    results: list[Parsed] = []
    with open_parser(settings) as parser:
        if not any(_is_url(i) for i in inputs):
            return [_parse_file(parser, i, encoding) for i in inputs]
        async with open_fetcher(settings) as fetcher:
            for item in inputs:
                if _is_url(item):
                    results.append(await _parse_url(fetcher, parser, item, encoding))
                else:
                    results.append(_parse_file(parser, item, encoding))
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


class ParseFormat(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"


def parse(
    ctx: typer.Context,
    inputs: Annotated[list[str], typer.Argument(help="Files (.txt, .html, .pdf) or URLs.")],
    format: Annotated[ParseFormat, typer.Option("--format", "-f")] = ParseFormat.table,
    encoding: Annotated[
        str | None, typer.Option("--encoding", help="Force this charset for every input.")
    ] = None,
) -> None:
    """Parse notices into the incident schema without storing anything.

    `--format jsonl` prints exactly one schema object per input, in input order; an input
    that cannot be read prints an empty object with an "error" key, and the exit code is 1.
    """
    c = ctx_of(ctx)
    with cli_errors():
        settings = c.settings
        results = aio.run(parse_inputs(inputs, settings, encoding))
    for item in results:
        if item.error:
            err.print(f"[red]✗[/] {escape(item.name)}: {escape(item.error)}")
    if format is ParseFormat.jsonl:
        for item in results:
            print(json.dumps(item.as_json(), ensure_ascii=False))
    elif format is ParseFormat.json:
        docs = [item.as_json() for item in results]
        print(json.dumps(docs[0] if len(docs) == 1 else docs, ensure_ascii=False, indent=2))
    else:
        out.print(parse_table(results))
    raise typer.Exit(EXIT_FAILED if any(i.error for i in results) else EXIT_OK)

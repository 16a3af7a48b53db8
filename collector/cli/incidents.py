"""`owabi incidents list|show|export`: what the store holds."""

from __future__ import annotations

import csv
import io
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from collector.cli.context import cli_errors, ctx_of, fail, out
from collector.cli.spreadsheet import spreadsheet_text
from collector.export.json_doc import incident_dict
from collector.runtime import open_store
from collector.store import queries
from parsers.schema import MAPPING_FIELDS, Incident

app = typer.Typer(help="Look at stored incidents.", no_args_is_help=True)

# The schema's fields in its order (a mapping such as `evidence` is no cell), between the
# store's id and what the store adds.
CSV_FIELDS = (
    "id",
    *(name for name in Incident.model_fields if name not in MAPPING_FIELDS),
    "notices",
    "created_at",
    "updated_at",
)


@app.command("list")
def list_(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", "-n", help="Newest N incidents.")] = 50,
) -> None:
    """The newest incidents, one row each."""
    with cli_errors(), open_store(ctx_of(ctx).settings) as sessions, sessions() as s:
        table = Table(title="Incidents")
        for col in ("id", "organization", "published", "categories", "people", "cards", "notices"):
            table.add_column(col, justify="right" if col in ("id", "people", "cards") else "left")
        for r in queries.list_incidents(s, limit):
            d = r.data
            table.add_row(
                str(r.id),
                Text(r.organization or "?"),
                d.get("published") or "–",
                ", ".join(d.get("categories", [])) or "–",
                f"{r.people_affected:,}" if r.people_affected is not None else "–",
                f"{r.cards_affected:,}" if r.cards_affected is not None else "–",
                str(len(r.notices)),
            )
    out.print(table)


@app.command()
def show(
    ctx: typer.Context, incident_id: Annotated[int, typer.Argument(help="Incident id.")]
) -> None:
    """One incident as JSON: its merged facts, notices and sources."""
    with cli_errors(), open_store(ctx_of(ctx).settings) as sessions, sessions() as s:
        record = queries.incident(s, incident_id)
        doc = None if record is None else incident_dict(record) | {"history": len(record.history)}
    if doc is None:
        fail(f"no incident with id {incident_id}")
    print(json.dumps(doc, ensure_ascii=False, indent=2))


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"


def _csv_value(value: Any) -> str:
    if isinstance(value, list):
        value = ";".join(v["url"] if isinstance(v, dict) else str(v) for v in value)
    if value is None:
        return ""
    return spreadsheet_text(value) if isinstance(value, str) else str(value)


@app.command()
def export(
    ctx: typer.Context,
    format: Annotated[ExportFormat, typer.Option("--format", "-f")] = ExportFormat.json,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
) -> None:
    """Every incident, as CSV (one row each, lists joined with ';') or JSON.

    CSV cells are made safe for spreadsheets (a leading `'` before `=`, `+`, `-`, `@`;
    no control characters); JSON keeps every value exactly as stored.
    """
    with cli_errors(), open_store(ctx_of(ctx).settings) as sessions, sessions() as s:
        docs = [incident_dict(r) for r in queries.list_incidents(s, limit=None)]
    docs.reverse()
    if format is ExportFormat.json:
        text = json.dumps(docs, ensure_ascii=False, indent=2) + "\n"
    else:
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS, extrasaction="ignore")
        writer.writeheader()
        for d in docs:
            writer.writerow({k: _csv_value(d.get(k)) for k in CSV_FIELDS})
        text = buf.getvalue()
    if output is None:
        print(text, end="")
    else:
        output.write_text(text, encoding="utf-8")
        out.print(f"wrote {len(docs)} incidents to {output}")

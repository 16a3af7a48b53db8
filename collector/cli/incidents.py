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

from alerts.rules import RulesConfig
from collector.cli.context import EXIT_CONFIG, cli_errors, ctx_of, fail, out
from collector.cli.spreadsheet import spreadsheet_text
from collector.export.json_doc import incident_dict
from collector.incidents.filters import BadFilter, read_filter
from collector.incidents.select import select_incidents
from collector.runtime import open_store
from collector.store import queries
from collector.store.models import IncidentRecord
from parsers.schema import MAPPING_FIELDS, Incident

app = typer.Typer(help="Look at stored incidents.", no_args_is_help=True)

# The schema's fields in its order (a mapping such as `evidence` is no cell), between the
# store's id and what the store adds.
CSV_FIELDS = (
    "id",
    *(name for name in Incident.model_fields if name not in MAPPING_FIELDS),
    "securities_code",
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
    stix = "stix"
    misp = "misp"


class Tlp(StrEnum):
    clear = "clear"
    green = "green"
    amber = "amber"
    red = "red"


def _csv_value(value: Any) -> str:
    if isinstance(value, list):
        value = ";".join(v["url"] if isinstance(v, dict) else str(v) for v in value)
    if value is None:
        return ""
    return spreadsheet_text(value) if isinstance(value, str) else str(value)


def _text(format: ExportFormat, records: list[IncidentRecord], tlp: Tlp) -> str:
    if format is ExportFormat.stix:
        from collector.export.stix import bundle

        return str(bundle(records, tlp.value).serialize(pretty=True, ensure_ascii=False)) + "\n"
    docs = [incident_dict(r) for r in records]
    if format is ExportFormat.json:
        return json.dumps(docs, ensure_ascii=False, indent=2) + "\n"
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS, extrasaction="ignore")
    writer.writeheader()
    for d in docs:
        writer.writerow({k: _csv_value(d.get(k)) for k in CSV_FIELDS})
    return buf.getvalue()


Opt = typer.Option


@app.command()
def export(
    ctx: typer.Context,
    format: Annotated[ExportFormat, Opt("--format", "-f")] = ExportFormat.json,
    output: Annotated[
        Path | None,
        Opt("--output", "-o", "--out", help="A file (a folder for misp) instead of stdout."),
    ] = None,
    tlp: Annotated[Tlp, Opt(help="TLP marking of stix and misp exports.")] = Tlp.clear,
    category: Annotated[list[str] | None, Opt(help="Any of these categories (repeat).")] = None,
    org: Annotated[str | None, Opt(help="Organization contains (normalized).")] = None,
    since: Annotated[str | None, Opt(help="Published on or after (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, Opt(help="Published on or before (YYYY-MM-DD).")] = None,
    min_people: Annotated[str | None, Opt(help="People affected at least.")] = None,
    min_cards: Annotated[str | None, Opt(help="Cards affected at least.")] = None,
    card_data: Annotated[str | None, Opt(help="Card data leaked: true/false.")] = None,
    tag: Annotated[str | None, Opt(help="A tag of a source that carried it.")] = None,
    watchlist: Annotated[str | None, Opt(help="An alert rule's watchlist, by name.")] = None,
    stage: Annotated[str | None, Opt(help="report, update or final.")] = None,
) -> None:
    """Incidents as CSV, JSON, a STIX 2.1 bundle or a MISP feed folder, oldest first.

    The filters are those of the web pages and the API. CSV cells are made safe for
    spreadsheets (a leading `'` before `=`, `+`, `-`, `@`; no control characters); JSON
    keeps every value exactly as stored. `stix`: one bundle (identity of each victim,
    incident with the Incident Core extension, external references to every notice)
    with stable ids, so a re-import updates. `misp`: `--out DIR` receives manifest.json
    and one event per incident, for a MISP instance to read as a feed.
    """
    c = ctx_of(ctx)
    given = {
        "org": org,
        "since": since,
        "until": until,
        "min_people": min_people,
        "min_cards": min_cards,
        "card_data": card_data,
        "tag": tag,
        "watchlist": watchlist,
        "stage": stage,
    }
    pairs = [("category", v) for v in category or []]
    pairs += [(k, v) for k, v in given.items() if v is not None]
    if format is ExportFormat.misp and output is None:
        fail("--format misp needs --out DIR (the feed folder)", EXIT_CONFIG)
    with cli_errors():
        # The configuration is read only when a filter needs it (a watchlist's rule, the
        # sources' tags): an export works on a copied store without the config files.
        rules = c.config.rules if watchlist is not None else RulesConfig(rules=[])
        tags = c.config.source_tags() if tag is not None else {}
        try:
            flt = read_filter(pairs, rules)
        except BadFilter as exc:
            fail(f"export: {exc}", EXIT_CONFIG)
        with open_store(c.settings) as sessions, sessions() as s:
            records = select_incidents(s, flt, tags, limit=None).items
            records.reverse()
            if format is ExportFormat.misp:
                from collector.export.misp import write_feed

                assert output is not None
                count = write_feed(records, output, tlp.value)
                out.print(f"wrote {count} events and manifest.json to {output}")
                return
            text = _text(format, records, tlp)
    if output is None:
        print(text, end="")
    else:
        output.write_text(text, encoding="utf-8")
        out.print(f"wrote {len(records)} incidents to {output}")

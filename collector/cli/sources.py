"""`owabi sources list|status|test|add`: the configured sources, their health and schedule,
and trying a URL before adding it."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from collector.cli import aio
from collector.cli.context import (
    EXIT_CONFIG,
    EXIT_FAILED,
    EXIT_OK,
    cli_errors,
    ctx_of,
    err,
    fail,
    out,
)
from collector.cli.report import incident_row
from collector.clock import SYSTEM
from collector.config.files import load_sources
from collector.runtime import open_fetcher, open_parser, open_store
from collector.sources import KINDS, SourceConfig
from collector.sources.probe import Probe, probe
from collector.sources.status import statuses
from collector.sources.vendors import (
    Found,
    Unusable,
    Vendor,
    probe_vendors,
    read_vendors,
    suggest_id,
)
from collector.store import queries

app = typer.Typer(
    help="Configured sources; try a URL before adding it.\n\nKinds: "
    + "; ".join(f"{name}: {kind.summary}" for name, kind in KINDS.items()),
    no_args_is_help=True,
)

KindOption = Annotated[
    str | None,
    typer.Option("--kind", help=f"{', '.join(KINDS)} (detected when omitted)."),
]


def _when(value: object) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "strftime") else "–"


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """Every configured source with its last success, failures and last error."""
    c = ctx_of(ctx)
    with cli_errors(), open_store(c.settings) as sessions, sessions() as s:
        config = c.config
        states = queries.all_source_states(s)
    table = Table(title=f"Sources ({c.settings.sources_file})")
    for col in ("id", "kind", "every", "tags", "last success", "failures", "last error"):
        table.add_column(col)
    default = c.settings.default_interval
    for src in config.sources.sources:
        st = states.get(src.id)
        table.add_row(
            src.id + ("" if src.enabled else " (disabled)"),
            src.kind,
            f"{int((src.interval or default) // 60)}m",
            ", ".join(src.tags),
            _when(st.last_success_at if st else None),
            str(st.consecutive_failures if st else 0),
            Text(st.last_error or "" if st else ""),
        )
    out.print(table)


@app.command()
def status(ctx: typer.Context) -> None:
    """Each source's health and schedule: last success, last error, consecutive
    failures and when `owabi run` polls it next (later than its interval while it backs off)."""
    c = ctx_of(ctx)
    with cli_errors(), open_store(c.settings) as sessions, sessions() as s:
        config = c.config
        states = queries.all_source_states(s)
    table = Table(title=f"Source status ({c.settings.sources_file})")
    for col in ("id", "state", "every", "last success", "failures", "last error", "next run"):
        table.add_column(col)
    rows = statuses(config.sources.sources, states, SYSTEM.now(), c.settings.default_interval)
    for row in rows:
        table.add_row(
            row.id,
            row.state,
            row.every,
            row.last_success,
            str(row.failures),
            Text(row.last_error),
            row.next_run,
        )
    out.print(table)


def _show(found: Probe) -> None:
    src = found.source
    out.print(f"kind: {src.kind}")
    for key, value in _own_keys(src).items():
        out.print(Text(f"{key}: {value}"))
    out.print(f"entries: {len(found.leads)}, matching the incident keywords: {len(found.matching)}")
    table = Table(title="Entries (first 15)")
    for col in ("date", "title", "url", "match"):
        table.add_column(col)
    matching = {id(lead) for lead in found.matching}
    for lead in found.leads[:15]:
        table.add_row(
            lead.published.isoformat() if lead.published else "–",
            Text(lead.title or "–"),
            Text(lead.url),
            "yes" if id(lead) in matching else "",
        )
    out.print(table)
    for lead, facts in found.samples:
        if isinstance(facts, str):
            out.print(Text(f"✗ {lead.url}: {facts}"))
        else:
            cells = incident_row(facts)
            out.print(
                Text(
                    f"→ {lead.url}: incident={facts.is_incident} organization={cells[0]} "
                    f"date={cells[1]} categories={cells[2]} people={cells[3]} cards={cells[4]}"
                )
            )


def _run_probe(
    ctx: typer.Context, url: str, source_id: str, kind: str | None, org: str | None
) -> Probe:
    c = ctx_of(ctx)
    if kind is not None and kind not in KINDS:
        fail(f"--kind must be one of {', '.join(KINDS)}", EXIT_CONFIG)

    async def go() -> Probe:
        with open_parser(c.settings) as parser:
            async with open_fetcher(c.settings) as fetcher:
                return await probe(
                    fetcher,
                    parser,
                    url,
                    source_id=source_id,
                    keywords=c.config.sources.keywords,
                    kind=kind,
                    organization=org,
                )

    with cli_errors():
        return aio.run(go())


@app.command()
def test(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="A feed, listing page or notice URL.")],
    kind: KindOption = None,
) -> None:
    """Show what the collector would extract from URL, without storing anything."""
    _show(_run_probe(ctx, url, "test", kind, None))


def _own_keys(source: SourceConfig) -> dict[str, object]:
    """The keys a kind adds to the common ones, where they are set (`selectors`)."""
    common = SourceConfig.model_fields
    return {
        key: value
        for key, value in source.model_dump(exclude_none=True).items()
        if key not in common
    }


def _toml(value: object) -> str:
    """A TOML value; JSON string literals are valid TOML basic strings."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def toml_block(source: SourceConfig) -> str:
    """A `[[source]]` block with what `sources add` found: id, url, kind, organization,
    tags and interval where set, and the kind's own keys."""
    lines = ["", "[[source]]"]
    found = {key: getattr(source, key) for key in ("id", "url", "kind", "organization", "tags")}
    if source.interval is not None:
        found["interval"] = _span_text(source.interval)
    for key, value in {**found, **_own_keys(source)}.items():
        if value is not None and value != ():
            lines.append(f"{key} = {_toml(value)}")
    return "\n".join(lines) + "\n"


def _span_text(seconds: float) -> str:
    """Seconds as the sources file writes a duration ("90m", "2h", "45s")."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV or TSV: organization, url[, tags, interval].")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Probe and report; write nothing.")
    ] = False,
    watchlist: Annotated[
        Path | None,
        typer.Option(help="Also write the organizations to this watchlist file, one a line."),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Write without asking.")] = False,
) -> None:
    """Add a vendor list as sources in one step.

    Each line's URL is probed, several at a time and politely (per-host limit, delay,
    robots.txt), as `sources add` does: the kind (feed or news page) and the news list
    are detected. A table shows what was found (entries, newest date); the lines that
    cannot be used are listed with the reason. Then a [[source]] block is appended for
    each that works (organization, tags and interval from the file), unless --dry-run.
    Exit code 0 when every line was usable, 1 when some were not, 2 on a bad file.
    """
    c = ctx_of(ctx)
    with cli_errors():
        vendors, unusable = read_vendors(file)
        existing = c.config.sources.by_id()
    known_urls = {s.url for s in existing.values()}
    fresh = [v for v in vendors if v.url not in known_urls]
    unusable += [
        Unusable(v.line, v.organization, v.url, "already a configured source")
        for v in vendors
        if v.url in known_urls
    ]
    found, failed = _probe_vendors(ctx, fresh, set(existing))
    unusable = sorted(unusable + failed, key=lambda u: u.line)
    _show_import(found, unusable)
    if found and not dry_run:
        _append_sources(Path(c.settings.sources_file), found, yes=yes)
    if watchlist is not None and found and not dry_run:
        names = dict.fromkeys(f.vendor.organization for f in found)
        watchlist.write_text("".join(f"{n}\n" for n in names), encoding="utf-8")
        out.print(f"wrote {len(names)} organizations to {watchlist}")
    raise typer.Exit(EXIT_OK if not unusable else EXIT_FAILED)


def _probe_vendors(
    ctx: typer.Context, vendors: list[Vendor], taken: set[str]
) -> tuple[list[Found], list[Unusable]]:
    c = ctx_of(ctx)

    async def go(on_done: Callable[[Vendor], None] | None) -> tuple[list[Found], list[Unusable]]:
        with open_parser(c.settings) as parser:
            async with open_fetcher(c.settings) as fetcher:
                return await probe_vendors(
                    fetcher,
                    parser,
                    vendors,
                    taken=taken,
                    keywords=c.config.sources.keywords,
                    concurrency=c.settings.concurrency,
                    on_done=on_done,
                )

    with cli_errors():
        if not sys.stderr.isatty():
            return aio.run(go(None))
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        with Progress(
            TextColumn("[bold]probing"),
            BarColumn(),
            MofNCompleteColumn(),
            console=err,
            transient=True,
        ) as progress:
            task = progress.add_task("vendors", total=len(vendors))
            return aio.run(go(lambda _: progress.advance(task)))


def _show_import(found: list[Found], unusable: list[Unusable]) -> None:
    table = Table(title=f"Usable: {len(found)}")
    for col in ("line", "organization", "kind", "entries", "newest", "id", "url"):
        table.add_column(col, justify="right" if col in ("line", "entries") else "left")
    for f in sorted(found, key=lambda f: f.vendor.line):
        table.add_row(
            str(f.vendor.line),
            Text(f.vendor.organization),
            f.source.kind,
            str(f.entries),
            f.newest.isoformat() if f.newest else "–",
            f.source.id,
            Text(f.vendor.url),
        )
    out.print(table)
    for u in unusable:
        err.print(Text(f"✗ line {u.line} {u.organization} {u.url}: {u.reason}"))


def _append_sources(path: Path, found: list[Found], *, yes: bool) -> None:
    if not yes and not typer.confirm(f"Append {len(found)} sources to {path}?", default=True):
        raise typer.Exit(EXIT_FAILED)
    blocks = "".join(toml_block(f.source) for f in sorted(found, key=lambda f: f.vendor.line))
    _append_checked(path, blocks)
    out.print(f"added {len(found)} sources to {path}")


def _append_checked(path: Path, blocks: str) -> None:
    """Append [[source]] blocks; put the file back as it was if it no longer loads."""
    before = path.read_text(encoding="utf-8") if path.exists() else ""
    path.write_text(before.rstrip("\n") + "\n" + blocks, encoding="utf-8")
    try:
        with cli_errors():
            load_sources(path)
    except typer.Exit:
        path.write_text(before, encoding="utf-8")
        err.print("the file is unchanged")
        raise


@app.command()
def add(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="A feed, listing page or notice URL.")],
    source_id: Annotated[
        str | None, typer.Option("--id", help="Source id (from the host).")
    ] = None,
    kind: KindOption = None,
    organization: Annotated[
        str | None, typer.Option("--organization", help="Whose page this is (for 弊社).")
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Write without asking.")] = False,
) -> None:
    """Try URL, show what it yields, then append a [[source]] block to the sources file."""
    c = ctx_of(ctx)
    with cli_errors():
        existing = c.config.sources.by_id()
    sid = source_id or suggest_id(url, set(existing))
    if sid in existing:
        fail(f"a source with id {sid!r} exists already", EXIT_CONFIG)
    found = _run_probe(ctx, url, sid, kind, organization)
    _show(found)
    if not found.leads:
        fail("nothing to collect at this URL; not adding it")
    block = toml_block(found.source)
    out.print(Text(f"\nto append to {c.settings.sources_file}:{block}"))
    if not yes and not typer.confirm("Add this source?", default=True):
        raise typer.Exit(1)
    _append_checked(Path(c.settings.sources_file), block)
    out.print(f"added source {sid!r}")

"""The `owabi` command line. Commands stay thin: they build from settings, call one
function, print, and map errors to exit codes (0 ok, 1 something failed, 2 bad config)."""

from __future__ import annotations

import asyncio
import json
import sys
from enum import StrEnum
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from collector import cli_alerts, cli_incidents, cli_sources, evalcmd
from collector.app import Config
from collector.clicontext import (
    EXIT_FAILED,
    EXIT_OK,
    Ctx,
    cli_errors,
    ctx_of,
    err,
    out,
)
from collector.daemon import run_daemon
from collector.fetch import owabi_version
from collector.oneshot import PassResult, fetch_once, select_sources
from collector.parsecmd import parse_inputs, parse_table
from collector.pipeline import SourceReport
from collector.report import failures, notices_table, summary
from collector.sourceconfig import SourceConfig

app = typer.Typer(
    name="owabi",
    help=(
        "Collects Japanese security-incident notices (お詫び) from feeds and news pages,"
        " parses them into the incident schema, stores them and sends alerts.\n\n"
        "Exit codes: 0 success, 1 some source or input failed, 2 bad configuration."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.add_typer(cli_alerts.app, name="alerts")
app.add_typer(cli_incidents.app, name="incidents")
app.add_typer(cli_sources.app, name="sources")
app.command("eval")(evalcmd.eval_command)


@app.callback(invoke_without_command=True)
def main_callback(
    ctx: typer.Context,
    env_file: Annotated[
        str, typer.Option("--env-file", help="Settings file (OWABI_* lines).")
    ] = ".env",
    log_level: Annotated[
        str | None,
        typer.Option("--log-level", help="debug, info, warning or error (OWABI_LOG_LEVEL)."),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", help="Print the version and exit.", is_eager=True),
    ] = False,
) -> None:
    """Settings come from OWABI_* variables, the --env-file and secret files."""
    if version:
        out.print(f"owabi {owabi_version()}")
        raise typer.Exit(EXIT_OK)
    if ctx.invoked_subcommand is None:
        out.print(ctx.get_help())
        raise typer.Exit(EXIT_OK)
    ctx.obj = Ctx(env_file=env_file, log_level=log_level)


@app.command()
def fetch(
    ctx: typer.Context,
    source: Annotated[
        list[str] | None,
        typer.Option("--source", "-s", help="Only this source id (repeatable)."),
    ] = None,
) -> None:
    """Poll every enabled source once, store new notices, send due alerts.

    Prints a table of new incident notices and a summary line. Exit code 1 when any
    source failed (the others are still processed), 2 on bad configuration.
    """
    c = ctx_of(ctx)
    with cli_errors():
        config = c.config
        sources = select_sources(config, source or [])
        reports = asyncio.run(_fetch_with_progress(config, sources))
    table = notices_table(reports.reports)
    if table is not None:
        out.print(table)
    for line in failures(reports.reports):
        err.print(f"[red]✗[/] {_esc(line)}")
    out.print(summary(reports.reports, reports.delivery, reports.digests))
    raise typer.Exit(EXIT_OK if all(r.clean for r in reports.reports) else EXIT_FAILED)


def _esc(text: str) -> str:
    return text.replace("[", "\\[")


async def _fetch_with_progress(config: Config, sources: list[SourceConfig]) -> PassResult:
    if not sys.stderr.isatty():
        return await fetch_once(config, sources)
    with Progress(
        TextColumn("[bold]fetching"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[last]}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task("sources", total=len(sources), last="")

        def done(report: SourceReport) -> None:
            mark = "✓" if report.ok else "✗"
            progress.update(task, advance=1, last=f"{mark} {report.source_id}")

        return await fetch_once(config, sources, done)


@app.command()
def run(ctx: typer.Context) -> None:
    """Run as a service: poll each source on its interval, send alerts, serve /healthz,
    /readyz and /metrics (OWABI_HTTP_HOST:OWABI_HTTP_PORT).

    SIGHUP (or editing sources.toml / rules.toml) reloads the configuration; a bad edit
    is rejected and the running one stays. SIGTERM/SIGINT stop gracefully (exit 0).
    Exit code 2 on bad configuration or when another scheduler owns the SQLite store.
    """
    c = ctx_of(ctx)
    with cli_errors():
        asyncio.run(run_daemon(c.settings, c.config))
    raise typer.Exit(EXIT_OK)


class ParseFormat(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"


@app.command()
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
        results = asyncio.run(parse_inputs(inputs, settings, encoding))
    for item in results:
        if item.error:
            err.print(f"[red]✗[/] {_esc(item.name)}: {_esc(item.error)}")
    if format is ParseFormat.jsonl:
        for item in results:
            print(json.dumps(item.as_json(), ensure_ascii=False))
    elif format is ParseFormat.json:
        docs = [item.as_json() for item in results]
        print(json.dumps(docs[0] if len(docs) == 1 else docs, ensure_ascii=False, indent=2))
    else:
        out.print(parse_table(results))
    raise typer.Exit(EXIT_FAILED if any(i.error for i in results) else EXIT_OK)


def main() -> None:
    app()


if __name__ == "__main__":
    main()

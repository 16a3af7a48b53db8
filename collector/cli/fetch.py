"""`owabi fetch`: one pass over the sources, with a progress bar on a terminal."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Annotated

import typer

from collector.cli import aio
from collector.cli.context import EXIT_FAILED, EXIT_OK, cli_errors, ctx_of, err, escape, out
from collector.cli.report import failures, notices_table, summary
from collector.config.files import Config
from collector.pipeline import SourceReport
from collector.runtime import PassResult, open_runtime
from collector.sources import SourceConfig


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
        selected = config.select_sources(source or [])
        result = aio.run(_fetch_with_progress(config, selected))
    table = notices_table(result.reports)
    if table is not None:
        out.print(table)
    for line in failures(result.reports):
        err.print(f"[red]✗[/] {escape(line)}")
    # One line however long, so that scripts and logs can grep it.
    out.print(summary(result.reports, result.delivery, result.digests), soft_wrap=True)
    raise typer.Exit(EXIT_OK if all(r.clean for r in result.reports) else EXIT_FAILED)


async def _fetch_with_progress(config: Config, sources: Sequence[SourceConfig]) -> PassResult:
    async with open_runtime(config) as runtime:
        if not sys.stderr.isatty():
            return await runtime.fetch_pass(sources)
        # Imported here: a pipe or a cron job never draws one.
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

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

            return await runtime.fetch_pass(sources, done)

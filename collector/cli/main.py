"""The `owabi` command line: the typer app, its global options, and one module per
command or command group (fetch, run, parse, eval, incidents, sources, alerts).

Commands stay thin: they build from settings, call one function, print, and map errors to
exit codes (0 ok, 1 something failed, 2 bad config)."""

from __future__ import annotations

from typing import Annotated

import typer

from collector.cli import alerts, evaluate, fetch, incidents, parse, run, sources
from collector.cli.context import EXIT_OK, Ctx, out
from collector.fetch import owabi_version

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
app.command()(fetch.fetch)
app.command()(run.run)
app.command()(parse.parse)
app.command("eval")(evaluate.eval_command)
app.add_typer(alerts.app, name="alerts")
app.add_typer(incidents.app, name="incidents")
app.add_typer(sources.app, name="sources")


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


def main() -> None:
    app()

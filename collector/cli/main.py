"""The `owabi` command line: the typer app, its global options, and one module per
command or command group (fetch, run, parse, eval, incidents, sources, alerts).

Commands stay thin: they build from settings, call one function, print, and map errors to
exit codes (0 ok, 1 something failed, 2 bad config).

Each command's module is imported only when that command runs (or shows its own help):
the modules bring the store, the fetcher, the parsers and the service, about a second of
imports that `owabi --help` or a mistyped command should not pay.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from collector.cli.context import EXIT_OK, Ctx, out
from collector.cli.process_end import end

# name -> (module, attribute: a command function or a Typer group, one line for --help).
# tests/collector/test_cli_startup.py checks each line against the command's own help.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "fetch": (
        "collector.cli.fetch",
        "fetch",
        "Poll every enabled source once, store new notices, send due alerts.",
    ),
    "run": (
        "collector.cli.run",
        "run",
        "Run as a service: poll, alert, and serve the pages, feed and API.",
    ),
    "serve": (
        "collector.cli.serve",
        "serve",
        "Serve the incident pages, the Atom feed and the API, read-only, without polling.",
    ),
    "parse": (
        "collector.cli.parse",
        "parse",
        "Parse notices into the incident schema without storing anything.",
    ),
    "eval": (
        "collector.cli.evaluate",
        "eval_command",
        "Score the parser against gold-labelled notices, field by field (the spec's Scoring).",
    ),
    "alerts": ("collector.cli.alerts", "app", "Alert rules, failed alerts and digests."),
    "incidents": ("collector.cli.incidents", "app", "Look at stored incidents."),
    "sources": (
        "collector.cli.sources",
        "app",
        "Configured sources; try a URL before adding it.",
    ),
}


def load_command(name: str) -> Any:
    """The click command of `name`, its module imported now."""
    module, attribute, _ = COMMANDS[name]
    target = getattr(importlib.import_module(module), attribute)
    if not isinstance(target, typer.Typer):
        single = typer.Typer()
        single.command(name)(target)
        target = single
    # As a part of `owabi`: plain help like the top level, no completion options of its own.
    target.rich_markup_mode = None
    target._add_completion = False
    return typer.main.get_command(target)


class LazyCommands(TyperGroup):
    """Lists the commands from COMMANDS, imports one when it is invoked."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        return load_command(cmd_name) if cmd_name in COMMANDS else None

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, line) for name, (_, _, line) in COMMANDS.items()])


app = typer.Typer(
    cls=LazyCommands,
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
        from collector.fetch import owabi_version

        out.print(f"owabi {owabi_version()}")
        raise typer.Exit(EXIT_OK)
    if ctx.invoked_subcommand is None:
        out.print(ctx.get_help())
        raise typer.Exit(EXIT_OK)
    ctx.obj = Ctx(env_file=env_file, log_level=log_level)


def main() -> None:
    """The `owabi` script."""
    name_main_module()
    try:
        app()
    except SystemExit as done:
        end(done)


def name_main_module() -> None:
    """Give the installed script's module the name `python -m collector.cli` gives it.

    multiprocessing starts every parse worker by re-running a main module it knows only
    by path (the script: the CLI, typer and rich imported again, about 60 ms per worker),
    while a main module named `….__main__` is left alone."""
    module = sys.modules["__main__"]
    if getattr(module, "__spec__", None) is None:
        module.__spec__ = importlib.util.find_spec("collector.cli.__main__")

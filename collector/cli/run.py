"""`owabi run`: the long-running service (collector.service.daemon)."""

from __future__ import annotations

import typer

from collector.cli import aio
from collector.cli.context import EXIT_OK, cli_errors, ctx_of


def run(ctx: typer.Context) -> None:
    """Run as a service: poll, alert, and serve the pages, feed and API.

    Each source is polled on its interval, alerts are sent, and the incident pages, the
    Atom feed, the API (see `owabi serve --help`), /healthz, /readyz and /metrics are
    served on OWABI_HTTP_HOST:OWABI_HTTP_PORT (pages beyond loopback need
    OWABI_WEB_TOKEN).

    SIGHUP (or editing sources.toml / rules.toml) reloads the configuration; a bad edit
    is rejected and the running one stays. SIGTERM/SIGINT stop gracefully (exit 0).
    Exit code 2 on bad configuration or when another scheduler owns the SQLite store.
    """
    from collector.service.daemon import run_daemon  # the service's weight, for `run` only

    c = ctx_of(ctx)
    with cli_errors():
        aio.run(run_daemon(c.settings, c.config))
    raise typer.Exit(EXIT_OK)

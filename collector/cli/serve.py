"""`owabi serve`: the pages, feed and API over a store, read-only, without scheduling."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from collector.cli import aio
from collector.cli.context import EXIT_CONFIG, EXIT_OK, cli_errors, ctx_of, fail, out
from collector.config.files import Config
from collector.config.settings import Settings
from collector.errors import StoreError
from collector.store.engine import make_engine, ping, session_factory
from collector.store.migrate import HEAD, stored_revision


def serve(
    ctx: typer.Context,
    host: Annotated[
        str | None, typer.Option(help="Address to listen on [default: OWABI_HTTP_HOST].")
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="Port to listen on [default: OWABI_HTTP_PORT].")
    ] = None,
    hash_password: Annotated[
        bool,
        typer.Option(
            "--hash-password",
            help="Read a password (prompted, or one line of stdin), print the hash for a "
            "`name:hash` line of OWABI_WEB_USERS_FILE, and exit.",
        ),
    ] = False,
) -> None:
    """Serve the incident pages, the Atom feed and the API, read-only, without polling.

    For a second box beside `owabi run`, or a look at a copied database: the store is
    opened read-only and never migrated (it must be at the current schema: run `owabi
    fetch` once against it first). Pages: / (incidents, filters, chart),
    /incidents/ID, /sources; /feed.atom and /api/v1/incidents take the same filters
    (category, org, since, until, min_people, min_cards, card_data, tag, watchlist,
    stage); /api/v1/openapi.json describes the API. On an address other than loopback
    the pages need OWABI_WEB_TOKEN or a user of OWABI_WEB_USERS_FILE (add one with
    `owabi serve --hash-password`). Stop with Ctrl-C or SIGTERM.
    """
    if hash_password:
        _print_hash()
        raise typer.Exit(EXIT_OK)
    c = ctx_of(ctx)
    with cli_errors():
        settings = c.settings.model_copy(
            update={
                "http_host": host if host is not None else c.settings.http_host,
                "http_port": port if port is not None else c.settings.http_port,
            }
        )
        aio.run(_serve(settings, c.config))
    raise typer.Exit(EXIT_OK)


def _print_hash() -> None:
    import sys

    from collector.web.users import hash_password

    if sys.stdin.isatty():
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    if not password:
        fail("an empty password is no password", EXIT_CONFIG)
    print(hash_password(password))


async def _serve(settings: Settings, config: Config) -> None:
    from collector.web.access import access_of
    from collector.web.app import Site, build_app
    from collector.web.server import WebServer

    engine = make_engine(settings.database_url_plain, read_only=True)
    try:
        await asyncio.to_thread(_check_schema, engine)

        async def ready() -> tuple[bool, str]:
            try:
                await asyncio.to_thread(ping, engine)
            except Exception as exc:  # whatever the driver raises: not ready, and why
                return False, "store unreachable: " + " ".join(str(exc).split())[:300]
            return True, "ready"

        site = Site(
            sessions=session_factory(engine),
            config=lambda: config,
            ready=ready,
            metrics=None,
            access=access_of(settings),
            misp_feed=settings.web_misp_feed,
        )
        server = WebServer(build_app(site))
        bound = await server.start(settings.http_host, settings.http_port)
        out.print(f"serving http://{settings.http_host}:{bound}/ (read-only; Ctrl-C stops)")
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        try:
            await stop.wait()
        finally:
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)
            await server.close()
    finally:
        engine.dispose()


def _check_schema(engine: Engine) -> None:
    where = engine.url.render_as_string()
    database = engine.url.database
    sqlite_file = engine.url.get_backend_name() == "sqlite" and database not in (None, ":memory:")
    if sqlite_file and not Path(str(database)).is_file():
        raise StoreError(
            f"store: no owabi store at {database}; `owabi serve` never writes: run "
            "`owabi fetch` once to create it"
        )
    try:
        with engine.connect() as conn:
            revision = stored_revision(conn)
    except SQLAlchemyError as exc:
        raise StoreError(f"store: cannot read {where}: {getattr(exc, 'orig', exc)}") from exc
    if revision != HEAD:
        found = "no owabi store" if revision is None else f"schema {revision}, not {HEAD}"
        raise StoreError(
            f"store: {where} has {found}; `owabi serve` never writes: run `owabi fetch` "
            "against it once to create or migrate it"
        )

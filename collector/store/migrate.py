"""Schema migrations, applied on every start so that an upgrade never loses data.

Alembic is imported only when the stored revision is not the newest: it is about a third
of the CLI's import time, and a store already at HEAD (every start but the first after
an upgrade) needs one indexed read to know it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import SQLAlchemyError

from collector.errors import StoreError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
# The newest revision under migrations/versions (tests/collector/test_store.py keeps it so).
HEAD = "0009"


def alembic_config(connection: object | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest schema; StoreError if it cannot be reached."""
    try:
        with engine.begin() as conn:
            if stored_revision(conn) != HEAD:
                from alembic import command

                command.upgrade(alembic_config(conn), "head")
    except SQLAlchemyError as exc:
        orig = getattr(exc, "orig", None)
        reason = str(orig) if orig else exc.__class__.__name__
        raise StoreError(
            f"store: cannot migrate {engine.url.render_as_string()}: {reason}"
        ) from exc


def stored_revision(conn: Connection) -> str | None:
    """The revision the database is at, or None for a database never migrated."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

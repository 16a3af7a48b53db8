"""Schema migrations, applied on every start so that an upgrade never loses data."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from collector.errors import StoreError

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(connection: object | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest schema; StoreError if it cannot be reached."""
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
    except SQLAlchemyError as exc:
        orig = getattr(exc, "orig", None)
        reason = str(orig) if orig else exc.__class__.__name__
        raise StoreError(
            f"store: cannot migrate {engine.url.render_as_string()}: {reason}"
        ) from exc

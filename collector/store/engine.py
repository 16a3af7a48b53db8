"""The one engine factory: SQLite pragmas (WAL, foreign keys, busy timeout) live here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from collector.errors import ConfigError


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def normalize_url(url: str) -> str:
    """`postgresql://` means psycopg 3 here, the driver owabi installs."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _read_only_sqlite(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA query_only=ON")
    cur.close()


def make_engine(url: str, *, read_only: bool = False) -> Engine:
    """An engine for `url`; a SQLite file's folder is created on first use. A read-only
    engine (`owabi serve`) is refused every write by the database itself."""
    try:
        parsed = make_url(normalize_url(url))
    except ArgumentError as exc:
        raise ConfigError(
            "setting OWABI_DATABASE_URL: not a database URL", key="database_url"
        ) from exc
    if parsed.get_backend_name() == "sqlite":
        db = parsed.database
        if db and db != ":memory:" and not read_only:
            Path(db).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        if read_only:
            event.listen(engine, "connect", _read_only_sqlite)
        return engine
    if read_only:
        return create_engine(
            parsed,
            pool_pre_ping=True,
            connect_args={"options": "-c default_transaction_read_only=on"},
        )
    return create_engine(parsed, pool_pre_ping=True)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def ping(engine: Engine) -> None:
    """One round trip; raises when the store cannot answer (the daemon's /readyz)."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))

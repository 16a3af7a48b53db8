"""The scheduler's PostgreSQL advisory lock: its key, the connection that holds it, and
the statements on it (collector.service.leader decides when to use them).

The connection is not from the store's pool: a pooled connection is recycled and
returned, and a session-level lock would go with it.
"""

from __future__ import annotations

import asyncio
import hashlib
from types import ModuleType
from typing import TYPE_CHECKING, Any

from collector.errors import ConfigError

if TYPE_CHECKING:
    import psycopg

# One fixed 64-bit key for every owabi deployment; advisory locks are per database, so
# two owabi installations on one server (different databases) never see each other's.
LOCK_KEY = int.from_bytes(hashlib.sha256(b"owabi-scheduler").digest()[:8], "big", signed=True)

CONNECT_TIMEOUT = 10
# Server-side TCP keepalives for the leader's session: if the leader's host vanishes
# without closing its socket (power loss, partition), PostgreSQL ends the session, and
# frees the lock, after ~25 s instead of the kernel default of two hours.
SERVER_KEEPALIVES = (
    "-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3"
)


def driver() -> ModuleType:
    """psycopg, or a ConfigError saying how to install it."""
    try:
        import psycopg
    except ImportError as exc:
        raise ConfigError(
            "setting OWABI_DATABASE_URL: PostgreSQL needs psycopg: pip install 'owabi[postgres]'",
            key="database_url",
        ) from exc
    return psycopg


async def connect(url: str, application_name: str) -> psycopg.AsyncConnection[Any]:
    """An autocommit connection of its own, named so `pg_stat_activity` shows who leads."""
    pg = driver()
    params = pg.conninfo.conninfo_to_dict(url)
    params.setdefault("options", SERVER_KEEPALIVES)
    params.setdefault("connect_timeout", CONNECT_TIMEOUT)
    params["application_name"] = application_name[:63]
    conn: psycopg.AsyncConnection[Any] = await pg.AsyncConnection.connect(autocommit=True, **params)
    return conn


async def try_lock(conn: psycopg.AsyncConnection[Any]) -> bool:
    async with asyncio.timeout(CONNECT_TIMEOUT):
        cur = await conn.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,))
        row = await cur.fetchone()
    return bool(row and row[0])


async def unlock(conn: psycopg.AsyncConnection[Any]) -> None:
    await conn.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))


async def alive(conn: psycopg.AsyncConnection[Any]) -> None:
    """One round trip on the lock's session; raises when the session may be gone."""
    await conn.execute("SELECT 1")

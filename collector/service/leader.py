"""Which `owabi run` process runs the schedule: exactly one per database.

PostgreSQL: replicas share one database, so leadership is a session-level advisory lock
held on a dedicated connection. PostgreSQL frees it the moment that session ends (the
process died, was killed, or its connection dropped), so a standby that keeps trying
takes over within one poll interval without any lease bookkeeping of ours. The leader
checks its connection every poll interval: a dead one means the lock may already be
someone else's, so `lost` is set and the daemon stops scheduling.

SQLite: one writer by design. A second scheduler on the same file would only contend
for the write lock, so it is refused at start with a one-line ConfigError instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import structlog
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from collector.clock import SYSTEM, Clock
from collector.config.settings import Settings
from collector.errors import ConfigError, redact_url
from collector.store import advisory_lock
from collector.store.engine import normalize_url

if TYPE_CHECKING:
    import psycopg

log = structlog.get_logger("owabi.leader")


class Leadership(Protocol):
    """What the daemon needs: wait to lead, notice losing it, give it up on shutdown."""

    lost: asyncio.Event

    @property
    def is_leader(self) -> bool: ...

    async def wait_until_leader(self) -> None: ...

    async def release(self) -> None: ...


class PostgresLeadership:
    """`pg_try_advisory_lock(LOCK_KEY)` on an autocommit connection of its own.

    The connection is not from the store's pool: a pooled connection is recycled and
    returned, and the lock would go with it. Its application_name is `owabi:<node_id>`,
    so `pg_stat_activity` shows which replica leads.
    """

    def __init__(self, url: str, *, node_id: str, poll: float, clock: Clock = SYSTEM) -> None:
        advisory_lock.driver()  # missing: a configuration error now, not a retry loop later
        self._url = url
        self._node_id = node_id
        self._poll = poll
        self._clock = clock
        self._conn: psycopg.AsyncConnection[Any] | None = None
        self._heartbeat: asyncio.Task[None] | None = None
        self._leading = False
        self.lost = asyncio.Event()
        self.polls = 0  # times this replica asked for the lock

    @property
    def is_leader(self) -> bool:
        return self._leading

    async def wait_until_leader(self) -> None:
        """Try the lock every poll interval (reconnecting as needed) until it is ours."""
        if self._leading:
            return
        announced = False
        while True:
            self.polls += 1
            try:
                if await self._try_lock():
                    break
                if not announced:
                    log.info("standby: another replica leads", node=self._node_id)
                    announced = True
            except Exception as exc:  # psycopg.Error and OSError alike: retry
                log.warning(
                    "leader election: database unreachable",
                    node=self._node_id,
                    error=_one_line(exc),
                )
                await self._close()
            await self._clock.sleep(self._poll)
        self._leading = True
        self.lost.clear()
        self._heartbeat = asyncio.create_task(self._watch(), name="owabi-leader-heartbeat")
        log.info("leader acquired", node=self._node_id)

    async def release(self) -> None:
        """Unlock and close, so a standby takes over at once rather than after a timeout."""
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._heartbeat
            self._heartbeat = None
        if self._leading and self._conn is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(self._poll):
                    await advisory_lock.unlock(self._conn)
            log.info("leader released", node=self._node_id)
        self._leading = False
        await self._close()

    async def _try_lock(self) -> bool:
        if self._conn is None or self._conn.closed:
            self._conn = await advisory_lock.connect(self._url, f"owabi:{self._node_id}")
        return await advisory_lock.try_lock(self._conn)

    async def _watch(self) -> None:
        """Heartbeat: a query that fails or hangs means the session (and lock) may be gone."""
        assert self._conn is not None
        while True:
            await self._clock.sleep(self._poll)
            try:
                async with asyncio.timeout(self._poll):
                    await advisory_lock.alive(self._conn)
            except Exception as exc:
                self._leading = False
                log.error("leadership lost", node=self._node_id, error=_one_line(exc))
                self.lost.set()
                await self._close()
                return

    async def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(self._poll):
                    await conn.close()


class SqliteLeadership:
    """An exclusive `flock` on `<db file>.lock`, held for the life of the process.

    flock (not lockf) so that the lock belongs to the open file: the kernel drops it
    when the process dies however it dies, and a second open in the same process
    conflicts too.
    """

    def __init__(self, db: Path, *, node_id: str) -> None:
        self.lock_path = db.with_name(db.name + ".lock")
        self.lost = asyncio.Event()
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise ConfigError(
                f"another owabi scheduler is running on {db} (lock {self.lock_path})",
                path=str(self.lock_path),
            ) from None
        # The holder's node id (host:pid) in the file, for an operator wondering who it is.
        os.ftruncate(fd, 0)
        os.write(fd, f"{node_id}\n".encode())
        self._fd: int | None = fd

    @property
    def is_leader(self) -> bool:
        return self._fd is not None

    async def wait_until_leader(self) -> None:
        """The lock was taken in the constructor (or refused there): nothing to wait for."""

    async def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)


class SoleLeadership:
    """An in-memory SQLite database belongs to one process: it always leads."""

    def __init__(self) -> None:
        self.lost = asyncio.Event()

    @property
    def is_leader(self) -> bool:
        return True

    async def wait_until_leader(self) -> None:
        """Nothing to wait for."""

    async def release(self) -> None:
        """Nothing held."""


def make_leadership(settings: Settings, *, node_id: str, clock: Clock = SYSTEM) -> Leadership:
    """The leadership for the configured store; SQLite's is taken (or refused) here."""
    raw = settings.database_url_plain
    try:
        url = make_url(normalize_url(raw))
    except ArgumentError as exc:
        raise ConfigError(
            "setting OWABI_DATABASE_URL: not a database URL", key="database_url"
        ) from exc
    backend = url.get_backend_name()
    if backend == "postgresql":
        conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        return PostgresLeadership(conninfo, node_id=node_id, poll=settings.leader_poll, clock=clock)
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            return SoleLeadership()
        return SqliteLeadership(Path(url.database).resolve(), node_id=node_id)
    raise ConfigError(
        f"setting OWABI_DATABASE_URL: {redact_url(raw)}: the scheduler needs PostgreSQL or SQLite",
        key="database_url",
    )


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__

"""Leadership: one scheduler per database.

PostgreSQL tests run against the real CI server (OWABI_TEST_DATABASE_URL, a fresh
database per test, since advisory locks are per database) and skip with the reason
when it is unset. SQLite tests use real files and a real second process.
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from collector.config.settings import load_settings
from collector.errors import ConfigError
from collector.service.leader import (
    PostgresLeadership,
    SoleLeadership,
    SqliteLeadership,
    make_leadership,
)
from collector.store.advisory_lock import LOCK_KEY
from tests.support.clock import ManualClock
from tests.support.waiting import until

pytestmark = pytest.mark.anyio

POLL = 0.3


def _conninfo(postgres_url: str) -> str:
    return postgres_url.replace("postgresql+psycopg://", "postgresql://", 1)


def _lock_holders(conninfo: str) -> list[str]:
    """application_name of every session holding owabi's advisory lock, seen from outside."""
    with psycopg.connect(conninfo, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a USING (pid)"
            " WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1"
            " AND ((l.classid::bigint << 32) | l.objid::bigint) = %s",
            (LOCK_KEY,),
        ).fetchall()
    return sorted(r[0] for r in rows)


def _terminate(conninfo: str, application_name: str) -> None:
    """Kill a backend from a third connection: what a dropped connection looks like."""
    with psycopg.connect(conninfo, autocommit=True) as conn:
        killed = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            (application_name,),
        ).fetchall()
    assert killed == [(True,)]


async def _standing_by(clock: ManualClock, sleepers: int) -> None:
    """Wait until `sleepers` loops sleep on the clock: each has tried and waits for a poll."""
    await until(lambda: clock.sleeping >= sleepers, f"{sleepers} loops waiting for a poll")


async def test_only_one_of_two_replicas_leads(postgres_url: str) -> None:
    conninfo = _conninfo(postgres_url)
    clock = ManualClock()
    a = PostgresLeadership(conninfo, node_id="a", poll=POLL, clock=clock)
    b = PostgresLeadership(conninfo, node_id="b", poll=POLL, clock=clock)
    try:
        await a.wait_until_leader()
        b_waiting = asyncio.create_task(b.wait_until_leader())
        for polls in range(1, 6):  # b keeps trying, poll after poll, and never leads
            await _standing_by(clock, 2)  # a's heartbeat and b's next try
            assert not b_waiting.done()
            clock.advance(POLL)
            await until(lambda n=polls: b.polls >= n + 1, "b tried again")
        assert a.is_leader and not b.is_leader
        assert _lock_holders(conninfo) == ["owabi:a"]
        b_waiting.cancel()
    finally:
        await a.release()
        await b.release()


async def test_dropped_connection_sets_lost_and_standby_takes_over(postgres_url: str) -> None:
    conninfo = _conninfo(postgres_url)
    clock = ManualClock()
    a = PostgresLeadership(conninfo, node_id="a", poll=POLL, clock=clock)
    b = PostgresLeadership(conninfo, node_id="b", poll=POLL, clock=clock)
    try:
        await a.wait_until_leader()
        b_waiting = asyncio.create_task(b.wait_until_leader())
        await _standing_by(clock, 2)  # b has tried and is standing by
        assert not b_waiting.done()

        _terminate(conninfo, "owabi:a")
        await until(lambda: _lock_holders(conninfo) == [], "the lock freed with a's session")
        tries = b.polls
        clock.advance(POLL)  # one poll: b's next try takes the lock, a's heartbeat fails
        await b_waiting
        assert b.polls == tries + 1  # the standby took over on its first try after the drop
        await until(a.lost.is_set, "a noticed the lost connection")

        assert b.is_leader and not a.is_leader
        assert _lock_holders(conninfo) == ["owabi:b"]

        # The old leader goes back to waiting (on a new connection) and leads again
        # once b gives the lock up.
        a_waiting = asyncio.create_task(a.wait_until_leader())
        await _standing_by(clock, 2)  # b's heartbeat and a's next try
        assert not a_waiting.done()
        await b.release()
        clock.advance(POLL)
        await a_waiting
        assert a.is_leader and not a.lost.is_set()
        assert _lock_holders(conninfo) == ["owabi:a"]
    finally:
        await a.release()
        await b.release()


async def test_release_unlocks_at_once(postgres_url: str) -> None:
    conninfo = _conninfo(postgres_url)
    a = PostgresLeadership(conninfo, node_id="a", poll=POLL)
    await a.wait_until_leader()
    await a.release()
    assert not a.is_leader and not a.lost.is_set()
    assert _lock_holders(conninfo) == []


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_unreachable_database_is_retried_not_fatal() -> None:
    """A replica that starts before its database keeps trying instead of crashing."""
    conninfo = f"postgresql://owabi@127.0.0.1:{_closed_port()}/owabi"
    clock = ManualClock()
    a = PostgresLeadership(conninfo, node_id="a", poll=0.1, clock=clock)
    waiting = asyncio.create_task(a.wait_until_leader())
    for tries in (1, 2, 3):
        await until(lambda n=tries: a.polls >= n and clock.sleeping == 1, "a failed try")
        clock.advance(0.1)
    assert not waiting.done() and not a.is_leader
    waiting.cancel()
    await a.release()


# --- SQLite ------------------------------------------------------------------------------


async def test_sqlite_second_scheduler_is_refused_with_the_db_path(tmp_path: Path) -> None:
    db = tmp_path / "owabi.db"
    first = SqliteLeadership(db, node_id="first")
    await first.wait_until_leader()
    assert first.is_leader

    with pytest.raises(ConfigError) as refused:
        SqliteLeadership(db, node_id="second")
    message = str(refused.value)
    assert message == f"another owabi scheduler is running on {db} (lock {db}.lock)"
    assert "\n" not in message

    await first.release()
    again = SqliteLeadership(db, node_id="again")
    assert again.is_leader
    await again.release()


HOLD_LOCK = """
import sys, time
from pathlib import Path
from collector.service.leader import SqliteLeadership
SqliteLeadership(Path(sys.argv[1]), node_id="child")
print("locked", flush=True)
time.sleep(60)
"""


def test_sqlite_lock_held_by_another_process_and_freed_by_its_death(tmp_path: Path) -> None:
    db = tmp_path / "owabi.db"
    repo = Path(__file__).resolve().parents[2]
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(db)], cwd=repo, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == "locked\n"
        assert (tmp_path / "owabi.db.lock").read_text() == "child\n"
        with pytest.raises(ConfigError, match="another owabi scheduler is running"):
            SqliteLeadership(db, node_id="parent")
    finally:
        child.kill()  # SIGKILL: no cleanup code runs, the kernel drops the lock
        child.wait()
        if child.stdout is not None:
            child.stdout.close()
    parent = SqliteLeadership(db, node_id="parent")
    assert parent.is_leader
    asyncio.run(parent.release())


def test_make_leadership_picks_the_store(tmp_path: Path) -> None:
    sqlite = make_leadership(
        load_settings(None, database_url=f"sqlite:///{tmp_path}/x/owabi.db"), node_id="n"
    )
    assert isinstance(sqlite, SqliteLeadership)
    assert sqlite.lock_path == tmp_path / "x" / "owabi.db.lock"
    asyncio.run(sqlite.release())
    assert isinstance(
        make_leadership(load_settings(None, database_url="sqlite://"), node_id="n"), SoleLeadership
    )
    pg = make_leadership(
        load_settings(None, database_url="postgresql://u:p@127.0.0.1:5432/owabi"), node_id="n"
    )
    assert isinstance(pg, PostgresLeadership) and not pg.is_leader
    with pytest.raises(ConfigError, match="needs PostgreSQL or SQLite") as refused:
        make_leadership(load_settings(None, database_url="mysql://u:secret@h/db"), node_id="n")
    assert "secret" not in str(refused.value)

"""The outbox schema: migration 0002 upgrades a live 0001 store without losing a row, and
the models and the migrations describe the same schema on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, Table, inspect, select

from collector.delivery.outbox import deliver_due
from collector.store.engine import make_engine, session_factory
from collector.store.migrate import alembic_config, upgrade
from collector.store.models import Base, Delivery, IncidentRecord, NoticeRecord
from tests.collector.test_delivery import FakeChannel
from tests.support.clock import FakeClock

T0 = dt.datetime(2024, 5, 9, 3, 0, tzinfo=dt.UTC)


def _seed_0001(database_url: str) -> None:
    """A store as release 0001 left it: an incident, a notice, a sent and a pending alert."""
    engine = make_engine(database_url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0001")
        meta = MetaData()
        tables = {n: Table(n, meta, autoload_with=conn) for n in ("incident", "notice", "delivery")}
        assert "claimed_by" not in tables["delivery"].c
        conn.execute(
            tables["incident"].insert(),
            {
                "id": 1,
                "org_key": "テスト通販",
                "organization": "株式会社テスト通販",
                "card_data_leaked": True,
                "cards_affected": 2345,
                "data": {"is_incident": True, "organization": "株式会社テスト通販"},
                "history": [],
                "created_at": T0,
                "updated_at": T0,
            },
        )
        conn.execute(
            tables["notice"].insert(),
            {
                "id": 1,
                "source_id": "corp",
                "url": "https://corp.example/n/1",
                "content_hash": "h",
                "is_incident": True,
                "data": {"is_incident": True},
                "fetched_at": T0,
                "incident_id": 1,
            },
        )
        rows = [
            ("k-sent", "sent", T0),
            ("k-pending", "pending", None),
        ]
        for key, status, sent_at in rows:
            conn.execute(
                tables["delivery"].insert(),
                {
                    "key": key,
                    "incident_id": 1,
                    "rule": "cards",
                    "channel": "fake",
                    "event": "new",
                    "status": status,
                    "attempts": 1 if sent_at else 0,
                    "payload": {
                        "incident": {"is_incident": True, "organization": "株式会社テスト通販"},
                        "links": ["https://corp.example/n/1"],
                        "sources": ["corp"],
                    },
                    "created_at": T0,
                    "next_attempt_at": T0,
                    "sent_at": sent_at,
                },
            )
    engine.dispose()


def test_upgrade_from_0001_keeps_every_row_and_pending_alerts_still_go_out(
    database_url: str,
) -> None:
    _seed_0001(database_url)
    engine = make_engine(database_url)
    upgrade(engine)
    assert {"digest"} <= set(inspect(engine).get_table_names())
    sessions = session_factory(engine)
    with sessions() as s:
        incident = s.get(IncidentRecord, 1)
        assert incident is not None and incident.cards_affected == 2345
        assert incident.data["organization"] == "株式会社テスト通販"
        assert s.get(NoticeRecord, 1) is not None
        rows = s.scalars(select(Delivery).order_by(Delivery.id)).all()
        assert [(r.key, r.status, r.claimed_by, r.claimed_until) for r in rows] == [
            ("k-sent", "sent", None, None),
            ("k-pending", "pending", None, None),
        ]
        version = s.connection().exec_driver_sql("SELECT version_num FROM alembic_version")
        # at the newest revision (0002 or later), every 0001 row kept
        assert version.scalar() == ScriptDirectory.from_config(alembic_config()).get_current_head()
    # The pending alert of the old release is delivered by the new one, once.
    channel, clock = FakeChannel(), FakeClock()
    stats = asyncio.run(deliver_due(sessions, {"fake": channel}, clock=clock, max_attempts=3))
    assert stats.sent == 1 and [a.key for a in channel.sent] == ["k-pending"]
    engine.dispose()


def test_models_and_migrations_agree(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()

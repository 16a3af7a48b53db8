"""The store on SQLite and PostgreSQL: migrations, dedupe of entries and alerts, merging."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import inspect, select

from alerts.rules import RulesConfig
from collector.incidents import record_notice
from collector.pipeline import Known
from collector.store import queries
from collector.store.engine import make_engine, session_factory
from collector.store.migrate import HEAD, alembic_config, stored_revision, upgrade
from collector.store.models import Delivery, IncidentRecord, NoticeRecord, SeenEntry, SourceState
from parsers.schema import Category, Incident

NOW = dt.datetime(2024, 5, 10, 12, 0, tzinfo=dt.UTC)
RULES = RulesConfig.model_validate(
    {
        "rules": [
            {
                "name": "cards",
                "channels": ["console"],
                "events": ["new", "update"],
                "conditions": [{"field": "cards_affected", "op": ">=", "value": 1000}],
            }
        ]
    }
)


@pytest.fixture
def sessions(database_url: str):  # type: ignore[no-untyped-def]
    engine = make_engine(database_url)
    upgrade(engine)
    yield session_factory(engine)
    engine.dispose()


def facts(**kw: object) -> Incident:
    base: dict[str, object] = {
        "is_incident": True,
        "organization": "株式会社テスト通販",
        "published": dt.date(2024, 5, 10),
        "categories": [Category.UNAUTHORIZED_ACCESS],
        "cards_affected": 1200,
        "card_data_leaked": True,
    }
    return Incident.model_validate(base | kw)


def record(sessions, url: str, f: Incident, source: str = "s1"):  # type: ignore[no-untyped-def]
    with sessions.begin() as s:
        return record_notice(
            s,
            rules=RULES,
            source_id=source,
            url=url,
            content_hash=url,
            media_type="text/html",
            entry_title=f.title,
            facts=f,
            now=NOW,
        )


def test_migrations_create_tables_and_are_idempotent(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    upgrade(engine)  # a restart runs them again: nothing happens
    names = set(inspect(engine).get_table_names())
    assert {"source_state", "seen_entry", "notice", "incident", "delivery"} <= names
    assert "alembic_version" in names
    engine.dispose()


def test_head_names_the_newest_migration() -> None:
    """`upgrade` skips alembic when the store is at HEAD: HEAD must be alembic's head."""
    from alembic.script import ScriptDirectory

    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD


def test_a_store_at_head_is_not_handed_to_alembic(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    with engine.connect() as conn:
        assert stored_revision(conn) == HEAD
    monkeypatch.setattr("alembic.command.upgrade", lambda *a: pytest.fail("alembic ran"))
    upgrade(engine)
    engine.dispose()


def test_same_incident_from_two_sources_merges_and_alerts_once(sessions) -> None:  # type: ignore[no-untyped-def]
    first = record(sessions, "https://corp.example/news/1", facts())
    second = record(
        sessions,
        "https://news.example/a/9",
        facts(organization="㈱テスト通販", published=dt.date(2024, 5, 12)),
        source="s2",
    )
    assert first.event == "new" and first.alerts_enqueued == 1
    assert second.incident_id == first.incident_id
    assert second.event is None and second.alerts_enqueued == 0
    with sessions() as s:
        assert len(s.scalars(select(IncidentRecord)).all()) == 1
        assert len(s.scalars(select(NoticeRecord)).all()) == 2
        assert len(s.scalars(select(Delivery)).all()) == 1


def test_larger_count_is_an_update_alert(sessions) -> None:  # type: ignore[no-untyped-def]
    record(sessions, "https://corp.example/news/1", facts())
    update = record(sessions, "https://corp.example/news/2", facts(cards_affected=5000))
    assert update.event == "update" and update.alerts_enqueued == 1
    assert any("cards_affected" in c for c in update.changes)
    with sessions() as s:
        incident = s.get(IncidentRecord, update.incident_id)
        assert incident is not None and incident.cards_affected == 5000
        assert len(incident.history) == 1


def test_other_organization_is_a_new_incident(sessions) -> None:  # type: ignore[no-untyped-def]
    a = record(sessions, "https://a.example/1", facts())
    b = record(sessions, "https://b.example/1", facts(organization="株式会社べつの会社"))
    assert a.incident_id != b.incident_id and b.event == "new"


def test_not_an_incident_is_stored_without_incident(sessions) -> None:  # type: ignore[no-untyped-def]
    r = record(sessions, "https://a.example/1", Incident(is_incident=False, title="新製品"))
    assert r.incident_id is None and r.alerts_enqueued == 0


def test_delivery_key_inserts_once(sessions) -> None:  # type: ignore[no-untyped-def]
    r = record(sessions, "https://a.example/1", facts())
    values = {
        "key": f"{r.incident_id}|cards|console|new",
        "incident_id": r.incident_id,
        "rule": "cards",
        "channel": "console",
        "event": "new",
        "status": "pending",
        "attempts": 0,
        "payload": {},
        "created_at": NOW,
        "next_attempt_at": NOW,
    }
    with sessions.begin() as s:
        first = queries.insert_delivery(s, values)
        again = queries.insert_delivery(s, values | {"key": "other"})
        dup = queries.insert_delivery(s, values | {"key": "other"})
    assert (again, dup) == (True, False)
    assert isinstance(first, bool)


def test_seen_entries_survive_restart(database_url: str) -> None:
    for attempt in range(2):
        engine = make_engine(database_url)
        upgrade(engine)
        with session_factory(engine).begin() as s:
            seen = s.scalars(
                select(SeenEntry).where(
                    SeenEntry.canonical_url == "https://a.example/1", SeenEntry.content_hash == "h1"
                )
            ).first()
            if attempt == 0:
                assert seen is None
                queries.record_entry(
                    s,
                    source_id="s",
                    canonical_url="https://a.example/1",
                    content_hash="h1",
                    title="t",
                    outcome="incident",
                    now=NOW,
                )
            else:
                keys = [("https://a.example/1", "h1"), ("https://a.example/1", "h2")]
                seen = queries.done_entries(s, keys)
                assert seen.done == {("https://a.example/1", "h1")}
                assert seen.urls == {"https://a.example/1"}
        engine.dispose()


def test_an_entry_waiting_for_a_retry_is_not_done(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    upgrade(engine)
    with session_factory(engine).begin() as s:
        for url, outcome in (("https://a/1", queries.RETRY), ("https://a/2", "no_keyword")):
            queries.record_entry(
                s,
                source_id="s",
                canonical_url=url,
                content_hash="h",
                title=None,
                outcome=outcome,
                now=NOW,
            )
        seen = queries.done_entries(s, [("https://a/1", "h"), ("https://a/2", "h")])
    assert seen.done == {("https://a/2", "h")}
    assert seen.urls == {"https://a/1", "https://a/2"}  # a retry's URL is known
    engine.dispose()


def test_sqlite_uses_wal(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()


def test_what_a_pass_knows_of_a_source_before_polling_it() -> None:
    new = Known.of(None, "https://a.example/feed")
    assert new == Known(None, None, True)
    state = SourceState(
        source_id="a",
        url="https://a.example/feed",
        etag='"v1"',
        last_modified="Fri, 10 May 2024 09:00:00 GMT",
        last_success_at=NOW,
    )
    assert Known.of(state, "https://a.example/feed") == Known(
        '"v1"', "Fri, 10 May 2024 09:00:00 GMT", False
    )
    # The source now points elsewhere: the old URL's validators would fake a 304.
    assert Known.of(state, "https://a.example/atom") == Known(None, None, False)

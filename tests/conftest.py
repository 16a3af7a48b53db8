"""Fixtures shared by every test package: databases (SQLite always, PostgreSQL when
OWABI_TEST_DATABASE_URL is set) and a clean settings environment."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from collector.store.engine import normalize_url

PG_ENV = "OWABI_TEST_DATABASE_URL"
PG_SKIP = f"{PG_ENV} is unset: PostgreSQL tests skipped (CI sets it)"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    """No OWABI_* setting from the developer's shell or .env leaks into a test."""
    for name in list(os.environ):
        if name.startswith("OWABI_") and name != PG_ENV:
            monkeypatch.delenv(name)
    monkeypatch.setenv("OWABI_SECRETS_DIR", "/nonexistent-owabi-secrets")


@pytest.fixture
def sqlite_url(tmp_path: os.PathLike[str]) -> str:
    return f"sqlite:///{tmp_path}/owabi.db"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(PG_SKIP)
    admin = create_engine(normalize_url(base), isolation_level="AUTOCOMMIT")
    name = f"owabi_t_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(normalize_url(base)).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Runs a test on both stores."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(name))


@pytest.fixture
def anyio_backend() -> str:
    """Async tests (marked `anyio`) run on asyncio, the loop owabi uses."""
    return "asyncio"

"""`owabi serve`: a real process serving the pages over a store it never writes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from collector.store.engine import make_engine
from collector.store.migrate import upgrade
from collector.web.users import read_users
from tests.support.proc import REPO, run_owabi


def _env(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "sources.toml").write_text("", encoding="utf-8")
    (tmp_path / "rules.toml").write_text("", encoding="utf-8")
    return {
        "OWABI_DATABASE_URL": f"sqlite:///{tmp_path / 'owabi.db'}",
        "OWABI_SOURCES_FILE": str(tmp_path / "sources.toml"),
        "OWABI_RULES_FILE": str(tmp_path / "rules.toml"),
        "OWABI_SECRETS_DIR": str(tmp_path / "no-secrets"),
        "OWABI_ALLOW_NO_SOURCES": "true",
    }


def test_serve_answers_pages_and_stops_on_sigterm(tmp_path: Path) -> None:
    env = _env(tmp_path)
    engine = make_engine(env["OWABI_DATABASE_URL"])
    upgrade(engine)
    engine.dispose()
    with subprocess.Popen(
        [sys.executable, "-m", "collector.cli", "serve", "--host", "127.0.0.1", "--port", "0"],
        env={**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        try:
            assert proc.stdout is not None and proc.stderr is not None
            line = proc.stdout.readline()  # printed once the socket listens
            assert line.startswith("serving http://127.0.0.1:"), line + proc.stderr.read()
            base = line.split()[1]
            assert httpx.get(base + "healthz").text == "ok\n"
            assert httpx.get(base + "readyz").text == "ready\n"
            page = httpx.get(base)
            assert page.status_code == 200 and "インシデント一覧" in page.text
            listed = httpx.get(base + "api/v1/incidents").json()
            assert listed == {"items": [], "next_cursor": None}
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=30) == 0
        finally:
            if proc.poll() is None:
                proc.kill()


def test_serve_refuses_a_store_it_would_have_to_create_or_migrate(tmp_path: Path) -> None:
    done = run_owabi("serve", "--host", "127.0.0.1", "--port", "0", env=_env(tmp_path))
    assert done.returncode == 1
    assert "no owabi store at" in done.stderr and "owabi fetch" in done.stderr
    assert not (tmp_path / "owabi.db").exists()


def test_a_read_only_engine_is_refused_writes_by_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'owabi.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    reader = make_engine(url, read_only=True)
    with reader.connect() as conn, pytest.raises(OperationalError, match="readonly"):
        conn.execute(text("DELETE FROM incident"))
    reader.dispose()


def test_hash_password_prints_a_line_the_users_file_takes(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "collector.cli", "serve", "--hash-password"],
        input="s3cret pass\n",
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=True,
    )
    stored = done.stdout.strip()
    assert stored.startswith("scrypt$") and "s3cret" not in stored
    users = tmp_path / "users"
    users.write_text(f"hana:{stored}\n", encoding="utf-8")
    assert read_users(users).allows("hana", "s3cret pass")

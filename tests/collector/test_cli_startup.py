"""`owabi --help` and a mistyped command do not import the store, the fetcher, the parsers
or the service (1.75 s of imports before; 0.15 s now): each command's module is imported
when that command runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from collector.cli.main import COMMANDS, load_command
from tests.support.cli import run_cli
from tests.support.daemon import REPO

HEAVY = ("sqlalchemy", "alembic", "httpx", "parsers.fields", "collector.service", "pydantic")


def _modules_after(code: str) -> list[str]:
    probe = f"import sys\n{code}\nprint('\\n'.join(sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    return out.split("\n")


def test_the_top_level_help_imports_no_command() -> None:
    code = (
        "from collector.cli.main import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass"
    )
    loaded = _modules_after(code)
    assert "collector.cli.main" in loaded
    assert not [m for m in loaded if m.startswith(HEAVY)], "help imported the heavy modules"


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_listed_line_is_the_commands_own_first_line(name: str) -> None:
    command = load_command(name)
    own = (command.help or "").strip().split("\n\n")[0].replace("\n", " ")
    assert own == COMMANDS[name][2]


def test_help_lists_every_command_and_an_unknown_one_is_refused() -> None:
    code, out, _ = run_cli("--help")
    assert code == 0
    for name, (_, _, line) in COMMANDS.items():
        assert name in out and line.split()[0] in out
    code, _, err = run_cli("fecth")
    assert code == 2 and "No such command 'fecth'" in err


def test_a_fetch_on_sqlite_without_feeds_imports_neither_postgresql_nor_feedparser(
    tmp_path: Path,
) -> None:
    """Every pass pays its start-up: PostgreSQL's dialect (every driver's module) is for
    a PostgreSQL store, feedparser for a feed."""
    (tmp_path / "sources.toml").write_text("", encoding="utf-8")
    env = {
        **os.environ,
        "OWABI_SOURCES_FILE": str(tmp_path / "sources.toml"),
        "OWABI_DATABASE_URL": f"sqlite:///{tmp_path}/owabi.db",
        "OWABI_SECRETS_DIR": str(tmp_path / "none"),
        "OWABI_ALLOW_NO_SOURCES": "1",
    }
    code = (
        "import sys\nfrom collector.cli.main import app\n"
        "try:\n    app(['fetch'])\nexcept SystemExit as exit:\n    assert exit.code == 0, exit\n"
        "print('\\n'.join(sys.modules))"
    )
    for _ in range(2):  # the first creates the store (alembic may import anything)
        out = subprocess.run(
            [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True
        )
        assert out.returncode == 0, out.stderr[-2000:]
    loaded = out.stdout.split("\n")
    assert "sqlalchemy.dialects.sqlite" in loaded and "collector.pipeline" in loaded
    assert not [m for m in loaded if m.startswith(("sqlalchemy.dialects.postgresql", "feedparser"))]


def test_the_installed_script_is_not_run_again_in_each_parse_worker(tmp_path: Path) -> None:
    """multiprocessing re-runs a main module it knows by path in every worker it starts
    (the `owabi` script: the CLI imported again); named as `python -m` names it, the
    main module is left alone."""
    script = tmp_path / "owabi"
    script.write_text(
        "import multiprocessing.spawn as spawn\n"
        "from collector.cli.main import name_main_module\n"
        "before = spawn.get_preparation_data('w')\n"
        "name_main_module()\n"
        "after = spawn.get_preparation_data('w')\n"
        "print(before.get('init_main_from_path') == __file__, after.get('init_main_from_name'),"
        " 'init_main_from_path' in after)\n",
        encoding="utf-8",
    )
    out = subprocess.run(
        [sys.executable, str(script)], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["True", "collector.cli.__main__", "False"]

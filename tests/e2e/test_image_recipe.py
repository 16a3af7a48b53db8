"""The container image's recipe, run without a Docker engine.

The Dockerfile is read, not paraphrased: the files its build stage COPYs are copied into
an empty folder, the wheel is built from there (so a package or file missing from the
COPY lines fails here), installed with the image's extras into a fresh virtual
environment, and `owabi run` (the image's CMD) is started with the image's ENV as an
unprivileged user (uid/gid 65534, like the image's non-root user) against an empty data
folder. The HEALTHCHECK command itself then has to pass, and SIGTERM has to stop the
service with exit code 0.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pytest

from collector.config.settings import load_settings

REPO = Path(__file__).resolve().parents[2]
NOBODY = 65534


@dataclass
class Stage:
    """One FROM … section: its instructions as (KEYWORD, arguments) in order."""

    base: str
    name: str | None = None
    steps: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [args for kw, args in self.steps if kw == keyword]

    def last(self, keyword: str) -> str:
        found = self.all(keyword)
        assert found, f"the {self.name or 'runtime'} stage has no {keyword}"
        return found[-1]


def read_dockerfile(path: Path) -> list[Stage]:
    """Instructions per stage, continuation lines joined, comments dropped."""
    lines: list[str] = []
    pending = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.lstrip().startswith("#"):
            continue
        if raw.rstrip().endswith("\\"):
            pending += raw.rstrip()[:-1] + " "
            continue
        line = (pending + raw).strip()
        pending = ""
        if line:
            lines.append(line)
    stages: list[Stage] = []
    for line in lines:
        keyword, _, args = line.partition(" ")
        keyword, args = keyword.upper(), args.strip()
        if keyword == "FROM":
            parts = args.split()
            name = parts[2] if len(parts) == 3 and parts[1].upper() == "AS" else None
            stages.append(Stage(parts[0], name))
        else:
            stages[-1].steps.append((keyword, args))
    return stages


def env_of(stage: Stage) -> dict[str, str]:
    """`ENV A=1 B=2` lines (the form the Dockerfile uses), `$PATH` left for the caller."""
    env: dict[str, str] = {}
    for args in stage.all("ENV"):
        for pair in shlex.split(args):
            key, sep, value = pair.partition("=")
            assert sep, f"ENV {pair!r}: use KEY=value"
            env[key] = value
    return env


def exec_form(args: str) -> list[str]:
    """CMD/ENTRYPOINT in JSON (exec) form: a shell form would not get SIGTERM as PID 1."""
    value = json.loads(args)
    assert isinstance(value, list), f"{args!r} is not exec form"
    return [str(v) for v in value]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(cmd: list[str]) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{shlex.join(cmd)} failed:\n{done.stdout}\n{done.stderr}"


@pytest.fixture
def world_readable_dir() -> Iterator[Path]:
    """pytest's tmp_path sits under a 0700 folder that uid 65534 could not enter."""
    path = Path(tempfile.mkdtemp(prefix="owabi-image-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def test_dockerfile_declares_a_non_root_service_with_a_healthcheck() -> None:
    build, runtime = read_dockerfile(REPO / "Dockerfile")
    assert build.name == "build" and runtime.base == build.base
    assert runtime.last("USER") not in {"root", "0"}
    assert exec_form(runtime.last("VOLUME")) == ["/data"]
    assert exec_form(runtime.last("ENTRYPOINT")) + exec_form(runtime.last("CMD")) == [
        "owabi",
        "run",
    ]
    assert "/healthz" in runtime.last("HEALTHCHECK")
    assert env_of(runtime)["OWABI_DATABASE_URL"] == "sqlite:////data/owabi.db"
    # Only the installed environment and the config reach the runtime stage.
    copies = runtime.all("COPY")
    assert copies == ["--from=build /opt/owabi /opt/owabi", "config /app/config"]


def test_compose_secrets_override_the_image_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A compose replica's settings: the image's ENV, then compose's `_FILE` variables.

    A bare /run/secrets file loses to the image's OWABI_DATABASE_URL (environment beats
    secret files), so compose must name its secrets through `_FILE` variables; this
    checks that the PostgreSQL URL, not the image's SQLite default, is what a replica uses.
    """
    compose = (REPO / "compose.yaml").read_text(encoding="utf-8")
    file_vars = dict(re.findall(r"^\s+(OWABI_\w+_FILE):\s*(\S+)\s*$", compose, re.M))
    declared = set(re.findall(r"^  (\w+):\n    file: \./secrets/\1$", compose, re.M))
    assert "OWABI_DATABASE_URL_FILE" in file_vars
    secrets = tmp_path / "run-secrets"
    secrets.mkdir()
    (secrets / "owabi_database_url").write_text("postgresql://owabi:pw@db:5432/owabi\n")
    (secrets / "owabi_slack_webhook_url").write_text("")
    _, runtime = read_dockerfile(REPO / "Dockerfile")
    for key, value in env_of(runtime).items():
        monkeypatch.setenv(key, value)
    for key, path in file_vars.items():
        assert path.startswith("/run/secrets/") and Path(path).name in declared, key
        monkeypatch.setenv(key, str(secrets / Path(path).name))

    settings = load_settings(None)
    assert settings.database_url_plain == "postgresql://owabi:pw@db:5432/owabi"
    assert settings.slack_webhook_url is not None
    assert settings.slack_webhook_url.get_secret_value() == ""


@pytest.mark.slow
def test_image_recipe_serves_healthz_as_non_root(world_readable_dir: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("starting owabi as uid 65534 needs root (CI runs as root)")
    build, runtime = read_dockerfile(REPO / "Dockerfile")
    root = world_readable_dir

    # Build stage: exactly the files it COPYs, then the wheel.
    src = root / "src"
    src.mkdir()
    for args in build.all("COPY"):
        *sources, _dest = args.split()
        for name in sources:
            origin = REPO / name
            if origin.is_dir():
                shutil.copytree(
                    origin, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
                )
            else:
                shutil.copy2(origin, src / name)
    wheels = root / "wheels"
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", str(wheels), str(src)])
    [wheel] = wheels.glob("owabi-*.whl")

    # A fresh environment, as /opt/owabi.
    venv = root / "opt-owabi"
    run([sys.executable, "-m", "venv", str(venv)])
    run([str(venv / "bin" / "pip"), "install", "--quiet", f"{wheel}[postgres]"])

    # Runtime stage: config/ beside an empty, user-owned data folder; no sources at all.
    app = root / "app"
    shutil.copytree(REPO / "config", app / "config")
    (app / "config" / "sources.toml").write_text("# no sources: never touch the network\n")
    data = root / "data"
    data.mkdir()
    os.chown(data, NOBODY, NOBODY)

    port = free_port()
    image_env = env_of(runtime)
    env = {
        **image_env,
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        "HOME": str(data),
        "LANG": "C.UTF-8",
        "OWABI_DATABASE_URL": f"sqlite:///{data}/owabi.db",
        "OWABI_SOURCES_FILE": str(app / "config" / "sources.toml"),
        "OWABI_RULES_FILE": str(app / "config" / "rules.toml"),
        "OWABI_HTTP_HOST": "127.0.0.1",
        "OWABI_HTTP_PORT": str(port),
        "OWABI_SECRETS_DIR": str(root / "no-secrets"),
    }
    command = exec_form(runtime.last("ENTRYPOINT")) + exec_form(runtime.last("CMD"))
    as_nobody = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    log = (root / "owabi.log").open("w+b")
    proc = subprocess.Popen(
        [*as_nobody, str(venv / "bin" / command[0]), *command[1:]],
        cwd=app,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_healthy(port, proc, log)
        assert _uid_of(proc.pid) == NOBODY
        assert (data / "owabi.db").stat().st_uid == NOBODY

        # The HEALTHCHECK command as the image's user runs it. Split like /bin/sh would
        # split it and exec'd directly: this machine's Python lives under /root, where a
        # shell running as uid 65534 may not exec it (setpriv's own exec can).
        check = shlex.split(runtime.last("HEALTHCHECK").split(" CMD ", 1)[1])
        program = shutil.which(check[0], path=env["PATH"])
        assert program is not None, f"{check[0]} is not on the image's PATH"
        probe = subprocess.run(
            [*as_nobody, program, *check[1:]], env=env, capture_output=True, timeout=30
        )
        assert probe.returncode == 0, probe.stderr

        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=45) == 0, _tail(log)
        # With the service gone the same check fails: Docker would mark it unhealthy.
        probe = subprocess.run([*as_nobody, program, *check[1:]], env=env, capture_output=True)
        assert probe.returncode != 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()


def _wait_healthy(port: int, proc: subprocess.Popen[bytes], log: IO[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"owabi run exited with {proc.returncode}:\n{_tail(log)}"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"/healthz never answered 200:\n{_tail(log)}")


def _uid_of(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Uid:"):
            return int(line.split()[1])
    raise AssertionError(f"no Uid line for pid {pid}")


def _tail(log: IO[bytes]) -> str:
    log.seek(0)
    return log.read().decode(errors="replace")[-4000:]

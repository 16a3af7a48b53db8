"""Running `python -m collector.cli …` as a real child process and measuring it: exit
status (a SIGKILL shows as -9), output, wall time and the child's peak RSS (ru_maxrss
from wait4, so the figure is the child's own and not the test runner's)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Finished:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    max_rss_mb: float

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def failure_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("✗")]


def run_owabi(
    *args: str, env: Mapping[str, str], timeout: float = 120.0, cwd: Path | None = None
) -> Finished:
    """Run `owabi ARGS` with `env` on top of os.environ (JSON logs on stderr); killed
    after `timeout` seconds so that a hang fails the test instead of blocking it."""
    full_env = {**os.environ, "PYTHONPATH": str(REPO), "OWABI_LOG_FORMAT": "json", **env}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-m", "collector.cli", *args],
            env=full_env,
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            cwd=cwd or REPO,
        )
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                _, status, usage = os.wait4(proc.pid, 0)
                raise AssertionError(f"owabi {' '.join(args)} ran over {timeout}s")
            time.sleep(0.01)
        seconds = time.monotonic() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Finished(
            proc.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            seconds,
            usage.ru_maxrss / 1024,  # Linux reports KiB
        )

"""A real `owabi run` process for tests: JSON logs to a file, the HTTP port read from its
"http listening" event, signals, and a kill on the way out whatever happens.

    with OwabiRun(env) as proc:
        proc.wait_for_event("scheduler started")
        status, body = proc.get("/readyz")
        proc.signal(signal.SIGTERM)
        assert proc.wait(10) == 0
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Self

from tests.support.waiting import DEADLINE, wait_until

REPO = Path(__file__).resolve().parents[2]


class OwabiRun:
    """`python -m collector.cli run` with `env` (OWABI_* settings) on top of os.environ."""

    def __init__(
        self, env: Mapping[str, str], *, args: tuple[str, ...] = (), cwd: Path = REPO
    ) -> None:
        self.env = {
            **os.environ,
            "PYTHONPATH": str(REPO),
            "OWABI_LOG_FORMAT": "json",
            "OWABI_HTTP_HOST": "127.0.0.1",
            "OWABI_HTTP_PORT": "0",
            **env,
        }
        self.args = args
        self.cwd = cwd
        fd, name = tempfile.mkstemp(prefix="owabi-run-", suffix=".log")
        self._log = os.fdopen(fd, "wb")
        self.log_path = Path(name)
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Self:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "collector.cli", *self.args, "run"],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self._log,
            cwd=self.cwd,
        )
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self._log.close()
        self.log_path.unlink(missing_ok=True)

    # --- logs ---

    def text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def events(self) -> list[dict[str, Any]]:
        """Every JSON log line so far (a partly written last line is skipped)."""
        found = []
        for line in self.text().splitlines():
            try:
                found.append(json.loads(line))
            except ValueError:
                continue
        return found

    def named(self, event: str) -> list[dict[str, Any]]:
        return [e for e in self.events() if e.get("event") == event]

    def wait_for_event(
        self, event: str, count: int = 1, deadline: float = DEADLINE
    ) -> dict[str, Any]:
        def seen() -> bool:
            self._check_alive()
            return len(self.named(event)) >= count

        wait_until(seen, f"{count}× {event!r} in the log:\n{self.text()[-3000:]}", deadline)
        return self.named(event)[count - 1]

    def _check_alive(self) -> None:
        assert self.proc is not None
        if self.proc.poll() is not None:
            raise AssertionError(f"owabi run exited {self.proc.returncode}:\n{self.text()[-3000:]}")

    # --- process ---

    @property
    def port(self) -> int:
        return int(self.wait_for_event("http listening")["port"])

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def signal(self, sig: signal.Signals) -> None:
        assert self.proc is not None
        self.proc.send_signal(sig)

    def wait(self, timeout: float) -> int:
        assert self.proc is not None
        return self.proc.wait(timeout=timeout)

"""Run one measured child process: wall time, and CPU seconds and peak RSS of its whole
process tree (bench/reaper.py), so the harness's own work never counts and work handed
to helper processes (owabi's parse workers) does."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

REAPER = Path(__file__).with_name("reaper.py")


@dataclass(frozen=True)
class Usage:
    wall: float
    cpu: float  # user + system seconds
    max_rss_mb: float
    returncode: int


class ChildFailed(RuntimeError):
    """A measured run exited with an unexpected code; the message carries its log tail."""


def run_child(
    argv: Sequence[str],
    *,
    env: Mapping[str, str],
    cwd: Path,
    log: Path,
    ok: tuple[int, ...] = (0,),
) -> Usage:
    """Run argv to completion (stdout discarded, stderr to `log`) and measure it."""
    report = log.with_suffix(".usage.json")
    with log.open("ab") as err:
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, str(REAPER), str(report), *argv],
            env=dict(env),
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=err,
            check=True,
        )
        wall = time.perf_counter() - started
    tree = json.loads(report.read_text(encoding="utf-8"))
    if tree["returncode"] not in ok:
        tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise ChildFailed(f"{' '.join(argv[:4])} … exited {tree['returncode']}:\n{tail}")
    return Usage(
        wall=wall, cpu=tree["cpu"], max_rss_mb=tree["max_rss_mb"], returncode=tree["returncode"]
    )

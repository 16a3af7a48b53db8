"""Run one measured child process: wall time, CPU seconds and peak RSS from its own
rusage (os.wait4), so the harness's own work never counts."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


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
    with log.open("ab") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            list(argv), env=dict(env), cwd=cwd, stdout=subprocess.DEVNULL, stderr=err
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    if proc.returncode not in ok:
        tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise ChildFailed(f"{' '.join(argv[:4])} … exited {proc.returncode}:\n{tail}")
    return Usage(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        max_rss_mb=usage.ru_maxrss / 1024,  # kilobytes on Linux
        returncode=proc.returncode,
    )

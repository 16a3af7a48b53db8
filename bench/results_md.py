"""bench/results.md: one `## NAME` section per benchmark, each replaced by its newest run
so that sections written by other benchmarks stay as they are."""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results.md"
HEADER = "# Benchmarks\n\nOne section per benchmark, written by `make bench` / `make soak`.\n"


def replace_section(text: str, name: str, body: str) -> str:
    """`text` with its `## name` section (up to the next `## ` heading) replaced by
    `body`, or with it appended when there is none. Older `## name` sections left by
    appending runs are dropped; sections of other names are kept in place."""
    section = f"## {name}\n\n{body.strip()}\n"
    parts = re.split(r"(?m)^(?=## )", text)
    head, sections = parts[0], parts[1:]
    kept: list[str] = []
    placed = False
    for part in sections:
        if part.splitlines()[0].strip() == f"## {name}":
            if not placed:
                kept.append(section)
                placed = True
            continue
        kept.append(part if part.endswith("\n") else part + "\n")
    if not placed:
        kept.append(section)
    head = head if head.strip() else HEADER
    return head.rstrip("\n") + "\n\n" + "\n".join(p.rstrip("\n") + "\n" for p in kept)


def write_section(name: str, body: str, path: Path = RESULTS) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    path.write_text(replace_section(text, name, body), encoding="utf-8")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def memory_gb() -> float:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3


def machine() -> str:
    return (
        f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z} · {cpu_model()} · nproc "
        f"{os.cpu_count()} · {memory_gb():.0f} GB RAM · Python {platform.python_version()} "
        f"({platform.system()} {platform.machine()})"
    )

"""Poll passes over N loopback listings: `owabi fetch`, the floor (bench/floor.py) and
urlwatch, each a child process measured with its whole process tree.

A pass is either *unchanged* (every listing answers 304) or *changed* (every listing
gained one entry since the last pass; owabi reads each new entry's page and lets the
parser decide; one in 20 is an incident notice, which it stores and alerts on the
console). `advance` moves the
site to its next version; every client that polls afterwards sees the same change.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from bench import content
from bench.child import ChildFailed, Usage, run_child
from bench.nginx import NginxSite
from bench.urlwatch_env import prepare

ROOT = Path(__file__).resolve().parents[1]
PER_HOST_MAX = 64  # the most OWABI_PER_HOST_CONCURRENCY accepts

RULES = """
[[rule]]
name = "everything"
channels = ["console"]

[channels.console]
kind = "console"
"""


@dataclass(frozen=True)
class Pass:
    client: str  # owabi | floor | urlwatch
    case: str  # unchanged | changed | first
    sources: int
    concurrency: int | None
    requests: int
    usage: Usage

    @property
    def per_second(self) -> float:
        return self.requests / self.usage.wall

    @property
    def cpu_ms_per_source(self) -> float:
        return 1000 * self.usage.cpu / self.sources


def owabi_env(tmp: Path, concurrency: int, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Settings of a benchmark run: a temp SQLite store and config; one host serves every
    source, so the per-host limit is the global one (up to its cap) and there is no
    politeness delay."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("OWABI_")},
        "PYTHONPATH": str(ROOT),
        "OWABI_SECRETS_DIR": str(tmp / "no-secrets"),
        "OWABI_DATABASE_URL": f"sqlite:///{tmp}/owabi.db",
        "OWABI_SOURCES_FILE": str(tmp / "sources.toml"),
        "OWABI_RULES_FILE": str(tmp / "rules.toml"),
        "OWABI_CONCURRENCY": str(concurrency),
        "OWABI_PER_HOST_CONCURRENCY": str(min(concurrency, PER_HOST_MAX)),
        "OWABI_POLITENESS_DELAY": "0",
        "OWABI_LOG_FORMAT": "json",
        **(extra or {}),
    }


class PollSite:
    """The loopback listings of `sources` sources, at a version that only goes up."""

    def __init__(self, site: NginxSite, sources: int) -> None:
        self.site = site
        self.sources = sources
        self.version = 0
        self.etags: list[str] = []
        self._publish()

    def _publish(self) -> None:
        for i, k in content.new_entries(self.sources, self.version):
            self.site.publish(content.entry_path(i, k), content.entry_html(i, k), self.version)
        self.etags = [
            self.site.publish(
                content.listing_path(i), content.listing_html(i, self.version), self.version
            )
            for i in range(self.sources)
        ]

    def advance(self) -> None:
        self.version += 1
        self._publish()

    def url(self, path: str) -> str:
        return self.site.base_url + path

    def reads(self, case: str) -> int:
        """Entry pages a pass of `case` reads: on a first pass the entries with an incident
        word in their title (the rest are archive), afterwards every new entry."""
        if case == "unchanged":
            return 0
        if case == "first":
            return len(content.new_notices(self.sources, self.version))
        return len(content.new_entries(self.sources, self.version))

    def requests(self, case: str) -> int:
        """GETs of a pass: robots.txt, every listing, the entries read."""
        return 1 + self.sources + self.reads(case)


class Harness:
    """Runs measured passes of each client against one PollSite, in its own temp dir."""

    def __init__(self, poll: PollSite, tmp: Path) -> None:
        self.poll = poll
        self.tmp = tmp
        self.runs = 0
        tmp.mkdir(parents=True, exist_ok=True)
        (tmp / "sources.toml").write_text(
            content.sources_toml(poll.site.base_url, range(poll.sources)), encoding="utf-8"
        )
        (tmp / "rules.toml").write_text(RULES, encoding="utf-8")

    def _log(self, name: str) -> Path:
        self.runs += 1
        return self.tmp / f"{self.runs:03d}-{name}.log"

    def owabi(self, case: str, concurrency: int) -> Pass:
        """One `owabi fetch`; checks from its log that every source was `case`."""
        return self._owabi([], case, concurrency, self.poll.sources)

    def owabi_startup(self, concurrency: int) -> Pass:
        """`owabi fetch --source s0` on an unchanged listing: process start, imports, store
        and config, one 304. The fixed part of every pass."""
        return self._owabi(["--source", "s0"], "startup", concurrency, 1)

    def owabi_help(self) -> Pass:
        """`owabi --help`: the start-up every command pays before its own work."""
        usage = run_child(
            [sys.executable, "-m", "collector.cli", "--help"],
            env=owabi_env(self.tmp, 1),
            cwd=self.tmp,
            log=self._log("owabi-help"),
        )
        return Pass("owabi", "--help", 0, None, 0, usage)

    def owabi_no_sources(self) -> Pass:
        """`owabi fetch` with an empty sources file, on the pass's store (at the current
        migration): start-up, config, store and delivery with nothing to poll."""
        empty = self.tmp / "no-sources.toml"
        empty.write_text("", encoding="utf-8")
        env = owabi_env(self.tmp, 1, {"OWABI_SOURCES_FILE": str(empty)})
        usage = run_child(
            [sys.executable, "-m", "collector.cli", "fetch"],
            env=env,
            cwd=self.tmp,
            log=self._log("owabi-no-sources"),
        )
        return Pass("owabi", "no sources", 0, None, 0, usage)

    def _owabi(self, args: list[str], case: str, concurrency: int, sources: int) -> Pass:
        log = self._log(f"owabi-{case}-{concurrency}")
        usage = run_child(
            [sys.executable, "-m", "collector.cli", "fetch", *args],
            env=owabi_env(self.tmp, concurrency),
            cwd=self.tmp,
            log=log,
        )
        expect = "source fetched" if case in ("first", "changed") else "source unchanged"
        seen = sum(f'"event": "{expect}"' in line for line in log.read_text().splitlines())
        if seen != sources:
            raise ChildFailed(f"{log}: {seen} × {expect!r}, not {sources}")
        requests = self.poll.requests(case) if sources == self.poll.sources else 2
        return Pass("owabi", case, sources, concurrency, requests, usage)

    def floor(self, case: str, concurrency: int) -> Pass:
        """The same job as `owabi(case)` with no framework (bench/floor.py); its store
        persists between passes like owabi's."""
        listings = [self.poll.url(content.listing_path(i)) for i in range(self.poll.sources)]
        path = self.tmp / "floor-listings.json"
        path.write_text(json.dumps(listings))
        usage = run_child(
            [
                sys.executable,
                "-m",
                "bench.floor",
                str(self.tmp / "floor.db"),
                str(path),
                str(concurrency),
            ],
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            cwd=ROOT,
            log=self._log(f"floor-{case}-{concurrency}"),
        )
        requests = self.poll.requests(case)
        return Pass("floor", case, self.poll.sources, concurrency, requests, usage)

    def urlwatch(self, case: str) -> Pass:
        argv, env = prepare(self.tmp, self.poll.site.base_url, self.poll.sources)
        usage = run_child(argv, env=env, cwd=self.tmp, log=self._log(f"urlwatch-{case}"))
        return Pass("urlwatch", case, self.poll.sources, 10, self.poll.sources, usage)

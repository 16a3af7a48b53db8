"""The part of a pass that only owabi does, timed part by part on the pass's own pages.

The floor (bench/floor.py) fetches and stores what owabi fetches and stores, and nothing
else. owabi also parses every page it reads into the incident schema, signs each notice
for copy detection, finds the news list of a listing it has not seen (the floor is told
`li a[href]`), and starts the stack the project chose (SQLAlchemy, pydantic, typer and
rich, structlog, httpx) plus a fork server for its parse workers. Those parts are the
product and its chosen dependencies: no change to how owabi fetches or stores removes
them. So is recording what it learned (facts, copy candidates, incidents, alert rows)
through the chosen store, beyond the bare sqlite3 inserts the floor makes. Added to the
floor's own CPU they give the least a pass of owabi can cost, which says whether a target
of "at most k times the floor" can be met at all.

Each part is timed alone, in this process (or a child for imports), best of REPEATS.
"""

from __future__ import annotations

import datetime as dt
import itertools
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bench import content
from bench.child import run_child

if TYPE_CHECKING:
    from parsers.document import ReadDocument

REPEATS = 3
# What `owabi fetch` imports before its first request, and what the floor imports.
# The chosen stack's imports, the process ended as `owabi` ends it (no interpreter
# teardown: collector.cli.process_end), so that the part is what owabi pays for them.
STACK = (
    "import sqlalchemy.orm, pydantic_settings, typer, rich.console, httpx, structlog\n"
    "from collector.cli.process_end import end\n"
    "end(SystemExit(0))"
)
FLOOR_STACK = "import httpx, selectolax.lexbor, sqlite3"
FORK_SERVER = "import parsers.document"


@dataclass(frozen=True)
class Part:
    name: str
    seconds: float


def _best(work: Callable[[], object]) -> float:
    times = []
    for _ in range(REPEATS):
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return min(times)


def _import_cpu(tmp: Path, statement: str) -> float:
    tmp.mkdir(parents=True, exist_ok=True)
    runs = [
        run_child(
            [sys.executable, "-c", statement],
            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
            cwd=tmp,
            log=tmp / "imports.log",
        ).cpu
        for _ in range(REPEATS)
    ]
    return min(runs)


def _recording_cpu(tmp: Path, docs: Sequence[ReadDocument]) -> float:
    """CPU to record each read page as owabi does (notice row with its facts, copy
    detection, incident and alert rows, one transaction a page) through the chosen store,
    less what writing the same texts with bare sqlite3 costs (the floor's share). Every
    run writes a store of its own."""
    with tempfile.TemporaryDirectory(dir=tmp) as own:
        return _recording_in(Path(own), docs)


def _recording_in(tmp: Path, docs: Sequence[ReadDocument]) -> float:
    from alerts.rules import RulesConfig
    from collector.incidents import record_notice
    from collector.store.engine import make_engine, session_factory
    from collector.store.migrate import upgrade

    rules = RulesConfig.model_validate({"rules": [{"name": "all", "channels": ["console"]}]})
    now = dt.datetime.now(dt.UTC)
    runs = []
    for run in range(REPEATS):
        engine = make_engine(f"sqlite:///{tmp}/budget-{run}.db")
        upgrade(engine)
        sessions = session_factory(engine)
        started = time.process_time()
        for i, doc in enumerate(docs):
            with sessions.begin() as s:
                record_notice(
                    s,
                    rules=rules,
                    source_id=f"s{i}",
                    url=f"http://127.0.0.1/e/{i}",
                    content_hash=str(i),
                    media_type="text/html",
                    entry_title=None,
                    facts=doc.facts,
                    now=now,
                    text=doc.text,
                )
        runs.append(time.process_time() - started)
        engine.dispose()

    fresh = itertools.count()

    def bare() -> None:
        with closing(sqlite3.connect(tmp / f"bare-{next(fresh)}.db")) as db:
            db.execute("CREATE TABLE page (url TEXT PRIMARY KEY, text TEXT)")
            for i, doc in enumerate(docs):
                with db:
                    db.execute("INSERT INTO page VALUES (?, ?)", (f"e/{i}", doc.text))

    return max(0.0, min(runs) - _best(bare))


def _pages(sources: int, case: str) -> list[bytes]:
    """The entry pages a pass of `case` reads (as bench.poll.PollSite.reads counts them)."""
    if case == "first":
        return [content.entry_html(i, k) for i, k in content.new_notices(sources, 0)]
    if case == "changed":
        return [content.entry_html(i, k) for i, k in content.new_entries(sources, 1)]
    return []


def parts(tmp: Path, sources: int, case: str) -> list[Part]:
    """The owabi-only parts of a pass of `case` over `sources` listings."""
    from collector.incidents.likeness import signature
    from parsers.document import read_document
    from parsers.listing import read_listing

    pages = _pages(sources, case)
    docs = [read_document(p, media_type="text/html") for p in pages]
    found = [
        Part(
            "start-up of the chosen stack, beyond the floor's imports",
            _import_cpu(tmp, STACK) - _import_cpu(tmp, FLOOR_STACK),
        ),
    ]
    if pages:
        signing = _best(lambda: [signature(d.text) for d in docs])
        found += [
            Part(
                f"notice parse into the schema ({len(pages):,} pages)",
                _best(lambda: [read_document(p, media_type="text/html") for p in pages]),
            ),
            Part("copy signatures of the stored notices", signing),
            Part(
                "parse workers' fork server (preloads the parsers)", _import_cpu(tmp, FORK_SERVER)
            ),
            Part(
                "recording notices, incidents and alerts (signatures and bare sqlite3 aside)",
                max(0.0, _recording_cpu(tmp, docs) - signing),
            ),
        ]
    if case == "first":
        listings = [content.listing_html(i, 0).decode() for i in range(sources)]
        base = "http://127.0.0.1/s/{}/"
        found.append(
            Part(
                f"news-list detection ({sources:,} listings never seen)",
                _best(
                    lambda: [
                        read_listing(t, base_url=base.format(i)) for i, t in enumerate(listings)
                    ]
                ),
            ),
        )
    return found


@dataclass(frozen=True)
class Budget:
    case: str
    floor: float
    urlwatch: float
    parts: Sequence[Part]
    to_urlwatch: float | None
    to_floor: float | None

    @property
    def owabi_only(self) -> float:
        return sum(p.seconds for p in self.parts)

    @property
    def least(self) -> float:
        """The least owabi's pass can cost: the floor's work plus what only owabi does."""
        return self.floor + self.owabi_only


def _reach(ratio: float, target: float | None) -> str:
    if target is None:
        return f"{ratio:.2f}×"
    return f"{ratio:.2f}× (≤ {target:g}: {'reachable' if ratio <= target else '**out of reach**'})"


def render(budgets: Sequence[Budget]) -> list[str]:
    rows = [
        "| pass | floor CPU (s) | owabi-only work (s) | least owabi can cost (s) "
        "| least / urlwatch | least / floor |",
        "|---|---:|---:|---:|---|---|",
    ]
    for b in budgets:
        rows.append(
            f"| {b.case} | {b.floor:.2f} | {b.owabi_only:.2f} | {b.least:.2f} "
            f"| {_reach(b.least / b.urlwatch, b.to_urlwatch)} "
            f"| {_reach(b.least / b.floor, b.to_floor)} |"
        )
    rows.append("")
    for b in budgets:
        rows.append(f"- *{b.case}*: " + "; ".join(f"{p.name} {p.seconds:.2f} s" for p in b.parts))
    return rows

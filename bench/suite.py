"""`make bench`: the benchmark suite. Figures, not pass/fail.

1. Poll cycles over 1,000 loopback listings served by nginx: `owabi fetch` with every
   listing unchanged (304) and with every listing changed, at several concurrencies;
   the same requests made by a bare httpx client (the floor); urlwatch over the same
   URLs. Each pass is a child process measured by its own rusage.
2. Parser throughput (bench/parse_bench.py), written to its own `## parse` section.
3. Alert latency of `owabi run`: new entry on a listing → message at a Slack receiver.
4. Peak RSS of `owabi fetch` over 10,000 sources (1,000 comes from step 1).

Prints the table and writes it, with the machine, to bench/results.md `## poll`.

    python -m bench.suite [--sources N] [--big N] [--concurrency 8,32,128] [--samples N]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import budget, parse_bench
from bench.latency import Latency
from bench.latency import measure as measure_latency
from bench.nginx import NginxSite
from bench.poll import Harness, Pass, PollSite
from bench.results_md import machine, write_section
from bench.urlwatch_env import urlwatch_binary, urlwatch_version
from collector.config.settings import Settings

DEFAULT_CONCURRENCY: int = Settings.model_fields["concurrency"].default


@dataclass
class Results:
    passes: list[Pass]
    big: list[Pass]
    parse_rows: list[parse_bench.Row]
    selectolax_ratio: float
    latency: Latency
    urlwatch: str
    seconds: float = 0.0
    budgets: list[budget.Budget] = field(default_factory=list)


def poll_passes(tmp: Path, sources: int, concurrencies: list[int]) -> list[Pass]:
    """First pass, then per concurrency: one changed and one unchanged pass of owabi and
    of the floor. urlwatch polls in the round of owabi's default concurrency."""
    with NginxSite(tmp / "nginx") as site:
        poll = PollSite(site, sources)
        run = Harness(poll, tmp / "run")
        passes = [
            run.owabi("first", DEFAULT_CONCURRENCY),
            run.urlwatch("first"),
            run.floor("first", DEFAULT_CONCURRENCY),
        ]
        for c in concurrencies:
            poll.advance()
            for case in ("changed", "unchanged"):
                passes.append(run.owabi(case, c))
                if c == DEFAULT_CONCURRENCY:
                    passes.append(run.urlwatch(case))
            if c == DEFAULT_CONCURRENCY:
                passes += [run.owabi_startup(c), run.owabi_help(), run.owabi_no_sources()]
            passes += [run.floor("changed", c), run.floor("unchanged", c)]
    return passes


def big_passes(tmp: Path, sources: int) -> list[Pass]:
    """Peak RSS at scale: the first pass (every entry new) and an unchanged one."""
    with NginxSite(tmp / "nginx") as site:
        run = Harness(PollSite(site, sources), tmp / "run")
        return [
            run.owabi("first", DEFAULT_CONCURRENCY),
            run.owabi("unchanged", DEFAULT_CONCURRENCY),
        ]


def find(passes: list[Pass], client: str, case: str, concurrency: int | None = None) -> Pass:
    return next(
        p
        for p in passes
        if p.client == client
        and p.case == case
        and (concurrency is None or p.concurrency == concurrency)
    )


def best_concurrency(passes: list[Pass]) -> int:
    """The concurrency with the least owabi wall time, changed and unchanged together."""
    levels = sorted(
        {
            p.concurrency
            for p in passes
            if p.client == "owabi" and p.case in ("changed", "unchanged")
        }
    )
    return min(
        levels,
        key=lambda c: sum(
            find(passes, "owabi", case, c).usage.wall for case in ("changed", "unchanged")
        ),
    )


TABLE_HEAD = (
    "| pass | client | sources | concurrency | wall (s) | requests/s | CPU (s) "
    "| CPU ms/source | peak RSS (MB) |\n|---|---|---:|---:|---:|---:|---:|---:|---:|"
)


def pass_row(p: Pass) -> str:
    u = p.usage
    rate, per_source = (
        ("–", "–") if p.requests <= 2 else (f"{p.per_second:,.0f}", f"{p.cpu_ms_per_source:.2f}")
    )
    return (
        f"| {p.case} | {p.client} | {p.sources:,} | {p.concurrency or '–'} | {u.wall:.2f} | {rate} "
        f"| {u.cpu:.2f} | {per_source} | {u.max_rss_mb:.0f} |"
    )


def ratio(a: Pass, b: Pass) -> str:
    wall, cpu = a.usage.wall / b.usage.wall, a.usage.cpu / b.usage.cpu
    return f"{wall:.1f}× the wall time, {cpu:.1f}× the CPU"


def summary(r: Results) -> list[str]:
    best = best_concurrency(r.passes)
    d = DEFAULT_CONCURRENCY
    lines = [
        f"- Best owabi concurrency: {best} (least wall time, changed + unchanged); "
        f"the default (OWABI_CONCURRENCY) is {d}.",
    ]
    for case in ("unchanged", "changed"):
        owabi, floor = find(r.passes, "owabi", case, best), find(r.passes, "floor", case, best)
        lines.append(f"- {case}, owabi vs the floor at {best}: {ratio(owabi, floor)}.")
    start, unchanged = find(r.passes, "owabi", "startup"), find(r.passes, "owabi", "unchanged", d)
    marginal = (unchanged.usage.cpu - start.usage.cpu) / (unchanged.sources - 1) * 1000
    lines.append(
        f"- Fixed cost of an `owabi fetch` process (start, imports, store, config; measured as "
        f"`--source s0`, one 304): {start.usage.wall:.2f} s wall, {start.usage.cpu:.2f} s CPU. "
        f"Without it an unchanged source costs {marginal:.2f} ms CPU."
    )
    per_s = {row.name: row.per_second for row in r.parse_rows}
    lines.append(
        "- Parse throughput (notices/s): "
        + ", ".join(
            f"{kind} {per_s[f'parse_document ({kind})']:,.0f}" for kind in ("text", "html", "pdf")
        )
        + f"; selectolax HTML-to-text {r.selectolax_ratio:.1f}× faster than BeautifulSoup."
    )
    lat = r.latency
    lines.append(
        f"- Alert latency (`owabi run`, {lat.sources} sources every {lat.interval:g} s, new entry"
        f" → Slack receiver, {len(lat.samples)} samples): p50 {lat.p50:.2f} s, p95 "
        f"{lat.p95:.2f} s, max {max(lat.samples):.2f} s."
    )
    lines.append(rss_line(r.passes + r.big))
    return lines


def rss_line(passes: list[Pass]) -> str:
    parts = []
    for n in sorted({p.sources for p in passes}):
        for case in ("unchanged", "changed", "first"):
            rss = [
                p.usage.max_rss_mb
                for p in passes
                if (p.client, p.sources, p.case) == ("owabi", n, case)
            ]
            if rss:
                parts.append(f"{n:,} sources {case} {max(rss):.0f} MB")
    return f"- Peak RSS of `owabi fetch`: {', '.join(parts)}."


NOTES = """\
*first*: every listing is new to owabi (20 entries each). *changed*: every listing gained
one entry since the last pass; owabi fetches and parses every new entry's page and
stores and alerts on the one in 20 that is an incident notice (console). *unchanged*:
every listing answers 304. The floor (bench/floor.py) does the same job with httpx,
selectolax and sqlite3 and nothing else: conditional GETs, links parsed, new entries and
validators recorded in one transaction per listing, the same entry pages fetched and
their text stored. urlwatch diffs the listings (10 threads, reporters off). Every pass
is one child process, start-up included; CPU is the user + system time of its whole
process tree (owabi's parse workers included), RSS the largest process's ru_maxrss. One
host serves every source, so OWABI_PER_HOST_CONCURRENCY = concurrency (at most 64) and
OWABI_POLITENESS_DELAY = 0.
Loopback has no network latency: these are CPU costs, not the waiting that concurrency
hides on the internet."""


# The poll issue's targets, CPU ratios: (pass, at most × urlwatch, at most × the floor).
BUDGET_HEAD = (
    "Whether a target can be met at all: the floor's CPU plus the work only owabi does "
    "(parsing notices into the schema, copy signatures, news-list detection, the chosen "
    "stack's start-up), each part timed alone on this pass's pages (bench/budget.py)."
)
RATIO_TARGETS = (("unchanged", 0.5, 1.5), ("changed", 1.0, 1.5), ("first", None, 2.0))
# Start-up targets, CPU seconds.
STARTUP_TARGETS = (("--help", 0.3), ("no sources", 0.5))


def verdict(value: float, target: float | None) -> str:
    if target is None:
        return "–"
    return f"≤ {target:g}: {'met' if value <= target else '**not met**'}"


def targets(r: Results) -> str:
    """The issue's targets side by side, at the default concurrency, CPU of each client's
    whole process tree."""
    d = DEFAULT_CONCURRENCY
    rows = [
        "| pass | owabi CPU (s) | urlwatch CPU (s) | floor CPU (s) | owabi / urlwatch "
        "| owabi / floor |",
        "|---|---:|---:|---:|---|---|",
    ]
    for case, to_urlwatch, to_floor in RATIO_TARGETS:
        owabi, uw, floor = (
            find(r.passes, "owabi", case, d).usage.cpu,
            find(r.passes, "urlwatch", case).usage.cpu,
            find(r.passes, "floor", case, d).usage.cpu,
        )
        rows.append(
            f"| {case} | {owabi:.2f} | {uw:.2f} | {floor:.2f} "
            f"| {owabi / uw:.2f}× ({verdict(owabi / uw, to_urlwatch)}) "
            f"| {owabi / floor:.2f}× ({verdict(owabi / floor, to_floor)}) |"
        )
    for case, seconds in STARTUP_TARGETS:
        cpu = find(r.passes, "owabi", case).usage.cpu
        rows.append(f"| `owabi` {case} | {cpu:.2f} | – | – | – | {verdict(cpu, seconds)} s |")
    return "\n".join(rows)


def budgets(tmp: Path, passes: list[Pass], sources: int) -> list[budget.Budget]:
    """For each pass with a target: the floor's CPU plus what only owabi does, timed part
    by part (bench/budget.py), against the targets."""
    d = DEFAULT_CONCURRENCY
    return [
        budget.Budget(
            case,
            floor=find(passes, "floor", case, d).usage.cpu,
            urlwatch=find(passes, "urlwatch", case).usage.cpu,
            parts=budget.parts(tmp, sources, case),
            to_urlwatch=to_urlwatch,
            to_floor=to_floor,
        )
        for case, to_urlwatch, to_floor in RATIO_TARGETS
    ]


def render(r: Results) -> str:
    rows = [pass_row(p) for p in r.passes + r.big]
    reach = [BUDGET_HEAD, *budget.render(r.budgets), ""] if r.budgets else []
    return "\n".join([targets(r), "", *reach, TABLE_HEAD, *rows, "", *summary(r), "", NOTES])


def run(args: argparse.Namespace) -> Results:
    started = time.monotonic()
    concurrencies = sorted({*args.concurrency, DEFAULT_CONCURRENCY})
    version = urlwatch_version(urlwatch_binary())
    with tempfile.TemporaryDirectory(prefix="owabi-bench-") as name:
        tmp = Path(name)
        print(f"poll: {args.sources} sources, concurrency {concurrencies}", flush=True)
        passes = poll_passes(tmp / "poll", args.sources, concurrencies)
        print("owabi-only work, part by part", flush=True)
        reach = budgets(tmp / "budget", passes, args.sources)
        print("parse", flush=True)
        parse_rows, selectolax = parse_bench.run(parse_bench.CORPUS)
        print(f"latency: {args.samples} samples", flush=True)
        latency = measure_latency(tmp / "latency", samples=args.samples)
        print(f"peak RSS: {args.big} sources", flush=True)
        big = big_passes(tmp / "big", args.big) if args.big else []
    return Results(
        passes, big, parse_rows, selectolax, latency, version, time.monotonic() - started, reach
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--big", type=int, default=10_000, help="sources for peak RSS (0: skip)")
    parser.add_argument(
        "--concurrency",
        type=lambda s: [int(x) for x in s.split(",")],
        default=[8, 32, 128],
        help="OWABI_CONCURRENCY values to compare (the default is always added)",
    )
    parser.add_argument("--samples", type=int, default=20, help="alert latency samples")
    parser.add_argument("--no-write", action="store_true", help="do not touch results.md")
    args = parser.parse_args()
    results = run(args)
    table = render(results)
    parse_table = parse_bench.render(results.parse_rows, results.selectolax_ratio)
    print(f"\n{table}\n\n{parse_table}\n\nsuite took {results.seconds:.0f} s")
    if args.no_write:
        return
    write_section(
        "parse",
        f"{parse_bench.machine()} · corpus {parse_bench.CORPUS.name}/ "
        f"({results.parse_rows[0].items} notices)\n\n{parse_table}",
    )
    write_section(
        "poll",
        f"{machine()} · nginx on 127.0.0.1 · {results.urlwatch} · SQLite · suite "
        f"{results.seconds:.0f} s\n\n{table}",
    )


if __name__ == "__main__":
    main()

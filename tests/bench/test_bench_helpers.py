"""Smoke tests of the benchmark's pure helpers (the benchmarks themselves are not tests)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench import budget, content
from bench.child import REAPER
from bench.latency import percentile
from bench.results_md import replace_section
from parsers.keywords import DEFAULT_INCIDENT_KEYWORDS, match_keyword
from parsers.listing import parse_listing


def test_replace_section_keeps_other_sections_and_drops_stale_copies() -> None:
    text = (
        "# B\n\nintro\n\n## parse\n\nold parse\n\n## poll\n\nv1\n\n## soak\n\ns\n\n## poll\n\nv2\n"
    )
    out = replace_section(text, "poll", "v3")
    assert out == "# B\n\nintro\n\n## parse\n\nold parse\n\n## poll\n\nv3\n\n## soak\n\ns\n"
    assert replace_section("", "poll", "x").endswith("## poll\n\nx\n")


def test_percentile_interpolates() -> None:
    assert percentile([4.0, 1.0, 3.0, 2.0, 5.0], 0.5) == 3.0
    assert percentile([1.0, 2.0], 0.95) == 1.95


def test_listing_is_detected_and_only_planned_entries_match() -> None:
    source, version = 80, 1  # its new entry (k = 20) is an incident, as was k = 19
    assert content.incident_next(source, 0)
    html = content.listing_html(source, version).decode()
    entries = parse_listing(html, base_url="http://127.0.0.1:1/s/80/")
    assert len(entries) == content.LISTED
    assert entries[0].url.endswith(content.entry_path(source, 20))
    hits = [e for e in entries if match_keyword(e.title or "", DEFAULT_INCIDENT_KEYWORDS)]
    assert hits == entries[:2]
    every = content.MATCH_EVERY
    assert content.new_notices(100, version) == [(i, 20) for i in range(0, 100, every)]
    assert len(content.new_notices(100, 0)) == 100 // every


def test_reaper_reports_the_exit_code_and_waits_for_orphans(tmp_path: Path) -> None:
    """A command whose child outlives it (owabi's fork server and parse workers do) is
    measured with that child: the reaper returns only once every descendant is gone."""
    marker, usage = tmp_path / "orphan-done", tmp_path / "usage.json"
    script = f'(python3 -c \'open("{marker}", "w")\') & exit 3'
    subprocess.run([sys.executable, str(REAPER), str(usage), "sh", "-c", script], check=True)
    tree = json.loads(usage.read_text())
    assert tree["returncode"] == 3
    assert marker.exists()  # the orphan ran to its end before the reaper reported
    assert tree["cpu"] > 0 and tree["max_rss_mb"] > 0


def test_budget_adds_owabi_only_work_to_the_floor_and_judges_each_target() -> None:
    parts = [budget.Part("parse", 1.0), budget.Part("imports", 0.5)]
    changed = budget.Budget("changed", 2.0, 3.0, parts, to_urlwatch=1.0, to_floor=1.5)
    unchanged = budget.Budget("unchanged", 2.0, 9.0, parts[1:], to_urlwatch=0.5, to_floor=1.5)
    assert changed.least == 3.5
    rows = budget.render([changed, unchanged])
    assert "| changed | 2.00 | 1.50 | 3.50 | 1.17× (≤ 1: **out of reach**) " in rows[2]
    assert "1.75× (≤ 1.5: **out of reach**)" in rows[2]
    assert "0.28× (≤ 0.5: reachable) | 1.25× (≤ 1.5: reachable)" in rows[3]
    assert rows[-2] == "- *changed*: parse 1.00 s; imports 0.50 s"


def test_budget_times_the_pages_a_pass_reads(tmp_path: Path) -> None:
    # Two listings: the changed pass reads every new entry, the first pass only notices.
    found = {p.name.split(" (")[0]: p for p in budget.parts(tmp_path, 2, "changed")}
    assert "notice parse into the schema" in found
    assert all(p.seconds >= 0 for p in found.values())
    assert not [p for p in budget.parts(tmp_path, 2, "unchanged") if "parse" in p.name]

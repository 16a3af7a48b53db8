"""Smoke tests of the benchmark's pure helpers (the benchmarks themselves are not tests)."""

from __future__ import annotations

from bench import content
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
    source, version = 80, 1  # its new entry (k = 20) is an incident
    assert content.incident_next(source, 0)
    html = content.listing_html(source, version).decode()
    entries = parse_listing(html, base_url="http://127.0.0.1:1/s/80/")
    assert len(entries) == content.LISTED
    assert entries[0].url.endswith(content.entry_path(source, 20))
    hits = [e for e in entries if match_keyword(e.title or "", DEFAULT_INCIDENT_KEYWORDS)]
    assert hits == [entries[0]]
    assert content.new_notices(100, version) == [(80, 20)]

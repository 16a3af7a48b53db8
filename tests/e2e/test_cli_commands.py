"""The inspection commands after a fetch: incidents list/show/export, sources list/test/add."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

from collector.config.files import load_sources
from parsers.schema import Incident
from tests.support.cli import run_cli
from tests.support.site import LocalSite


def test_incident_commands(env: dict, site: LocalSite) -> None:
    assert run_cli("fetch")[0] == 0
    code, out, _ = run_cli("incidents", "list")
    assert code == 0 and "テスト通販" in out and "2,345" in out

    code, out, _ = run_cli("incidents", "export", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 2
    card = next(r for r in rows if "テスト通販" in r["organization"])
    assert card["cards_affected"] == "2345" and site.url("/news/card-leak.html") in card["notices"]
    # every schema field but the evidence mapping is a column, services and cause included
    assert set(Incident.model_fields) - {"evidence"} <= set(card)
    assert card["ppc_reportable"] == "True"

    code, out, _ = run_cli("incidents", "show", card["id"])
    shown = json.loads(out)
    assert code == 0 and shown["notices"][0]["source"] == "test-news"

    code, _, err = run_cli("incidents", "show", "999")
    assert code == 1 and "999" in err


def test_sources_list_shows_state(env: dict, site: LocalSite) -> None:
    site.pages.pop("/feed.xml")  # the feed now 404s
    run_cli("fetch")
    code, out, _ = run_cli("sources", "list")
    assert code == 0
    line = next(line for line in out.splitlines() if "test-news" in line)
    assert "404" in line and " 1 " in line


def test_sources_test_detects_the_listing(env: dict, site: LocalSite) -> None:
    code, out, _ = run_cli("sources", "test", site.url("/corp/news/"))
    assert code == 0, out
    assert "kind: page" in out
    assert "entries: 3, matching the incident keywords: 1" in out
    assert "incident=True" in out  # the PDF notice was parsed as a sample
    assert not Path("owabi.db").exists() and not Path("data").exists()


def test_sources_add_appends_a_valid_block(env: dict, site: LocalSite) -> None:
    path = Path(os.environ["OWABI_SOURCES_FILE"])
    feed_url = site.url("/feed.xml")
    code, out, err = run_cli("sources", "add", feed_url, "--id", "another-feed", "--yes")
    assert code == 0, out + err
    by_id = load_sources(path).by_id()
    assert by_id["another-feed"].kind == "feed" and by_id["another-feed"].url == feed_url

    code, _, err = run_cli("sources", "add", feed_url, "--id", "another-feed", "--yes")
    assert code == 2 and "exists" in err

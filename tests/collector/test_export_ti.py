"""Exports for threat-intelligence platforms: a STIX 2.1 bundle that parses back and
validates, and a MISP feed folder with the format's keys; both with stable ids and the
same filters as the pages."""

from __future__ import annotations

import json
from pathlib import Path

import stix2
from stix2validator import ValidationOptions, validate_string

from collector.export.misp import write_feed
from collector.export.stix import INCIDENT_CORE, bundle
from collector.store.models import IncidentRecord
from tests.collector.test_web import RULES, SOURCES, _store
from tests.support.proc import run_owabi


def _records(tmp_path: Path) -> tuple[object, list[IncidentRecord]]:
    engine, sessions = _store(tmp_path / "owabi.db")
    with sessions() as s:
        records = list(s.query(IncidentRecord).order_by(IncidentRecord.id))
        for r in records:
            _ = r.notices  # loaded while the session is open
        s.expunge_all()
    return engine, records


def test_stix_bundle_parses_back_validates_and_keeps_its_ids(tmp_path: Path) -> None:
    engine, records = _records(tmp_path)
    text = bundle(records, "amber").serialize()
    parsed = stix2.parse(text, allow_custom=True)
    kinds = sorted(o.type for o in parsed.objects)
    assert kinds.count("incident") == 3 and kinds.count("relationship") == 3
    assert "marking-definition" in kinds and kinds.count("identity") == 4  # 3 victims + owabi
    wacom = next(o for o in parsed.objects if o.type == "incident" and "ワコム" in o.name)
    assert wacom.external_references[0].url == "https://corp.example.jp/news/1.html"
    core = wacom.extensions[INCIDENT_CORE]
    assert core["impacted_entity_counts"] == {"individual": 147545}
    assert core["investigation_status"] == "open" and core["determination"] == "confirmed"
    assert wacom.object_marking_refs == [stix2.TLP_AMBER.id]
    # The same incidents give the same ids: a platform updates instead of duplicating.
    again = stix2.parse(bundle(records, "amber").serialize(), allow_custom=True)
    assert {o.id for o in again.objects} == {o.id for o in parsed.objects}
    result = validate_string(text, ValidationOptions(strict=False))
    assert result.is_valid, [e.message for o in result.object_results for e in o.errors]
    engine.dispose()  # type: ignore[attr-defined]


def test_misp_feed_has_a_manifest_and_one_event_per_incident(tmp_path: Path) -> None:
    engine, records = _records(tmp_path)
    folder = tmp_path / "feed"
    assert write_feed(records, folder) == 3
    manifest = json.loads((folder / "manifest.json").read_text())
    assert len(manifest) == 3
    for event_uuid, meta in manifest.items():
        assert {"Orgc", "Tag", "info", "date", "analysis", "threat_level_id", "timestamp"} <= (
            meta.keys()
        )
        event = json.loads((folder / f"{event_uuid}.json").read_text())["Event"]
        assert event["uuid"] == event_uuid and event["Orgc"]["name"] == "owabi"
        assert {"info", "date", "Attribute", "Tag"} <= event.keys()
    wacom = next(u for u, m in manifest.items() if "ワコム" in m["info"])
    event = json.loads((folder / f"{wacom}.json").read_text())["Event"]
    tags = {t["name"] for t in event["Tag"]}
    assert {"tlp:clear", 'owabi:category="web_skimming"'} <= tags
    [victim] = event["Object"]
    assert victim["name"] == "victim"
    assert {"name": "株式会社ワコム"}.items() <= {
        a["object_relation"]: a["value"] for a in victim["Attribute"]
    }.items()
    links = [a["value"] for a in event["Attribute"] if a["type"] == "link"]
    assert links == ["https://corp.example.jp/news/1.html"]
    write_feed(records, tmp_path / "again")
    assert json.loads((tmp_path / "again" / "manifest.json").read_text()).keys() == manifest.keys()
    engine.dispose()  # type: ignore[attr-defined]


def test_export_command_takes_the_page_filters(tmp_path: Path) -> None:
    _store(tmp_path / "owabi.db")[0].dispose()
    (tmp_path / "sources.toml").write_text(SOURCES, encoding="utf-8")
    (tmp_path / "rules.toml").write_text(RULES, encoding="utf-8")
    env = {
        "OWABI_DATABASE_URL": f"sqlite:///{tmp_path / 'owabi.db'}",
        "OWABI_SOURCES_FILE": str(tmp_path / "sources.toml"),
        "OWABI_RULES_FILE": str(tmp_path / "rules.toml"),
        "OWABI_SECRETS_DIR": str(tmp_path / "none"),
    }
    done = run_owabi("incidents", "export", "--format", "stix", "--category", "ransomware", env=env)
    assert done.returncode == 0, done.stderr
    names = [o["name"] for o in json.loads(done.stdout)["objects"] if o["type"] == "incident"]
    assert names == ["東海大学: ランサムウェア"]
    feed = tmp_path / "misp"
    done = run_owabi(
        "incidents",
        "export",
        "--format",
        "misp",
        "--out",
        str(feed),
        "--watchlist",
        "vendors",
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert len(json.loads((feed / "manifest.json").read_text())) == 2
    bad = run_owabi("incidents", "export", "--stage", "draft", env=env)
    assert bad.returncode == 2 and "stage: 'draft' is not one of" in bad.stderr
    no_folder = run_owabi("incidents", "export", "--format", "misp", env=env)
    assert no_folder.returncode == 2 and "--out DIR" in no_folder.stderr


def test_the_organizations_own_notice_and_the_securities_code_are_marked(
    tmp_path: Path,
) -> None:
    engine, records = _records(tmp_path)
    wacom = next(r for r in records if "ワコム" in (r.organization or ""))
    wacom.notices[0].is_primary = True
    wacom.securities_code = "6727"
    text = bundle(records, "clear").serialize()
    parsed = stix2.parse(text, allow_custom=True)
    incident = next(o for o in parsed.objects if o.type == "incident" and "ワコム" in o.name)
    assert incident.external_references[0].description.startswith("公式発表")
    victim = next(o for o in parsed.objects if o.type == "identity" and "ワコム" in o.name)
    assert victim.external_references[0].external_id == "6727"
    result = validate_string(text, ValidationOptions(strict=False))
    assert result.is_valid, [e.message for o in result.object_results for e in o.errors]
    write_feed(records, tmp_path / "feed")
    manifest = json.loads((tmp_path / "feed" / "manifest.json").read_text())
    uid = next(u for u, m in manifest.items() if "ワコム" in m["info"])
    event = json.loads((tmp_path / "feed" / f"{uid}.json").read_text())["Event"]
    assert 'owabi:securities-code="6727"' in {t["name"] for t in event["Tag"]}
    [link] = [a for a in event["Attribute"] if a["type"] == "link"]
    assert link["comment"].startswith("公式発表")
    engine.dispose()  # type: ignore[attr-defined]

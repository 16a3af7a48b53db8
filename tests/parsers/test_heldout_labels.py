"""Validate the held-out evaluation set (tests/heldout) itself, never the parser.

The set is only worth something if every label is a well-formed schema object and
every notice has exactly one label: a broken or orphaned label would silently skew
any score computed on it. Scoring the parser on it is the job of `owabi eval`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parsers.schema import Incident

HELDOUT = Path(__file__).resolve().parents[1] / "heldout"
NOTICE_SUFFIXES = (".txt", ".html")
LIST_FIELDS = ("categories", "services", "data_items", "reported_to")
# The corpus label shape: every scored field present, nothing else, so a label can
# never pass validation merely by leaning on a model default.
LABEL_KEYS = {
    "schema_version",
    "is_incident",
    "organization",
    "title",
    "published",
    "stage",
    "categories",
    "services",
    "people_affected",
    "cards_affected",
    "data_items",
    "card_data_leaked",
    "exposure_start",
    "exposure_end",
    "discovered",
    "reported_to",
}


def _notices() -> dict[str, Path]:
    return {p.stem: p for p in sorted(HELDOUT.iterdir()) if p.suffix in NOTICE_SUFFIXES}


def _labels() -> dict[str, Path]:
    return {p.stem: p for p in sorted(HELDOUT.glob("*.json"))}


def _raw(name: str) -> dict[str, object]:
    return json.loads(_labels()[name].read_text(encoding="utf-8"))


def test_every_notice_has_one_label_and_vice_versa() -> None:
    notices = [p.stem for p in HELDOUT.iterdir() if p.suffix in NOTICE_SUFFIXES]
    assert len(notices) == len(set(notices)), "a name has both a .txt and an .html notice"
    assert set(notices) == set(_labels())
    assert len(notices) == 30


@pytest.mark.parametrize("name", sorted(_labels()))
def test_label_is_a_valid_incident(name: str) -> None:
    raw = _raw(name)
    assert set(raw) == LABEL_KEYS
    incident = Incident.model_validate(raw)
    assert incident.schema_version == 1
    assert incident.card_data_leaked == any(
        item.value in {"card_number", "card_expiry", "card_cvv"} for item in incident.data_items
    )
    if incident.exposure_start and incident.exposure_end:
        assert incident.exposure_start <= incident.exposure_end
    if incident.is_incident:
        assert incident.organization and incident.published


@pytest.mark.parametrize("name", sorted(_labels()))
def test_label_lists_are_sorted_and_unique(name: str) -> None:
    raw = _raw(name)
    for field in LIST_FIELDS:
        values = raw[field]
        assert isinstance(values, list)
        assert values == sorted(set(values)), field


@pytest.mark.parametrize("name", sorted(_labels()))
def test_non_incidents_have_no_categories(name: str) -> None:
    incident = Incident.model_validate(_raw(name))
    if not incident.is_incident:
        assert incident.categories == []
        assert incident.people_affected is None
        assert incident.cards_affected is None
    else:
        assert incident.categories


def test_set_mix_is_as_documented() -> None:
    incidents = [Incident.model_validate(_raw(name)) for name in _labels()]
    assert sum(not i.is_incident for i in incidents) == 6
    assert sum(p.suffix == ".html" for p in _notices().values()) == 6


@pytest.mark.parametrize("name", sorted(_notices()))
def test_notice_is_utf8_text(name: str) -> None:
    text = _notices()[name].read_text(encoding="utf-8")
    assert len(text) > 200

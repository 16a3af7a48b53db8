"""Every shared-corpus notice parses, and the mean score stays above a measured floor."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parsers.notice import parse_text
from parsers.scoring import score_notice

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "notices"
NOTICES = sorted(CORPUS.glob("*.txt"))
# Measured 0.987 when written; the floor leaves room for rule changes that trade a
# corpus point for generality, not for regressions.
MEAN_FLOOR = 0.95

# Fields whose value a person must be able to check against the text in one look.
EVIDENCED = (
    "organization",
    "published",
    "people_affected",
    "cards_affected",
    "exposure_start",
    "exposure_end",
    "discovered",
)

pytestmark = pytest.mark.skipif(not NOTICES, reason=f"shared corpus not found at {CORPUS}")


def _score(path: Path) -> float:
    gold = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    parsed = parse_text(path.read_text(encoding="utf-8")).to_json_dict()
    return score_notice(gold, parsed)


@pytest.mark.parametrize("path", NOTICES, ids=lambda p: p.stem)
def test_notice_parses_into_the_schema(path: Path) -> None:
    incident = parse_text(path.read_text(encoding="utf-8"))
    data = incident.to_json_dict()
    assert data["schema_version"] == 1
    if not incident.is_incident:
        assert incident.categories == [] and incident.data_items == []
    for field in EVIDENCED:
        assert data[field] is None or incident.evidence.get(field), field


def test_mean_score_over_the_corpus_is_above_the_floor() -> None:
    scores = [_score(path) for path in NOTICES]
    assert sum(scores) / len(scores) >= MEAN_FLOOR

"""The development set's gold labels are well-formed, so tuning against them measures the
parser and not typos in the labels (tests/devset/README.md says how they were made)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parsers.schema import CARD_ITEMS, Incident

DEVSET = Path(__file__).resolve().parents[1] / "devset"
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "notices"
NOTICE_SUFFIXES = (".txt", ".html")
LABELS = sorted(DEVSET.glob("*.json"))
LIST_FIELDS = ("categories", "services", "data_items", "reported_to")
# The keys of a gold label: the spec's scored and descriptive fields, without the
# unscored `cause`/`evidence` and the derived `ppc_reportable`.
LABEL_KEYS = frozenset(
    {
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
)


def _load(path: Path) -> dict[str, object]:
    return json.loads(path.read_text(encoding="utf-8"))


def test_every_notice_has_exactly_one_label_and_vice_versa() -> None:
    notices = [p for p in DEVSET.iterdir() if p.suffix in NOTICE_SUFFIXES]
    notice_stems = [p.stem for p in notices]
    assert len(notice_stems) == len(set(notice_stems)), "a notice exists as both .txt and .html"
    assert sorted(notice_stems) == [p.stem for p in LABELS]
    assert LABELS, f"no labels found in {DEVSET}"


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"shared corpus not found at {CORPUS}")
def test_label_keys_are_the_shared_corpus_keys() -> None:
    for path in sorted(CORPUS.glob("*.json")):
        assert set(_load(path)) == LABEL_KEYS, path.name


@pytest.mark.parametrize("path", LABELS, ids=lambda p: p.stem)
def test_label_is_a_valid_incident(path: Path) -> None:
    label = _load(path)
    assert set(label) == LABEL_KEYS
    incident = Incident.model_validate(label)
    assert incident.title, "every label, incident or not, carries the notice's title"


@pytest.mark.parametrize("path", LABELS, ids=lambda p: p.stem)
def test_label_lists_are_sorted_and_unique(path: Path) -> None:
    label = _load(path)
    for field in LIST_FIELDS:
        values = label[field]
        assert isinstance(values, list)
        assert values == sorted(set(values)), field


@pytest.mark.parametrize("path", LABELS, ids=lambda p: p.stem)
def test_label_is_internally_consistent(path: Path) -> None:
    incident = Incident.model_validate(_load(path))
    if not incident.is_incident:
        assert incident.categories == []
        assert incident.organization is None
        assert incident.published is None
        return
    assert incident.categories, "an incident states at least one category"
    assert incident.organization
    assert incident.card_data_leaked == bool(CARD_ITEMS & set(incident.data_items))
    if incident.exposure_start and incident.exposure_end:
        assert incident.exposure_start <= incident.exposure_end

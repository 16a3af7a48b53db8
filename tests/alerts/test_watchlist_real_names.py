"""Watchlists against the organizations of real published notices
(tests/notices/real, their gold labels): every listed name matches however a notice
writes it, and no name matches a look-alike that is another organization."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from parsers.orgname import name_key, names_match

REAL = Path(__file__).resolve().parents[1] / "notices" / "real"
NAMES = sorted(
    {
        label["organization"]
        for path in REAL.glob("*/*.json")
        if (label := json.loads(path.read_text(encoding="utf-8"))).get("organization")
    }
)
WATCHED = NAMES[::2][:200]


def _full_width(name: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in name)


def _variants(name: str) -> list[str]:
    """The ways a watchlist or a notice writes one organization."""
    bare = name
    for form in ("株式会社", "(株)", "㈱"):
        bare = bare.replace(form, "")
    return [
        name,
        bare,
        f"株式会社{bare}",
        f"{bare}株式会社",
        f"㈱{bare}",
        f"{bare}(株)",
        _full_width(name),
        " ".join(unicodedata.normalize("NFKC", name)),
    ]


def _matches(watch: str, organization: str) -> bool:
    return names_match(name_key(watch), name_key(organization))


def test_the_watchlist_has_200_real_names() -> None:
    assert len(WATCHED) == 200 and len(NAMES) >= 400


@pytest.mark.parametrize("name", WATCHED)
def test_every_way_of_writing_a_watched_name_matches_it(name: str) -> None:
    for watch in _variants(name):
        for written in _variants(name):
            assert _matches(watch, written), (watch, written)


# Names of different organizations among the real notices that one watched name still
# matches, each checked by hand to be the same body: a city's or prefecture's board of
# education, a newspaper's company name, a university's short name.
SAME_BODY = {
    ("名護市", "名護市教育委員会"),
    ("神戸市", "神戸市教育委員会"),
    ("長野県", "長野県教育委員会"),
    ("日本経済新聞", "日本経済新聞社"),
    ("秋田大", "秋田大学"),
}


def test_no_watched_name_matches_another_organization_of_the_real_notices() -> None:
    crossed = {
        (watch, other)
        for watch in NAMES
        for other in NAMES
        if name_key(watch) != name_key(other) and _matches(watch, other)
    }
    assert crossed == SAME_BODY


@pytest.mark.parametrize(
    ("watch", "organization", "expected"),
    [
        ("日本生命", "日本生命保険相互会社", True),
        ("日本生命", "日本生命科学", False),
        ("JTB", "株式会社i.JTB", False),
        ("鹿島", "鹿島市", False),
        ("三重県", "三重県立宇治山田高", False),
        ("大阪市", "大阪市立大学医学部付属病院", False),
        ("兵庫県", "兵庫県警", False),
        ("髙島屋", "株式会社高島屋", True),
        ("山﨑製パン", "山崎製パン株式会社", True),
        ("サンプル商事", "サンプル商事株式会社 大阪支店", True),
        ("サンプル商事", "サンプル商事ソリューションズ", False),
    ],
)
def test_look_alike_names(watch: str, organization: str, expected: bool) -> None:
    assert _matches(watch, organization) is expected

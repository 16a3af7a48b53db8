from __future__ import annotations

import pytest

from parsers.orgname import org_key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("株式会社ワコム", "ワコム"),
        ("株 式 会 社 ワ コ ム", "ワコム"),
        ("㈱ワコム", "ワコム"),
        ("(株)ワコム", "ワコム"),
        ("国立大学法人東海国立大学機構", "東海国立大学機構"),
        ("Example Co., Ltd.", "EXAMPLE"),
        ("ＡＢＣ株式会社", "abc"),
    ],
)
def test_same_key(a: str, b: str) -> None:
    assert org_key(a) == org_key(b)


def test_inner_latin_words_are_kept() -> None:
    assert org_key("Incredible Inc.") == "incredible"
    assert org_key("株式会社") == ""

"""Source tags and watchlist files: who may fire, and what a bad file says at load time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from alerts.errors import RuleError
from alerts.rules import Rule, RulesConfig, matches, parse_rules, rule_matches_explained


def rule(**fields: Any) -> Rule:
    return Rule.model_validate({"name": "r", "channels": ["console"], **fields})


def doc(**fields: Any) -> dict[str, Any]:
    return {"rules": [{"name": "vendors", "channels": ["console"], **fields}]}


# --- tags -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule_tags", "source_tags", "expected"),
    [
        ([], None, True),
        ([], ["news"], True),
        (["vendor"], ["vendor"], True),
        (["vendor", "partner"], ("news", "partner"), True),
        (["vendor"], {"news", "government"}, False),
        (["vendor"], [], False),
        (["vendor"], None, False),
        (["Vendor"], ["vendor"], False),
    ],
)
def test_tags_restrict_a_rule_to_its_sources(
    rule_tags: list[str], source_tags: Any, expected: bool, make_incident: Any
) -> None:
    assert matches(rule(tags=rule_tags), make_incident(), tags=source_tags) is expected


def test_tag_reasons_are_explained(make_incident: Any) -> None:
    r = rule(tags=["vendor"])
    [unknown] = rule_matches_explained(r, make_incident())
    assert unknown == "source tags unknown; the rule needs one of ['vendor']"
    [other] = rule_matches_explained(r, make_incident(), tags=("news", "government"))
    assert other == "source tags ['government', 'news'] include none of ['vendor']"
    assert rule_matches_explained(r, make_incident(), tags=["vendor"]) == []


def test_tags_combine_with_events_and_conditions(make_incident: Any) -> None:
    r = rule(
        tags=["news"],
        events=["update"],
        conditions=[{"field": "cards_affected", "op": ">=", "value": 5000}],
    )
    reasons = rule_matches_explained(r, make_incident(), event="new", tags=["news"])
    assert [x.split(" ")[0] for x in reasons] == ["event", "condition"]


def test_a_string_is_not_a_tag_collection(make_incident: Any) -> None:
    with pytest.raises(TypeError, match="not a string"):
        matches(rule(tags=["v"]), make_incident(), tags="v")


@pytest.mark.parametrize("tag", ["", " ", " news", "news "])
def test_blank_or_padded_tags_are_rejected(tag: str) -> None:
    with pytest.raises(RuleError, match="rule 'vendors' tags: tag"):
        parse_rules(doc(tags=[tag]))


# --- organizations_file -----------------------------------------------------------------


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def test_watchlist_file_is_merged_with_inline_names(tmp_path: Path, make_incident: Any) -> None:
    write(
        tmp_path / "vendors.txt",
        "# 取引先\n\n㈱サンプル商事  # 決済代行\n  Example Co., Ltd.\n#別会社\n",
    )
    config = parse_rules(
        doc(organizations=["東海国立大学機構"], organizations_file="vendors.txt"),
        base_dir=tmp_path,
    )
    [r] = config.rules
    assert matches(r, make_incident())
    assert matches(r, make_incident(organization="EXAMPLE"))
    assert matches(r, make_incident(organization="国立大学法人東海国立大学機構"))
    assert not matches(r, make_incident(organization="別会社"))
    assert "not on the watchlist" in rule_matches_explained(r, make_incident(organization="X"))[0]


def test_relative_paths_are_relative_to_the_rules_folder(
    tmp_path: Path, make_incident: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "lists").mkdir()
    write(tmp_path / "lists" / "partners.txt", "サンプル商事\n")
    monkeypatch.chdir(tmp_path / "lists")  # the working directory must not matter
    config = RulesConfig.model_validate(doc(organizations_file="lists/partners.txt"))
    config.load_watchlists(tmp_path)
    assert matches(config.rules[0], make_incident())


def test_absolute_path_and_utf8_bom(tmp_path: Path, make_incident: Any) -> None:
    path = write(tmp_path / "bom.txt", "サンプル商事\r\n", encoding="utf-8-sig")
    config = parse_rules(doc(organizations_file=str(path)), base_dir=tmp_path / "elsewhere")
    assert matches(config.rules[0], make_incident())


def test_loading_twice_does_not_duplicate_or_go_stale(tmp_path: Path, make_incident: Any) -> None:
    path = write(tmp_path / "v.txt", "サンプル商事\n")
    config = parse_rules(doc(organizations_file="v.txt"), base_dir=tmp_path)
    write(path, "別会社\n")
    config.load_watchlists(tmp_path)
    r = config.rules[0]
    assert not matches(r, make_incident())
    assert matches(r, make_incident(organization="株式会社別会社"))


def test_an_unloaded_watchlist_file_matches_nothing(make_incident: Any) -> None:
    """Fail closed: forgetting load_watchlists must not alert on every organization."""
    r = rule(organizations_file="vendors.txt")
    assert not matches(r, make_incident())
    assert rule_matches_explained(r, make_incident()) == [
        "organizations_file 'vendors.txt' was not loaded"
    ]


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (None, "file not found"),
        (b"", "no organization names in the file"),
        (b"# only comments\n\n   \n", "no organization names in the file"),
        ("サンプル\n".encode("shift_jis"), "not UTF-8 (byte 0)"),
        ("サンプル\n株式会社\n".encode(), "line 2: '株式会社' is empty once normalized"),
    ],
)
def test_bad_watchlist_files_name_the_rule_and_the_file(
    tmp_path: Path, content: bytes | None, fragment: str
) -> None:
    path = tmp_path / "vendors.txt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(RuleError) as info:
        parse_rules(doc(organizations_file="vendors.txt"), base_dir=tmp_path)
    message = str(info.value)
    assert message.startswith(f"rule 'vendors' key 'organizations_file': {path}: ")
    assert fragment in message
    assert "\n" not in message


def test_unreadable_watchlist_file(tmp_path: Path) -> None:
    (tmp_path / "dir.txt").mkdir()  # reading a directory fails on every platform
    with pytest.raises(RuleError, match=r"rule 'vendors' key 'organizations_file': .*cannot read"):
        parse_rules(doc(organizations_file="dir.txt"), base_dir=tmp_path)


def test_organizations_file_must_not_be_empty() -> None:
    with pytest.raises(RuleError, match="rule 'vendors' organizations_file"):
        parse_rules(doc(organizations_file=""))


def test_a_toml_watchlist_lists_each_organization_with_its_aliases(
    tmp_path: Path, make_incident: Any
) -> None:
    write(
        tmp_path / "vendors.toml",
        '[[organization]]\nname = ["ヤマダ電機", "YAMADA"]\n\n'
        '[[organization]]\nname = "サンプル商事"\n',
    )
    config = parse_rules(doc(organizations_file="vendors.toml"), base_dir=tmp_path)
    r = config.rules[0]
    assert matches(r, make_incident(organization="株式会社ヤマダ電機"))
    assert matches(r, make_incident(organization="Yamada Co., Ltd."))
    assert matches(r, make_incident(organization="サンプル商事株式会社"))
    assert not matches(r, make_incident(organization="ヤマダ電機商会"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[[organization]]\nname = ["YAMADA"]\ngroup = true\n', "unknown key 'group'"),
        ('[[organization]]\nname = "X"\nsubsidiaries = "yes"\n', "true or false"),
        ('[[organization]]\nname = "X"\ncode = 7203\n', "securities codes"),
        ('[[organization]]\nname = "X"\ncode = ["72030"]\n', "securities codes"),
        ("[[organization]]\nname = 3\n", "name must be a string or a list of strings"),
        ('[[organization]]\nname = "株式会社"\n', "organization 1: '株式会社' is empty"),
        ("[[vendor]]\n", "unknown key 'vendor'"),
        ("name = [", "not valid TOML"),
    ],
)
def test_a_bad_toml_watchlist_is_one_error_naming_the_entry(
    tmp_path: Path, content: str, message: str
) -> None:
    write(tmp_path / "vendors.toml", content)
    with pytest.raises(RuleError, match=message):
        parse_rules(doc(organizations_file="vendors.toml"), base_dir=tmp_path)


# --- securities codes and subsidiaries ---------------------------------------------------


def _vendors(tmp_path: Path, content: str) -> Rule:
    write(tmp_path / "vendors.toml", content)
    return parse_rules(doc(organizations_file="vendors.toml"), base_dir=tmp_path).rules[0]


def test_a_securities_code_matches_the_listed_company_whatever_its_name(
    tmp_path: Path, make_incident: Any
) -> None:
    r = _vendors(tmp_path, '[[organization]]\nname = "サンプル電機"\ncode = ["3999", "130A"]\n')
    renamed = make_incident(organization="SAMPLE ELECTRIC HOLDINGS")
    assert matches(r, renamed, code="3999")
    assert matches(r, renamed, code="130A")
    assert not matches(r, renamed, code="7203")
    assert not matches(r, renamed)


# Notices of a subsidiary name the parent in a handful of ways; written for this test.
SUBSIDIARY_TEXTS = [
    "株式会社サンプルシステムズ（サンプル電機グループ）において不正アクセスが発生しました。",
    "当社は、サンプル電機株式会社の連結子会社です。",
    "サンプル電機ホールディングス株式会社の完全子会社である当社のサーバーが",
    "当社の親会社であるサンプル電機株式会社と連携し、調査を進めております。",
    "サンプル電機傘下の物流会社で、メールの誤送信がありました。",
]


@pytest.mark.parametrize("text", SUBSIDIARY_TEXTS)
def test_subsidiaries_match_notices_that_name_the_parent(
    tmp_path: Path, make_incident: Any, text: str
) -> None:
    group = _vendors(tmp_path, '[[organization]]\nname = "サンプル電機"\nsubsidiaries = true\n')
    alone = rule(organizations=["サンプル電機"])
    child = make_incident(organization="株式会社サンプルシステムズ")
    assert matches(group, child, text=text)
    assert not matches(alone, child, text=text)  # only when the entry asks for it


@pytest.mark.parametrize(
    "text",
    [
        "当社は、サンプル電機株式会社から受託した業務において",  # a customer, not a parent
        "サンプル電機販売グループ長が対応しております。",  # another name that begins alike
        "ランサムウェアグループによる攻撃を受けました。",
    ],
)
def test_a_mere_mention_is_not_a_parent(tmp_path: Path, make_incident: Any, text: str) -> None:
    group = _vendors(tmp_path, '[[organization]]\nname = "サンプル電機"\nsubsidiaries = true\n')
    assert not matches(group, make_incident(organization="株式会社ていせい"), text=text)

"""Rules: every operator, the watchlist, and load-time rejection of bad rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from alerts.channels.email import EmailSpec
from alerts.channels.slack import SlackSpec
from alerts.errors import RuleError
from alerts.rules import (
    Condition,
    Rule,
    RulesConfig,
    matches,
    parse_rules,
    rule_matches_explained,
)
from parsers.schema import Incident


def rule(*conditions: dict[str, Any], **fields: Any) -> Rule:
    return Rule.model_validate(
        {"name": "r", "channels": ["console"], "conditions": list(conditions), **fields}
    )


def cond(field: str, op: str, value: Any = None) -> dict[str, Any]:
    return {"field": field, "op": op, "value": value}


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (cond("cards_affected", "==", 1938), True),
        (cond("cards_affected", "==", 1939), False),
        (cond("stage", "==", "report"), True),
        (cond("stage", "!=", "report"), False),
        (cond("is_incident", "==", True), True),
        (cond("people_affected", ">=", 12345), True),
        (cond("people_affected", ">", 12345), False),
        (cond("people_affected", "<=", 12345), True),
        (cond("people_affected", "<", 12345), False),
        (cond("published", ">=", "2024-01-01"), True),
        (cond("published", "<", dt.date(2024, 1, 1)), False),
        (cond("stage", "in", ["report", "final"]), True),
        (cond("stage", "not_in", ["report", "final"]), False),
        (cond("organization", "in", ["株式会社サンプル商事"]), True),
        (cond("title", "contains", "不正アクセス"), True),
        (cond("title", "contains", "ランサム"), False),
        (cond("services", "contains", "ストア"), True),
        (cond("categories", "any", ["ransomware", "web_skimming"]), True),
        (cond("categories", "any", ["ransomware", "ddos"]), False),
        (cond("categories", "all", ["unauthorized_access", "web_skimming"]), True),
        (cond("categories", "all", ["unauthorized_access", "ransomware"]), False),
        (cond("data_items", "any", ["card_number"]), True),
        (cond("reported_to", "all", ["ppc"]), True),
        (cond("title", "regex", r"不正アクセス.*漏えい"), True),
        (cond("title", "regex", r"^漏えい"), False),
        (cond("services", "regex", r"^サンプル"), True),
        (cond("cause", "is_null"), False),
        (cond("cause", "not_null"), True),
        (cond("evidence", "is_null"), True),
        (cond("data_items", "not_null"), True),
    ],
)
def test_every_operator(condition: dict[str, Any], expected: bool, make_incident: Any) -> None:
    assert matches(rule(condition), make_incident()) is expected


def test_null_field_only_satisfies_null_aware_ops(make_incident: Any) -> None:
    incident = make_incident(people_affected=None, services=[], title=None)
    assert matches(rule(cond("people_affected", "is_null")), incident)
    assert matches(rule(cond("people_affected", "!=", 5)), incident)
    assert matches(rule(cond("people_affected", "not_in", [5])), incident)
    assert not matches(rule(cond("people_affected", ">=", 0)), incident)
    assert not matches(rule(cond("people_affected", "<", 10)), incident)
    assert not matches(rule(cond("title", "contains", "x")), incident)
    assert not matches(rule(cond("title", "regex", ".")), incident)
    assert matches(rule(cond("services", "is_null")), incident)


def test_text_ops_see_nfkc_and_contains_ignores_case(make_incident: Any) -> None:
    incident = make_incident(title="ＥＣサイトへの不正アクセス（第２報）")
    assert matches(rule(cond("title", "contains", "ecサイト")), incident)
    assert matches(rule(cond("title", "regex", r"第2報")), incident)


def test_regex_matching_is_linear_in_the_scraped_text(make_incident: Any) -> None:
    """`(a+)+$` backtracks exponentially in Python's `re` (28 `a` + `!`: 27 s, doubling per
    character); RE2 answers at once however long the title, and still matches what it should."""
    catastrophic = rule(cond("title", "regex", "(a+)+$"))
    assert not matches(catastrophic, make_incident(title="a" * 28 + "!"))
    assert not matches(catastrophic, make_incident(title="a" * 100_000 + "!"))
    assert matches(catastrophic, make_incident(title="!" + "a" * 100_000))
    nested = rule(cond("title", "regex", r"^(\w+\s?)*$"))
    assert not matches(nested, make_incident(title="お詫び " * 5_000 + "!"))
    assert matches(rule(cond("title", "regex", r"(?i)WEB|個人情報")), make_incident())


def test_a_refused_regex_prints_nothing_but_the_error(capfd: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(RuleError):
        parse_rules(one_rule("br", cond("title", "regex", r"(a)\1")))
    assert capfd.readouterr() == ("", "")  # RE2's own logging stays off


def test_all_conditions_must_hold(make_incident: Any) -> None:
    both = rule(cond("cards_affected", ">=", 1000), cond("stage", "==", "final"))
    assert not matches(both, make_incident())
    assert matches(both, make_incident(stage="final"))


def test_conditions_are_data_not_code(make_incident: Any) -> None:
    payload = "__import__('os').system('false')"
    assert not matches(rule(cond("title", "==", payload)), make_incident())
    with pytest.raises(RuleError, match="unknown incident field"):
        parse_rules({"rules": [{"name": "x", "channels": ["console"], "conditions": [
            cond("__class__", "==", 1)]}]})  # fmt: skip


@pytest.mark.parametrize(
    ("watch", "organization", "expected"),
    [
        ("株式会社サンプル商事", "株 式 会 社 サンプル商事", True),
        ("サンプル商事", "株式会社サンプル商事", True),
        ("(株)サンプル商事", "株式会社サンプル商事", True),
        ("㈱サンプル商事", "サンプル商事株式会社", True),
        ("ｻﾝﾌﾟﾙ商事", "株式会社サンプル商事", True),
        ("サンプル商事", "株式会社サンプル商事 東京支店", True),
        # A name that merely begins with the watched one is another organization.
        ("サンプル", "株式会社サンプル商事", False),
        ("日本生命", "日本生命保険相互会社", True),
        ("日本生命", "日本生命科学株式会社", False),
        ("髙島屋", "株式会社高島屋", True),
        ("横浜市", "横浜市教育委員会", True),
        ("横浜市", "横浜市立大学", False),
        ("Example Co., Ltd.", "EXAMPLE", True),
        ("東海国立大学機構", "国立大学法人東海国立大学機構", True),
        ("別会社", "株式会社サンプル商事", False),
        ("サンプル商事大阪", "株式会社サンプル商事", False),
    ],
)
def test_watchlist_normalization(
    watch: str, organization: str, expected: bool, make_incident: Any
) -> None:
    assert matches(rule(organizations=[watch]), make_incident(organization=organization)) is (
        expected
    )


def test_watchlist_never_matches_unknown_organization(make_incident: Any) -> None:
    assert not matches(rule(organizations=["サンプル"]), make_incident(organization=None))


def test_watchlist_name_that_is_only_a_legal_form_is_rejected() -> None:
    with pytest.raises(RuleError, match="株式会社"):
        parse_rules(
            {"rules": [{"name": "w", "channels": ["console"], "organizations": ["株式会社"]}]}
        )


def test_only_incidents_enabled_and_events(make_incident: Any) -> None:
    not_incident = make_incident(is_incident=False)
    assert not matches(rule(), not_incident)
    assert matches(rule(only_incidents=False), not_incident)
    assert not matches(rule(enabled=False), make_incident())
    assert matches(rule(), make_incident(), event="new")
    assert not matches(rule(), make_incident(), event="update")
    assert matches(rule(events=["new", "update"]), make_incident(), event="update")


def test_explanation_names_the_failing_condition(make_incident: Any) -> None:
    r = rule(cond("stage", "==", "report"), cond("cards_affected", ">=", 5000))
    reasons = rule_matches_explained(r, make_incident(is_incident=False))
    assert reasons[0] == "not an incident (only_incidents is set)"
    assert reasons[1] == "condition 2 (cards_affected >= 5000) failed: actual 1938"
    assert rule_matches_explained(r, make_incident(cards_affected=6000)) == []
    watched = rule(organizations=["別会社"])
    assert "not on the watchlist" in rule_matches_explained(watched, make_incident())[0]


def rules_doc(*rules: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"rules": list(rules), **extra}


def one_rule(name: str, *conditions: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A rules document holding one console rule."""
    body = {"name": name, "channels": ["console"], "conditions": list(conditions), **fields}
    return rules_doc(body)


@pytest.mark.parametrize(
    ("doc", "fragments"),
    [
        (one_rule("big", cond("cards", ">", 1)), ["rule 'big'", "unknown incident field 'cards'"]),
        (one_rule("rx", cond("title", "regex", "([")), ["rule 'rx'", "invalid regex '(['"]),
        # What RE2 cannot match in linear time is refused at load, with the reason.
        (
            one_rule("br", cond("title", "regex", r"(お詫び)\1")),
            ["rule 'br'", "invalid regex", "invalid escape sequence", "no backreferences"],
        ),
        (
            one_rule("la", cond("title", "regex", r"(?<!続)報")),
            ["rule 'la'", "invalid regex", "invalid perl operator"],
        ),
        (one_rule("nr", cond("title", "regex", 5)), ["rule 'nr'", "needs a non-empty string"]),
        (
            rules_doc({"name": "d", "channels": ["console"]}, {"name": "d", "channels": ["x"]}),
            ["duplicate rule name(s): 'd'"],
        ),
        (
            one_rule("e", cond("categories", "any", ["skimming"])),
            ["rule 'e'", "'skimming' is not a valid value for 'categories'"],
        ),
        (one_rule("o", cond("categories", ">", 1)), ["does not apply to list field 'categories'"]),
        (one_rule("o", cond("title", ">", "a")), ["needs a number or date field; 'title'"]),
        (one_rule("a", cond("stage", "any", ["report"])), ["needs a list field; 'stage'"]),
        (one_rule("c", cond("cards_affected", "contains", "1")), ["needs a text field"]),
        (one_rule("n", cond("cards_affected", "==")), ["needs a value (use is_null for null)"]),
        (one_rule("q", cond("title", "~=", "x")), ["rule 'q'", "conditions.0.op"]),
        (one_rule("x", colour="red"), ["rule 'x' colour: Extra inputs are not permitted"]),
        (rules_doc({"name": "z", "channels": []}), ["rule 'z' channels"]),
        (
            rules_doc({"name": "s", "channels": ["team"]}),
            ["rule 's' names undefined channel 'team'"],
        ),
        (
            rules_doc({"name": "k", "channels": ["x"]}, channels={"x": {"kind": "pager"}}),
            ["channels.x"],
        ),
    ],
)
def test_bad_rules_are_rejected_with_their_names(doc: dict[str, Any], fragments: list[str]) -> None:
    with pytest.raises(RuleError) as info:
        parse_rules(doc)
    message = str(info.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message


def test_channel_specs_are_a_discriminated_union() -> None:
    config = parse_rules(
        {
            "rules": [{"name": "r", "channels": ["team", "ops-mail", "console"]}],
            "channels": {
                "team": {"kind": "slack"},
                "ops-mail": {"kind": "email", "to": ["ops@example.com"]},
            },
        }
    )
    assert isinstance(config, RulesConfig)
    assert isinstance(config.channels["team"], SlackSpec)
    assert config.channels["team"].webhook_url_env == "OWABI_SLACK_WEBHOOK_URL"
    assert isinstance(config.channels["ops-mail"], EmailSpec)
    assert config.channels["console"].kind == "console"


def test_email_spec_rejects_header_injection_in_recipients() -> None:
    with pytest.raises(RuleError, match="invalid e-mail address"):
        parse_rules(
            {
                "rules": [{"name": "r", "channels": ["m"]}],
                "channels": {"m": {"kind": "email", "to": ["a@example.com\r\nBcc: x@evil"]}},
            }
        )


def test_condition_defaults_and_round_trip() -> None:
    c = Condition(field="cards_affected", op=">=", value=10)
    assert Condition.model_validate(c.model_dump()) == c
    r = rule()
    assert r.events == ["new"] and r.only_incidents and r.enabled


def test_every_incident_field_accepts_null_checks() -> None:
    for field in Incident.model_fields:
        assert rule(cond(field, "not_null")) is not None

"""config/rules.toml: the shipped rules load, and the commented example stays valid."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from alerts.channels.email import EmailSpec
from alerts.channels.slack import SlackSpec
from alerts.channels.webhook import WebhookSpec
from alerts.rules import matches, parse_rules
from tests.alerts.conftest import sample_incident

RULES_FILE = Path(__file__).resolve().parents[2] / "config" / "rules.toml"
START, END = "# --- example", "# --- end of example ---"


def as_rules_table(raw: dict[str, Any]) -> dict[str, Any]:
    """TOML's `[[rule]]` blocks are the `rules` list, as the collector loads them."""
    return {"rules": raw.get("rule", []), **{k: v for k, v in raw.items() if k != "rule"}}


def test_shipped_rules_load() -> None:
    config = parse_rules(as_rules_table(tomllib.loads(RULES_FILE.read_text("utf-8"))))
    [rule] = config.rules
    assert rule.name == "card-leaks-1000"
    assert isinstance(config.channels["slack"], SlackSpec)
    assert config.channels["slack"].each and config.channels["slack"].min_interval == 1.0
    assert matches(rule, sample_incident(), event="update")


def test_commented_example_is_valid(tmp_path: Path) -> None:
    lines = RULES_FILE.read_text("utf-8").splitlines()
    begin = next(i for i, line in enumerate(lines) if line.startswith(START))
    end = lines.index(END)
    example = "\n".join(line.removeprefix("#").removeprefix(" ") for line in lines[begin + 1 : end])
    (tmp_path / "watchlist.txt").write_text("株式会社サンプル商事  # 決済代行\n", "utf-8")
    config = parse_rules(as_rules_table(tomllib.loads(example)), base_dir=tmp_path)
    [rule] = config.rules
    assert rule.throttle is not None and (rule.throttle.max, rule.throttle.per) == (10, 3600.0)
    assert matches(rule, sample_incident(), event="new", tags=["vendor"])
    assert not matches(rule, sample_incident(), event="new", tags=["government"])
    mail, hook = config.channels["daily-mail"], config.channels["weekly-hook"]
    assert isinstance(mail, EmailSpec) and not mail.each and mail.digest is not None
    assert isinstance(hook, WebhookSpec) and hook.each and hook.digest is not None
    assert hook.digest.weekday == "mon"

"""Throttle windows, duration strings, and the channel options each/digest/min_interval."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alerts.channels.console import ConsoleSpec
from alerts.channels.email import EmailSpec
from alerts.channels.slack import SlackSpec
from alerts.channels.webhook import WebhookSpec
from alerts.digest import DigestSpec
from alerts.durations import parse_duration
from alerts.errors import RuleError
from alerts.rules import Throttle, parse_rules, throttle_delay

NOW = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)


def ago(seconds: float) -> dt.datetime:
    return NOW - dt.timedelta(seconds=seconds)


# --- durations --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("90", 90.0), (90, 90.0), (1.5, 1.5), ("15m", 900.0), ("1h", 3600.0), ("1d", 86400.0),
     ("1h30m", 5400.0), (" 2D ", 172800.0), ("0.5h", 1800.0)],
)  # fmt: skip
def test_durations(value: Any, seconds: float) -> None:
    assert parse_duration(value) == seconds


@pytest.mark.parametrize("value", ["", "1w", "h", "1h x", "-5", 0, "0m", True, None, float("nan")])
def test_bad_durations(value: Any) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(value)


# --- throttle ---------------------------------------------------------------------------


def test_throttle_accepts_duration_strings() -> None:
    assert Throttle.model_validate({"max": 3, "per": "15m"}) == Throttle(max=3, per=900.0)
    rules = parse_rules(
        {"rules": [{"name": "t", "channels": ["console"], "throttle": {"max": 5, "per": "1h"}}]}
    )
    assert rules.rules[0].throttle == Throttle(max=5, per=3600)
    assert (
        parse_rules({"rules": [{"name": "u", "channels": ["console"]}]}).rules[0].throttle is None
    )


@pytest.mark.parametrize(
    ("throttle", "fragment"),
    [
        ({"max": 0, "per": "1h"}, "rule 't' throttle.max"),
        ({"max": 2, "per": "soon"}, "rule 't' throttle.per: not a duration: 'soon'"),
        ({"max": 2}, "rule 't' throttle.per: Field required"),
        ({"max": 2, "per": "1h", "burst": 3}, "rule 't' throttle.burst"),
    ],
)
def test_bad_throttles_name_rule_and_key(throttle: dict[str, Any], fragment: str) -> None:
    with pytest.raises(RuleError) as info:
        parse_rules({"rules": [{"name": "t", "channels": ["console"], "throttle": throttle}]})
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("sent_ago", "expected"),
    [
        ([], 0.0),
        ([50], 0.0),  # one of two used
        ([3000, 600], 600.0),  # full: wait until the 3000 s-old send leaves the 1 h window
        ([600, 3000], 600.0),  # order does not matter
        ([3600, 600], 0.0),  # exactly `per` ago has left the window
        ([7200, 9000, 600], 0.0),  # old sends are ignored
        ([1200, 900, 300, 60], 3300.0),  # over-full (max was lowered): three must leave
        ([-30, 100], 3500.0),  # a send stamped in the future (clock skew) still counts
    ],
)
def test_throttle_delay(sent_ago: list[float], expected: float) -> None:
    throttle = Throttle(max=2, per="1h")
    assert throttle_delay(throttle, [ago(s) for s in sent_ago], NOW) == pytest.approx(expected)


@given(
    max_=st.integers(1, 5),
    per=st.integers(1, 10_000),
    sent=st.lists(st.integers(0, 20_000), max_size=12),
)
def test_after_the_delay_one_more_fits(max_: int, per: int, sent: list[int]) -> None:
    throttle = Throttle(max=max_, per=per)
    times = [ago(s) for s in sent]
    delay = throttle_delay(throttle, times, NOW)
    later = NOW + dt.timedelta(seconds=delay)
    assert throttle_delay(throttle, times, later) == 0.0
    in_window = [t for t in times if later - dt.timedelta(seconds=per) < t <= later]
    assert len(in_window) < max_
    if delay > 0:  # and not a moment earlier
        sooner = later - dt.timedelta(seconds=min(delay, 0.5))
        assert throttle_delay(throttle, times, sooner) > 0


# --- channel specs: each, digest, min_interval ------------------------------------------


def channels_doc(**spec: Any) -> dict[str, Any]:
    return {"rules": [{"name": "r", "channels": ["c"]}], "channels": {"c": spec}}


def test_channel_defaults() -> None:
    config = parse_rules(
        {
            "rules": [{"name": "r", "channels": ["s", "m", "w", "console"]}],
            "channels": {
                "s": {"kind": "slack"},
                "m": {"kind": "email"},
                "w": {"kind": "webhook"},
            },
        }
    )
    specs = config.channels
    assert isinstance(specs["s"], SlackSpec) and specs["s"].min_interval == 1.0
    for name, cls in (("m", EmailSpec), ("w", WebhookSpec), ("console", ConsoleSpec)):
        assert isinstance(specs[name], cls) and specs[name].min_interval == 0.0
    for spec in specs.values():
        assert spec.each is True and spec.digest is None


def test_digest_only_channel() -> None:
    digest = {"every": "weekly", "at": "8:30", "weekday": "fri", "timezone": "UTC"}
    config = parse_rules(channels_doc(kind="email", each=False, digest=digest, min_interval=2))
    spec = config.channels["c"]
    assert not spec.each and spec.min_interval == 2.0
    assert spec.digest == DigestSpec(every="weekly", at="08:30", weekday="fri", timezone="UTC")
    assert spec.digest is not None and spec.digest.time == dt.time(8, 30)


def test_digest_defaults_to_tokyo() -> None:
    spec = DigestSpec(every="daily", at="09:00")
    assert spec.timezone == "Asia/Tokyo" and spec.tz.key == "Asia/Tokyo"


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        (
            {"kind": "slack", "each": False},
            "channels.c: each = false needs a digest, or the channel sends nothing",
        ),
        (
            {"kind": "slack", "digest": {"every": "daily", "at": "24:00"}},
            "channels.c.digest.at: at must be a time HH:MM",
        ),
        ({"kind": "slack", "digest": {"every": "daily", "at": "9am"}}, "channels.c.digest.at"),
        ({"kind": "slack", "digest": {"every": "daily", "at": "09:60"}}, "channels.c.digest.at"),
        (
            {"kind": "email", "digest": {"every": "daily", "at": "09:00", "timezone": "JST+9"}},
            "channels.c.digest.timezone: unknown time zone 'JST+9'",
        ),
        (
            {"kind": "email", "digest": {"every": "daily", "at": "09:00", "timezone": "../etc"}},
            "unknown time zone",
        ),
        (
            {"kind": "webhook", "digest": {"every": "daily", "at": "09:00", "weekday": "mon"}},
            "channels.c.digest: weekday applies only to every = 'weekly'",
        ),
        (
            {"kind": "webhook", "digest": {"every": "weekly", "at": "09:00", "weekday": "monday"}},
            "channels.c.digest.weekday",
        ),
        ({"kind": "console", "digest": {"every": "monthly", "at": "09:00"}}, "digest.every"),
        ({"kind": "slack", "min_interval": -1}, "channels.c.min_interval"),
        ({"kind": "slack", "each": "sometimes"}, "channels.c.each"),
    ],
)
def test_bad_channel_options(spec: dict[str, Any], fragment: str) -> None:
    with pytest.raises(RuleError) as info:
        parse_rules(channels_doc(**spec))
    assert fragment in str(info.value)

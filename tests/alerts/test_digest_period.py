"""Which digest period is due at a given moment: daily, weekly, time zones, DST."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alerts.digest import DigestSpec, due_period

TOKYO = ZoneInfo("Asia/Tokyo")
DAILY = DigestSpec(every="daily", at="09:00")
WEEKLY_FRI = DigestSpec(every="weekly", at="08:00", weekday="fri")


def tokyo(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TOKYO)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("now", "start", "end"),
    [
        (tokyo(2024, 3, 2, 9, 30), tokyo(2024, 3, 1, 9), tokyo(2024, 3, 2, 9)),
        (tokyo(2024, 3, 2, 9, 0), tokyo(2024, 3, 1, 9), tokyo(2024, 3, 2, 9)),  # at: due
        (tokyo(2024, 3, 2, 8, 59), tokyo(2024, 2, 29, 9), tokyo(2024, 3, 1, 9)),  # not yet
        (tokyo(2024, 1, 1, 0, 5), tokyo(2023, 12, 30, 9), tokyo(2023, 12, 31, 9)),
    ],
)
def test_daily(now: dt.datetime, start: dt.datetime, end: dt.datetime) -> None:
    period = due_period(DAILY, now)
    assert (period.start, period.end) == (start, end)
    assert period.start.tzinfo is dt.UTC and period.end.tzinfo is dt.UTC
    assert period.label == (
        f"日次ダイジェスト {start:%Y-%m-%d %H:%M} 〜 {end:%Y-%m-%d %H:%M} (Asia/Tokyo)"
    )


def test_now_in_utc_is_read_in_the_digest_zone() -> None:
    # 2024-03-02 00:30 UTC is 09:30 in Tokyo: today's 09:00 JST has passed.
    period = due_period(DAILY, dt.datetime(2024, 3, 2, 0, 30, tzinfo=dt.UTC))
    assert period.end == tokyo(2024, 3, 2, 9)
    assert period.end == dt.datetime(2024, 3, 2, 0, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("now", "end"),
    [
        (tokyo(2024, 3, 1, 8, 0), tokyo(2024, 3, 1, 8)),  # Friday, at the send time
        (tokyo(2024, 3, 1, 7, 59), tokyo(2024, 2, 23, 8)),  # Friday, just before
        (tokyo(2024, 3, 2, 12, 0), tokyo(2024, 3, 1, 8)),  # Saturday
        (tokyo(2024, 3, 7, 23, 59), tokyo(2024, 3, 1, 8)),  # Thursday
    ],
)
def test_weekly(now: dt.datetime, end: dt.datetime) -> None:
    period = due_period(WEEKLY_FRI, now)
    assert period.end == end
    assert period.start == end - dt.timedelta(days=7)
    assert period.end.astimezone(TOKYO).weekday() == 4
    assert period.label.startswith("週次ダイジェスト ")


def test_weekly_default_weekday_is_monday() -> None:
    spec = DigestSpec(every="weekly", at="09:00")
    assert due_period(spec, tokyo(2024, 3, 6, 10)).end == tokyo(2024, 3, 4, 9)


def test_periods_follow_wall_clock_across_dst() -> None:
    spec = DigestSpec(every="daily", at="09:00", timezone="America/New_York")
    ny = ZoneInfo("America/New_York")
    period = due_period(spec, dt.datetime(2024, 3, 10, 12, tzinfo=ny))  # DST began 02:00
    assert period.end.hour == 13  # 09:00 EDT, in UTC
    assert period.start.hour == 14  # 09:00 EST, in UTC
    assert period.end - period.start == dt.timedelta(hours=23)
    assert "2024-03-09 09:00 〜 2024-03-10 09:00 (America/New_York)" in period.label


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        due_period(DAILY, dt.datetime(2024, 3, 2, 9, 30))


@given(
    now=st.datetimes(
        min_value=dt.datetime(2000, 1, 1),
        max_value=dt.datetime(2099, 12, 31),
        timezones=st.just(dt.UTC),
    ),
    every=st.sampled_from(["daily", "weekly"]),
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
    weekday=st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]),
)
def test_due_period_is_the_latest_completed_one(
    now: dt.datetime, every: str, hour: int, minute: int, weekday: str
) -> None:
    fields = {"every": every, "at": f"{hour:02d}:{minute:02d}"}
    if every == "weekly":
        fields["weekday"] = weekday
    spec = DigestSpec.model_validate(fields)
    period = due_period(spec, now)
    length = dt.timedelta(days=1 if every == "daily" else 7)
    assert period.start < period.end <= now
    assert period.end - period.start == length  # Tokyo has no DST
    assert now - period.end < length  # none more recent has completed
    assert due_period(spec, period.end) == period  # stable at its own send time

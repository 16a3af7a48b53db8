"""Each configured source's health and schedule, as `owabi sources status` and the
/sources page show it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from collector.clock import utc
from collector.sources.base import SourceConfig
from collector.store.models import SourceState


@dataclass(frozen=True)
class SourceStatus:
    id: str
    url: str
    state: str  # ok | failing | new (not polled yet) | disabled
    every: str
    last_success: str
    failures: int
    last_error: str
    next_run: str


def statuses(
    sources: Sequence[SourceConfig],
    states: Mapping[str, SourceState],
    now: dt.datetime,
    default_interval: float,
) -> list[SourceStatus]:
    rows = []
    for src in sources:
        st = states.get(src.id)
        failures = st.consecutive_failures or 0 if st else 0
        state = "disabled" if not src.enabled else "failing" if failures else "ok"
        if src.enabled and (st is None or st.last_run_at is None):
            state = "new"
        error = f"{ago(st.last_error_at, now)} {st.last_error}" if st and st.last_error else ""
        rows.append(
            SourceStatus(
                id=src.id,
                url=src.url,
                state=state,
                every=span(src.interval or default_interval),
                last_success=ago(st.last_success_at if st else None, now),
                failures=failures,
                last_error=error,
                next_run=ago(st.next_run_at if st and src.enabled else None, now),
            )
        )
    return rows


def ago(value: dt.datetime | None, now: dt.datetime) -> str:
    """`2026-05-01 12:00 (in 14m)`: the time and how far it is from now."""
    if value is None:
        return "–"
    value = utc(value)
    seconds = (value - now).total_seconds()
    length = span(abs(seconds))
    rel = "due now" if -1 < seconds <= 0 else f"in {length}" if seconds > 0 else f"{length} ago"
    return f"{value:%Y-%m-%d %H:%M:%S} ({rel})"


def span(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds / size:.0f}{unit}"
    return f"{seconds:.3g}s"

"""HTTP header values that both the fetcher and the alert channels must read alike."""

from __future__ import annotations

import datetime as dt
from email.utils import parsedate_to_datetime


def retry_after_seconds(value: str | None, now: dt.datetime) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date);
    None when absent or unusable. An HTTP-date without a zone is read as UTC (RFC 9110)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds())

"""Human durations in config files: `90`, `15m`, `1h30m`, `2d` → seconds.

It lives in alerts/ because rules (throttle windows) need it and alerts/ may not import
collector/; the collector can import it from here, so both files read durations alike.
"""

from __future__ import annotations

import re

_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd])", re.IGNORECASE)
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: str | int | float) -> float:
    """Seconds in `value` (a bare number is seconds); raises ValueError naming the text."""
    if isinstance(value, bool):
        raise ValueError(f"not a duration: {value!r}")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"\d+(?:\.\d+)?", text):
            seconds = float(text)
        elif text and _PART.sub("", text).strip() == "":
            seconds = sum(float(n) * _UNIT[u.lower()] for n, u in _PART.findall(text))
        else:
            raise ValueError(f"not a duration: {value!r} (use e.g. 90, 15m, 1h30m, 2d)")
    else:
        raise ValueError(f"not a duration: {value!r}")
    if not seconds > 0 or seconds == float("inf"):
        raise ValueError(f"duration must be positive and finite: {value!r}")
    return seconds

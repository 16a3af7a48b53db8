"""Human durations in config files: `90`, `15m`, `1h30m`, `2d` → seconds."""

from __future__ import annotations

import re

_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd])", re.IGNORECASE)
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: str | int | float) -> float:
    """Seconds in `value`; raises ValueError with the offending text."""
    if isinstance(value, bool):
        raise ValueError(f"not a duration: {value!r}")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        text = value.strip()
        if re.fullmatch(r"\d+(?:\.\d+)?", text):
            seconds = float(text)
        elif text and _PART.sub("", text).strip() == "":
            seconds = sum(float(n) * _UNIT[u.lower()] for n, u in _PART.findall(text))
        else:
            raise ValueError(f"not a duration: {value!r} (use e.g. 90, 15m, 1h30m, 2d)")
    if seconds <= 0:
        raise ValueError(f"duration must be positive: {value!r}")
    return seconds

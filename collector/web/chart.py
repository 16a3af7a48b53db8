"""Incidents per month by category, drawn as an SVG on the server: no script, nothing
fetched from elsewhere (owabi runs on closed networks, under a CSP that allows no
script)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from collector.export.describe import CATEGORY_LABELS

# One colour per category, in the schema's order (a categorical palette that stays
# distinct for readers with the common colour-vision deficiencies).
COLOURS = dict(
    zip(
        CATEGORY_LABELS,
        (
            "#4477aa",
            "#ee6677",
            "#aa3377",
            "#ccbb44",
            "#66ccee",
            "#228833",
            "#bb5566",
            "#004488",
            "#997700",
            "#bbbbbb",
        ),
        strict=True,
    )
)
MONTHS = 12
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 720, 180, 32, 22, 8


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    months: list[tuple[float, str]]  # label x and text
    peak: int
    legend: list[tuple[str, str]]  # colour, label
    width: int = WIDTH
    height: int = HEIGHT


def chart(points: Iterable[tuple[str, list[str]]]) -> Chart | None:
    """`points`: (month "YYYY-MM", categories) per incident; an incident with several
    categories counts in each. The last MONTHS months that have any incident."""
    counts: dict[str, Counter[str]] = {}
    for month, categories in points:
        counts.setdefault(month, Counter()).update(categories or ["other"])
    if not counts:
        return None
    months = sorted(counts)[-MONTHS:]
    peak = max(sum(counts[m].values()) for m in months)
    slot = (WIDTH - LEFT) / len(months)
    scale = (HEIGHT - BOTTOM - TOP) / peak
    bars: list[Bar] = []
    for i, month in enumerate(months):
        y = float(HEIGHT - BOTTOM)
        for category in CATEGORY_LABELS:
            n = counts[month].get(category, 0)
            if not n:
                continue
            h = n * scale
            y -= h
            label = f"{month} {CATEGORY_LABELS[category]}: {n}件"
            bars.append(Bar(LEFT + i * slot + 2, y, slot - 4, h, COLOURS[category], label))
    used = {c for m in months for c in counts[m]}
    return Chart(
        bars=bars,
        months=[(LEFT + (i + 0.5) * slot, m) for i, m in enumerate(months)],
        peak=peak,
        legend=[(COLOURS[c], CATEGORY_LABELS[c]) for c in CATEGORY_LABELS if c in used],
    )

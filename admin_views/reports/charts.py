"""Horizontal bar charts drawn on the server as inline SVG: no JavaScript, nothing fetched.

`bar_chart` only does the geometry; `admin/charts.html` writes the SVG, so every label (some
are user data, like advertising source names) goes through Jinja's autoescape.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

WIDTH = 600  # viewBox units; the SVG scales to its column
ROW = 32  # height of one bar's row
BAR = 22
CHAR = 8  # a 14px character's rough width: room for labels without measuring text
GAP = 8
LONGEST_LABEL = 26  # characters; a longer label is cut, in full in its tooltip and the table


@dataclass(frozen=True)
class Bar:
    key: str  # stable name for tests and styling, e.g. "31-60"
    label: str
    value: int | Decimal
    text: str  # the value as people read it, e.g. "1,250.00"
    colour: str


@dataclass(frozen=True)
class PlacedBar:
    bar: Bar
    label: str  # cut to fit
    y: float
    width: float
    text_x: float


@dataclass(frozen=True)
class BarChart:
    title: str
    summary: str  # every bar in words, for screen readers
    width: int
    height: int
    label_width: float
    bars: list[PlacedBar]
    row: int = ROW
    bar_height: int = BAR


def bar_chart(title: str, bars: list[Bar]) -> BarChart:
    """Bars scaled to the largest value, labels on the left, each value after its bar."""
    label_chars = min(max((len(bar.label) for bar in bars), default=0), LONGEST_LABEL)
    label_width = label_chars * CHAR + GAP
    text_width = max((len(bar.text) for bar in bars), default=0) * CHAR + GAP
    room = WIDTH - label_width - text_width - GAP
    largest = max((bar.value for bar in bars), default=0)
    placed = []
    for index, bar in enumerate(bars):
        width = room * float(bar.value) / float(largest) if largest > 0 else 0.0
        width = max(width, 2.0) if bar.value > 0 else 0.0  # a tiny value stays visible
        placed.append(
            PlacedBar(
                bar=bar,
                label=_cut(bar.label, LONGEST_LABEL),
                y=index * ROW + (ROW - BAR) / 2,
                width=round(width, 1),
                text_x=round(label_width + width + GAP / 2, 1),
            )
        )
    summary = f"{title}: " + "; ".join(f"{bar.label} {bar.text}" for bar in bars)
    return BarChart(title, summary, WIDTH, len(bars) * ROW, label_width, placed)


def _cut(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"

"""Chart geometry for server-rendered SVG: horizontal bars and columns over time.

Positions across are percentages of the chart's width, heights are pixels, and text keeps its
size: the SVG stretches to any screen without shrinking its labels, so a 360 px phone reads it
as well as a desktop. No script is needed; the table beside each chart has the exact figures.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from market.markets.reports import Row

BAR_ROW = 46  # px per bar: a label line and the bar under it
COLUMN_AREA = 150  # px of the tallest column
MAX_TICKS = 6


@dataclass(frozen=True)
class Bar:
    """One horizontal bar: its label, the figure shown, and its length (0–100 %)."""

    label: str
    shown: str
    percent: float
    y: int


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, longest first as given."""

    title: str
    bars: tuple[Bar, ...]

    @property
    def height(self) -> int:
        """The SVG's height in pixels."""
        return max(1, len(self.bars)) * BAR_ROW


def bar_chart(
    title: str, rows: Sequence[Row], measure: Callable[[Row], int], shown: Callable[[int], str]
) -> BarChart:
    """Bars for ``rows``, each as long as its share of the largest ``measure``."""
    largest = max((measure(row) for row in rows), default=0)
    bars = []
    for index, row in enumerate(rows):
        value = measure(row)
        percent = 100.0 * value / largest if largest else 0.0
        if value and percent < 0.5:
            percent = 0.5  # a sliver, so a small figure is still seen
        bars.append(Bar(row.label, shown(value), round(percent, 2), index * BAR_ROW))
    return BarChart(title, tuple(bars))


@dataclass(frozen=True)
class Column:
    """One bucket's column: its x position and width (%), total and cashless heights (px)."""

    x: float
    width: float
    height: int
    cashless_height: int
    title: str


@dataclass(frozen=True)
class Tick:
    """A label under the columns."""

    x: float
    text: str


@dataclass(frozen=True)
class ColumnChart:
    """Columns over time, each split into its cashless part and the rest."""

    title: str
    columns: tuple[Column, ...]
    ticks: tuple[Tick, ...]
    top_label: str
    area: int = COLUMN_AREA

    @property
    def height(self) -> int:
        """The SVG's height: the columns, the axis and the tick labels."""
        return self.area + 40


def column_chart(
    title: str,
    rows: Sequence[Row],
    shown: Callable[[int], str],
    tick_text: Callable[[date], str],
) -> ColumnChart:
    """Columns for ``rows`` (over time): value, with the cashless value drawn inside."""
    largest = max((row.value for row in rows), default=0)
    count = max(1, len(rows))
    step = 100.0 / count
    columns = []
    for index, row in enumerate(rows):
        height = round(COLUMN_AREA * row.value / largest) if largest else 0
        cashless = round(COLUMN_AREA * row.cashless_value / largest) if largest else 0
        columns.append(
            Column(
                x=round(index * step + step * 0.12, 3),
                width=round(step * 0.76, 3),
                height=max(height, 1 if row.value else 0),
                cashless_height=cashless,
                title=f"{tick_text(row.key)}: {shown(row.value)}",
            )
        )
    every = max(1, -(-count // MAX_TICKS))
    ticks = tuple(
        Tick(round(index * step + step / 2, 3), tick_text(row.key))
        for index, row in enumerate(rows)
        if index % every == 0
    )
    return ColumnChart(title, tuple(columns), ticks, shown(largest))

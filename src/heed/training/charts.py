"""Charts for the trainer's dashboard, laid out here and drawn as SVG by a template (no script, no inline
style: the Content-Security-Policy forbids both). Every chart has a title and a description, its labels and
figures are text, and the page shows the same figures in a table."""

from __future__ import annotations

from dataclasses import dataclass

from heed.training.dashboard import Bar, Cohort, Improvement


@dataclass(frozen=True)
class ChartRow:
    label: str
    value: str  # the figure as words, beside the bar
    y: int  # the top of the row
    width: float  # the bar's length


@dataclass(frozen=True)
class BarChart:
    """A horizontal bar chart laid out for an SVG drawn by a template (each label on its own line above its
    bar, so long labels never collide with the bars)."""

    id: str
    title: str
    description: str
    rows: list[ChartRow]
    width: int = 680
    bar_area: int = 520
    row_height: int = 46

    @property
    def height(self) -> int:
        return max(1, len(self.rows)) * self.row_height + 8


def bar_chart(chart_id: str, title: str, description: str, bars: list[Bar], limit: int = 20) -> BarChart:
    area = 520
    rows = [
        ChartRow(
            label=b.label,
            value=f"{b.percent}% ({b.count} of {b.total})",
            y=i * 46,
            width=round(area * b.share, 1),
        )
        for i, b in enumerate(bars[:limit])
    ]
    return BarChart(id=chart_id, title=title, description=description, rows=rows, bar_area=area)


@dataclass(frozen=True)
class RangeRow:
    label: str
    value: str
    y: int
    first_x: float
    latest_x: float
    better: bool


@dataclass(frozen=True)
class RangeChart:
    """First and latest score per person and scenario, on a 0-100 scale (a dot for each, joined)."""

    id: str
    title: str
    description: str
    rows: list[RangeRow]
    width: int = 680
    scale: int = 520
    row_height: int = 46

    @property
    def height(self) -> int:
        return max(1, len(self.rows)) * self.row_height + 24

    @property
    def ticks(self) -> list[tuple[int, float]]:
        return [(v, round(self.scale * v / 100, 1)) for v in (0, 25, 50, 75, 100)]


def range_chart(chart_id: str, title: str, description: str, items: list[Improvement]) -> RangeChart:
    scale = 520
    rows = [
        RangeRow(
            label=f"{i.name}: {i.title}",
            value=f"{i.first} to {i.latest} ({i.change:+d})",
            y=i_row * 46,
            first_x=round(scale * min(100, i.first) / 100, 1),
            latest_x=round(scale * min(100, i.latest) / 100, 1),
            better=i.change >= 0,
        )
        for i_row, i in enumerate(items)
    ]
    return RangeChart(id=chart_id, title=title, description=description, rows=rows, scale=scale)


def cohort_charts(c: Cohort) -> dict[str, BarChart | RangeChart]:
    """The trainer's dashboard's three charts."""
    return {
        "weakest_chart": bar_chart(
            "weakest",
            "Competencies not met, as a share of the attempts that scored them",
            "One bar per competency, the weakest first; the same figures are in the table below.",
            c.weakest,
        ),
        "signs_chart": bar_chart(
            "signs",
            "Danger signs missed, as a share of the attempts whose scenario had them",
            "One bar per danger sign, the most often missed first; the same figures are in the table below.",
            c.missed_signs,
        ),
        "improvement_chart": range_chart(
            "improvement",
            "First and latest score at each scenario attempted more than once",
            "For each person and scenario, a grey dot at the first score and a coloured dot at the latest "
            "(blue: better or the same, red: worse), on a scale of 0 to 100; the same figures are in the "
            "table below.",
            c.improved,
        ),
    }

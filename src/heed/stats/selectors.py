"""What the national owner reads of the forces' statistics: the newest file of each force for each month,
national figures (sums of the published numbers, saying how many cells were suppressed rather than counting
them as zero), per-force figures, and each label's national figure month by month (trends)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from heed.stats import fileformat as ff
from heed.stats import rising as rs
from heed.stats.models import ForceStats
from heed.stats.suppress import PRIMARY, SECONDARY, THRESHOLD


@dataclass(frozen=True)
class Sum:
    """Published numbers added up, and how many suppressed entries were not (each ``"<5"`` is 1 to 4,
    each withheld ``"*"`` any number): so the real figure is at least ``low``."""

    published: int = 0
    small: int = 0
    withheld: int = 0

    def __add__(self, value: Any) -> Sum:
        if value == PRIMARY:
            return Sum(self.published, self.small + 1, self.withheld)
        if value == SECONDARY:
            return Sum(self.published, self.small, self.withheld + 1)
        return Sum(self.published + int(value), self.small, self.withheld)

    @property
    def exact(self) -> bool:
        return not self.small and not self.withheld

    @property
    def low(self) -> int:
        return self.published + self.small

    @property
    def high(self) -> float:
        """The most the real figure can be (infinite once anything was withheld)."""
        return math.inf if self.withheld else self.published + (THRESHOLD - 1) * self.small

    @property
    def figure(self) -> rs.Figure:
        return rs.Figure(low=self.low, high=self.high, text=self.text)

    @property
    def text(self) -> str:
        if self.exact:
            return str(self.published)
        parts = [f"{self.published} published"]
        if self.small:
            parts.append(f"{self.small} × <5")
        if self.withheld:
            parts.append(f"{self.withheld} withheld")
        return f"at least {self.low} ({' + '.join(parts)})"


def newest() -> dict[tuple[str, str], ForceStats]:
    """The newest file kept for each (force, month)."""
    out: dict[tuple[str, str], ForceStats] = {}
    for row in ForceStats.objects.order_by("generated_at", "id"):
        out[(row.force_code, row.period)] = row
    return out


def periods(rows: dict[tuple[str, str], ForceStats]) -> list[str]:
    return sorted({p for _, p in rows})


@dataclass(frozen=True)
class TableView:
    """One table for one month: each label's national figure and each force's published entry."""

    section: str
    name: str
    labels: list[str]
    forces: list[str]
    national: dict[str, Sum]
    national_total: Sum
    by_force: dict[str, dict[str, Any]]  # force -> label -> published entry
    force_totals: dict[str, Any]


def tables_for(rows: dict[tuple[str, str], ForceStats], period: str) -> list[TableView]:
    kept = {f: r.data for (f, p), r in sorted(rows.items()) if p == period}
    views: list[TableView] = []
    for section, spec in (("tables", ff.TABLES), ("compliance", ff.COMPLIANCE)):
        for name in spec:
            labels = sorted({label for d in kept.values() for label in d[section][name]["cells"]})
            national = {label: Sum() for label in labels}
            total = Sum()
            for d in kept.values():
                table = d[section][name]
                for label, value in table["cells"].items():
                    national[label] = national[label] + value
                total = total + table["total"]
            views.append(
                TableView(
                    section=section,
                    name=name,
                    labels=labels,
                    forces=list(kept),
                    national=national,
                    national_total=total,
                    by_force={f: d[section][name]["cells"] for f, d in kept.items()},
                    force_totals={f: d[section][name]["total"] for f, d in kept.items()},
                )
            )
    return views


def calls_for(rows: dict[tuple[str, str], ForceStats], period: str) -> tuple[Sum, dict[str, Any]]:
    kept = {f: r.data for (f, p), r in sorted(rows.items()) if p == period}
    total = Sum()
    for d in kept.values():
        total = total + d["calls"]
    return total, {f: d["calls"] for f, d in kept.items()}


def trend(rows: dict[tuple[str, str], ForceStats], table: str) -> tuple[list[str], dict[str, list[Sum]]]:
    """Each label of ``table`` and its national figure in each month kept (oldest first)."""
    months = periods(rows)
    series: dict[str, list[Sum]] = {}
    for i, month in enumerate(months):
        for (_, p), row in rows.items():
            if p != month:
                continue
            for label, value in row.data["tables"][table]["cells"].items():
                series.setdefault(label, [Sum() for _ in months])
                series[label][i] = series[label][i] + value
    return months, dict(sorted(series.items()))


@dataclass(frozen=True)
class Rising:
    """Each label of one table judged rising or not in the latest month (``heed.stats.rising``), counted
    over the forces that sent figures for that month and for every month it is compared with."""

    table: str
    latest: str
    compared: list[str]  # the months before it, oldest first
    forces: list[str]  # the forces counted
    left_out: list[str]  # forces with figures for the latest month but not for every month before it
    verdicts: dict[str, rs.Verdict]

    @property
    def rising(self) -> list[str]:
        return [label for label, v in self.verdicts.items() if v.state == rs.RISING]


def rising(rows: dict[tuple[str, str], ForceStats], table: str, rules: rs.Rules) -> Rising:
    """Each label of ``table`` in the latest month kept, judged against the months before it."""
    months = periods(rows)
    latest = months[-1] if months else ""
    compared = rs.months_before(latest, rules.previous_months) if latest else []
    window = [*compared, latest]
    sent = sorted(f for f, p in rows if p == latest)
    forces = [f for f in sent if all((f, m) in rows for m in window)]
    labels = sorted({label for f in sent for label in rows[(f, latest)].data["tables"][table]["cells"]})
    verdicts: dict[str, rs.Verdict] = {}
    for label in labels:
        if not forces:
            verdicts[label] = rs.Verdict(
                rs.UNKNOWN,
                f"Not enough to tell: no force sent figures for {latest} and each of the "
                f"{rules.previous_months} months before it.",
            )
            continue
        if not any(label in rows[(f, m)].data["tables"][table]["cells"] for f in forces for m in compared):
            # Named in no earlier file of the forces counted (a platform newly listed, an indicator newly
            # national): its earlier calls were counted under another label, so 0 before is not 0 then.
            verdicts[label] = rs.Verdict(
                rs.UNKNOWN,
                f"Not enough to tell: {label} is in none of the counted forces' figures for "
                f"{compared[0]} to {compared[-1]}, so there is nothing to compare {latest} with "
                f"(a label newly listed, or newly national, was counted under another before).",
            )
            continue
        figures: dict[str, rs.Figure] = {}
        for month in window:
            total = Sum()
            for f in forces:
                # A label a force's file does not name was counted 0 there (its tables list what was counted).
                total = total + rows[(f, month)].data["tables"][table]["cells"].get(label, 0)
            figures[month] = total.figure
        verdicts[label] = rs.judge(latest, figures, rules)
    return Rising(
        table=table,
        latest=latest,
        compared=compared,
        forces=forces,
        left_out=[f for f in sent if f not in forces],
        verdicts=verdicts,
    )


@dataclass(frozen=True)
class TrendView:
    """One table's trend for the page: each label's national figure month by month and its verdict."""

    table: str
    months: list[str]
    rising: Rising
    lines: list[tuple[str, list[Sum], rs.Verdict | None]]  # None: the label is not in the latest month


def trend_views(rows: dict[tuple[str, str], ForceStats], rules: rs.Rules) -> list[TrendView]:
    """The trends of every table ``rules`` names."""
    views = []
    for table in rules.tables:
        months, series = trend(rows, table)
        judged = rising(rows, table, rules)
        views.append(
            TrendView(
                table=table,
                months=months,
                rising=judged,
                lines=[(label, s, judged.verdicts.get(label)) for label, s in series.items()],
            )
        )
    return views

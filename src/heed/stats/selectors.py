"""What the national owner reads of the forces' statistics: the newest file of each force for each month,
national figures (sums of the published numbers, saying how many cells were suppressed rather than counting
them as zero), per-force figures, and each label's national figure month by month (trends)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from heed.stats import fileformat as ff
from heed.stats.models import ForceStats
from heed.stats.suppress import PRIMARY, SECONDARY


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

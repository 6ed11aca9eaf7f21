"""Small-number suppression for tables of counts with totals (pure Python: no Django).

The rule, exactly:

1. **Primary.** Every entry (cell or total) from 1 to 4 is published as ``"<5"``. Zero is published as 0
   (a count of none discloses nobody), unless step 2 withholds it.
2. **Secondary.** Each line (a row of cells with its row total; a column with its column total; the row of
   column totals and the column of row totals, each with the grand total) is one equation: its cells add up
   to its total. A reader knows a ``"<5"`` lies in 1..4 and a withheld entry (``"*"``) is any number from 0
   up. A line *exposes* a hidden entry when that equation and those bounds leave it a single possible value
   (the plainest case: the total minus the published cells equals the one hidden cell). While some line
   exposes an entry and still has an entry published, the smallest published cell of that line (zeros
   first, then the smallest count; its total only when no cell is left) is withheld as ``"*"``; repeated over
   every line until nothing changes (a fixed point: each pass only ever hides more, so it ends).

A line whose every entry is already hidden is left as it is (``[1, 1, 1, 1]`` with a total of ``"<5"`` still
says each is 1; nothing published remains to hide). The check is line by line: a hidden entry that only a
combination of several lines pins down (possible in a two-way table) is not looked for.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

THRESHOLD = 5
PRIMARY = "<5"  # a count from 1 to 4
SECONDARY = "*"  # withheld so that a small number cannot be worked out from the totals (any number, 0 up)
MARKERS = frozenset({PRIMARY, SECONDARY})

Published = int | str
K = TypeVar("K", bound=Hashable)
Line = tuple[Sequence[K], K]  # the cells of a line and its total


def bounds(value: Published) -> tuple[float, float]:
    """What a reader knows of a published entry: its value, or the range its marker stands for."""
    if value == PRIMARY:
        return 1, THRESHOLD - 1
    if value == SECONDARY:
        return 0, math.inf
    assert isinstance(value, int)
    return value, value


def exposed(cells: Sequence[Published], total: Published) -> bool:
    """Whether a line (its cells as published and its total as published) leaves some hidden entry with a
    single possible value. The line says sum(cells) - total = 0."""
    terms = [(1, bounds(c), c in MARKERS) for c in cells] + [(-1, bounds(total), total in MARKERS)]
    for k, (sign, (lo, hi), hidden) in enumerate(terms):
        if not hidden:
            continue
        # sign * x_k = -(sum of the other terms); the others' sum ranges over [low, high].
        low = sum(s * (b[0] if s > 0 else b[1]) for j, (s, b, _) in enumerate(terms) if j != k)
        high = sum(s * (b[1] if s > 0 else b[0]) for j, (s, b, _) in enumerate(terms) if j != k)
        if sign > 0:
            x_lo, x_hi = max(lo, -high), min(hi, -low)
        else:
            x_lo, x_hi = max(lo, low), min(hi, high)
        if x_lo >= x_hi:
            return True
    return False


def suppress_lines(values: Mapping[K, int], lines: Sequence[Line[K]]) -> dict[K, Published]:
    """Every entry of ``values`` as published under the rule above, given the lines that tie them."""
    for k, v in values.items():
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            raise ValueError(f"{k!r}: a count must be a whole number from 0 up, not {v!r}")
    out: dict[K, Published] = {k: PRIMARY if 0 < v < THRESHOLD else v for k, v in values.items()}
    order = {k: i for i, k in enumerate(values)}
    changed = True
    while changed:
        changed = False
        for cells, total in lines:
            if not exposed([out[c] for c in cells], out[total]):
                continue
            candidates = [c for c in cells if out[c] not in MARKERS]
            if not candidates and out[total] not in MARKERS:
                candidates = [total]
            if candidates:
                pick = min(candidates, key=lambda c: (values[c], order[c]))
                out[pick] = SECONDARY
                changed = True
    return out


@dataclass(frozen=True)
class Counts:
    """A one-way table as published: its cells (by label, in the order given) and their total."""

    cells: dict[str, Published]
    total: Published


def suppress_counts(counts: Mapping[str, int]) -> Counts:
    """A one-way table of counts (one line: the cells and their total) as published."""
    total_key = ("total",)
    values: dict[object, int] = {("cell", label): v for label, v in counts.items()}
    values[total_key] = sum(counts.values())
    out = suppress_lines(values, [([("cell", label) for label in counts], total_key)])
    return Counts(cells={label: out[("cell", label)] for label in counts}, total=out[total_key])


@dataclass(frozen=True)
class Table:
    """A two-way table as published: cells by row and column, row totals, column totals, the grand total."""

    cells: dict[str, dict[str, Published]]
    row_totals: dict[str, Published]
    column_totals: dict[str, Published]
    total: Published


def suppress_table(counts: Mapping[str, Mapping[str, int]], columns: Sequence[str] | None = None) -> Table:
    """A two-way table of counts (rows of cells by column; a missing cell is 0) as published, with its row,
    column and grand totals."""
    rows = list(counts)
    cols = list(columns) if columns is not None else sorted({c for r in counts.values() for c in r})
    values: dict[tuple[str, str, str], int] = {}
    for r in rows:
        for c in cols:
            values[("cell", r, c)] = int(counts[r].get(c, 0))
    for r in rows:
        values[("row", r, "")] = sum(values[("cell", r, c)] for c in cols)
    for c in cols:
        values[("col", "", c)] = sum(values[("cell", r, c)] for r in rows)
    grand = ("total", "", "")
    values[grand] = sum(values[("row", r, "")] for r in rows)
    lines: list[Line[tuple[str, str, str]]] = [([("cell", r, c) for c in cols], ("row", r, "")) for r in rows]
    lines += [([("cell", r, c) for r in rows], ("col", "", c)) for c in cols]
    lines.append(([("row", r, "") for r in rows], grand))
    lines.append(([("col", "", c) for c in cols], grand))
    out = suppress_lines(values, lines)
    return Table(
        cells={r: {c: out[("cell", r, c)] for c in cols} for r in rows},
        row_totals={r: out[("row", r, "")] for r in rows},
        column_totals={c: out[("col", "", c)] for c in cols},
        total=out[grand],
    )

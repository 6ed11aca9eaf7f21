"""Small-number suppression for counts tied by totals (pure Python: no Django).

The rule, exactly:

1. **Primary.** Every entry (cell or total) from 1 to 4 is published as ``"<5"``. Zero is published as 0
   (a count of none discloses nobody), unless step 2 withholds it.
2. **Secondary.** Each *line* is one equation a reader knows: its cells add up to its total (a row of a
   two-way table with its row total; a column with its column total; the row totals, and the column totals,
   with the grand total; a one-way table with its total; two tables' totals that are one number, as a line
   of one cell). A reader knows a ``"<5"`` lies in 1..4 and a withheld entry (``"*"``) is any number from 0
   up. Two ways of working out a hidden entry are closed, repeatedly, until neither finds anything (each
   step only hides more, so it ends):

   a. *One line with the bounds*: a line whose equation and its markers' bounds leave a hidden entry a
      single possible value (``9 - 6`` gives the 3; four ``"<5"`` adding up to 16 are 4 each) has its
      smallest published cell (zeros first, then the smallest count; its total only when no cell is left)
      withheld as ``"*"``.
   b. *Several lines solved together*: a hidden entry is *determined* when the published entries and all
      the lines' equations leave it one value, i.e. when its unit vector lies in the row space of the
      equations restricted to the hidden entries (``determined``, exact integer elimination). In a two-way
      table these are the hidden cells not on any cycle of hidden cells (rows and columns as the two sides
      of a graph, hidden cells as its edges, a hidden total as an edge to the margin). For the first such
      entry (in the order given) the cheapest published entries next to the hidden ones around it are
      withheld one at a time (zeros first, then the smallest count) until it is no longer determined, and
      any of them not needed for that (the most costly first) are published again. The result is a small
      set (usually a cycle through the entry), not a proven minimum.

Known limit: step (a) reads the markers' bounds one line at a time; bounds combined across several lines (a
linear programme) are not solved, so a ``"<5"`` may be narrowed (never pinned by one line) by a reader who
does. When nothing published is left around an entry that can still be worked out, a ``"<5"`` next to it
is widened to ``"*"`` (``[1, 1, 1, 1]`` with a total of ``"<5"`` says each is 1; with one cell ``"*"`` it
does not).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
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


# ------------------------------------------------------------------------------ several lines solved together


def _coefficients(line: Line[K]) -> dict[K, int]:
    cells, total = line
    row: dict[K, int] = {}
    for c in cells:
        row[c] = row.get(c, 0) + 1
    row[total] = row.get(total, 0) - 1
    return row


def determined(lines: Sequence[Line[K]], hidden: Iterable[K]) -> set[K]:
    """The hidden entries whose value the lines' equations and the published entries fix exactly.

    Substituting the published values, the lines are ``A x = b`` over the hidden entries ``x``; entry ``h``
    has one value for every solution iff the unit vector ``e_h`` lies in the row space of ``A``, i.e. iff
    some row of ``A``'s reduced row echelon form is ``e_h`` (up to its scale). Exact: integer elimination,
    each row kept divided by its greatest common divisor; no floating point, no tolerance."""
    hidden_set = set(hidden)
    rows: list[dict[K, int]] = []
    for line in lines:
        row = {k: v for k, v in _coefficients(line).items() if v and k in hidden_set}
        if row:
            rows.append(row)
    pivots: list[tuple[K, dict[K, int]]] = []
    for row in rows:
        # Reduce the new row by the pivots so far, then reduce the pivots by it (so the form stays reduced).
        for col, prow in pivots:
            a = row.get(col, 0)
            if a:
                row = _combine(row, prow[col], prow, a)
        if not row:
            continue
        col = next(iter(row))  # any nonzero entry will do: which entries are determined does not depend on it
        for i, (pcol, prow) in enumerate(pivots):
            a = prow.get(col, 0)
            if a:
                pivots[i] = (pcol, _combine(prow, row[col], row, a))
        pivots.append((col, row))
    return {col for col, row in pivots if len(row) == 1}


def _combine(row: dict[K, int], scale: int, other: dict[K, int], factor: int) -> dict[K, int]:
    """``scale * row - factor * other``, zeros dropped, divided by the gcd of what is left."""
    out: dict[K, int] = {}
    for k in row.keys() | other.keys():
        v = scale * row.get(k, 0) - factor * other.get(k, 0)
        if v:
            out[k] = v
    g = 0
    for v in out.values():
        g = math.gcd(g, v)
    if g > 1:
        out = {k: v // g for k, v in out.items()}
    return out


def _propagated(lines: Sequence[Line[K]], published: Mapping[K, Published]) -> set[K]:
    """The hidden entries pinned to one value by the markers' bounds carried from line to line: each line
    narrows each of its hidden entries to what the others' ranges allow (whole numbers), repeated until no
    range changes. Sound (a range always holds the true value) but weaker than a linear programme. Lines
    that no values satisfy are refused (ValueError): they are not what the entries were published under."""
    ranges: dict[K, tuple[float, float]] = {k: bounds(v) for k, v in published.items()}
    hidden = [k for k, v in published.items() if v in MARKERS]
    rows = [_coefficients(line) for line in lines]
    rows = [r for r in rows if any(k in r for k in hidden)]
    for _ in range(100 * (len(rows) + 1)):
        changed = False
        for row in rows:
            for k, sign in row.items():
                if published[k] not in MARKERS:
                    continue
                # sign * x_k = -(sum of the other terms); the others' sum ranges over [low, high].
                low = sum(s * (ranges[j][0] if s > 0 else ranges[j][1]) for j, s in row.items() if j != k)
                high = sum(s * (ranges[j][1] if s > 0 else ranges[j][0]) for j, s in row.items() if j != k)
                lo, hi = (-high / sign, -low / sign) if sign > 0 else (-low / sign, -high / sign)
                old_lo, old_hi = ranges[k]
                new_lo = max(old_lo, math.ceil(lo) if math.isfinite(lo) else lo)
                new_hi = min(old_hi, math.floor(hi) if math.isfinite(hi) else hi)
                if new_lo > new_hi:
                    raise ValueError(f"the lines contradict the published entries (at {k!r})")
                if (new_lo, new_hi) != (old_lo, old_hi):
                    ranges[k] = (new_lo, new_hi)
                    changed = True
        if not changed:
            break
    return {k for k in hidden if ranges[k][0] >= ranges[k][1]}


def disclosed(lines: Sequence[Line[K]], published: Mapping[K, Published]) -> set[K]:
    """The checker: every suppressed entry of ``published`` that a reader can work out, either exactly from
    the lines' equations solved together (``determined``) or from the markers' bounds carried from line to
    line. An empty set when suppression holds."""
    hidden = [k for k, v in published.items() if v in MARKERS]
    return determined(lines, hidden) | _propagated(lines, published)


def _neighbours(lines: Sequence[Line[K]]) -> dict[K, list[int]]:
    out: dict[K, list[int]] = {}
    for i, (cells, total) in enumerate(lines):
        for k in (*cells, total):
            out.setdefault(k, []).append(i)
    return out


def _cover(
    h: K,
    lines: Sequence[Line[K]],
    on_lines: Mapping[K, list[int]],
    out: Mapping[K, Published],
    cost: Mapping[K, tuple[int, int]],
) -> list[K]:
    """Published entries to withhold so that hidden ``h`` can no longer be worked out: grown from the hidden
    entries connected to ``h`` by lines, the cheapest first, then pruned (the costliest first)."""

    def still(added: list[K]) -> bool:
        return h in disclosed(lines, {**out, **dict.fromkeys(added, SECONDARY)})

    added: list[K] = []
    while still(added):
        # The lines reachable from h through hidden entries; their published entries are the frontier.
        seen_lines: set[int] = set()
        todo = [h]
        reached = {h}
        frontier: set[K] = set()
        while todo:
            k = todo.pop()
            for i in on_lines.get(k, ()):
                if i in seen_lines:
                    continue
                seen_lines.add(i)
                cells, total = lines[i]
                for other in (*cells, total):
                    if other in reached:
                        continue
                    if out[other] in MARKERS or other in added:
                        reached.add(other)
                        todo.append(other)
                    else:
                        frontier.add(other)
        if not frontier:
            # Nothing published is left around it: widen a "<5" next to it to "*" (1..4 becomes 0 up), the
            # smallest first. Four "<5" adding up to a "<5" say each is 1; with one of them "*" they do not.
            frontier = {k for k in reached if out[k] == PRIMARY and k not in added and k != h}
            if not frontier:
                frontier = {h} if out[h] == PRIMARY and h not in added else set()
        if not frontier:
            return []
        added.append(min(frontier, key=lambda k: cost[k]))
    for k in sorted(added, key=lambda k: cost[k], reverse=True):
        trial = [a for a in added if a != k]
        if not still(trial):
            added = trial
    return added


def suppress_lines(values: Mapping[K, int], lines: Sequence[Line[K]]) -> dict[K, Published]:
    """Every entry of ``values`` as published under the rule above, given the lines that tie them."""
    for k, v in values.items():
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            raise ValueError(f"{k!r}: a count must be a whole number from 0 up, not {v!r}")
    out: dict[K, Published] = {k: PRIMARY if 0 < v < THRESHOLD else v for k, v in values.items()}
    order = {k: i for i, k in enumerate(values)}
    cost = {k: (values[k], order[k]) for k in values}
    on_lines = _neighbours(lines)
    beyond_help: set[K] = set()  # worked out, with nothing published left around it to withhold
    while True:
        changed = False
        for cells, total in lines:
            if not exposed([out[c] for c in cells], out[total]):
                continue
            candidates = [c for c in cells if out[c] not in MARKERS]
            if not candidates and out[total] not in MARKERS:
                candidates = [total]
            if candidates:
                out[min(candidates, key=lambda c: cost[c])] = SECONDARY
                changed = True
        if changed:
            continue
        found = sorted(disclosed(lines, out) - beyond_help, key=lambda k: order[k])
        if not found:
            return out
        more = _cover(found[0], lines, on_lines, out, cost)
        if not more:
            beyond_help.add(found[0])
        for k in more:
            out[k] = SECONDARY


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


TableKey = tuple[str, str, str]


def table_lines(rows: Sequence[str], cols: Sequence[str]) -> list[Line[TableKey]]:
    """The equations a reader knows of a two-way table with its row, column and grand totals; entries are
    keyed ``("cell", row, column)``, ``("row", row, "")``, ``("col", "", column)``, ``("total", "", "")``."""
    grand = ("total", "", "")
    lines: list[Line[TableKey]] = [([("cell", r, c) for c in cols], ("row", r, "")) for r in rows]
    lines += [([("cell", r, c) for r in rows], ("col", "", c)) for c in cols]
    lines.append(([("row", r, "") for r in rows], grand))
    lines.append(([("col", "", c) for c in cols], grand))
    return lines


def suppress_table(counts: Mapping[str, Mapping[str, int]], columns: Sequence[str] | None = None) -> Table:
    """A two-way table of counts (rows of cells by column; a missing cell is 0) as published, with its row,
    column and grand totals."""
    rows = list(counts)
    cols = list(columns) if columns is not None else sorted({c for r in counts.values() for c in r})
    values: dict[TableKey, int] = {}
    for r in rows:
        for c in cols:
            values[("cell", r, c)] = int(counts[r].get(c, 0))
    for r in rows:
        values[("row", r, "")] = sum(values[("cell", r, c)] for c in cols)
    for c in cols:
        values[("col", "", c)] = sum(values[("cell", r, c)] for r in rows)
    grand = ("total", "", "")
    values[grand] = sum(values[("row", r, "")] for r in rows)
    out = suppress_lines(values, table_lines(rows, cols))
    return Table(
        cells={r: {c: out[("cell", r, c)] for c in cols} for r in rows},
        row_totals={r: out[("row", r, "")] for r in rows},
        column_totals={c: out[("col", "", c)] for c in cols},
        total=out[grand],
    )


def table_entries(t: Table) -> dict[TableKey, Published]:
    """A published two-way table's entries keyed as ``table_lines`` keys them (for ``disclosed``)."""
    out: dict[TableKey, Published] = {
        ("cell", r, c): v for r, cells in t.cells.items() for c, v in cells.items()
    }
    out.update({("row", r, ""): v for r, v in t.row_totals.items()})
    out.update({("col", "", c): v for c, v in t.column_totals.items()})
    out[("total", "", "")] = t.total
    return out

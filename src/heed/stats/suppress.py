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
   b. *Several lines solved together*: a hidden entry is *worked out* when the published entries, all the
      lines and the markers' bounds together leave it a single whole-number value (``disclosed``: exact,
      see there; in a two-way table without bounds these are the hidden cells on no cycle of hidden cells).
      For the first such entry (in the order given) the cheapest published entries next to the hidden ones
      around it are withheld one at a time (zeros first, then the smallest count) until it is no longer
      worked out, and any of them not needed for that (the most costly first) are published again. The
      result is a small set (usually a cycle through the entry), not a proven minimum.

When nothing published is left around an entry that can still be worked out, a ``"<5"`` next to it is
widened to ``"*"`` (``[1, 1, 1, 1]`` with a total of ``"<5"`` says each is 1; with one cell ``"*"`` it does
not). A relation known only as an inequality enters as a line with a ``Slack`` (0 up, never published).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

THRESHOLD = 5
PRIMARY = "<5"  # a count from 1 to 4
SECONDARY = "*"  # withheld so that a small number cannot be worked out from the totals (any number, 0 up)
MARKERS = frozenset({PRIMARY, SECONDARY})

Published = int | str
K = TypeVar("K", bound=Hashable)
Line = tuple[Sequence[K], K]  # the cells of a line and its total


@dataclass(frozen=True)
class Slack:
    """An unknown that a relation known only as an inequality brings into the system (``a <= b`` is the line
    ``a + slack = b``, the slack 0 up). Never published: always hidden, and its value discloses nobody, so
    the checker never reports it and suppression never withholds anything to hide it."""

    name: str


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
    return _exposed([(c, c in MARKERS) for c in cells], (total, total in MARKERS))


def _exposed(cells: Sequence[tuple[Published, bool]], total: tuple[Published, bool]) -> bool:
    """``exposed`` with each entry saying whether its being pinned matters (a ``Slack`` does not)."""
    terms = [(1, bounds(c), judged) for c, judged in cells] + [(-1, bounds(total[0]), total[1])]
    for k, (sign, (lo, hi), judged) in enumerate(terms):
        if not judged:
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
    each row kept divided by its greatest common divisor; no floating point, no tolerance. A ``Slack`` is
    never reported."""
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
    return {col for col, row in pivots if len(row) == 1 and not isinstance(col, Slack)}


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


# --------------------------------------------------------------------------- exact: whole numbers, all lines


SEARCH_BUDGET = 20_000  # search nodes for one connected part of the system, per question


class _OutOfBudget(Exception):
    pass


class _Part:
    """One connected part of the system over its hidden entries (indices ``0..n-1``): each row is
    ``sum(coef * x) + constant = 0``, the published entries folded into the constant."""

    def __init__(self, keys: list[Any], rows: list[tuple[list[tuple[int, int]], int]]) -> None:
        self.keys = keys
        # The rows' reduced row echelon form is added to them (each pivot entry in terms of the free ones):
        # carrying bounds along it is far stronger than along the lines alone (two lines that differ by one
        # entry give it at once), and once the free entries have values every pivot has one.
        reduced, self.contradict = _echelon(rows)
        known = {(tuple(sorted(terms)), const) for terms, const in rows}
        self.rows = rows + [r for r in reduced if (tuple(sorted(r[0])), r[1]) not in known]
        self.pivots = {terms[0][0] for terms, _ in reduced}
        self.on_rows: list[list[int]] = [[] for _ in keys]
        for i, (terms, _) in enumerate(self.rows):
            for j, _coef in terms:
                self.on_rows[j].append(i)

    def narrow(self, lo: list[int], hi: list[int], todo: Iterable[int] | None = None) -> bool:
        """Carry the bounds from row to row (in place, whole numbers) until nothing changes or a fixed amount
        of work is done (the ranges are sound either way); False when no values satisfy the rows."""
        if self.contradict:
            return False
        queue = list(range(len(self.rows))) if todo is None else sorted(set(todo))
        queued = set(queue)
        work = 10 * (len(self.rows) + 1)
        while queue and work > 0:
            work -= 1
            i = queue.pop()
            queued.discard(i)
            terms, const = self.rows[i]
            low = high = const
            for j, a in terms:
                if a > 0:
                    low += a * lo[j]
                    high += a * hi[j]
                else:
                    low += a * hi[j]
                    high += a * lo[j]
            if low > 0 or high < 0:
                return False
            for j, a in terms:
                # a * x_j = -(the rest); the rest ranges over [low - own_low, high - own_high].
                own_low, own_high = (a * lo[j], a * hi[j]) if a > 0 else (a * hi[j], a * lo[j])
                r_lo, r_hi = -(high - own_high), -(low - own_low)
                if a > 0:
                    new_lo, new_hi = -((-r_lo) // a), r_hi // a
                else:
                    new_lo, new_hi = -((-r_hi) // a), r_lo // a
                new_lo, new_hi = max(new_lo, lo[j]), min(new_hi, hi[j])
                if new_lo > new_hi:
                    return False
                if (new_lo, new_hi) != (lo[j], hi[j]):
                    lo[j], hi[j] = new_lo, new_hi
                    for k in self.on_rows[j]:
                        if k not in queued:
                            queued.add(k)
                            queue.append(k)
        return True

    def solve(
        self, lo: list[int], hi: list[int], budget: list[int], high_first: bool, changed: int | None = None
    ) -> list[int] | None:
        """A whole-number solution within the ranges (depth first, splitting the narrowest open range), or
        None when there is none; _OutOfBudget when the search needs more than ``budget`` nodes. ``changed``:
        the one entry whose range is narrower than after the last full narrowing, if so."""
        stack: list[tuple[list[int], list[int], int | None]] = [(list(lo), list(hi), changed)]
        while stack:
            budget[0] -= 1
            if budget[0] < 0:
                raise _OutOfBudget
            lo_, hi_, changed = stack.pop()
            if not self.narrow(lo_, hi_, None if changed is None else self.on_rows[changed]):
                continue
            open_ = [j for j in range(len(lo_)) if lo_[j] < hi_[j]]
            if not open_:
                # Every entry has one value: a solution only if every row holds (the narrowing may have
                # stopped before it read them all).
                if all(sum(a * lo_[j] for j, a in terms) + const == 0 for terms, const in self.rows):
                    return lo_
                continue
            j = min(open_, key=lambda j: (j in self.pivots, hi_[j] - lo_[j]))
            # Dive first (the entry at its lowest value, or highest), then the rest of its range in two
            # halves: a solution is found in a few steps, and a range without one is shown so in a few more.
            a, b = lo_[j], hi_[j]
            if high_first:
                pieces = [(a, (a + b) // 2), ((a + b) // 2 + 1, b - 1), (b, b)]
            else:
                pieces = [((a + b) // 2 + 1, b), (a + 1, (a + b) // 2), (a, a)]
            for p_lo, p_hi in pieces:  # the piece tried first goes on the stack last
                if p_lo <= p_hi:
                    stack.append(([*lo_[:j], p_lo, *lo_[j + 1 :]], [*hi_[:j], p_hi, *hi_[j + 1 :]], j))
        return None


CONSTANT = -1  # the column of a row's constant, in ``_echelon``


def _echelon(
    rows: Sequence[tuple[list[tuple[int, int]], int]],
) -> tuple[list[tuple[list[tuple[int, int]], int]], bool]:
    """The reduced row echelon form of ``sum(coef * x) + constant = 0`` rows (exact integer elimination, as
    ``determined``), each row's pivot first; and whether the rows contradict (``0 = c``, c not 0)."""
    pivots: list[tuple[int, dict[int, int]]] = []
    for terms, const in rows:
        row = dict(terms)
        if const:
            row[CONSTANT] = const
        for col, prow in pivots:
            a = row.get(col, 0)
            if a:
                row = _combine(row, prow[col], prow, a)
        variables = [k for k in row if k != CONSTANT]
        if not variables:
            if row:
                return [], True
            continue
        col = variables[0]
        for i, (pcol, prow) in enumerate(pivots):
            a = prow.get(col, 0)
            if a:
                pivots[i] = (pcol, _combine(prow, row[col], row, a))
        pivots.append((col, row))
    out = []
    for col, row in pivots:
        terms = [(col, row[col])] + [(k, a) for k, a in row.items() if k not in (col, CONSTANT)]
        out.append((terms, row.get(CONSTANT, 0)))
    return out, False


def _parts(
    lines: Sequence[Line[K]], published: Mapping[K, Published], among: set[K] | None = None
) -> list[_Part]:
    """The system split into its connected parts over the hidden entries (published entries are constants);
    with ``among``, only the parts holding one of those entries."""
    hidden = [k for k, v in published.items() if v in MARKERS]
    index = {k: i for i, k in enumerate(hidden)}
    parent = list(range(len(hidden)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    rows: list[tuple[dict[int, int], int]] = []
    for line in lines:
        coefficients = _coefficients(line)
        terms = {index[k]: a for k, a in coefficients.items() if a and k in index}
        if not terms:
            continue
        const = sum(a * int(published[k]) for k, a in coefficients.items() if a and k not in index)
        rows.append((terms, const))
        first, *rest = terms
        for j in rest:
            parent[find(j)] = find(first)
    groups: dict[int, list[int]] = {}
    for i in range(len(hidden)):
        groups.setdefault(find(i), []).append(i)
    by_group: dict[int, list[tuple[dict[int, int], int]]] = {}
    for terms, const in rows:
        by_group.setdefault(find(next(iter(terms))), []).append((terms, const))
    parts = []
    for root, members in groups.items():
        if among is not None and among.isdisjoint(hidden[i] for i in members):
            continue
        local = {i: n for n, i in enumerate(members)}
        part_rows = [
            ([(local[i], a) for i, a in terms.items()], const) for terms, const in by_group.get(root, [])
        ]
        parts.append(_Part([hidden[i] for i in members], part_rows))
    return parts


def _pinned(part: _Part, published: Mapping[Any, Published], cap: int, budget: int) -> set[Any]:
    """The entries of ``part`` with a single whole-number value under its rows and the markers' bounds
    (``"*"`` searched up to ``cap``: a value found is a true one, so the cap can only make an entry look
    pinned, never free), and, when the search runs out of ``budget``, every entry not yet shown to have two
    values. Lines that no values satisfy are refused (ValueError)."""
    n = len(part.keys)
    lo, hi = _ranges(part, published, cap)
    unbounded = [published[k] == SECONDARY for k in part.keys]
    if not part.narrow(lo, hi):
        if not any(unbounded):
            raise ValueError(f"the lines contradict the published entries (at {part.keys[0]!r})")
        return set(part.keys)  # none under the cap: say worked out (never "safe" unsure)
    seen: list[set[int]] = [set() for _ in range(n)]
    left = [budget]

    def keep(solution: list[int]) -> None:
        for j, v in enumerate(solution):
            seen[j].add(v)

    try:
        for high_first in (False, True):
            found = part.solve(lo, hi, left, high_first)
            if found is None:
                if not any(unbounded):
                    raise ValueError(f"the lines contradict the published entries (at {part.keys[0]!r})")
                return set(part.keys)
            keep(found)
    except _OutOfBudget:
        return {part.keys[j] for j in range(n) if len(seen[j]) < 2}
    out: set[Any] = set()
    for j in range(n):
        if len(seen[j]) > 1:
            continue
        if lo[j] == hi[j]:
            out.add(part.keys[j])
            continue
        (v,) = seen[j]
        try:
            other = None
            if lo[j] <= v - 1:
                other = part.solve(lo, [*hi[:j], v - 1, *hi[j + 1 :]], left, True, j)
            if other is None and v + 1 <= hi[j]:
                other = part.solve([*lo[:j], v + 1, *lo[j + 1 :]], hi, left, False, j)
        except _OutOfBudget:
            return out | {part.keys[k] for k in range(j, n) if len(seen[k]) < 2}
        if other is None:
            out.add(part.keys[j])
        else:
            keep(other)
    return out


def feasible(
    lines: Sequence[Line[K]],
    published: Mapping[K, Published],
    among: Iterable[K] | None = None,
    budget: int = SEARCH_BUDGET,
) -> bool:
    """Whether some whole numbers within the published entries' bounds satisfy every line (the unbounded
    ones searched up to a generous cap); with ``among``, only the parts of the system holding those entries
    are searched. A search that runs out of ``budget`` answers True: a relation kept on that answer can only
    make the checker see more."""
    cap = _cap(published)
    for part in _parts(lines, published, None if among is None else set(among)):
        lo, hi = _ranges(part, published, cap)
        if not part.narrow(lo, hi):
            return False
        try:
            if part.solve(lo, hi, [budget], high_first=False) is None:
                return False
        except _OutOfBudget:
            continue
    return True


def _cap(published: Mapping[Any, Published]) -> int:
    """Where the search stops trying larger values of a ``"*"``: far above anything the entries add up to."""
    finite = [v for v in published.values() if isinstance(v, int)]
    return 10 * (sum(finite) + THRESHOLD * len(published)) + 1000


def _ranges(part: _Part, published: Mapping[Any, Published], cap: int) -> tuple[list[int], list[int]]:
    lo = [int(bounds(published[k])[0]) for k in part.keys]
    hi = [cap if published[k] == SECONDARY else int(bounds(published[k])[1]) for k in part.keys]
    return lo, hi


def disclosed(
    lines: Sequence[Line[K]],
    published: Mapping[K, Published],
    among: Iterable[K] | None = None,
    budget: int = SEARCH_BUDGET,
) -> set[K]:
    """The checker: every suppressed entry of ``published`` (or of ``among``) that a reader can work out,
    i.e. that has a single possible whole-number value under all the lines together and the markers' bounds
    (``"<5"``: 1 to 4; ``"*"``: 0 up). Exact for whole numbers: for each hidden entry the search (bounds
    carried from line to line, then branch and bound, in each connected part of the system on its own) finds
    two solutions in which it differs, or shows there is none. It never says "safe" unsure: an entry whose
    search runs out of ``budget`` nodes (or finds no solution with the unbounded entries below a generous
    cap) is counted as worked out, so suppression withholds more around it. ``Slack`` entries are never
    reported. An empty set when suppression holds; ValueError when no values satisfy the lines."""
    wanted = None if among is None else set(among)
    cap = _cap(published)
    out: set[K] = set()
    for part in _parts(lines, published, wanted):
        out |= _pinned(part, published, cap, budget)
    return {k for k in out if not isinstance(k, Slack) and (wanted is None or k in wanted)}


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
        return h in disclosed(lines, {**out, **dict.fromkeys(added, SECONDARY)}, among=(h,))

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
    """Every entry of ``values`` as published under the rule above, given the lines that tie them (a
    ``Slack`` entry is always ``"*"``: it is never published, only known to be 0 up)."""
    for k, v in values.items():
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            raise ValueError(f"{k!r}: a count must be a whole number from 0 up, not {v!r}")
    out: dict[K, Published] = {
        k: SECONDARY if isinstance(k, Slack) else PRIMARY if 0 < v < THRESHOLD else v
        for k, v in values.items()
    }

    def judged(k: K) -> tuple[Published, bool]:
        return out[k], out[k] in MARKERS and not isinstance(k, Slack)

    order = {k: i for i, k in enumerate(values)}
    cost = {k: (values[k], order[k]) for k in values}
    on_lines = _neighbours(lines)
    beyond_help: set[K] = set()  # worked out, with nothing published left around it to withhold
    while True:
        changed = False
        for cells, total in lines:
            if not _exposed([judged(c) for c in cells], judged(total)):
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

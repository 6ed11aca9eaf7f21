"""Small-number suppression (heed.stats.suppress): table-driven cases, the checker (``disclosed``: exact
linear algebra, and bounds carried from line to line), then properties over random tables."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heed.stats.suppress import (
    MARKERS,
    PRIMARY,
    SECONDARY,
    Line,
    Published,
    determined,
    disclosed,
    exposed,
    suppress_counts,
    suppress_table,
    table_entries,
    table_lines,
)


@pytest.mark.parametrize(
    ("counts", "cells", "total"),
    [
        ({"a": 0, "b": 7}, [0, 7], 7),  # 0 is published
        ({"a": 3, "b": 0, "c": 10}, [PRIMARY, SECONDARY, 10], 13),  # the zero hides the 3 (smallest)
        ({"a": 3, "b": 6}, [PRIMARY, SECONDARY], 9),  # 9 - 6 would give the 3
        ({"a": 3, "b": 8, "c": 6}, [PRIMARY, 8, SECONDARY], 17),  # the smaller of 8 and 6
        ({"a": 2, "b": 2}, [PRIMARY, PRIMARY], PRIMARY),  # totals under 5 are suppressed too
        ({"a": 2, "b": 0}, [PRIMARY, 0], PRIMARY),
        # Four "<5" under a total of "<5" say each is 1 (nothing published around them to withhold once the
        # zero is): the smallest "<5" is widened to "*", 0 up.
        (
            {"z": 0, "a": 1, "b": 1, "c": 1, "d": 1},
            [SECONDARY, SECONDARY, PRIMARY, PRIMARY, PRIMARY],
            PRIMARY,
        ),
        ({"a": 1, "b": 1}, [PRIMARY, PRIMARY], PRIMARY),  # 1 + 1 = 2: a "<5" pair is not pinned
        ({"a": 5, "b": 9}, [5, 9], 14),
        ({}, [], 0),
    ],
)
def test_one_way_cases(counts: dict[str, int], cells: list[Any], total: Any) -> None:
    out = suppress_counts(counts)
    assert list(out.cells.values()) == cells
    assert out.total == total


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="whole number"):
        suppress_counts({"a": -1})


def test_two_way_case() -> None:
    t = suppress_table({"r1": {"x": 3, "y": 10}, "r2": {"x": 8, "y": 12}})
    assert t.cells["r1"]["x"] == PRIMARY
    # Row r1 and column x each need a second hidden entry, and so does the row or column that meets them.
    assert t.cells["r1"]["y"] in MARKERS and t.cells["r2"]["x"] in MARKERS
    assert t.cells["r2"]["y"] in MARKERS or (t.row_totals["r2"] in MARKERS)


def _grid(rows: int, cols: int, hidden: set[tuple[int, int]]) -> dict[Any, Published]:
    """A published table of 7s with every margin published and the cells ``hidden`` withheld."""
    entries: dict[Any, Published] = {
        ("cell", f"r{i}", f"c{j}"): SECONDARY if (i, j) in hidden else 7
        for i in range(1, rows + 1)
        for j in range(1, cols + 1)
    }
    entries.update({("row", f"r{i}", ""): 7 * cols for i in range(1, rows + 1)})
    entries.update({("col", "", f"c{j}"): 7 * rows for j in range(1, cols + 1)})
    entries[("total", "", "")] = 7 * rows * cols
    return entries


def _lines(rows: int, cols: int) -> list[Line[Any]]:
    return table_lines([f"r{i}" for i in range(1, rows + 1)], [f"c{j}" for j in range(1, cols + 1)])


def test_a_hidden_cell_on_no_cycle_is_determined_though_every_line_hides_two() -> None:
    # Two 2x2 blocks of hidden cells joined by one hidden cell (r2, c3): each row and column hides at least
    # two entries, so no line alone gives anything away, but rows 1-2 less columns 1-2 leave (r2, c3) alone.
    hidden = {(1, 1), (1, 2), (2, 1), (2, 2), (2, 3), (3, 3), (3, 4), (4, 3), (4, 4)}
    entries = _grid(4, 4, hidden)
    lines = _lines(4, 4)
    assert not any(exposed([entries[c] for c in cells], entries[t]) for cells, t in lines)
    assert disclosed(lines, entries) == {("cell", "r2", "c3")}
    # Hiding one more cell that closes a cycle through it (r1, c3 with r3, c1) protects it.
    assert disclosed(lines, {**_grid(4, 4, hidden | {(1, 3), (3, 1)})}) == set()


@pytest.mark.parametrize(
    ("hidden", "found"),
    [
        ({(1, 1)}, {(1, 1)}),  # a lone hidden cell: its row total less the others
        ({(1, 1), (1, 2)}, {(1, 1), (1, 2)}),  # a row hides two, but each column hides one
        ({(1, 1), (1, 2), (2, 1), (2, 2)}, set()),  # a cycle of four: nothing determined
        ({(1, 1), (1, 2), (2, 2), (2, 3), (3, 3), (3, 1)}, set()),  # a cycle of six
        ({(1, 1), (1, 2), (2, 1), (2, 2), (3, 3)}, {(3, 3)}),  # a cycle and a lone cell
    ],
)
def test_determined_cells_are_those_on_no_cycle(hidden: set[tuple[int, int]], found: set[Any]) -> None:
    entries = _grid(3, 3, hidden)
    keys = [k for k, v in entries.items() if v in MARKERS]
    assert determined(_lines(3, 3), keys) == {("cell", f"r{i}", f"c{j}") for i, j in found}


def test_line_by_line_suppression_was_not_enough() -> None:
    # Found by the property below against the line-by-line rule this module had before: it published
    # (r3, c1) as 0, and then rows r0 and r2 less columns c1 give r1's "<5" in c2 (it is 2).
    counts = {
        "r0": {"c0": 7, "c1": 3, "c2": 5},
        "r1": {"c0": 2, "c1": 5, "c2": 2},
        "r2": {"c0": 6, "c1": 5, "c2": 3},
        "r3": {"c0": 2, "c1": 0, "c2": 0},
    }
    lines = table_lines(list(counts), ["c0", "c1", "c2"])
    line_by_line = table_entries(suppress_table(counts, ["c0", "c1", "c2"]))
    line_by_line[("cell", "r3", "c1")] = 0
    assert disclosed(lines, line_by_line) == {("cell", "r1", "c2")}
    t = suppress_table(counts, ["c0", "c1", "c2"])
    assert t.cells["r3"]["c1"] == SECONDARY  # a zero: the cheapest cell that closes the cycle
    assert disclosed(lines, table_entries(t)) == set()


def test_bounds_carried_from_line_to_line_are_checked() -> None:
    # Each "<5" is at most 4, so row r1 (two "<5" and a published total of 8) pins both to 4 only through
    # the bounds; the checker says so, and suppression withholds the total rather than publish it.
    entries: dict[Any, Published] = {("a",): PRIMARY, ("b",): PRIMARY, ("t",): 8}
    assert disclosed([([("a",), ("b",)], ("t",))], entries) == {("a",), ("b",)}
    assert suppress_counts({"a": 4, "b": 4}).total == SECONDARY


def test_lines_that_contradict_the_entries_are_refused() -> None:
    with pytest.raises(ValueError, match="contradict"):
        disclosed([([("a",)], ("t",))], {("a",): PRIMARY, ("t",): 9})


def _published_ok(value: Any) -> bool:
    return value in MARKERS or (isinstance(value, int) and (value == 0 or value >= 5))


def _recoverable_by_subtraction(cells: list[Any], total: Any) -> bool:
    """The plain attack: a published total minus the published cells is exactly one hidden cell."""
    hidden = [c for c in cells if c in MARKERS]
    return total not in MARKERS and len(hidden) == 1


counts = st.integers(min_value=0, max_value=40) | st.integers(min_value=0, max_value=6)
labels = st.lists(st.text("abcdefgh", min_size=1, max_size=3), min_size=0, max_size=8, unique=True)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.text("abcdefghij", min_size=1, max_size=4), counts, max_size=10))
def test_one_way_properties(table: dict[str, int]) -> None:
    out = suppress_counts(table)
    values = [*out.cells.values(), out.total]
    assert all(_published_ok(v) for v in values)
    # Every count from 1 to 4 is "<5"; every published number is the count itself.
    for label, n in table.items():
        shown = out.cells[label]
        assert shown == PRIMARY if 0 < n < 5 else shown in (n, SECONDARY)
    total = sum(table.values())
    assert out.total == (PRIMARY if 0 < total < 5 else total) or out.total == SECONDARY
    cells = list(out.cells.values())
    assert not _recoverable_by_subtraction(cells, out.total)
    # No hidden entry is pinned to one value, unless nothing published is left to hide.
    if exposed(cells, out.total):
        assert all(v in MARKERS for v in values)
    line = [([("cell", label) for label in table], ("total",))]
    entries = {("cell", label): v for label, v in out.cells.items()} | {("total",): out.total}
    assert disclosed(line, entries) == set() or all(v in MARKERS for v in values)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=1, max_value=5).flatmap(
        lambda ncols: st.dictionaries(
            st.text("pqrstuvw", min_size=1, max_size=3),
            st.lists(counts, min_size=ncols, max_size=ncols),
            min_size=1,
            max_size=6,
        )
    )
)
def test_two_way_properties(rows: dict[str, list[int]]) -> None:
    columns = [f"c{i}" for i in range(len(next(iter(rows.values()))))]
    table = {r: dict(zip(columns, v, strict=True)) for r, v in rows.items()}
    t = suppress_table(table, columns)
    entries = [
        *(v for r in t.cells.values() for v in r.values()),
        *t.row_totals.values(),
        *t.column_totals.values(),
        t.total,
    ]
    assert all(_published_ok(v) for v in entries)
    for r in rows:
        for c in columns:
            n = table[r][c]
            assert t.cells[r][c] == PRIMARY if 0 < n < 5 else t.cells[r][c] in (n, SECONDARY)
    lines = [(list(t.cells[r].values()), t.row_totals[r]) for r in rows]
    lines += [([t.cells[r][c] for r in rows], t.column_totals[c]) for c in columns]
    lines += [(list(t.row_totals.values()), t.total), (list(t.column_totals.values()), t.total)]
    for cells, total in lines:
        assert not _recoverable_by_subtraction(cells, total)
        if exposed(cells, total):
            assert all(v in MARKERS for v in [*cells, total])
    # Solved together: no hidden entry is fixed by the equations, nor (unless every entry of the table is
    # hidden, when nothing is left to withhold) pinned by the bounds carried from line to line.
    published = table_entries(t)
    system = table_lines(list(rows), columns)
    assert determined(system, [k for k, v in published.items() if v in MARKERS]) == set()
    assert disclosed(system, published) == set() or all(v in MARKERS for v in published.values())

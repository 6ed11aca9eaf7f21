"""Small-number suppression (heed.stats.suppress): table-driven cases, then properties over random tables."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heed.stats.suppress import (
    MARKERS,
    PRIMARY,
    SECONDARY,
    exposed,
    suppress_counts,
    suppress_table,
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

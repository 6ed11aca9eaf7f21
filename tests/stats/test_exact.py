"""The exact checker (``suppress.disclosed``) against what it must find, and suppression against an
independent brute force: every whole-number assignment of the hidden entries of a small table (and of the
reviewer's months' files) that the lines and the markers' bounds allow is enumerated (values capped small),
and no hidden entry may be left with one possible value. The brute force shares no code with the checker."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heed.stats import fileformat as ff
from heed.stats.suppress import (
    PRIMARY,
    SECONDARY,
    Line,
    Published,
    Slack,
    disclosed,
    exposed,
    suppress_counts,
    suppress_table,
    table_entries,
    table_lines,
)
from tests.stats.hidden import wholly_hidden_around

DATA = Path(__file__).parent / "data"


def _build(month: Mapping[str, Any]) -> dict[str, Any]:
    return ff.build(
        force="TST",
        period="2026-11",
        generated_at=datetime(2026, 12, 1, tzinfo=UTC),
        packs=[],
        calls=month["calls"],
        tables=month["tables"],
        compliance=month["compliance"],
    )


def _doc(published: Mapping[str, Any]) -> dict[str, Any]:
    return {"format": ff.FORMAT, "force": "TST", "period": "2026-11", "packs": [], **published}


# ------------------------------------------------------------------------------------- the brute force


def possible_values(
    lines: Sequence[Line[Any]], published: Mapping[Any, Published], cap: int
) -> dict[Any, set[int]]:
    """Every value each hidden entry takes over all whole-number assignments that satisfy every line, with
    ``"<5"`` in 1..4 and ``"*"`` (and a slack) in 0..cap: plain enumeration, one hidden entry after another,
    a line checked once all its entries have values (and given up early once its cells exceed its total).
    Stops as soon as every hidden entry has shown two values."""
    hidden = [k for k, v in published.items() if v in (PRIMARY, SECONDARY)]
    ranges = {k: range(1, 5) if published[k] == PRIMARY else range(cap + 1) for k in hidden}
    known = {k: v for k, v in published.items() if isinstance(v, int)}
    # The brute force runs over each group of hidden entries tied by lines on its own.
    group = {k: k for k in hidden}

    def root(k: Any) -> Any:
        while group[k] != k:
            k = group[k]
        return k

    for cells, total in lines:
        tied = [k for k in (*cells, total) if k in group]
        for k in tied[1:]:
            group[root(k)] = root(tied[0])
    seen: dict[Any, set[int]] = {k: set() for k in hidden}
    for r in {root(k) for k in hidden}:
        members = [k for k in hidden if root(k) == r]
        mine = [(list(cells), total) for cells, total in lines if any(k in members for k in (*cells, total))]
        if all(k in ranges for cells, total in mine for k in (*cells, total)):
            continue  # nothing published around them: left out (suppression has nothing left to withhold)
        _enumerate(members, ranges, known, mine, seen)
    return seen


def _enumerate(
    hidden: list[Any],
    ranges: Mapping[Any, range],
    known: Mapping[Any, int],
    lines: list[tuple[list[Any], Any]],
    seen: dict[Any, set[int]],
) -> None:
    # Entries in the order the lines reach them, so that lines are complete early.
    order: list[Any] = []
    for cells, total in lines:
        order += [k for k in (total, *cells) if k in ranges and k in hidden and k not in order]
    order += [k for k in hidden if k not in order]
    position = {k: i for i, k in enumerate(order)}
    # The line whose last hidden entry is k gives k's value (the others all have one by then); every other
    # line ending at k is checked.
    ending: dict[int, list[tuple[list[Any], Any]]] = {}
    for cells, total in lines:
        ending.setdefault(max(position[k] for k in (*cells, total) if k in position), []).append(
            (cells, total)
        )
    value: dict[Any, int] = dict(known)

    def forced(k: Any, line: tuple[list[Any], Any]) -> int:
        cells, total = line
        if k == total:
            return sum(value[c] for c in cells)
        return value[total] - sum(value[c] for c in cells if c != k) if cells.count(k) == 1 else -1

    def step(i: int) -> bool:
        if i == len(order):
            for k in order:
                seen[k].add(value[k])
            return all(len(seen[k]) > 1 for k in order)
        k = order[i]
        closing = ending.get(i, [])
        candidates = [forced(k, closing[0])] if closing else list(ranges[k])
        for v in candidates:
            if v not in ranges[k]:
                continue
            value[k] = v
            holds = all(sum(value[c] for c in cells) == value[total] for cells, total in closing)
            if holds and step(i + 1):
                return True
        value.pop(k, None)
        return False

    step(0)


def _worked_out(lines: Sequence[Line[Any]], published: Mapping[Any, Published], cap: int) -> set[Any]:
    return {
        k
        for k, values in possible_values(lines, published, cap).items()
        if len(values) == 1 and not isinstance(k, Slack)
    }


# --------------------------------------------------------------------------------- the brute force itself


def test_the_brute_force_finds_what_a_reader_finds() -> None:
    # 9 - 6 is 3; a "<5" pair adding up to 2 could be 1 + 1 only.
    assert _worked_out([([("a",), ("b",)], ("t",))], {("a",): SECONDARY, ("b",): 6, ("t",): 9}, 12) == {
        ("a",)
    }
    assert _worked_out([([("a",), ("b",)], ("t",))], {("a",): PRIMARY, ("b",): PRIMARY, ("t",): 2}, 12) == {
        ("a",),
        ("b",),
    }
    assert (
        _worked_out([([("a",), ("b",)], ("t",))], {("a",): PRIMARY, ("b",): PRIMARY, ("t",): 5}, 12) == set()
    )


# ------------------------------------------------------------------------------------- the exact checker


def test_bounds_from_several_lines_together_are_read() -> None:
    # x + y + z = 5, x + y = w, w + v = u; x, y, z, v are "<5", w is "*". With u = 7: v is 1..4, so w is
    # 3..6, and x + y is 2..4, so w is 3 or 4: nothing has one value. With u = 8, w is 4..7 and at most 4:
    # w = 4, v = 4, z = 1, though no line alone pins anything.
    lines: list[Line[Any]] = [
        ([("x",), ("y",), ("z",)], ("t",)),
        ([("x",), ("y",)], ("w",)),
        ([("w",), ("v",)], ("u",)),
    ]
    published: dict[Any, Published] = {
        ("x",): PRIMARY,
        ("y",): PRIMARY,
        ("z",): PRIMARY,
        ("t",): 5,
        ("w",): SECONDARY,
        ("v",): PRIMARY,
        ("u",): 7,
    }
    assert disclosed(lines, published) == set() == _worked_out(lines, published, 12)
    eight = {**published, ("u",): 8}
    assert not any(exposed([eight[c] for c in cells], eight[total]) for cells, total in lines)
    assert disclosed(lines, eight) == {("w",), ("v",), ("z",)} == _worked_out(lines, eight, 12)


def test_out_of_budget_counts_as_worked_out() -> None:
    # A free 2x2 block of hidden cells: safe with the search it needs, worked out when the search is cut.
    lines = table_lines(["r1", "r2"], ["c1", "c2"])
    t = suppress_table({"r1": {"c1": 2, "c2": 3}, "r2": {"c1": 3, "c2": 2}}, ["c1", "c2"])
    published = table_entries(t)
    hidden = {k for k, v in published.items() if v in (PRIMARY, SECONDARY)}
    assert disclosed(lines, published) == set()
    assert disclosed(lines, published, budget=1) == hidden


def test_a_slack_is_never_reported() -> None:
    # a <= b as a + s = b: a published 5, b published 5, so s is 0, which discloses nobody.
    lines: list[Line[Any]] = [([("a",), Slack("s")], ("b",))]
    assert disclosed(lines, {("a",): 5, ("b",): 5, Slack("s"): SECONDARY}) == set()


def test_contradicting_lines_are_refused() -> None:
    with pytest.raises(ValueError, match="contradict"):
        disclosed([([("a",), ("b",)], ("t",))], {("a",): PRIMARY, ("b",): PRIMARY, ("t",): 9})


# ------------------------------------------------------------------------------ the reviewer's two months


def test_review_month_open_pinned_across_tables() -> None:
    # Published as suppression did before the checker was exact: outcome open "<5"; crime_recorded and
    # deployed "<5" with the closed calls "*" and the closed calls with outstanding work 0 ... so
    # crime_recorded + deployed = 5 - open is at most 4 from one table and at least 4 from another.
    month = json.loads((DATA / "review_month_open_pinned.json").read_text())
    before = _doc(month["doc"])
    entries, lines = ff.published_system(before)
    assert ("tables", "outcome", "cell", "open") in disclosed(lines, entries)
    assert ("tables", "outcome", "cell", "open") in _worked_out(lines, entries, 12)
    # Built now, nothing can be worked out (by the checker, nor by the brute force).
    doc = _build(month["month"])
    entries, lines = ff.published_system(doc)
    assert disclosed(lines, entries) == set()
    assert _worked_out(lines, entries, 14) == set()


def test_review_month_nfa_base_at_most_the_outcome() -> None:
    # The 7 calls closed "no further action" at medium or high risk are among the outcome no_further_action
    # ("*"); the outcomes other than open add up to 8 closed calls, one of them referred ("<5"): the reader
    # who knows 7 <= no_further_action has referred = 1 and every other outcome 0.
    month = json.loads((DATA / "review_month_nfa_inequality.json").read_text())
    before = _doc(month["doc"])
    entries, lines = ff.published_system(before)
    assert Slack("nfa_outcome") in entries
    assert ("tables", "outcome", "cell", "referred") in disclosed(lines, entries)
    assert ("tables", "outcome", "cell", "referred") in _worked_out(lines, entries, 12)
    doc = _build(month["month"])
    entries, lines = ff.published_system(doc)
    assert disclosed(lines, entries) == set()


# ------------------------------------------------------------------------- random tables, brute-forced

small_counts = st.integers(0, 6) | st.integers(0, 9)


@settings(max_examples=150, deadline=None)
@given(st.lists(small_counts, min_size=1, max_size=5))
def test_no_cell_of_a_one_way_table_has_one_possible_value(cells: list[int]) -> None:
    out = suppress_counts({f"c{i}": n for i, n in enumerate(cells)})
    lines: list[Line[Any]] = [([("cell", f"c{i}") for i in range(len(cells))], ("total",))]
    published = {("cell", label): v for label, v in out.cells.items()} | {("total",): out.total}
    cap = sum(cells) + 2
    for key in _worked_out(lines, published, cap):
        assert wholly_hidden_around(key, lines, published), key


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(min_value=1, max_value=3).flatmap(
        lambda ncols: st.lists(st.lists(small_counts, min_size=ncols, max_size=ncols), min_size=1, max_size=2)
    )
)
def test_no_entry_of_a_two_way_table_has_one_possible_value(rows: list[list[int]]) -> None:
    names = [f"r{i}" for i in range(len(rows))]
    columns = [f"c{j}" for j in range(len(rows[0]))]
    t = suppress_table(
        {r: dict(zip(columns, v, strict=True)) for r, v in zip(names, rows, strict=True)}, columns
    )
    published = table_entries(t)
    lines = table_lines(names, columns)
    cap = sum(map(sum, rows)) + 1
    for key in _worked_out(lines, published, cap):
        assert wholly_hidden_around(key, lines, published), key

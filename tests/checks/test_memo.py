"""The memo tables behind name and identifier normalisation: bounded, and never caching a refusal."""

from __future__ import annotations

import gc

import pytest

from heed.checks.memo import memo, memo2


def test_results_are_remembered_and_the_table_is_bounded() -> None:
    calls: list[str] = []

    @memo(3)
    def shout(text: str) -> str:
        calls.append(text)
        return text.upper()

    assert [shout(t) for t in ("a", "b", "a", "c", "d", "a")] == ["A", "B", "A", "C", "D", "A"]
    # "a" was remembered once; the table emptied when "d" arrived, so "a" was worked out again.
    assert calls == ["a", "b", "c", "d", "a"]


def test_two_argument_calls_are_keyed_by_both() -> None:
    @memo2(10)
    def pair(a: str, b: str) -> str:
        return f"{a}/{b}"

    assert pair("ab", "c") == "ab/c"
    assert pair("a", "bc") == "a/bc"


def test_a_refusal_is_raised_every_time() -> None:
    calls: list[str] = []

    @memo(10)
    def strict(text: str) -> str:
        calls.append(text)
        raise ValueError(text)

    for _ in range(2):
        with pytest.raises(ValueError, match="x"):
            strict("x")
    assert calls == ["x", "x"]


def test_the_table_is_not_walked_by_every_garbage_collection() -> None:
    @memo(100_000)
    def tokens(text: str) -> tuple[str, ...]:
        return tuple(text.split())

    for number in range(1000):
        tokens(f"name {number}")
    gc.collect()
    table = next(
        cell.cell_contents for cell in tokens.__closure__ or () if isinstance(cell.cell_contents, dict)
    )
    assert len(table) == 1000
    assert not gc.is_tracked(table)

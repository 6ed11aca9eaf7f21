"""Whether a line of the national trends is rising (heed.stats.rising, pure): hand-built series, including
suppressed values and too little history, against the thresholds in rising.yaml and against other ones."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from heed.stats.rising import (
    NOT_RISING,
    RISING,
    UNKNOWN,
    Figure,
    Rules,
    judge,
    load_rules,
    months_before,
)

RULES = Rules(previous_months=3, ratio=1.5, at_least_more=10, tables=("platform",))
MONTHS = ["2026-08", "2026-09", "2026-10", "2026-11"]


def n(value: int) -> Figure:
    return Figure(value, value, str(value))


def small(published: int = 0, count: int = 1) -> Figure:
    """``published`` plus ``count`` entries of "<5" (each 1 to 4)."""
    return Figure(published + count, published + 4 * count, f"at least {published + count}")


def withheld(published: int = 0) -> Figure:
    return Figure(published, math.inf, f"at least {published}")


def series(*values: Figure | None) -> dict[str, Figure]:
    return {m: v for m, v in zip(MONTHS, values, strict=True) if v is not None}


@pytest.mark.parametrize(
    ("figures", "state", "words"),
    [
        # 30 against an average of 12: 2.5 times and 18 more.
        (series(n(10), n(12), n(14), n(30)), RISING, "Rising: 30 in 2026-11 against an average of 12 over"),
        # Exactly 1.5 times and exactly 10 more: rising (both are "at least").
        (series(n(20), n(20), n(20), n(30)), RISING, "Rising: 30"),
        # 1.5 times but only 9 more: a small line doubling is not flagged.
        (series(n(6), n(6), n(6), n(15)), NOT_RISING, "Not rising: 15 in 2026-11"),
        # 12 more but only 1.2 times.
        (series(n(60), n(60), n(60), n(72)), NOT_RISING, "average of 60 over 2026-08 to 2026-10"),
        (series(n(12), n(12), n(12), n(12)), NOT_RISING, "Not rising"),
        (series(n(40), n(30), n(20), n(5)), NOT_RISING, "Not rising"),
        # A "<5" in the history that cannot matter: even at 4 the average is at most 12.
        (series(small(), n(12), n(20), n(40)), RISING, "average of between 11 and 12"),
        # A "<5" that does matter: the latest is 10 to 13 against an average of 2 (8 to 11 more): it depends.
        (series(n(2), n(2), n(2), small(9)), UNKNOWN, "Not enough to tell: at least 10 in 2026-11"),
        # Every month "<5": whatever they are, 4 at most is never 10 more than anything.
        (series(small(), small(), small(), small()), NOT_RISING, "Not rising"),
        # A withheld count in the history: its average could be anything from 10 up.
        (series(withheld(10), n(10), n(10), n(40)), UNKNOWN, "average of at least 10"),
        # A withheld count in the latest month that is already enough: at least 40 against 10.
        (series(n(10), n(10), n(10), withheld(40)), RISING, "Rising: at least 40"),
        # A withheld count in the latest month and nothing published beside it: it could be any number.
        (series(n(10), n(10), n(10), withheld(0)), UNKNOWN, "Not enough to tell"),
        # Too little history: a month missing, or only the latest.
        (series(None, n(10), n(10), n(40)), UNKNOWN, "no figures for 2026-08 (3 months before 2026-11"),
        (series(None, None, None, n(40)), UNKNOWN, "no figures for 2026-08, 2026-09, 2026-10"),
        (series(n(10), n(10), n(10), None), UNKNOWN, "no figures for 2026-11"),
        # From nothing to 10: rising (10 more, and any multiple of 0).
        (series(n(0), n(0), n(0), n(10)), RISING, "Rising"),
    ],
)
def test_judge(figures: dict[str, Figure], state: str, words: str) -> None:
    verdict = judge("2026-11", figures, RULES)
    assert verdict.state == state, verdict.words
    assert words in verdict.words


def test_the_thresholds_are_the_rules_given() -> None:
    figures = series(n(6), n(6), n(6), n(15))
    assert judge("2026-11", figures, RULES).state == NOT_RISING
    looser = Rules(previous_months=3, ratio=1.5, at_least_more=5, tables=())
    assert judge("2026-11", figures, looser).state == RISING
    # One month of history instead of three: only October counts.
    one = Rules(previous_months=1, ratio=1.5, at_least_more=10, tables=())
    assert judge("2026-11", series(None, None, n(10), n(20)), one).state == RISING


def test_months_before_cross_a_year() -> None:
    assert months_before("2027-02", 3) == ["2026-11", "2026-12", "2027-01"]


def test_the_shipped_rules_are_read_from_the_yaml() -> None:
    assert load_rules() == Rules(
        previous_months=3, ratio=1.5, at_least_more=10, tables=("platform", "indicator")
    )


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("previous_months: 0\nratio: 1.5\nat_least_more: 10\ntables: []\n", "previous_months"),
        ("previous_months: 3\nratio: 0.5\nat_least_more: 10\ntables: []\n", "ratio"),
        ("previous_months: 3\nratio: 1.5\nat_least_more: ten\ntables: []\n", "at_least_more"),
        ("previous_months: 2.5\nratio: 1.5\nat_least_more: 10\ntables: []\n", "whole number"),
        ("previous_months: 3\nratio: 1.5\nat_least_more: 10\n", "tables"),
        ("previous_months: 3\nratio: 1.5\nat_least_more: 10\ntables: [platfrom]\n", "platfrom"),
        ("- a list\n", "mapping"),
    ],
)
def test_rules_not_of_their_form_are_refused(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "rising.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=says):
        load_rules(path)

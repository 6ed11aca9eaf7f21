"""Whether a line of the national trends is rising (pure Python: no Django). The thresholds are data
(``rising.yaml`` beside this module); the evaluator is ``judge``.

A figure is what a reader of the published numbers knows of it: a range (``Figure``), exact when nothing in
it was suppressed; ``"<5"`` adds 1 to 4, a withheld ``"*"`` any number from 0 up. A line is

- **rising** when every value the ranges allow passes both tests (the latest month is at least ``ratio``
  times the average of the ``previous_months`` months before it, and at least ``at_least_more`` more);
- **not rising** when no value they allow passes both;
- **not enough to tell** otherwise (suppressed counts leave it open), or when a month before it has no
  figures (too little history).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from heed.stats.fileformat import TABLES

RULES_FILE = Path(__file__).with_name("rising.yaml")

RISING = "rising"
NOT_RISING = "not_rising"
UNKNOWN = "unknown"
LABELS = {RISING: "Rising", NOT_RISING: "Not rising", UNKNOWN: "Not enough to tell"}


@dataclass(frozen=True)
class Rules:
    """The thresholds (rising.yaml)."""

    previous_months: int
    ratio: float
    at_least_more: int
    tables: tuple[str, ...]


def load_rules(path: Path = RULES_FILE) -> Rules:
    """The rules in ``path``; ValueError naming the setting that is missing or not of its form."""
    data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: not a mapping of settings")

    def number(key: str, kind: type, least: float) -> Any:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < least:
            raise ValueError(f"{path}: {key} must be a number of at least {least}, not {value!r}")
        if kind is int and not isinstance(value, int):
            raise ValueError(f"{path}: {key} must be a whole number, not {value!r}")
        return kind(value)

    tables = data.get("tables")
    if not isinstance(tables, list) or not all(isinstance(t, str) for t in tables):
        raise ValueError(f"{path}: tables must be a list of table names")
    unknown = [t for t in tables if t not in TABLES]
    if unknown:
        raise ValueError(f"{path}: tables: not tables of the statistics file: {', '.join(unknown)}")
    return Rules(
        previous_months=number("previous_months", int, 1),
        ratio=number("ratio", float, 1),
        at_least_more=number("at_least_more", int, 0),
        tables=tuple(tables),
    )


@dataclass(frozen=True)
class Figure:
    """What is known of one month's figure: it lies in ``low``..``high`` (``high`` may be infinite);
    ``text`` is how the page writes it ("12", "at least 10 (9 published + 1 × <5)")."""

    low: float
    high: float
    text: str

    @property
    def exact(self) -> bool:
        return self.low == self.high


@dataclass(frozen=True)
class Verdict:
    state: str  # RISING, NOT_RISING or UNKNOWN
    words: str  # the whole judgement in a sentence

    @property
    def label(self) -> str:
        return LABELS[self.state]


def months_before(month: str, n: int) -> list[str]:
    """The ``n`` calendar months before ``month`` (YYYY-MM), oldest first."""
    year, mon = (int(x) for x in month.split("-"))
    out = []
    for _ in range(n):
        year, mon = (year - 1, 12) if mon == 1 else (year, mon - 1)
        out.append(f"{year:04d}-{mon:02d}")
    return out[::-1]


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"


def _average(lo: float, hi: float) -> str:
    if lo == hi:
        return _number(lo)
    if math.isinf(hi):
        return f"at least {_number(lo)}"
    return f"between {_number(lo)} and {_number(hi)}"


def judge(latest: str, figures: Mapping[str, Figure], rules: Rules) -> Verdict:
    """The verdict on one line whose figure for each month is ``figures[month]`` (a month missing: no
    figures that month), for its month ``latest``."""
    before = months_before(latest, rules.previous_months)
    span = f"{before[0]} to {before[-1]}" if len(before) > 1 else before[0]
    now = figures.get(latest)
    missing = [m for m in before if m not in figures]
    if now is None:
        return Verdict(UNKNOWN, f"Not enough to tell: no figures for {latest}.")
    if missing:
        return Verdict(
            UNKNOWN,
            f"Not enough to tell: no figures for {', '.join(missing)} "
            f"({rules.previous_months} months before {latest} are needed).",
        )
    history: Sequence[Figure] = [figures[m] for m in before]
    mean_lo = sum(f.low for f in history) / len(history)
    mean_hi = sum(f.high for f in history) / len(history)
    said = f"{now.text} in {latest} against an average of {_average(mean_lo, mean_hi)} over {span}"
    surely = now.low >= rules.ratio * mean_hi and now.low - mean_hi >= rules.at_least_more
    never = now.high < rules.ratio * mean_lo or now.high - mean_lo < rules.at_least_more
    if surely:
        return Verdict(RISING, f"Rising: {said}.")
    if never:
        return Verdict(NOT_RISING, f"Not rising: {said}.")
    return Verdict(
        UNKNOWN,
        f"Not enough to tell: {said}; counts suppressed as <5 or withheld could put it either side of "
        f"{_number(rules.ratio)} times the average and {rules.at_least_more} more.",
    )

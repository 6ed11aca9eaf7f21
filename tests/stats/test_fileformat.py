"""The statistics file's own rules (heed.stats.fileformat, pure): the number of calls is withheld
everywhere once any table of calls has to withhold it, and a document is checked before it is signed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from heed.stats import fileformat as ff
from heed.stats.suppress import PRIMARY, SECONDARY


def build(**kwargs: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "force": "TST",
        "period": "2026-11",
        "generated_at": datetime(2026, 12, 1, tzinfo=UTC),
        "packs": ["national@2026.12.1", "national@2026.12.1+force-tst@3"],
        "calls": 16,
        "tables": {},
        "compliance": {},
    }
    return ff.build(**{**args, **kwargs})


def test_the_number_of_calls_is_withheld_everywhere_once_one_table_must_withhold_it() -> None:
    # Four grades of 4 calls each: every cell is <5, and 16 minus three of them would pin the fourth.
    grades = {"high": 4, "medium": 4, "standard": 4, "not_graded": 4}
    doc = build(tables={"grade": grades, "age_band": {"13-15": 16}})
    assert doc["tables"]["grade"] == {"cells": dict.fromkeys(grades, PRIMARY), "total": SECONDARY}
    assert doc["calls"] == SECONDARY
    assert doc["tables"]["age_band"]["total"] == SECONDARY


def test_a_plain_month_publishes_its_number_of_calls() -> None:
    doc = build(tables={"grade": {"high": 6, "medium": 10, "standard": 0, "not_graded": 0}})
    assert doc["calls"] == 16 and doc["tables"]["grade"]["total"] == 16


def test_a_small_month_is_less_than_five() -> None:
    assert build(calls=3)["calls"] == PRIMARY
    assert build(calls=0)["calls"] == 0


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"generated_at": datetime(2026, 12, 1)}, "time zone"),  # noqa: DTZ001 - a naive time, refused
        ({"force": "tst; DROP"}, "force"),
        ({"period": "2026-13"}, "period"),
        ({"packs": ["Quorra Vantablack SYNTHETIC"]}, "packs"),
        ({"tables": {"platform": {"Quorra SYNTHETIC": 6}}}, "vocabulary"),
    ],
)
def test_a_document_not_of_its_form_is_refused_before_it_is_signed(change: dict[str, Any], says: str) -> None:
    with pytest.raises(ff.StatsFileRefused, match=says):
        build(**change)

"""The national trends on /stats/: each platform and indicator judged rising or not over the forces that
sent every month compared (heed.stats.selectors.rising), shown in words and as a tag in the table."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from heed.stats import fileformat as ff
from heed.stats import rising as rs
from heed.stats import selectors as ss
from heed.stats.services import stats_import
from tests.conftest import sign_in
from tests.stats.test_import import TRUSTED, doc, signed

pytestmark = pytest.mark.django_db

RULES = rs.Rules(previous_months=3, ratio=1.5, at_least_more=10, tables=("platform", "indicator"))


def _months(force: str, counts: dict[str, list[int]]) -> None:
    """Import a file of ``force`` for each of Aug to Nov 2026 with these platform counts (SYNTHETIC)."""
    for i, month in enumerate(["2026-08", "2026-09", "2026-10", "2026-11"]):
        n = {name: values[i] for name, values in counts.items() if values[i] is not None}
        if n:
            stats_import(data=signed(doc(force, month, **n)), trusted=TRUSTED, actor=None)


def test_a_platform_rising_is_flagged_and_the_others_are_not(cast: dict[str, Any]) -> None:
    _months("TST", {"snapchat": [10, 12, 14, 40], "roblox": [6, 6, 6, 7]})
    judged = ss.rising(ss.newest(), "platform", RULES)
    assert judged.latest == "2026-11" and judged.compared == ["2026-08", "2026-09", "2026-10"]
    assert judged.rising == ["snapchat"]
    assert judged.verdicts["roblox"].state == rs.NOT_RISING
    assert judged.verdicts["discord"].state == rs.NOT_RISING  # 0 every month


def test_a_force_without_the_earlier_months_is_left_out_rather_than_counted_as_a_rise(
    cast: dict[str, Any],
) -> None:
    _months("TST", {"snapchat": [12, 12, 12, 12]})
    stats_import(data=signed(doc("OTH", "2026-11", snapchat=300)), trusted=TRUSTED, actor=None)
    judged = ss.rising(ss.newest(), "platform", RULES)
    assert judged.forces == ["TST"] and judged.left_out == ["OTH"]
    assert judged.verdicts["snapchat"].state == rs.NOT_RISING


def test_suppressed_counts_that_matter_say_not_enough_to_tell(cast: dict[str, Any]) -> None:
    # roblox at "<5" in the history and 12 now: 8 to 11 more than the average, so it depends.
    _months("TST", {"snapchat": [12, 12, 12, 12], "roblox": [3, 3, 3, 12]})
    verdict = ss.rising(ss.newest(), "platform", RULES).verdicts["roblox"]
    assert verdict.state == rs.UNKNOWN and verdict.words.startswith("Not enough to tell")


def test_too_little_history_says_not_enough_to_tell(cast: dict[str, Any]) -> None:
    _months("TST", {"snapchat": [None, None, 12, 40]})
    verdict = ss.rising(ss.newest(), "platform", RULES).verdicts["snapchat"]
    assert verdict.state == rs.UNKNOWN and "no force sent figures for 2026-11 and each of" in verdict.words


def test_a_label_in_no_earlier_month_is_not_enough_to_tell_rather_than_a_rise(cast: dict[str, Any]) -> None:
    # An indicator newly national: in no file before November (its calls were "local" then), 40 now.
    for month, indicators in (
        ("2026-08", {"gifts": 9, "local": 40}),
        ("2026-09", {"gifts": 9, "local": 41}),
        ("2026-10", {"gifts": 9, "local": 39}),
        ("2026-11", {"gifts": 9, "sextortion": 40}),
    ):
        d = ff.build(
            force="TST",
            period=month,
            generated_at=datetime(2026, 12, 1, 2, tzinfo=UTC),
            packs=["national@2026.12.1"],
            calls=60,
            tables={"grade": {"high": 20, "medium": 20, "standard": 20}, "indicator": indicators},
            compliance={},
        )
        stats_import(data=signed(d), trusted=TRUSTED, actor=None)
    judged = ss.rising(ss.newest(), "indicator", RULES)
    verdict = judged.verdicts["sextortion"]
    assert verdict.state == rs.UNKNOWN
    assert verdict.words == (
        "Not enough to tell: sextortion is in none of the counted forces' figures for 2026-08 to 2026-10, "
        "so there is nothing to compare 2026-11 with (a label newly listed, or newly national, was counted "
        "under another before)."
    )
    assert judged.rising == []
    assert judged.verdicts["gifts"].state == rs.NOT_RISING


def test_the_page_says_what_is_rising_in_words_and_in_the_table(cast: dict[str, Any]) -> None:
    _months("TST", {"snapchat": [10, 12, 14, 40], "roblox": [6, 6, 6, 7]})
    page = sign_in(Client(), cast["owner"]).get("/stats/").content.decode()
    assert "Rising in 2026-11: <strong>snapchat</strong>." in page
    assert 'data-table="trend-platform"' in page and 'data-table="trend-indicator"' in page
    row = page.split('data-table="trend-platform"')[1].split('data-label="snapchat"')[1].split("</tr>")[0]
    assert 'data-rising="rising"' in row
    assert '<strong class="govuk-tag govuk-tag--red">Rising</strong>' in row
    assert "Rising: 40 in 2026-11 against an average of 12 over 2026-08 to 2026-10." in row
    roblox = page.split('data-table="trend-platform"')[1].split('data-label="roblox"')[1].split("</tr>")[0]
    assert ">Not rising</strong>" in roblox

"""The statistics file's own rules (heed.stats.fileformat, pure): the file is suppressed as one system, so
an entry shared by several tables (the number of calls, a mirrored figure) is published alike or withheld
alike and nothing hidden can be worked out from the tables together; a document is checked before it is
signed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heed.stats import fileformat as ff
from heed.stats.suppress import PRIMARY, SECONDARY, Slack, determined, disclosed
from tests.stats.hidden import wholly_hidden_around


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


def test_bounds_across_tables_are_closed_too() -> None:
    # The four "<5" grades say at most 16 calls; the age bands' one published cell of 16 would say at least
    # 16, pinning every grade to 4. So that cell is withheld as well as the number of calls.
    doc = build(
        tables={
            "grade": {"high": 4, "medium": 4, "standard": 4, "not_graded": 4},
            "age_band": {"13-15": 16},
            "response": {"none": 16},
            "outcome": {"open": 16},
        },
        compliance={name: {"yes": 6, "no": 10} for name in ff.CALL_COMPLIANCE},
    )
    assert doc["tables"]["age_band"]["cells"]["13-15"] == SECONDARY
    assert all(doc["compliance"][n]["total"] == SECONDARY for n in ff.CALL_COMPLIANCE)
    entries, lines = ff.published_system(doc)
    assert disclosed(lines, entries) == set()


def test_a_compliance_figure_over_every_call_cannot_give_the_number_of_calls_back() -> None:
    doc = build(
        tables={"grade": {"high": 4, "medium": 4, "standard": 4, "not_graded": 4}},
        compliance={"needed_checks": {"yes": 16, "no": 0}},
    )
    assert doc["calls"] == SECONDARY
    assert doc["compliance"]["needed_checks"]["total"] == SECONDARY
    assert SECONDARY in doc["compliance"]["needed_checks"]["cells"].values()


def test_mirrored_figures_are_published_alike() -> None:
    # nfa_one_supervisor is nfa_two_supervisors seen from the other side: a "<5" in one is a "<5" in the
    # other, and what one withholds the other withholds.
    doc = build(
        compliance={
            "nfa_two_supervisors": {"yes": 9, "no": 3},
            "nfa_one_supervisor": {"yes": 3, "no": 9},
        }
    )
    two, one = doc["compliance"]["nfa_two_supervisors"], doc["compliance"]["nfa_one_supervisor"]
    assert two["cells"]["no"] == one["cells"]["yes"] == PRIMARY
    assert two["cells"]["yes"] == one["cells"]["no"] == SECONDARY
    assert two["total"] == one["total"]


def _split(draw: Any, n: int, labels: tuple[str, ...] | list[str]) -> dict[str, int]:
    cuts = sorted(draw(st.lists(st.integers(0, n), min_size=len(labels) - 1, max_size=len(labels) - 1)))
    edges = [0, *cuts, n]
    return {label: edges[i + 1] - edges[i] for i, label in enumerate(labels)}


small = st.integers(0, 12) | st.integers(0, 60)


@st.composite
def months(draw: Any) -> dict[str, Any]:
    """Raw counts that keep every relation the definitions make (the shapes figures.py produces)."""
    n = draw(small)
    tables = {name: _split(draw, n, ff.vocabulary(ff.TABLES[name])) for name in ff.CALL_TABLES}
    tables["indicator"] = draw(st.dictionaries(st.sampled_from(["aa", "bb", "cc", "local"]), small))
    tables["platform"] = draw(st.dictionaries(st.sampled_from(["snapchat", "roblox", "other"]), small))
    closed = n - tables["outcome"]["open"]
    compliance = {name: _split(draw, n, ["yes", "no"]) for name in ff.CALL_COMPLIANCE}
    compliance["closed_outstanding"] = _split(draw, closed, ["yes", "no"])
    # The inequalities: nfa's base <= the outcome no_further_action and <= high + medium; the calls with an
    # open look-back finding <= those with one; checks_before_close's base <= the calls that needed checks;
    # advice_recorded's base >= the calls graded standard.
    grade = tables["grade"]
    nfa = draw(st.integers(0, min(tables["outcome"]["no_further_action"], grade["high"] + grade["medium"])))
    two = _split(draw, nfa, ["yes", "no"])
    compliance["nfa_two_supervisors"] = two
    compliance["nfa_one_supervisor"] = {"yes": two["no"], "no": two["yes"]}
    looked = compliance["lookback"]["yes"]
    still_open = draw(st.integers(0, looked))
    compliance["lookback_open"] = {"yes": still_open, "no": n - still_open}
    compliance["checks_before_close"] = _split(
        draw, draw(st.integers(0, compliance["needed_checks"]["yes"])), ["yes", "no"]
    )
    compliance["advice_recorded"] = _split(draw, grade["standard"] + draw(small), ["yes", "no"])
    compliance["closure_refusals"] = draw(st.dictionaries(st.sampled_from(["person_check", "advice"]), small))
    return {"calls": n, "tables": tables, "compliance": compliance}


@settings(max_examples=150, deadline=None)
@given(months())
def test_no_hidden_entry_of_a_file_can_be_worked_out(month: dict[str, Any]) -> None:
    doc = build(**month)
    entries, lines = ff.published_system(doc)
    for value in entries.values():
        assert value in (PRIMARY, SECONDARY) or (isinstance(value, int) and (value == 0 or value >= 5))
    assert determined(lines, [k for k, v in entries.items() if v in (PRIMARY, SECONDARY)]) == set()
    for key in disclosed(lines, entries):
        assert wholly_hidden_around(key, lines, entries), key


def test_a_relation_the_file_contradicts_is_left_out_of_the_readers_view() -> None:
    # 7 calls closed by their outcome, 11 by closed_outstanding (the compliance month is in local time, the
    # file's in UTC): build keeps no equation between them, and the reader's view must not either when the
    # published entries rule it out (it used to add it and then refuse the file: "the lines contradict").
    month = {
        "calls": 20,
        "tables": {
            "grade": {"high": 20},
            "response": {"none": 20},
            "age_band": {"13-15": 20},
            "outcome": {"open": 13, "referred": 6, "deployed": 1},
        },
        "compliance": {"closed_outstanding": {"yes": 6, "no": 5}},
    }
    doc = build(**month)
    entries, lines = ff.published_system(doc)
    assert disclosed(lines, entries) == set()


def test_each_inequality_is_in_the_system_when_it_holds() -> None:
    # Every relation the definitions make as an inequality is a line with its slack, for build and reader.
    doc = build(
        calls=40,
        tables={
            "grade": {"high": 10, "medium": 10, "standard": 20},
            "outcome": {"open": 30, "no_further_action": 10},
        },
        compliance={
            "nfa_two_supervisors": {"yes": 5, "no": 3},
            "nfa_one_supervisor": {"yes": 3, "no": 5},
            "lookback": {"yes": 10, "no": 30},
            "lookback_open": {"yes": 6, "no": 34},
            "needed_checks": {"yes": 20, "no": 20},
            "checks_before_close": {"yes": 10, "no": 5},
            "advice_recorded": {"yes": 15, "no": 10},
            "closed_outstanding": {"yes": 5, "no": 5},
        },
    )
    entries, lines = ff.published_system(doc)
    slacks = {k.name for k, v in entries.items() if isinstance(k, Slack) and v == SECONDARY}
    assert slacks == {
        "nfa_outcome",
        "nfa_grade",
        "lookback_open",
        "checks_before_close",
        "advice_standard",
        "closed_outcome",
    }
    assert all(any(Slack(name) in cells for cells, _ in lines) for name in slacks)
    assert disclosed(lines, entries) == set()

"""Two people act on one call at once: real concurrent requests, each on its own database connection, started
together by a barrier (no sleeps). Runs on SQLite and, in the PostgreSQL pass, on PostgreSQL.

Every change to a call locks its row for the whole transaction (lock_call, or locked), and a
decision carries the version the person saw: of several decisions made from one view exactly one lands, the
rest are refused as stale; appends (log entries) all land, numbered without gaps or clashes.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.concurrency import WORKERS, at_once

from heed.calls import services
from heed.calls.models import Call, NoteEntry, RiskDecision

QUIET = "SYNTHETIC. Mum rang about screen time only; nothing else was said."


def stale(results: list[Any]) -> list[Any]:
    return [r for r in results if isinstance(r, services.CallError) and "changed by someone else" in str(r)]


@pytest.mark.django_db(transaction=True)
def test_of_risk_decisions_made_from_one_view_exactly_one_lands(
    make_call: Any, cast: dict[str, Any], clears_audit: None
) -> None:
    call = make_call(QUIET)
    seen = Call.objects.get(pk=call.pk).version
    results = at_once(
        lambda i: services.risk_set(
            actor=cast["handler"],
            call=Call.objects.get(pk=call.pk),
            risk="medium" if i % 2 else "high",
            rationale="SYNTHETIC: raised after the caller said more about the contact.",
            expected_version=seen,
        )
    )
    landed = [r for r in results if isinstance(r, Call)]
    assert len(landed) == 1, results
    assert len(stale(results)) == WORKERS - 1, results
    decisions = list(RiskDecision.objects.filter(call_id=call.pk))
    assert len(decisions) == 1
    # The record says where the risk really started, and the call holds what the one decision set.
    assert decisions[0].from_risk == "standard"
    assert Call.objects.get(pk=call.pk).risk == decisions[0].to_risk


@pytest.mark.django_db(transaction=True)
def test_of_answers_given_from_one_view_exactly_one_lands(
    make_call: Any, cast: dict[str, Any], clears_audit: None
) -> None:
    call = make_call(QUIET)
    seen = Call.objects.get(pk=call.pk).version
    values = ["yes", "no", "unknown"]
    results = at_once(
        lambda i: services.answers_record(
            actor=cast["handler"],
            call=Call.objects.get(pk=call.pk),
            answers={"threats": values[i % 3]},
            expected_version=seen,
        )
    )
    landed = [r for r in results if isinstance(r, Call)]
    assert len(landed) == 1 and len(stale(results)) == WORKERS - 1, results
    assert Call.objects.get(pk=call.pk).answers["threats"] == landed[0].answers["threats"]


@pytest.mark.django_db(transaction=True)
def test_simultaneous_log_entries_all_land_numbered_in_order(
    make_call: Any, cast: dict[str, Any], clears_audit: None
) -> None:
    call = make_call(QUIET)
    results = at_once(
        lambda i: services.note_add(
            actor=cast["handler" if i % 2 else "supervisor"],
            call=Call.objects.get(pk=call.pk),
            text=f"SYNTHETIC: note {i} from the call.",
        )
    )
    assert all(isinstance(r, NoteEntry) for r in results), results
    numbers = sorted(NoteEntry.objects.filter(call_id=call.pk).values_list("entry_no", flat=True))
    assert numbers == list(range(1, WORKERS + 2))  # the narrative's entry, then one per note

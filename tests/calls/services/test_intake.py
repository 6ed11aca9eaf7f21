"""Taking a new call (services.intake): the first assessment, references, bad input."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from tests.closing import status

from heed.audit.models import AuditEvent
from heed.audit.services import audit_verify
from heed.calls import services
from heed.calls.models import RequiredAction
from heed.calls.selectors import call_text

pytestmark = pytest.mark.django_db


def test_a_new_call_is_assessed_with_evidence_and_itsstatus(make_call: Any) -> None:
    call = make_call()
    assert call.reference.startswith("TST-") and call.status == "open"
    assert call.risk == "high" and call.response == "priority"
    assert call.pack_version.startswith("national@")
    text, _ = call_text(call)
    for ind in call.assessment["indicators"]:
        for ev in ind["evidence"]:
            assert text[ev["start"] : ev["end"]] == ev["text"]
    assert status(call) == {
        code: "outstanding"
        for code in (
            "decisive_questions",
            "person_check",
            "identifier_check",
            "specialist_advice",
            "safeguarding_referral",
            "supervisor_review",
            "vulnerability_flag",
        )
    }
    # Due times run from when each action is required (here, at the opening), by the pack's minutes at high
    # risk; advice and the decisive questions are due by the end of the call, so they have no clock.
    due = {a.code: a for a in RequiredAction.objects.filter(call=call)}
    assert (due["person_check"].due_at - due["person_check"].created_at) == timedelta(minutes=15)
    assert due["person_check"].created_at - call.created_at < timedelta(seconds=5)
    assert due["specialist_advice"].due_at is None
    assert due["decisive_questions"].due_at is None
    assert due["supervisor_review"].due_at is None
    assert "ceop" in call.assessment["suggested_agencies"]
    kinds = [e.event_type for e in AuditEvent.objects.filter(call_id=call.pk)]
    assert kinds[:3] == ["call.created", "note.added", "call.assessed"]
    assert kinds.count("action.updated") == 7
    assert audit_verify().ok


def test_references_are_unique_per_force_and_day(make_call: Any) -> None:
    first, second = make_call("SYNTHETIC. Worried."), make_call("SYNTHETIC. Worried again.")
    assert first.reference != second.reference
    assert int(second.reference[-4:]) == int(first.reference[-4:]) + 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"child_age": 30}, "child.age"),
        ({"child_age": "ten"}, "child.age"),
        ({"caller_relation": "landlord"}, "caller.relation"),
        ({"caller_name": "x" * 201}, "caller.name"),
        ({"answers": {"no_such_question": "yes"}}, "answers.no_such_question"),
        ({"answers": {"asked_to_meet": "perhaps"}}, "answers.asked_to_meet"),
        ({"narrative": "\x00binary"}, "narrative"),
        ({"narrative": "x" * 1_000_001}, "narrative"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(
    make_call: Any, kwargs: dict[str, Any], field: str
) -> None:
    narrative = kwargs.pop("narrative", "SYNTHETIC. Worried about a man online.")
    with pytest.raises(services.CallError) as exc:
        make_call(narrative, **kwargs)
    assert exc.value.field == field
    assert not AuditEvent.objects.filter(event_type="call.created").exists()

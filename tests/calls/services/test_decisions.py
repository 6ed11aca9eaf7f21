"""Decisions (services.decisions, services.records): the closure guard, supervisor review, two approvals for
no further action, deployments, not-applicable, risk decisions and stale decisions."""

from __future__ import annotations

from typing import Any

import pytest
from tests.closing import DECISIVE_ANSWERS, WHY, answer_decisive, do_everything, status

from heed.audit.models import AuditEvent
from heed.audit.services import audit_verify
from heed.calls import services
from heed.calls.models import RequiredAction
from heed.support import services as support

pytestmark = pytest.mark.django_db


def test_closure_refused_until_everything_is_done_then_reviewed(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call()
    with pytest.raises(services.ClosureRefused) as exc:
        services.closure_request(actor=cast["handler"], call=call, outcome="referred", rationale=WHY)
    assert set(exc.value.outstanding) == {
        "decisive_questions",
        "person_check",
        "identifier_check",
        "specialist_advice",
        "safeguarding_referral",
        "vulnerability_flag",
    }
    refused = AuditEvent.objects.get(call_id=call.pk, event_type="closure.refused")
    assert set(refused.after["outstanding"]) == set(exc.value.outstanding)
    do_everything(call, cast)
    call = services.closure_request(actor=cast["handler"], call=call, outcome="referred", rationale=WHY)
    assert call.status == "awaiting_review"
    with pytest.raises(services.CallError, match="changed now"):
        services.note_add(actor=cast["handler"], call=call, text="late note")
    with pytest.raises(services.CallError, match="cannot review"):
        services.review_decide(actor=cast["handler"], call=call, decision="approve", rationale=WHY)
    call = services.review_decide(actor=cast["supervisor"], call=call, decision="approve", rationale=WHY)
    assert call.status == "closed"
    assert status(call)["supervisor_review"] == "done"
    assert audit_verify().ok


def test_return_puts_it_back_with_the_handler(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call()
    do_everything(call, cast)
    call = services.closure_request(actor=cast["handler"], call=call, outcome="referred", rationale=WHY)
    call = services.review_decide(
        actor=cast["supervisor"],
        call=call,
        decision="return",
        rationale=WHY,
        ndm={"options": "SYNTHETIC options"},
    )
    assert call.status == "returned"
    # A note that adds no danger sign (one that did would rightly reopen the advice to give).
    services.note_add(
        actor=cast["handler"],
        call=call,
        text="SYNTHETIC: caller rang back to confirm the name of the school.",
    )
    call = services.closure_request(actor=cast["handler"], call=call, outcome="referred", rationale=WHY)
    assert call.status == "awaiting_review"


def test_no_further_action_on_a_high_risk_call_needs_two_supervisors(
    make_call: Any, cast: dict[str, Any]
) -> None:
    call = make_call()
    do_everything(call, cast)
    nfa_why = WHY + " All checks done; CPT accepted the referral; parents supervising; no offence disclosed."
    call = services.closure_request(
        actor=cast["handler"], call=call, outcome="no_further_action", rationale=nfa_why
    )
    call = services.review_decide(actor=cast["supervisor"], call=call, decision="approve", rationale=WHY)
    assert call.status == "awaiting_review"
    with pytest.raises(services.CallError, match="second, different supervisor"):
        services.review_decide(actor=cast["supervisor"], call=call, decision="approve", rationale=WHY)
    call = services.review_decide(actor=cast["supervisor2"], call=call, decision="approve", rationale=WHY)
    assert call.status == "closed"


def test_a_standard_call_closes_directly_once_advice_is_recorded(
    make_call: Any, cast: dict[str, Any]
) -> None:
    call = make_call("SYNTHETIC. Mum worried about screen time; her son plays Minecraft with school friends.")
    assert call.risk == "standard" and status(call) == {"decisive_questions": "outstanding"}
    with pytest.raises(services.ClosureRefused) as exc:
        services.closure_request(actor=cast["handler"], call=call, outcome="advice_given", rationale=WHY)
    assert exc.value.outstanding == ("decisive_questions", "advice_given")
    support.advice_record(actor=cast["handler"], call=call, agencies=["internet_matters"], method="read_out")
    with pytest.raises(services.ClosureRefused) as exc:
        services.closure_request(actor=cast["handler"], call=call, outcome="advice_given", rationale=WHY)
    assert exc.value.outstanding == ("decisive_questions",)
    # "Don't know" is an answer: with no grooming sign it leaves the call standard, and it may close.
    call = answer_decisive(call, cast["handler"], **dict.fromkeys(DECISIVE_ANSWERS, "unknown"))
    assert call.risk == "standard" and status(call) == {"decisive_questions": "done"}
    call = services.closure_request(actor=cast["handler"], call=call, outcome="advice_given", rationale=WHY)
    assert call.status == "closed"


def test_an_emergency_needs_a_deployment_record(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call(
        "SYNTHETIC. Her daughter Amy (13) is missing now; she left to meet a 30 year old man tonight."
    )
    assert call.response == "emergency"
    assert status(call)["emergency_deployment"] == "outstanding"
    services.deployment_record(actor=cast["handler"], call=call, reference="SYN-INC-0042")
    assert status(call)["emergency_deployment"] == "done"


def test_not_applicable_needs_a_reason_and_the_packs_permission(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call()
    with pytest.raises(services.CallError, match="guidance requires it"):
        services.action_not_applicable(
            actor=cast["handler"], call=call, code="safeguarding_referral", reason=WHY
        )
    with pytest.raises(services.CallError) as exc:
        services.action_not_applicable(actor=cast["handler"], call=call, code="identifier_check", reason="no")
    assert exc.value.field == "reason"
    services.action_not_applicable(actor=cast["handler"], call=call, code="identifier_check", reason=WHY)
    action = RequiredAction.objects.get(call=call, code="identifier_check")
    assert (action.status, action.reason, action.done_by) == ("not_applicable", WHY, cast["handler"])
    services.identifier_checks_run_all(actor=cast["handler"], call=call)
    assert status(call)["identifier_check"] == "not_applicable"  # a person's decision is not undone


def test_lowering_risk_needs_a_rationale_and_below_the_engine_a_supervisor(
    make_call: Any, cast: dict[str, Any]
) -> None:
    call = make_call()
    with pytest.raises(services.CallError) as exc:
        services.risk_set(actor=cast["handler"], call=call, risk="medium", rationale=WHY)
    assert "supervisor" in str(exc.value)
    call = services.risk_set(actor=cast["supervisor"], call=call, risk="medium", rationale=WHY)
    assert call.risk == "medium" and call.engine_risk == "high"
    changed = AuditEvent.objects.get(call_id=call.pk, event_type="risk.changed")
    assert changed.before["risk"] == "high" and changed.after["risk"] == "medium" and changed.after["lowered"]
    assert status(call)["vulnerability_flag"] == "outstanding"  # actions once required stay


def test_a_stale_decision_is_refused_and_nothing_is_lost(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call()
    seen = call.version
    services.risk_set(
        actor=cast["supervisor"], call=call, risk="medium", rationale=WHY, expected_version=seen
    )
    with pytest.raises(services.CallError) as exc:
        services.risk_set(
            actor=cast["supervisor2"], call=call, risk="standard", rationale=WHY, expected_version=seen
        )
    assert exc.value.code == "stale" and "changed by someone else" in str(exc.value)
    call.refresh_from_db()
    assert call.risk == "medium"
    assert AuditEvent.objects.filter(call_id=call.pk, event_type="edit.stale_refused").count() == 1

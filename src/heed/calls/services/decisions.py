"""Decisions on a call (closure, review, risk, not-applicable), each asked of the transition table under the
call's lock and audited, refusals included."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from django.utils import timezone

from heed import textclean as tc
from heed.accounts.models import User
from heed.accounts.roles import Role
from heed.audit.events import EventType
from heed.audit.services import audit_record
from heed.calls import workflow
from heed.calls.actions import PROOFS, actions_refresh, set_action
from heed.calls.models import (
    RISK_ORDER,
    ActionStatus,
    Call,
    ClosureRequest,
    Deployment,
    RequiredAction,
    ReviewDecision,
    RiskDecision,
)
from heed.calls.selectors import decisive_unanswered
from heed.calls.services.assessment import reassess
from heed.calls.services.base import (
    CallError,
    ClosureRefused,
    clean_rationale,
    ensure_editable,
    guidance,
    locked,
    summary,
    touch,
)


def _advice_record(call: Call) -> object | None:
    prove = PROOFS.get("specialist_advice")
    return None if prove is None else prove(call)[1]


def _snapshot(call: Call) -> workflow.Snapshot:
    actions = list(RequiredAction.objects.filter(call=call))
    pending = call.closure_requests.filter(state=ClosureRequest.State.PENDING).last()
    approvals: tuple[int, ...] = ()
    if pending is not None:
        approvals = tuple(
            pending.decisions.filter(decision=ReviewDecision.Decision.APPROVE).values_list(
                "decided_by_id", flat=True
            )
        )
    return workflow.Snapshot(
        status=call.status,
        risk=call.risk,
        response=call.response,
        created_by=call.created_by_id,
        outstanding=tuple(
            a.code for a in actions if a.status == ActionStatus.OUTSTANDING and a.code != "supervisor_review"
        ),
        review_required=any(a.code == "supervisor_review" for a in actions),
        # Any advice recorded at all (the registered proof's record; none registered reads as none given).
        advice_recorded=_advice_record(call) is not None,
        deployment_recorded=Deployment.objects.filter(call=call).exists(),
        decisive_unanswered=tuple(decisive_unanswered(call, guidance(call))),
        requested_by=pending.requested_by_id if pending else None,
        outcome=pending.outcome if pending else None,
        approvals=approvals,
    )


def set_status(call: Call, actor: User, status: str, event: EventType, after: dict[str, Any]) -> None:
    before = {"status": call.status, "version": call.version}
    call.status = status
    touch(call, "status")
    audit_record(
        event_type=event,
        actor=actor,
        call=call,
        obj=call,
        before=before,
        after={"status": status, "version": call.version, **after},
    )


# Refusal codes that name the input at fault; any other refusal is about the call's state (409 in the API).
_REFUSAL_FIELDS = {"rationale_needed": "rationale", "bad_outcome": "outcome", "bad_decision": "decision"}


def _transition(
    call: Call,
    actor: User,
    event: str,
    choice: str,
    rationale: str,
    refused_event: EventType,
    apply: Callable[[workflow.Outcome], None],
) -> workflow.Refusal | None:
    """Ask the transition table (the call locked by the caller's ``locked``): apply an allowed outcome, or
    audit the refusal and return it, for the caller to raise once the transaction has committed the audit."""
    decided = workflow.decide(_snapshot(call), event, actor.pk, choice, rationale)
    if isinstance(decided, workflow.Refusal):
        decided = _naming_questions(decided)
        audit_record(
            event_type=refused_event,
            actor=actor,
            call=call,
            obj=call,
            after={
                "event": event,
                "choice": choice,
                "reason": decided.code,
                "message": decided.message,
                "outstanding": list(decided.outstanding),
                "questions": list(decided.questions),
            },
        )
        return decided
    apply(decided)
    return None


def _naming_questions(refused: workflow.Refusal) -> workflow.Refusal:
    """The refusal saying, in the pack's words, which decisive questions are still to answer."""
    if not refused.questions:
        return refused
    questions = guidance().questions
    asks = "; ".join(f"“{questions[q].text}”" if q in questions else q for q in refused.questions)
    return replace(refused, message=f"{refused.message} Still to answer: {asks} (“don't know” is an answer).")


def raise_refusal(refused: workflow.Refusal | None) -> None:
    if refused is None:
        return
    if refused.code == "outstanding":
        raise ClosureRefused(refused.message, refused.outstanding, "outstanding")
    field = _REFUSAL_FIELDS.get(refused.code)
    raise CallError(refused.message, field, "invalid" if field else "refused")


def closure_request(
    *, actor: User, call: Call, outcome: object, rationale: object, expected_version: object = None
) -> Call:
    """Ask to close: refused with the outstanding list, sent for review, or closed (see workflow)."""
    outcome_s = outcome if isinstance(outcome, str) else ""
    text = clean_rationale(rationale)
    with locked(call, actor, expected_version) as call:

        def apply(decided: workflow.Outcome) -> None:
            closes = decided.to_status == workflow.CLOSED
            request = ClosureRequest.objects.create(
                call=call,
                outcome=outcome_s,
                rationale=text,
                state=ClosureRequest.State.CLOSED if closes else ClosureRequest.State.PENDING,
                requested_by=actor,
                requested_at=timezone.now(),
            )
            after = {"outcome": outcome_s, "rationale": text, "request": request.pk, "note": decided.note}
            set_status(call, actor, decided.to_status, EventType.CLOSURE_REQUESTED, after)

        refused = _transition(call, actor, "request_close", outcome_s, text, EventType.CLOSURE_REFUSED, apply)
    raise_refusal(refused)
    return call


def review_decide(
    *,
    actor: User,
    call: Call,
    decision: object,
    rationale: object,
    ndm: Mapping[str, str] | None = None,
    expected_version: object = None,
) -> Call:
    """A supervisor approves (closing, or the first of two approvals of 'no further action') or returns it."""
    choice = decision if isinstance(decision, str) else ""
    text = clean_rationale(rationale)
    ndm_clean = {
        k: clean_rationale(v, f"ndm.{k}", limit=tc.NDM_STAGE)
        for k, v in (ndm or {}).items()
        if k in NDM_STAGES and v
    }
    with locked(call, actor, expected_version) as call:

        def apply(decided: workflow.Outcome) -> None:
            request = call.closure_requests.get(state=ClosureRequest.State.PENDING)
            review = ReviewDecision.objects.create(
                call=call,
                request=request,
                decision=choice,
                rationale=text,
                ndm=ndm_clean,
                decided_by=actor,
                decided_at=timezone.now(),
            )
            request.state = {
                workflow.CLOSED: ClosureRequest.State.CLOSED,
                workflow.RETURNED: ClosureRequest.State.RETURNED,
            }.get(decided.to_status, ClosureRequest.State.PENDING)
            request.save(update_fields=["state"])
            details = {
                "decision": choice,
                "rationale": text,
                "ndm": ndm_clean,
                "review": review.pk,
                "note": decided.note,
            }
            if decided.to_status == call.status:  # the first of two approvals: the call waits for the second
                audit_record(
                    event_type=EventType.REVIEW_DECIDED,
                    actor=actor,
                    call=call,
                    obj=review,
                    after={**details, "status": call.status},
                )
                touch(call)
            else:
                set_status(call, actor, decided.to_status, EventType.REVIEW_DECIDED, details)
            actions_refresh(call, actor)

        refused = _transition(call, actor, "review", choice, text, EventType.TRANSITION_REFUSED, apply)
    raise_refusal(refused)
    return call


NDM_STAGES = tuple(workflow.NDM_LABELS)


def action_not_applicable(
    *, actor: User, call: Call, code: str, reason: object, expected_version: object = None
) -> RequiredAction:
    """Mark a required action not applicable, with a written reason, where the pack allows it."""
    text = clean_rationale(reason, "reason")
    pack = guidance(call)
    ensure_editable(call)
    if code not in pack.actions:
        raise CallError(f"unknown action {code!r}", "code")
    if not pack.actions[code].may_be_not_applicable:
        raise CallError(
            f"'{pack.actions[code].label}' cannot be marked not applicable: the guidance requires it.",
            "status",
            "refused",
        )
    if len(text) < workflow.MIN_RATIONALE:
        raise CallError(f"Write a reason of at least {workflow.MIN_RATIONALE} characters.", "reason")
    with locked(call, actor, expected_version) as call:
        action = RequiredAction.objects.filter(call=call, code=code).first()
        if action is None:
            raise CallError(f"this call does not require {code!r}", "code", "not_found")
        if action.status == ActionStatus.NOT_APPLICABLE:
            return action
        set_action(call, actor, action, ActionStatus.NOT_APPLICABLE, reason=text)
        touch(call)
    return action


def risk_set(
    *, actor: User, call: Call, risk: object, rationale: object, expected_version: object = None
) -> Call:
    """Record a person's decision on the risk. Lowering it below the engine's reading takes a supervisor;
    every change needs a rationale. Actions already required stay on the call."""

    text = clean_rationale(rationale)
    if not isinstance(risk, str) or risk not in ("high", "medium", "standard"):
        raise CallError("risk must be high, medium or standard", "risk")
    if len(text) < workflow.MIN_RATIONALE:
        raise CallError(f"Write a rationale of at least {workflow.MIN_RATIONALE} characters.", "rationale")
    ensure_editable(call)
    with locked(call, actor, expected_version) as call:
        if risk == call.risk:
            return call
        lowering = RISK_ORDER[risk] < RISK_ORDER.get(call.risk, 0)
        if (
            lowering
            and RISK_ORDER[risk] < RISK_ORDER.get(call.engine_risk, 0)
            and actor.role != Role.SUPERVISOR
        ):
            raise CallError(
                "Only a supervisor can set the risk lower than the engine reads it; ask a supervisor.",
                "risk",
                "refused",
            )
        decision = RiskDecision.objects.create(
            call=call,
            from_risk=call.risk,
            to_risk=str(risk),
            engine_risk=call.engine_risk,
            rationale=text,
            decided_by=actor,
            decided_at=timezone.now(),
        )
        before = summary(call)
        call.risk = str(risk)
        touch(call, "risk")
        audit_record(
            event_type=EventType.RISK_CHANGED,
            actor=actor,
            call=call,
            obj=decision,
            before=before,
            after=summary(call) | {"rationale": text, "lowered": lowering},
        )
        # Raising the risk may require more: re-grade with the new risk so the actions follow it.
        reassess(call, actor)
    return call

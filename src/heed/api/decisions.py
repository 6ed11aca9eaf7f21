"""/api/v1/calls/{id}/advice, referrals, actions, close, reviews, risk, deployments, vulnerability-flag;
/api/v1/referrals/{id}/status and /api/v1/queue: the same services as the pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from heed.accounts.access import CallNotFound, actor_of, may
from heed.accounts.roles import Action
from heed.api.presenters import actions_out, call_out, concealed
from heed.api.schemas import (
    ActionIn,
    ActionOut,
    AdviceIn,
    AdviceOut,
    CallOut,
    CloseIn,
    DeploymentIn,
    ErrorOut,
    FlagIn,
    QueueOut,
    ReferralIn,
    ReferralOut,
    ReferralStatusIn,
    RefusedOut,
    ReviewIn,
    RiskIn,
)
from heed.calls import services
from heed.calls.selectors import access_call_by_id
from heed.security.idempotency import idempotent
from heed.support import services as support
from heed.support.models import Referral
from heed.support.selectors import access_referral_by_id, queue_items

router = Router(tags=["decisions"])
other_router = Router(tags=["referrals and queue"])
ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def referral_out(r: Referral) -> dict[str, Any]:
    return {
        "id": r.pk,
        "call_id": r.call_id,
        "to": r.target,
        "reason": r.reason,
        "status": r.status,
        "due_at": r.due_at,
        "made_by": r.made_by.username,
        "made_at": r.made_at,
        "status_note": r.status_note,
    }


@router.post("/{call_id}/advice", response={201: AdviceOut, **ERRORS}, summary="Record the advice given")
@idempotent("header")
def advice(request: HttpRequest, call_id: int, payload: AdviceIn) -> Status[dict[str, Any]]:
    call = access_call_by_id(actor_of(request), call_id, Action.EDIT)
    rec = support.advice_record(
        actor=actor_of(request),
        call=call,
        agencies=payload.agencies,
        method=payload.method,
        evidence_advice=payload.evidence_advice,
    )
    return Status(
        201,
        {
            "id": rec.pk,
            "agencies": rec.agencies,
            "method": rec.method,
            "evidence_advice": rec.evidence_advice,
            "given_by": rec.given_by.username,
            "given_at": rec.given_at,
            "missing_agencies": [] if concealed(call) else support.advice_missing(call),
            "required_actions": actions_out(call),
        },
    )


@router.post(
    "/{call_id}/referrals", response={201: ReferralOut, **ERRORS}, summary="Refer to CPT or the MASH"
)
@idempotent("header")
def referral(request: HttpRequest, call_id: int, payload: ReferralIn) -> Status[dict[str, Any]]:
    call = access_call_by_id(actor_of(request), call_id, Action.EDIT)
    r = support.referral_make(actor=actor_of(request), call=call, to=payload.to, reason=payload.reason)
    return Status(201, referral_out(r))


@router.post(
    "/{call_id}/actions/{code}",
    response={200: ActionOut, **ERRORS},
    summary="Mark a required action not applicable (with a reason, where the pack allows)",
)
@idempotent("header")
def action(request: HttpRequest, call_id: int, code: str, payload: ActionIn) -> dict[str, Any]:
    call = access_call_by_id(actor_of(request), call_id, Action.EDIT)
    services.action_not_applicable(
        actor=actor_of(request), call=call, code=code, reason=payload.reason, expected_version=payload.version
    )
    return next(a for a in actions_out(call) if a["code"] == code)


@router.post(
    "/{call_id}/close",
    response={200: CallOut, 401: ErrorOut, 404: ErrorOut, 409: RefusedOut, 422: ErrorOut},
    summary="Ask to close: 409 with the outstanding actions, or the call sent for review or closed",
)
@idempotent("header")
def close(request: HttpRequest, call_id: int, payload: CloseIn) -> dict[str, Any]:
    call = access_call_by_id(actor_of(request), call_id, Action.EDIT)
    call = services.closure_request(
        actor=actor_of(request),
        call=call,
        outcome=payload.outcome,
        rationale=payload.rationale,
        expected_version=payload.version,
    )
    return call_out(call)


@router.post(
    "/{call_id}/reviews",
    response={200: CallOut, **ERRORS},
    summary="A supervisor approves or returns (anyone else: 404, as for a call that does not exist)",
)
@idempotent("header")
def review(request: HttpRequest, call_id: int, payload: ReviewIn) -> dict[str, Any]:
    call = access_call_by_id(actor_of(request), call_id, Action.REVIEW)
    call = services.review_decide(
        actor=actor_of(request),
        call=call,
        decision=payload.decision,
        rationale=payload.rationale,
        ndm=payload.ndm,
        expected_version=payload.version,
    )
    return call_out(call)


@router.post("/{call_id}/risk", response={200: CallOut, **ERRORS}, summary="Record a decision on the risk")
@idempotent("header")
def risk(request: HttpRequest, call_id: int, payload: RiskIn) -> dict[str, Any]:
    call = access_call_by_id(actor_of(request), call_id, Action.EDIT)
    call = services.risk_set(
        actor=actor_of(request),
        call=call,
        risk=payload.risk,
        rationale=payload.rationale,
        expected_version=payload.version,
    )
    return call_out(call)


@router.post("/{call_id}/deployments", response={201: CallOut, **ERRORS}, summary="Record a deployment")
@idempotent("header")
def deployment(request: HttpRequest, call_id: int, payload: DeploymentIn) -> Status[dict[str, Any]]:
    call = access_call_by_id(actor_of(request), call_id, Action.EDIT)
    services.deployment_record(
        actor=actor_of(request), call=call, reference=payload.reference, note=payload.note
    )
    return Status(201, call_out(call))


@router.post(
    "/{call_id}/vulnerability-flag", response={201: CallOut, **ERRORS}, summary="Flag the child as vulnerable"
)
@idempotent("header")
def flag(request: HttpRequest, call_id: int, payload: FlagIn) -> Status[dict[str, Any]]:
    call = access_call_by_id(actor_of(request), call_id, Action.EDIT)
    services.vulnerability_flag_record(actor=actor_of(request), call=call, reason=payload.reason)
    return Status(201, call_out(call))


@other_router.post(
    "/referrals/{referral_id}/status",
    response={200: ReferralOut, **ERRORS},
    summary="The receiving team accepts or returns a referral",
)
@idempotent("header")
def referral_status(request: HttpRequest, referral_id: int, payload: ReferralStatusIn) -> dict[str, Any]:
    item = access_referral_by_id(actor_of(request), referral_id)
    support.referral_update(actor=actor_of(request), referral=item, status=payload.status, note=payload.note)
    return referral_out(item)


@other_router.get(
    "/queue", response={200: QueueOut, **ERRORS}, summary="The supervisor's queue, oldest first"
)
def queue(request: HttpRequest) -> dict[str, Any]:
    user = actor_of(request)
    if not may(user, Action.QUEUE):
        raise CallNotFound("queue")
    q = queue_items(user)

    def brief(c: Any) -> dict[str, Any]:
        return {
            "id": c.pk,
            "reference": c.reference,
            "risk": c.risk,
            "status": c.status,
            "since": c.updated_at,
        }

    return {
        "awaiting_review": [brief(c) for c in q["awaiting"]],
        "returned": [brief(c) for c in q["returned"]],
        "overdue_actions": [
            {"call": brief(a.call), "code": a.code, "due_at": a.due_at} for a in q["overdue_actions"]
        ],
        "overdue_referrals": [referral_out(r) for r in q["overdue_referrals"]],
    }

"""/api/v1/calls: the same services as the call pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from heed.accounts.access import CallNotFound, actor_of, may
from heed.accounts.roles import Action
from heed.api.presenters import actions_out, call_out, identifier_check_out, person_check_out
from heed.api.schemas import (
    AnswersIn,
    CallIn,
    CallOut,
    ErrorOut,
    EventOut,
    IdentifierCheckIn,
    IdentifierChecksOut,
    NoteIn,
    PersonCheckOut,
    PersonQueryIn,
)
from heed.audit.models import AuditEvent
from heed.calls import services
from heed.calls.selectors import access_call_by_id
from heed.calls.services import CallError
from heed.security.idempotency import idempotent

router = Router(tags=["calls"])
ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@router.post("", response={201: CallOut, **ERRORS}, summary="Open a call and assess the narrative")
@idempotent("header")
def create_call(request: HttpRequest, payload: CallIn) -> Status[dict[str, Any]]:
    if not may(actor_of(request), Action.CREATE):
        raise CallNotFound("create")
    caller = payload.caller.model_dump() if payload.caller else {}
    child = payload.child.model_dump() if payload.child else {}
    if not payload.narrative.strip():
        raise CallError("the narrative is empty", "narrative")
    call = services.call_create(
        actor=actor_of(request),
        narrative=payload.narrative,
        caller_name=caller.get("name", ""),
        caller_relation=caller.get("relation", ""),
        caller_contact=caller.get("contact", ""),
        child_name=child.get("name", ""),
        child_age=child.get("age"),
        answers=payload.answers,
    )
    return Status(201, call_out(call))


@router.get("/{call_id}", response={200: CallOut, **ERRORS}, summary="A call with its assessment and actions")
def get_call(request: HttpRequest, call_id: int) -> dict[str, Any]:
    call = access_call_by_id(actor_of(request), call_id, Action.VIEW)
    services.call_viewed(actor=actor_of(request), call=call, via="api")
    return call_out(call)


@router.post("/{call_id}/notes", response={201: CallOut, **ERRORS}, summary="Add to the log and reassess")
@idempotent("header")
def add_note(request: HttpRequest, call_id: int, payload: NoteIn) -> Status[dict[str, Any]]:
    call = access_call_by_id(actor_of(request), call_id, Action.EDIT)
    services.note_add(actor=actor_of(request), call=call, text=payload.text)
    call.refresh_from_db()
    return Status(201, call_out(call))


@router.post(
    "/{call_id}/answers",
    response={200: CallOut, **ERRORS},
    summary="Record guided answers (the decisive questions among them) and reassess",
)
@idempotent("header")
def answers(request: HttpRequest, call_id: int, payload: AnswersIn) -> dict[str, Any]:
    call = access_call_by_id(actor_of(request), call_id, Action.EDIT)
    call = services.answers_record(
        actor=actor_of(request), call=call, answers=payload.answers, expected_version=payload.version
    )
    return call_out(call)


@router.post(
    "/{call_id}/person-checks",
    response={201: PersonCheckOut, 503: ErrorOut, **ERRORS},
    summary="Search nominal records for a person named on the call",
)
@idempotent("header")
def person_check(request: HttpRequest, call_id: int, payload: PersonQueryIn) -> Status[dict[str, Any]]:
    call = access_call_by_id(actor_of(request), call_id, Action.EDIT)
    query = payload.model_dump(exclude={"subject", "limit"}, exclude_none=True)
    check = services.person_check_run(
        actor=actor_of(request),
        call=call,
        query=query,
        subject=payload.subject or "",
        k=payload.limit,
    )
    return Status(201, person_check_out(check, call))


@router.post(
    "/{call_id}/identifier-checks",
    response={201: IdentifierChecksOut, **ERRORS},
    summary="Look identifiers up in earlier reports (one, or all named on the call)",
)
@idempotent("header")
def identifier_checks(
    request: HttpRequest, call_id: int, payload: IdentifierCheckIn
) -> Status[dict[str, Any]]:
    call = access_call_by_id(actor_of(request), call_id, Action.EDIT)
    if payload.all:
        checks = services.identifier_checks_run_all(actor=actor_of(request), call=call)
    else:
        if not payload.kind or not payload.value:
            raise CallError("give kind and value, or all: true", "value" if payload.kind else "kind")
        checks = [
            services.identifier_check_run(
                actor=actor_of(request),
                call=call,
                kind=payload.kind,
                value=payload.value,
                platform=payload.platform,
            )
        ]
    return Status(
        201, {"checks": [identifier_check_out(c) for c in checks], "required_actions": actions_out(call)}
    )


@router.get(
    "/{call_id}/timeline", response={200: list[EventOut], **ERRORS}, summary="The call's audit events"
)
def timeline(request: HttpRequest, call_id: int) -> list[dict[str, Any]]:
    call = access_call_by_id(actor_of(request), call_id, Action.TIMELINE)
    services.timeline_viewed(actor=actor_of(request), call=call, via="api")
    return [
        {
            "seq": e.seq,
            "occurred_at": e.occurred_at,
            "event_type": e.event_type,
            "actor": e.actor_label,
            "actor_role": e.actor_role,
            "request_id": e.request_id,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "before": e.before,
            "after": e.after,
            "hash": e.hash,
        }
        for e in AuditEvent.objects.filter(call_id=call.pk).order_by("seq")
    ]

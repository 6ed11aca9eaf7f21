"""/api/v1/training/...: the scenarios, and an attempt driven from outside (start, ask the caller, name the
signs, finish). The attempt's ``call_id`` works with the call endpoints, as on the page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from heed.accounts.access import actor_of, may
from heed.accounts.roles import Action
from heed.api.schemas import (
    AskIn,
    AskOut,
    AttemptIn,
    AttemptStartOut,
    ErrorOut,
    FinishOut,
    ScenarioOut,
    SignsIn,
    SignsOut,
)
from heed.security.idempotency import idempotent
from heed.training import services
from heed.training.library import AttemptNotFound, force_library, national_library
from heed.training.selectors import access_attempt

router = Router(tags=["training"])
ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@router.get("/scenarios", response={200: list[ScenarioOut], **ERRORS}, summary="The scenarios to train on")
def scenarios(request: HttpRequest) -> list[dict[str, Any]]:
    actor = actor_of(request)
    if not may(actor, Action.TRAIN):
        raise AttemptNotFound("scenarios")
    national = national_library()
    return [
        {
            "id": s.id,
            "version": s.version,
            "title": s.title,
            "role": s.role,
            "level": s.level,
            "tags": list(s.tags),
            "source": "national" if s.id in national else "force",
        }
        for s in sorted(force_library(actor.force).values(), key=lambda s: (s.role, s.level, s.id))
    ]


@router.post("/attempts", response={201: AttemptStartOut, **ERRORS}, summary="Start an attempt")
@idempotent("header")
def start(request: HttpRequest, payload: AttemptIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    if not may(actor, Action.TRAIN):
        raise AttemptNotFound("attempts")
    attempt = services.attempt_start(actor=actor, scenario=payload.scenario, mode=payload.mode)
    scenario = services.attempt_scenario(attempt)
    return Status(
        201,
        {
            "id": attempt.pk,
            "call_id": attempt.call_id,
            "role": attempt.role,
            "mode": attempt.mode,
            "opening": scenario.opening,
            "caller": {"name": scenario.caller["name"], "relation": scenario.caller["relation"]},
        },
    )


@router.post("/attempts/{attempt_id}/ask", response={200: AskOut, **ERRORS}, summary="Ask the caller")
@idempotent("header")
def ask(request: HttpRequest, attempt_id: int, payload: AskIn) -> dict[str, Any]:
    attempt = access_attempt(actor_of(request), attempt_id)
    answer = services.attempt_ask(actor=actor_of(request), attempt=attempt, question=payload.question)
    return {"answer": answer.says, "understood": answer.fact is not None}


@router.post(
    "/attempts/{attempt_id}/signs", response={200: SignsOut, **ERRORS}, summary="Name the danger signs heard"
)
@idempotent("header")
def signs(request: HttpRequest, attempt_id: int, payload: SignsIn) -> dict[str, Any]:
    attempt = access_attempt(actor_of(request), attempt_id)
    row = services.attempt_signs(actor=actor_of(request), attempt=attempt, indicators=payload.indicators)
    return {"indicators": row.signs or []}


@router.post("/attempts/{attempt_id}/finish", response={200: FinishOut, **ERRORS}, summary="Finish and score")
@idempotent("header")
def finish(request: HttpRequest, attempt_id: int) -> dict[str, Any]:
    attempt = access_attempt(actor_of(request), attempt_id)
    return services.attempt_finish(actor=actor_of(request), attempt=attempt).as_dict()

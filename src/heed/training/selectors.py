"""Reading training: an attempt (only its trainee, or a trainer or supervisor of the force read-only), what a
trainee did on a training call in the form the scorer reads, and the records that follow a person."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from heed.accounts.access import may, user_active
from heed.accounts.models import User
from heed.accounts.roles import Action
from heed.audit.events import EventType
from heed.audit.models import AuditEvent
from heed.calls.models import (
    Call,
    ClosureRequest,
    Deployment,
    IdentifierCheck,
    PersonCheck,
    ReviewDecision,
    VulnerabilityFlag,
)
from heed.support.models import AdviceRecord, Referral
from heed.training.library import AttemptNotFound
from heed.training.models import Attempt, Question
from heed.training.scoring import CloseRequest, Worked

# A review's decision (calls.ReviewDecision) as the key of a supervisor scenario names it.
REVIEW_DECIDED: dict[str, str] = {
    ReviewDecision.Decision.APPROVE: "approved",
    ReviewDecision.Decision.RETURN: "returned",
}


def access_attempt(user: User, attempt_id: object, *, as_trainee: bool = True) -> Attempt:
    """The attempt ``attempt_id`` if ``user`` is its trainee (``as_trainee``: to work it); or, to read it, a
    trainer or supervisor of the same force. Else AttemptNotFound, the same for every reason."""
    try:
        key = int(str(attempt_id))
    except ValueError:
        raise AttemptNotFound(attempt_id) from None
    if not user_active(user) or not may(user, Action.TRAIN):
        raise AttemptNotFound(attempt_id)
    qs = Attempt.objects.select_related("call", "trainee").filter(pk=key, force_id=user.force_id or 0)
    if as_trainee or not may(user, Action.TRAINING_TEAM):
        qs = qs.filter(trainee=user)
    row = qs.first()
    if row is None:
        raise AttemptNotFound(attempt_id)
    return row


def concealed_on(call: Call) -> bool:
    """Whether the call page hides the danger signs and actions: an unassisted attempt not yet finished."""
    return Attempt.objects.filter(call=call, mode=Attempt.Mode.UNASSISTED, finished_at__isnull=True).exists()


def attempts_of(user: User) -> QuerySet[Attempt]:
    return Attempt.objects.filter(trainee=user).order_by("-started_at", "-id")


def questions_of(attempt: Attempt) -> list[Question]:
    return list(Question.objects.filter(attempt=attempt).order_by("asked_at", "id"))


def worked_on(attempt: Attempt, call: Call, now: datetime) -> Worked:
    """What the trainee did on the attempt's call, as recorded, for the scorer."""
    checks = PersonCheck.objects.filter(call=call).order_by("run_at", "id")
    person_checks = tuple(
        (
            c.run_at,
            tuple(str(r.get("record_id", "")) for r in c.results),
            bool(c.marker_alert),
            " ".join([c.subject, *(str(v) for v in (c.query or {}).values())]).lower(),
        )
        for c in checks
    )
    identifier_checks = tuple(
        (c.run_at, c.strong_key) for c in IdentifierCheck.objects.filter(call=call).order_by("run_at", "id")
    )
    advice = tuple(
        (a.given_at, tuple(a.agencies)) for a in AdviceRecord.objects.filter(call=call).order_by("given_at")
    )
    referral = Referral.objects.filter(call=call).order_by("made_at").first()
    deployment = Deployment.objects.filter(call=call).order_by("recorded_at").first()
    flag = VulnerabilityFlag.objects.filter(call=call).order_by("id").first()
    requests = [
        CloseRequest(outcome=r.outcome, rationale=r.rationale, at=r.requested_at, refused=False)
        for r in ClosureRequest.objects.filter(call=call, requested_by=attempt.trainee)
    ]
    for e in AuditEvent.objects.filter(call_id=call.pk, event_type=EventType.CLOSURE_REFUSED):
        after: dict[str, Any] = e.after or {}
        if e.actor_id != attempt.trainee_id:
            continue
        requests.append(
            CloseRequest(
                outcome=str(after.get("choice", "")),
                rationale="",
                at=e.occurred_at,
                refused=True,
                outstanding=tuple(after.get("outstanding", ())),
            )
        )
    requests.sort(key=lambda r: r.at)
    review = (
        ReviewDecision.objects.filter(call=call, decided_by=attempt.trainee).order_by("-decided_at").first()
    )
    review_text = ""
    if review is not None:
        review_text = " ".join([review.rationale, *[str(v) for v in (review.ndm or {}).values()]])
    asked = tuple((q.guided or None, q.fact or None) for q in Question.objects.filter(attempt=attempt))
    return Worked(
        mode=attempt.mode,
        started_at=attempt.started_at,
        finished_at=now,
        indicators_found=tuple(i["code"] for i in (call.assessment or {}).get("indicators", [])),
        signs_named=tuple(attempt.signs) if attempt.signs is not None else None,
        asked=asked,
        answers=dict(call.answers or {}),
        person_checks=person_checks,
        identifier_checks=identifier_checks,
        advice=advice,
        referral_at=referral.made_at if referral else None,
        deployment_at=deployment.recorded_at if deployment else None,
        flag_at=flag.flagged_at if flag else None,
        risk=call.risk,
        response=call.response,
        close_requests=tuple(requests),
        review_decision=REVIEW_DECIDED.get(review.decision, "") if review else "",
        review_text=review_text,
        review_ndm=dict(review.ndm or {}) if review else {},
    )

"""Drawing a force's monthly dip sample and recording a review of a sampled call: each one locked
transaction with its audit event. The dashboard's CSV, which names handlers (personal data), is made here
so that every download is audited with what it held."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from heed import textclean as tc
from heed.accounts.access import may
from heed.accounts.models import Force, Team, User
from heed.accounts.roles import Action
from heed.audit.events import EventType
from heed.audit.exports import recorded_csv
from heed.audit.services import audit_record
from heed.calls.models import CallStatus
from heed.calls.services.base import clean_rationale
from heed.compliance import figures as cf
from heed.compliance.figures import month_period, month_start, period_calls
from heed.compliance.models import CHECKLIST, Answer, DipDraw, DipReview, DipSample
from heed.training.dashboard import Period

# Three calls per handler a month, unless the settings say otherwise (HEED_DIP_PER_HANDLER).
DEFAULT_PER_HANDLER = 3
MAX_PER_HANDLER = 20


class DipError(Exception):
    """A draw or review refused: ``code`` for machines, the message for people."""

    def __init__(self, message: str, code: str = "invalid", field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.field = field


def per_handler_default() -> int:
    return int(getattr(settings, "HEED_DIP_PER_HANDLER", DEFAULT_PER_HANDLER))


def draw_seed(force: Force, month: date) -> str:
    """The same force and month always draw the same calls from the same closed calls."""
    return f"dip:{force.code}:{month:%Y-%m}"


def _choose(force: Force, month: date, per_handler: int) -> dict[int, list[int]]:
    """Up to ``per_handler`` of each handler's calls taken in the month and now closed, at random (seeded)."""
    closed: dict[int, list[int]] = defaultdict(list)
    rows = (
        period_calls(force, month_period(month))
        .filter(status=CallStatus.CLOSED)
        .order_by("created_by_id", "id")
        .values_list("created_by_id", "id")
    )
    for handler_id, call_id in rows:
        closed[handler_id].append(call_id)
    rng = random.Random(draw_seed(force, month))
    return {h: sorted(rng.sample(ids, min(per_handler, len(ids)))) for h, ids in sorted(closed.items())}


def dip_draw(*, actor: User, month: date, per_handler: int | None = None) -> list[DipSample]:
    """Draw the actor's force's dip sample for ``month``: ``per_handler`` closed calls per handler (all of a
    handler's closed calls when they closed fewer). A month already drawn is not drawn again: its sample is
    returned as it stands, whatever ``per_handler`` says now."""
    if not may(actor, Action.DIP_SAMPLE) or actor.force is None:
        raise DipError("Only a supervisor draws the dip sample.", "refused")
    n = per_handler_default() if per_handler is None else per_handler
    if not 1 <= n <= MAX_PER_HANDLER:
        raise DipError(f"Draw between 1 and {MAX_PER_HANDLER} calls per handler.", "invalid", "per_handler")
    first = month_start(month)
    force = actor.force
    try:
        with transaction.atomic():
            # The force row locked: two draws of one force at once queue here; the second finds the first.
            Force.objects.select_for_update().get(pk=force.pk)
            if DipDraw.objects.filter(force=force, month=first).exists():
                return _drawn(force, first)
            now = timezone.now()
            seed = draw_seed(force, first)
            draw = DipDraw.objects.create(
                force=force, month=first, per_handler=n, seed=seed, drawn_at=now, drawn_by=actor
            )
            chosen = _choose(force, first, n)
            DipSample.objects.bulk_create(
                DipSample(force=force, month=first, handler_id=h, call_id=c, drawn_at=now, drawn_by=actor)
                for h, calls in chosen.items()
                for c in calls
            )
            audit_record(
                event_type=EventType.DIP_DRAWN,
                actor=actor,
                force_code=force.code,
                obj=draw,
                after={
                    "month": first.isoformat(),
                    "per_handler": n,
                    "seed": seed,
                    "calls": {str(h): calls for h, calls in chosen.items()},
                },
            )
    except IntegrityError:  # a draw committed between our check and our insert (no row lock to wait on)
        pass
    return _drawn(force, first)


def _drawn(force: Force, month: date) -> list[DipSample]:
    return list(DipSample.objects.filter(force=force, month=month).order_by("handler_id", "call_id"))


def _answers(raw: Any) -> dict[str, str]:
    given = raw if isinstance(raw, dict) else {}
    out = {}
    for name, question in CHECKLIST:
        value = given.get(name)
        if value not in Answer.values:
            raise DipError(f"Answer yes, partly or no: {question}", "invalid", name)
        out[name] = str(value)
    return out


def dip_review(
    *, actor: User, sample: DipSample, answers: Any, note: object = "", expected_version: object = None
) -> DipReview:
    """Record (or change) the review of a sampled call. ``expected_version`` is the version of the review
    the reviewer saw (None or 0 for none yet): a review changed since is refused, not overwritten."""
    if not may(actor, Action.DIP_SAMPLE) or actor.force_id != sample.force_id:
        raise DipError("Only a supervisor of the force reviews its dip sample.", "refused")
    if sample.handler_id == actor.pk:
        raise DipError("A supervisor does not review a call they took; another must.", "own_call")
    if expected_version is not None and not isinstance(expected_version, int):
        raise DipError("version must be a whole number", "invalid", "version")
    given = _answers(answers)
    text = clean_rationale(note, "note", limit=tc.RATIONALE)
    with transaction.atomic():
        row = DipSample.objects.select_for_update().select_related("force").get(pk=sample.pk)
        review = DipReview.objects.filter(sample=row).first()
        seen = expected_version or 0
        current = review.version if review is not None else 0
        if seen != current:
            raise DipError(
                "Someone else has reviewed this call since you opened it: read their review, then try again.",
                "stale",
            )
        now = timezone.now()
        before = None
        if review is None:
            review = DipReview(sample=row, reviewer=actor, reviewed_at=now, note=text, **given)
        else:
            before = {
                **{n: getattr(review, n) for n, _ in CHECKLIST},
                "note": review.note,
                "version": current,
            }
            for name, value in given.items():
                setattr(review, name, value)
            review.note, review.reviewer, review.reviewed_at = text, actor, now
            review.version = current + 1
        review.full_clean(exclude=["sample", "reviewer"])
        review.save()
        audit_record(
            event_type=EventType.DIP_REVIEWED,
            actor=actor,
            force_code=row.force.code,
            obj=review,
            before=before,
            after={**given, "note": text, "version": review.version, "call": row.call_id},
        )
    return review


def compliance_csv(*, actor: User, period: Period, team: Team | None = None) -> tuple[str, bytes]:
    """The force's compliance figures for ``period`` as CSV (a file name and its bytes), recorded in the
    force's access chain with the period, its digest and how many handlers it names: it holds each
    handler's user name beside their figures, personal data about staff. Nothing is kept on disk. With a
    ``team`` (of the actor's force: the caller resolves it through the access helpers), the team's figures."""
    assert actor.force is not None
    d = cf.dashboard(actor.force, period, team=team)
    name = f"compliance-{period.start.isoformat()}-to-{period.end.isoformat()}.csv"
    data = recorded_csv(
        actor=actor,
        event_type=EventType.COMPLIANCE_EXPORTED,
        object_type="compliance.csv",
        name=name,
        start=period.start,
        end=period.end,
        header=cf.CSV_COLUMNS,
        rows=cf.csv_rows(d),
        force_code=actor.force.code,
        handlers=len(d.handlers),
        team=team.name if team is not None else None,
    )
    return name, data

"""Reading referrals: one the user may answer, and the referrals queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Case, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.utils import timezone

from heed.accounts.models import User
from heed.accounts.roles import Action
from heed.calls.models import (
    RISK_ORDER,
    ActionStatus,
    Call,
    CallStatus,
    ClosureRequest,
    Reminder,
    RequiredAction,
)
from heed.calls.selectors import with_return
from heed.risk import AFTER_CLOSE_REQUEST, default_pack
from heed.support.models import Referral, ReferralStatus


def access_referral_by_id(user: User, referral_id: object, action: str = Action.REFERRALS) -> Referral:
    """A referral of the user's force that the role may answer; else CallNotFound (as for calls)."""
    return Referral.objects.restrict(user, action).select_related("call", "call__force").found(referral_id)


@dataclass(frozen=True)
class Awaiting:
    """A call awaiting review: asked since when, and when its review falls due (the pack's time from then)."""

    call: Call
    requested_at: datetime
    due_at: datetime | None
    overdue: bool


def _awaiting(calls: QuerySet[Call], now: datetime) -> list[Awaiting]:
    pack = default_pack()
    pending = ClosureRequest.objects.filter(call=OuterRef("pk"), state=ClosureRequest.State.PENDING)
    rows = calls.filter(status=CallStatus.AWAITING_REVIEW).annotate(
        requested_at=Subquery(pending.order_by("-requested_at").values("requested_at")[:1])
    )
    out = []
    for call in rows:
        asked: datetime = call.requested_at or call.updated_at
        due = pack.due_times.get(call.risk, {}).get("supervisor_review")
        due_at = (
            asked + timedelta(minutes=due.minutes)
            if due is not None and due.after == AFTER_CLOSE_REQUEST and due.minutes is not None
            else None
        )
        out.append(Awaiting(call, asked, due_at, due_at is not None and due_at < now))
    # Reviews past their due time first (longest overdue first), then the rest, oldest request first.
    return sorted(out, key=lambda a: (not a.overdue, a.due_at if a.overdue else a.requested_at))


def _risk_rank() -> Case:
    return Case(
        *(When(call__risk=risk, then=Value(-rank)) for risk, rank in RISK_ORDER.items() if risk),
        default=Value(0),
        output_field=IntegerField(),
    )


def queue_items(user: Any) -> dict[str, Any]:
    """The supervisor's queue. Returned calls first (each with the reason it was returned, longest returned
    first), then calls awaiting review (overdue reviews first), then overdue actions (highest risk first, then
    longest overdue) and referrals past due. Overdue means past a due time: work due by the close request
    has none, so an open call is not overdue for it."""
    now = timezone.now()
    calls = Call.objects.restrict(user, Action.QUEUE).select_related("created_by")
    overdue_actions = (
        RequiredAction.objects.filter(
            call__in=calls,
            call__status__in=(CallStatus.OPEN, CallStatus.RETURNED),
            status=ActionStatus.OUTSTANDING,
            due_at__lt=now,
        )
        .select_related("call", "call__created_by")
        .order_by(_risk_rank(), "due_at", "id")
    )
    overdue_referrals = (
        Referral.objects.filter(call__in=calls, status=ReferralStatus.SENT, due_at__lt=now)
        .select_related("call", "made_by")
        .order_by("due_at", "id")
    )
    returned = with_return(calls.filter(status=CallStatus.RETURNED)).order_by("returned_at", "id")
    reviews = _awaiting(calls, now)
    return {
        "returned": list(returned),
        "awaiting_reviews": reviews,
        "awaiting": [a.call for a in reviews],
        "overdue_actions": list(overdue_actions),
        "overdue_referrals": list(overdue_referrals),
        # Reminders still standing: one for work done since is cleared (calls.actions.set_action).
        "reminders": Reminder.objects.filter(call__in=calls, cleared_at__isnull=True).count(),
        "now": now,
    }

"""Reading referrals: one the user may answer, and the referrals queue."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from heed.accounts.models import User
from heed.accounts.roles import Action
from heed.calls.models import ActionStatus, Call, CallStatus, Reminder, RequiredAction
from heed.support.models import Referral, ReferralStatus


def access_referral_by_id(user: User, referral_id: object, action: str = Action.REFERRALS) -> Referral:
    """A referral of the user's force that the role may answer; else CallNotFound (as for calls)."""
    return Referral.objects.restrict(user, action).select_related("call", "call__force").found(referral_id)


def queue_items(user: Any) -> dict[str, Any]:
    """The supervisor's queue: awaiting review, returned, overdue actions and referrals, oldest first."""
    now = timezone.now()
    calls = Call.objects.restrict(user, Action.QUEUE).select_related("created_by")
    overdue_actions = (
        RequiredAction.objects.filter(call__in=calls, status=ActionStatus.OUTSTANDING, due_at__lt=now)
        .exclude(call__status=CallStatus.CLOSED)
        .select_related("call", "call__created_by")
        .order_by("due_at")
    )
    overdue_referrals = (
        Referral.objects.filter(call__in=calls, status=ReferralStatus.SENT, due_at__lt=now)
        .select_related("call", "made_by")
        .order_by("due_at")
    )
    return {
        "awaiting": calls.filter(status=CallStatus.AWAITING_REVIEW).order_by("updated_at"),
        "returned": calls.filter(status=CallStatus.RETURNED).order_by("updated_at"),
        "overdue_actions": overdue_actions,
        "overdue_referrals": overdue_referrals,
        "reminders": Reminder.objects.filter(call__in=calls, cleared_at__isnull=True).count(),
        "now": now,
    }

"""Reaching a force's dip sample: only the user's force's, and none unless the role may see compliance."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from heed.accounts.access import CallNotFound, may
from heed.accounts.models import User
from heed.accounts.roles import Action
from heed.compliance.models import DipSample


def samples_of(user: User) -> QuerySet[DipSample]:
    if not may(user, Action.COMPLIANCE):
        return DipSample.objects.none()
    return DipSample.objects.filter(force_id=user.force_id or 0).select_related("call", "handler")


def month_samples(user: User, month: date) -> list[DipSample]:
    return list(
        samples_of(user)
        .filter(month=month)
        .select_related("review", "review__reviewer")
        .order_by("handler__username", "call_id")
    )


def access_sample(user: User, sample_id: object) -> DipSample:
    """The user's force's sampled call ``sample_id``, or CallNotFound (the same for every reason)."""
    try:
        key = int(str(sample_id))
    except ValueError:
        raise CallNotFound(sample_id) from None
    row = samples_of(user).filter(pk=key).first()
    if row is None:
        raise CallNotFound(sample_id)
    return row

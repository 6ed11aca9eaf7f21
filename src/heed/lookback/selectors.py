"""Reading shadow runs, adoptions, look-backs and findings, through the access helpers."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from heed.accounts.access import CallNotFound
from heed.accounts.models import User
from heed.accounts.roles import Action, role_may
from heed.lookback.models import Adoption, LookBackItem, LookBackRun, ShadowRun


def may_guide(user: Any) -> bool:
    """A force administrator governs the force's guidance (installs, shadow runs, adoption, local
    additions)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.force_id is not None
        and role_may(user.role, Action.GUIDANCE)
    )


def may_see_lookback_runs(user: Any) -> bool:
    """Look-back runs and their progress: the force administrator and the safeguarding officers."""
    return may_guide(user) or bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.force_id is not None
        and role_may(user.role, Action.LOOKBACK)
    )


def queue(user: User, *, status: str = LookBackItem.Status.OPEN) -> QuerySet[LookBackItem]:
    """The force's look-back findings for a safeguarding officer: a higher grade first, oldest first."""
    return (
        LookBackItem.objects.restrict(user, Action.LOOKBACK)
        .filter(status=status)
        .select_related("call", "recorded_by")
        .order_by("-risk_rose", "found_at", "id")
    )


def access_item(user: User, item_id: object, *, for_update: bool = False) -> LookBackItem:
    qs = LookBackItem.objects.restrict(user, Action.LOOKBACK).select_related("call", "call__force", "run")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    return qs.found(item_id)


def runs_of(user: User) -> QuerySet[LookBackRun]:
    if not may_see_lookback_runs(user):
        return LookBackRun.objects.none()
    return LookBackRun.objects.filter(force_id=user.force_id or 0)


def access_run(user: User, run_id: object) -> LookBackRun:
    return _found(runs_of(user), run_id)


def shadow_runs_of(user: User) -> QuerySet[ShadowRun]:
    if not may_guide(user):
        return ShadowRun.objects.none()
    return ShadowRun.objects.filter(force_id=user.force_id or 0).select_related("candidate")


def access_shadow(user: User, run_id: object) -> ShadowRun:
    return _found(shadow_runs_of(user), run_id)


def adoptions_of(user: User) -> QuerySet[Adoption]:
    if not may_guide(user):
        return Adoption.objects.none()
    return Adoption.objects.filter(force_id=user.force_id or 0).select_related("pack", "shadow_run")


M = TypeVar("M", bound=Model)


def _found(qs: QuerySet[M], pk: object) -> M:
    try:
        key = int(str(pk))
    except ValueError:
        raise CallNotFound(pk) from None
    row = qs.filter(pk=key).first()
    if row is None:
        raise CallNotFound(pk)
    return row

"""Access helpers: the only way views, endpoints and commands reach a call.

A call of another force, a call that does not exist, and an action the user's role may not take all raise the
same ``CallNotFound``: nobody learns from an error that a record exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import HttpRequest

from heed.accounts.roles import Action, role_may

if TYPE_CHECKING:
    from heed.accounts.models import User
    from heed.calls.models import Call
    from heed.support.models import Referral


class CallNotFound(Exception):
    """No call with that id that this user may act on in this way."""


def user_active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.force_id is not None)


def restrict_calls(queryset: QuerySet[Call], user: User, action: str = Action.VIEW) -> QuerySet[Call]:
    """Only the calls of the user's force, and none at all if the role may not take ``action``."""
    if not user_active(user) or not role_may(user.role, action):
        return queryset.none()
    return queryset.filter(force_id=user.force_id or 0)


def access_call_by_id(
    user: User, call_id: object, action: str = Action.VIEW, *, for_update: bool = False
) -> Call:
    """The call ``call_id`` if ``user`` may take ``action`` on it; else CallNotFound (same for every reason).

    ``for_update`` locks the row for the rest of the transaction (PostgreSQL; SQLite's write lock is taken at
    BEGIN IMMEDIATE), so two changes to one call happen one after the other.
    """
    from heed.calls.models import Call

    try:
        pk = int(str(call_id))
    except ValueError:
        raise CallNotFound(call_id) from None
    qs = restrict_calls(Call.objects.select_related("force", "created_by"), user, action)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    call = qs.filter(pk=pk).first()
    if call is None:
        raise CallNotFound(call_id)
    return call


def access_referral_by_id(user: User, referral_id: object, action: str = Action.REFERRALS) -> Referral:
    """A referral of the user's force that the role may answer; else CallNotFound (as for calls)."""
    from heed.support.models import Referral

    try:
        pk = int(str(referral_id))
    except ValueError:
        raise CallNotFound(referral_id) from None
    if not user_active(user) or not role_may(user.role, action):
        raise CallNotFound(referral_id)
    referral = (
        Referral.objects.select_related("call", "call__force")
        .filter(pk=pk, call__force_id=user.force_id or 0)
        .first()
    )
    if referral is None:
        raise CallNotFound(referral_id)
    return referral


def actor_of(request: HttpRequest) -> User:
    """The signed-in user making a request (views and endpoints are only reached when signed in)."""
    from heed.accounts.models import User

    user = request.user
    if not isinstance(user, User):
        raise CallNotFound("anonymous")
    return user


def may(user: Any, action: str) -> bool:
    """Whether the user's role may take ``action`` at all (for showing or hiding links and buttons)."""
    return user_active(user) and role_may(user.role, action)

"""Access helpers: the only way views, endpoints and commands reach a force's records.

Records of a force are read through their queryset's ``restrict(user, action)`` (as NetBox's
``RestrictedQuerySet`` does): only the user's force's rows, and none at all if the role may not take
``action``. ``found(pk)`` then gives one row or raises ``CallNotFound``: a record of another force, one that
does not exist, and an action the user's role may not take all raise the same error, so nobody learns from an
error that a record exists.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self, TypeVar

from django.db import models
from django.http import HttpRequest

from heed.accounts.models import User
from heed.accounts.roles import Action, role_may

M = TypeVar("M", bound=models.Model)


class CallNotFound(Exception):
    """No record with that id that this user may act on in this way."""


def user_active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.force_id is not None)


class RestrictedQuerySet(models.QuerySet[M]):
    """A queryset of records that belong to a force, reached only through ``restrict``."""

    force_lookup: ClassVar[str] = "force_id"

    def restrict(self, user: User, action: str = Action.VIEW) -> Self:
        """Only the rows of ``user``'s force, and none if the role may not take ``action``."""
        if not user_active(user) or not role_may(user.role, action):
            return self.none()
        return self.filter(**{self.force_lookup: user.force_id or 0})

    def found(self, pk: object) -> M:
        """The row ``pk`` of this (restricted) queryset, or CallNotFound (the same for every reason)."""
        try:
            key = int(str(pk))
        except ValueError:
            raise CallNotFound(pk) from None
        row = self.filter(pk=key).first()
        if row is None:
            raise CallNotFound(pk)
        return row


def actor_of(request: HttpRequest) -> User:
    """The signed-in user making a request (views and endpoints are only reached when signed in)."""
    user = request.user
    if not isinstance(user, User):
        raise CallNotFound("anonymous")
    return user


def may(user: Any, action: str) -> bool:
    """Whether the user's role may take ``action`` at all (for showing or hiding links and buttons)."""
    return user_active(user) and role_may(user.role, action)

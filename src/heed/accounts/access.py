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

from heed.accounts.models import Team, User
from heed.accounts.roles import Action, Role, role_may

M = TypeVar("M", bound=models.Model)


class CallNotFound(Exception):
    """No record with that id that this user may act on in this way."""


class UserNotFound(Exception):
    """No user with that id that this administrator may manage (another force's users look missing)."""


def user_active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.force_id is not None)


class RestrictedQuerySet(models.QuerySet[M]):
    """A queryset of records that belong to a force, reached only through ``restrict``."""

    force_lookup: ClassVar[str] = "force_id"
    # A boolean that is true on training records, which ``restrict`` never returns (None: no such records).
    live_lookup: ClassVar[str | None] = None

    def restrict(self, user: User, action: str = Action.VIEW) -> Self:
        """Only the live rows of ``user``'s force, and none if the role may not take ``action``."""
        if not user_active(user) or not role_may(user.role, action):
            return self.none()
        qs = self.filter(**{self.force_lookup: user.force_id or 0})
        return qs.filter(**{self.live_lookup: False}) if self.live_lookup else qs

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


def restrict_users(queryset: models.QuerySet[User], actor: User) -> models.QuerySet[User]:
    """The users of the actor's force if the actor may manage users (a force administrator); else none."""
    if not may(actor, Action.USERS):
        return queryset.none()
    return queryset.filter(force_id=actor.force_id or 0)


def access_user_by_id(actor: User, user_id: object, *, for_update: bool = False) -> User:
    """A user of the actor's force that the actor may manage; else UserNotFound (same for every reason)."""
    try:
        pk = int(str(user_id))
    except ValueError:
        raise UserNotFound(user_id) from None
    qs = restrict_users(User.objects.select_related("force"), actor)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    user = qs.filter(pk=pk).first()
    if user is None:
        raise UserNotFound(user_id)
    return user


class TeamNotFound(Exception):
    """No team with that id in the user's force that the user may use this way."""


def restrict_teams(queryset: models.QuerySet[Team], user: User, action: str) -> models.QuerySet[Team]:
    """The teams of the user's force if the role may take ``action`` (USERS to manage them, COMPLIANCE to
    read their figures); else none."""
    if not may(user, action):
        return queryset.none()
    return queryset.filter(force_id=user.force_id or 0)


def access_team_by_id(user: User, team_id: object, action: str, *, for_update: bool = False) -> Team:
    """A team of the user's force, for ``action``; else TeamNotFound (the same for every reason)."""
    try:
        pk = int(str(team_id))
    except ValueError:
        raise TeamNotFound(team_id) from None
    qs = restrict_teams(Team.objects.all(), user, action)
    if for_update:
        qs = qs.select_for_update()
    team = qs.filter(pk=pk).first()
    if team is None:
        raise TeamNotFound(team_id)
    return team


def may_publish_guidance(user: Any) -> bool:
    """Only an active national guidance owner installs national versions for every force to see."""
    return bool(
        getattr(user, "is_authenticated", False) and user.is_active and user.role == Role.NATIONAL_OWNER
    )


def may_manage_forces(user: Any) -> bool:
    """Only an active national administrator creates forces."""
    return bool(
        getattr(user, "is_authenticated", False) and user.is_active and user.role == Role.NATIONAL_ADMIN
    )

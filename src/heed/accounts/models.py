"""Forces, users (one role each, one force each) and API tokens."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower

from heed.accounts.roles import NATIONAL_ROLES, Role


class Force(models.Model):
    """A police force: every call, user and record belongs to exactly one."""

    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} ({self.name})"


class Team(models.Model):
    """A team of one force's staff (a watch, a shift, a supervisor's group): the compliance dashboard's level
    between the force and the handler. Its name is unique within the force, whatever its case. A force
    administrator makes teams and puts users in them (heed.accounts.services); teams are never deleted."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["force_id", "name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), models.F("force"), name="team_name_unique_in_force"),
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A member of staff of one force, with one role; or a national administrator or guidance owner, of no
    force. Users are never deleted, only deactivated."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="users", null=True, blank=True)
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.HANDLER)
    # Optional; always a team of the user's own force (heed.accounts.services.user_team_set refuses others).
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="members", null=True, blank=True)

    class Meta:
        verbose_name = "user"
        verbose_name_plural = "users"
        constraints = [
            # Only the national roles stand outside every force, and never inside one.
            models.CheckConstraint(
                condition=(models.Q(role__in=sorted(NATIONAL_ROLES)) & models.Q(force__isnull=True))
                | (~models.Q(role__in=sorted(NATIONAL_ROLES)) & models.Q(force__isnull=False)),
                name="user_force_matches_role",
            )
        ]

    def __str__(self) -> str:
        return self.username

    @property
    def role_label(self) -> str:
        return Role(self.role).label


def hash_token(token: str) -> str:
    """Tokens are stored only as their SHA-256: a leaked table does not leak a usable token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API, belonging to one user; stored hashed, shown once when made. It stops
    working at ``expires_at`` or when revoked, and whenever its user is deactivated."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

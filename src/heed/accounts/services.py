"""Changing forces, users and tokens (each change audited in its own transaction)."""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from heed.accounts.models import ApiToken, Force, User, hash_token
from heed.accounts.roles import Role
from heed.audit.events import EventType
from heed.audit.services import audit_record

TOKEN_PREFIX = "heed_"  # noqa: S105 - a public marker, not a secret


class AccountError(ValueError):
    """A user or token cannot be made as asked; the message says why."""


def force_get_or_create(*, code: str, name: str) -> Force:
    code = code.strip().upper()
    if not code.isalnum() or len(code) > 16:
        raise AccountError(f"force code {code!r}: expected up to 16 letters and digits")
    force, _ = Force.objects.get_or_create(code=code, defaults={"name": name})
    return force


def user_create(
    *,
    username: str,
    force_code: str,
    role: str,
    password: str,
    actor: User | None = None,
    actor_label: str = "cli",
    check_password: bool = True,
) -> User:
    """Add a user to a force with one role. The password is checked against the password rules."""
    username = username.strip()
    if not username or len(username) > 150:
        raise AccountError("the user name must be 1 to 150 characters")
    if role not in Role.values:
        raise AccountError(f"role {role!r} is not one of: {', '.join(Role.values)}")
    force = Force.objects.filter(code=force_code.strip().upper()).first()
    if force is None:
        raise AccountError(f"no force with code {force_code!r}")
    if User.objects.filter(username=username).exists():
        raise AccountError(f"a user called {username!r} already exists")
    user = User(username=username, force=force, role=role)
    if check_password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise AccountError("password refused: " + " ".join(exc.messages)) from None
    user.set_password(password)
    with transaction.atomic():
        user.full_clean()
        user.save()
        audit_record(
            event_type=EventType.USER_CREATED,
            actor=actor,
            actor_label=None if actor else actor_label,
            force_code=force.code,
            obj=user,
            after={"username": username, "force": force.code, "role": role},
        )
    return user


def token_create(*, user: User, actor_label: str = "cli") -> str:
    """Make a new API token for ``user``; returns it once (only its hash is kept)."""
    if not user.is_active:
        raise AccountError(f"user {user.username!r} is not active")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        row = ApiToken.objects.create(user=user, token_hash=hash_token(token), prefix=token[:12])
        audit_record(
            event_type=EventType.TOKEN_CREATED,
            actor=None,
            actor_label=actor_label,
            force_code=user.force.code if user.force else "",
            obj=row,
            after={"user": user.username, "prefix": row.prefix},
        )
    return token


def token_user(token: str) -> User | None:
    """The active user a bearer token belongs to, or None (unknown, revoked or inactive)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = (
        ApiToken.objects.select_related("user", "user__force")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True)
        .first()
    )
    if row is None or not row.user.is_active:
        return None
    now = timezone.now()
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user

"""Changing forces, users and tokens (each change audited in its own transaction)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from heed.accounts.models import ApiToken, Force, User, hash_token
from heed.accounts.roles import Role
from heed.audit.events import EventType
from heed.audit.services import audit_record

TOKEN_PREFIX = "heed_"  # noqa: S105 - a public marker, not a secret
TOKEN_MAX_DAYS = 366
UNKNOWN_TOKEN = "A valid bearer token is required."  # noqa: S105 - a message, not a secret


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


def token_create(*, user: User, days: int | None = None, actor_label: str = "cli") -> str:
    """Make a new API token for ``user`` that works for ``days`` (HEED_TOKEN_DAYS, 90, when not given);
    returns it once (only its hash is kept)."""
    if not user.is_active:
        raise AccountError(f"user {user.username!r} is not active")
    days = settings.HEED_TOKEN_DAYS if days is None else days
    if not 1 <= days <= TOKEN_MAX_DAYS:
        raise AccountError(f"--days {days}: a token lasts 1 to {TOKEN_MAX_DAYS} days")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(days=days)
    with transaction.atomic():
        row = ApiToken.objects.create(
            user=user, token_hash=hash_token(token), prefix=token[:12], expires_at=expires_at
        )
        audit_record(
            event_type=EventType.TOKEN_CREATED,
            actor=None,
            actor_label=actor_label,
            force_code=user.force.code if user.force else "",
            obj=row,
            after={"user": user.username, "prefix": row.prefix, "expires_at": expires_at},
        )
    return token


def token_revoke(*, prefix: str, actor_label: str = "cli") -> ApiToken:
    """Revoke the token whose prefix is ``prefix`` (from ``heed token list``); it stops working at once."""
    prefix = prefix.strip()
    with transaction.atomic():
        rows = list(
            ApiToken.objects.select_for_update(of=("self",))
            .select_related("user", "user__force")
            .filter(prefix=prefix)
        )
        if not rows:
            raise AccountError(f"no token starts with {prefix!r} (see heed token list USER)")
        if len(rows) > 1:
            raise AccountError(f"{len(rows)} tokens start with {prefix!r}; revoke them by user instead")
        row = rows[0]
        if row.revoked_at is not None:
            raise AccountError(f"token {prefix} was already revoked on {row.revoked_at:%Y-%m-%d %H:%M}")
        row.revoked_at = timezone.now()
        row.save(update_fields=["revoked_at"])
        audit_record(
            event_type=EventType.TOKEN_REVOKED,
            actor=None,
            actor_label=actor_label,
            force_code=row.user.force.code if row.user.force else "",
            obj=row,
            before={"revoked_at": None},
            after={"user": row.user.username, "prefix": row.prefix, "revoked_at": row.revoked_at},
        )
    return row


def tokens_of(user: User) -> list[ApiToken]:
    """A user's tokens, newest first (what ``heed token list`` shows)."""
    return list(ApiToken.objects.filter(user=user).order_by("-created_at", "-pk"))


@dataclass(frozen=True)
class TokenCheck:
    """Whose token it is, or why it is refused (said to the client: it already holds the token)."""

    user: User | None
    refusal: str = ""


def token_check(token: str) -> TokenCheck:
    """The active user a bearer token belongs to, or why it is refused (unknown, expired, revoked, or its
    user no longer active). Keeps ``last_used_at`` (to the minute, so reads do not write on every request)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return TokenCheck(None, UNKNOWN_TOKEN)
    row = ApiToken.objects.select_related("user", "user__force").filter(token_hash=hash_token(token)).first()
    if row is None:
        return TokenCheck(None, UNKNOWN_TOKEN)
    now = timezone.now()
    if row.revoked_at is not None:
        return TokenCheck(None, f"This token was revoked on {row.revoked_at:%Y-%m-%d}; ask for a new one.")
    if row.expires_at <= now:
        return TokenCheck(None, f"This token expired on {row.expires_at:%Y-%m-%d}; ask for a new one.")
    if not row.user.is_active:
        return TokenCheck(None, "This token's user account is disabled.")
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return TokenCheck(row.user)


def token_user(token: str) -> User | None:
    """The active user a bearer token belongs to, or None (unknown, expired, revoked or inactive)."""
    return token_check(token).user

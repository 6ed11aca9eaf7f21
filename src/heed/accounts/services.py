"""Changing forces, users and tokens: each change locks what it changes and is audited in its transaction."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from heed.accounts.access import TeamNotFound, access_team_by_id, access_user_by_id, may
from heed.accounts.mfa import mfa_devices_delete
from heed.accounts.models import ApiToken, Force, Team, User, hash_token
from heed.accounts.roles import FORCE_ROLES, NATIONAL_ROLES, Action, Role
from heed.audit.events import EventType
from heed.audit.services import audit_record

TOKEN_PREFIX = "heed_"  # noqa: S105 - a public marker, not a secret
TOKEN_MAX_DAYS = 366
UNKNOWN_TOKEN = "A valid bearer token is required."  # noqa: S105 - a message, not a secret
USERNAME = re.compile(r"^[\w.@+-]+$", re.ASCII)


class AccountError(ValueError):
    """A force, user or token cannot be made or changed as asked; the message says why, ``field`` where."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


FORCE_CODE = re.compile(r"^[A-Z0-9]{2,16}$")


def _force_code(code: str) -> str:
    code = code.strip().upper()
    if not FORCE_CODE.match(code):
        raise AccountError(f"force code {code!r}: expected 2 to 16 letters and digits, e.g. WMP", "code")
    return code


def force_get_or_create(*, code: str, name: str) -> Force:
    force, _ = Force.objects.get_or_create(code=_force_code(code), defaults={"name": name})
    return force


def force_create(*, code: str, name: str, actor: User | None = None, actor_label: str = "cli") -> Force:
    """Create a force (a national administrator's page, or ``heed force add``)."""
    code = _force_code(code)
    name = " ".join(name.split())
    if not name or len(name) > 200:
        raise AccountError("the force's name must be 1 to 200 characters", "name")
    with transaction.atomic():
        if Force.objects.filter(code=code).exists():
            raise AccountError(f"a force with code {code} already exists", "code")
        force = Force(code=code, name=name)
        try:
            with transaction.atomic():
                force.save()
        except IntegrityError:
            raise AccountError(f"a force with code {code} already exists", "code") from None
        audit_record(
            event_type=EventType.FORCE_CREATED,
            actor=actor,
            actor_label=None if actor else actor_label,
            force_code=code,
            obj=force,
            after={"code": code, "name": name},
        )
    return force


def user_create(
    *,
    username: str,
    force_code: str | None,
    role: str,
    password: str | None,
    email: str = "",
    actor: User | None = None,
    actor_label: str = "cli",
    check_password: bool = True,
    team: str = "",
) -> User:
    """Add a user to a force with one role (a national administrator: to no force), and to one of the force's
    teams when ``team`` names one. The password is checked against the password rules; with no password the
    account has none until its set-password link is used. A force administrator adds users to their own
    force only, and never a national administrator."""
    username = username.strip()
    if not username or len(username) > 150:
        raise AccountError("the user name must be 1 to 150 characters", "username")
    if not USERNAME.match(username):
        raise AccountError("the user name may hold only letters, digits and . _ - @ +", "username")
    if role not in Role.values:
        raise AccountError(f"role {role!r} is not one of: {', '.join(Role.values)}", "role")
    force: Force | None = None
    if role in NATIONAL_ROLES:
        if force_code:
            raise AccountError(f"a {Role(role).label.lower()} belongs to no force: leave the force out")
    else:
        force = Force.objects.filter(code=(force_code or "").strip().upper()).first()
        if force is None:
            raise AccountError(f"no force with code {force_code!r}")
    if actor is not None and (role not in FORCE_ROLES or force is None or actor.force_id != force.pk):
        raise AccountError("you can add users to your own force only, with a role of that force", "role")
    email = email.strip()
    if len(email) > 254:
        raise AccountError("the e-mail address must be at most 254 characters", "email")
    if User.objects.filter(username__iexact=username).exists():
        raise AccountError(f"a user called {username!r} already exists", "username")
    joined = _team_named(force, team) if team.strip() else None
    user = User(username=username, force=force, role=role, email=email, team=joined)
    if password is None:
        user.set_unusable_password()
    else:
        if check_password:
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise AccountError("password refused: " + " ".join(exc.messages)) from None
        user.set_password(password)
    with transaction.atomic():
        try:
            user.full_clean()
        except ValidationError as exc:
            raise AccountError(" ".join(exc.messages)) from None
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            raise AccountError(f"a user called {username!r} already exists", "username") from None
        audit_record(
            event_type=EventType.USER_CREATED,
            actor=actor,
            actor_label=None if actor else actor_label,
            force_code=force.code if force else "",
            obj=user,
            after={
                "username": username,
                "force": force.code if force else "",
                "role": role,
                **({"team": joined.name, "team_id": joined.pk} if joined else {}),
            },
        )
    return user


TEAM_NAME_MAX = 100


def _team_named(force: Force | None, name: str) -> Team:
    """The force's team called ``name`` (whatever its case), or AccountError."""
    wanted = " ".join(name.split())
    team = Team.objects.filter(force=force, name__iexact=wanted).first() if force else None
    if team is None:
        where = f" in force {force.code}" if force else ": a user of no force is in no team"
        raise AccountError(f"no team called {wanted!r}{where}", "team")
    return team


def team_create(
    *, name: str, actor: User | None = None, force_code: str = "", actor_label: str = "cli"
) -> Team:
    """Make a team in a force: a force administrator's own force (the Teams page), or the force ``force_code``
    names (``heed team add``). Names are unique within the force whatever their case."""
    name = " ".join(str(name).split())
    if not name or len(name) > TEAM_NAME_MAX:
        raise AccountError(f"the team's name must be 1 to {TEAM_NAME_MAX} characters", "name")
    if actor is not None:
        if not may(actor, Action.USERS) or actor.force is None:
            raise AccountError("only a force administrator makes teams, in their own force")
        force_id = actor.force.pk
    else:
        found = Force.objects.filter(code=force_code.strip().upper()).first()
        if found is None:
            raise AccountError(f"no force with code {force_code!r}")
        force_id = found.pk
    with transaction.atomic():
        # The force row locked: two teams of one name made at once queue here and the second is refused.
        force = Force.objects.select_for_update().get(pk=force_id)
        if Team.objects.filter(force=force, name__iexact=name).exists():
            raise AccountError(f"{force.code} already has a team called {name!r}", "name")
        team = Team(force=force, name=name)
        try:
            team.full_clean(exclude=["force"], validate_constraints=False)
            with transaction.atomic():
                team.save()
        except ValidationError as exc:
            raise AccountError(" ".join(exc.messages), "name") from None
        except IntegrityError:
            raise AccountError(f"{force.code} already has a team called {name!r}", "name") from None
        audit_record(
            event_type=EventType.TEAM_CREATED,
            actor=actor,
            actor_label=None if actor else actor_label,
            force_code=force.code,
            obj=team,
            after={"name": name, "force": force.code},
        )
    return team


def _team_change(user: User, team: Team | None, actor: User | None, actor_label: str) -> User:
    """Put the (locked) ``user`` in ``team`` (None: in no team), audited; a team of another force is
    refused whoever asks."""
    if team is not None and team.force_id != user.force_id:
        raise AccountError("a user joins a team of their own force only", "team")
    if user.team_id == (team.pk if team else None):
        return user
    before = Team.objects.filter(pk=user.team_id).first() if user.team_id else None
    user.team = team
    user.save(update_fields=["team"])
    audit_record(
        event_type=EventType.USER_TEAM_CHANGED,
        actor=actor,
        actor_label=None if actor else actor_label,
        force_code=user.force.code if user.force else "",
        obj=user,
        before={"team": before.name if before else None, "team_id": before.pk if before else None},
        after={"team": team.name if team else None, "team_id": team.pk if team else None},
    )
    return user


def user_team_set(*, actor: User, user_id: object, team_id: object) -> User:
    """Put a user of the actor's force in one of its teams (``team_id`` None or "": in no team)."""
    with transaction.atomic():
        user = access_user_by_id(actor, user_id, for_update=True)
        team = None
        if team_id not in (None, ""):
            try:
                team = access_team_by_id(actor, team_id, Action.USERS)
            except TeamNotFound:
                raise AccountError("choose one of your force's teams", "team") from None
        return _team_change(user, team, actor, "")


def user_team_set_by_name(*, username: str, team: str | None, actor_label: str = "cli") -> User:
    """``heed user team``: put the user called ``username`` in their force's team called ``team`` (None: in
    no team)."""
    with transaction.atomic():
        user = (
            User.objects.select_for_update(of=("self",))
            .select_related("force")
            .filter(username=username.strip())
            .first()
        )
        if user is None:
            raise AccountError(f"no user called {username!r}")
        joined = _team_named(user.force, team) if team is not None else None
        return _team_change(user, joined, None, actor_label)


def user_password_link(*, actor: User, user_id: object) -> str:
    """A one-time set-password path for a user of the actor's force (``/set-password/<uid>/<token>/``):
    it works once, until the password is set, for PASSWORD_RESET_TIMEOUT."""
    with transaction.atomic():
        user = access_user_by_id(actor, user_id, for_update=True)
        if not user.is_active:
            raise AccountError(f"{user.username} is disabled: enable the account first")
        path = reverse(
            "password_set",
            args=[urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)],
        )
        audit_record(
            event_type=EventType.USER_PASSWORD_LINK, actor=actor, obj=user, after={"user": user.username}
        )
    return path


def _not_self(actor: User, user: User, what: str) -> None:
    if actor.pk == user.pk:
        raise AccountError(f"you cannot {what} your own account: ask another administrator")


def user_set_active(*, actor: User, user_id: object, active: bool) -> User:
    """Disable (sessions and API tokens stop working at once) or enable a user of the actor's force."""
    with transaction.atomic():
        user = access_user_by_id(actor, user_id, for_update=True)
        _not_self(actor, user, "disable or enable")
        if user.is_active == active:
            return user
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_record(
            event_type=EventType.USER_ENABLED if active else EventType.USER_DISABLED,
            actor=actor,
            obj=user,
            before={"active": not active},
            after={"active": active},
        )
    return user


def user_role_change(*, actor: User, user_id: object, role: str) -> User:
    """Give a user of the actor's force another role of that force."""
    if role not in FORCE_ROLES:
        raise AccountError(f"role {role!r} is not one of: {', '.join(FORCE_ROLES)}", "role")
    with transaction.atomic():
        user = access_user_by_id(actor, user_id, for_update=True)
        _not_self(actor, user, "change the role of")
        before = user.role
        if before == role:
            return user
        user.role = role
        user.save(update_fields=["role"])
        audit_record(
            event_type=EventType.USER_ROLE_CHANGED,
            actor=actor,
            obj=user,
            before={"role": before},
            after={"role": role},
        )
    return user


def user_mfa_reset(*, actor: User, user_id: object) -> User:
    """Remove a user's authenticator app and recovery codes: they enrol again at their next request."""
    with transaction.atomic():
        user = access_user_by_id(actor, user_id, for_update=True)
        _not_self(actor, user, "reset the second factor of")
        removed = mfa_devices_delete(user)
        audit_record(
            event_type=EventType.USER_MFA_RESET, actor=actor, obj=user, after={"devices_removed": removed}
        )
    return user


def user_password_set_audit(*, user: User) -> None:
    """Record that a set-password link was used (inside the transaction that set the password)."""
    audit_record(event_type=EventType.USER_PASSWORD_SET, actor=user, obj=user)


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

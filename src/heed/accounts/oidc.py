"""Single sign-on (OpenID Connect) mapped onto existing Heed users only.

Installed only when HEED_OIDC_* are set (``heed.config.oidc``). The identity provider says who someone is;
Heed alone says what they may do: a person is matched to one active Heed user (by e-mail, or by user name
with HEED_OIDC_MATCH=username), never created, and never given a role. The second factor is still Heed's
own (an SSO session of a supervisor verifies with TOTP like a password session).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from heed.accounts.models import User


def users_matching_claims(claims: dict[str, Any], *, match: str) -> QuerySet[User]:
    """The active users the identity provider's claims name (none when the claim is missing)."""
    active = User.objects.filter(is_active=True)
    if match == "username":
        name = str(claims.get("preferred_username") or "").strip()
        return active.filter(username=name) if name else active.none()
    email = str(claims.get("email") or "").strip()
    if not email or claims.get("email_verified") is False:
        return active.none()
    return active.filter(email__iexact=email)


def _match() -> str:
    return str(getattr(settings, "HEED_OIDC_MATCH", "email"))


class HeedOidcBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """mozilla-django-oidc's code flow, matching existing users only."""

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        # Only the SSO callback authenticates here: a password sign-in never reaches the identity provider.
        match = getattr(request, "resolver_match", None)
        if match is None or match.url_name != "oidc_authentication_callback":
            return None
        user: User | None = super().authenticate(request, **kwargs)
        return user

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        return users_matching_claims(claims, match=_match())

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        key = "preferred_username" if _match() == "username" else "email"
        return bool(claims.get(key))

    def create_user(self, claims: dict[str, Any]) -> None:
        # OIDC_CREATE_USER is False; this is the second lock on that door.
        return None

    def describe_user_by_claims(self, claims: dict[str, Any]) -> str:
        return "a person with no matching Heed user"

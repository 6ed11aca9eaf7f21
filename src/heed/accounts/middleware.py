"""Until a user who must use a second factor has verified one, they reach nothing but the MFA pages and
sign-out: every other page redirects to the MFA page (which sends someone with no app yet to enrolment).

The API is not affected: it takes bearer tokens only (made by an administrator with ``heed token``), never the
session, so a half-signed-in session cookie opens nothing there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from heed.accounts.mfa import mfa_required

# Reachable before the second factor: the MFA pages themselves, signing in and out, health, the API (tokens),
# and the SSO callback (it signs in; the second factor comes after it).
OPEN_NAMESPACES = frozenset({"mfa", "api"})
OPEN_NAMES = frozenset(
    {
        "login",
        "logout",
        "healthz",
        "password_set",
        "oidc_authentication_callback",
        "oidc_authentication_init",
        "oidc_logout",
    }
)


def safe_next(request: HttpRequest, value: str | None) -> str:
    """``value`` if it is a path on this site, else the home page (no open redirect)."""
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}):
        return value
    return reverse("home")


class MfaRequiredMiddleware:
    """Hold an unverified user whose role requires MFA (or who enrolled) at the MFA pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or match.namespace == "api":
            return None
        user: Any = request.user
        pending = user.is_authenticated and not user.is_verified() and mfa_required(user)
        # Pages (the MFA pages among them) hide the menu while the second factor is pending.
        request.heed_mfa_pending = pending  # type: ignore[attr-defined]
        if not pending or match.namespace in OPEN_NAMESPACES or match.url_name in OPEN_NAMES:
            return None
        target = reverse("mfa:verify")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(target)

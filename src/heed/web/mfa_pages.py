"""The second-factor pages: enrol an authenticator app, verify at sign-in, new recovery codes.

They and sign-out are all an unverified user who must use a second factor reaches (MfaRequiredMiddleware).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from heed.accounts.access import actor_of
from heed.accounts.forms import CodeForm
from heed.accounts.mfa import (
    MfaError,
    mfa_enrolled,
    mfa_enrolment_confirm,
    mfa_enrolment_start,
    mfa_recovery_codes_issue,
    mfa_verify,
    recovery_codes_left,
)
from heed.accounts.middleware import safe_next
from heed.accounts.roles import MFA_REQUIRED_ROLES


def session_verified(request: HttpRequest) -> bool:
    """Whether this session has verified a second factor (django-otp's OTPMiddleware)."""
    user: Any = request.user
    return bool(getattr(user, "is_verified", lambda: False)())


def _next(request: HttpRequest) -> str:
    return safe_next(request, request.POST.get("next") or request.GET.get("next"))


def _codes_page(request: HttpRequest, codes: list[str], nxt: str) -> HttpResponse:
    response = render(request, "accounts/mfa_codes.html", {"codes": codes, "next": nxt})
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    nxt = _next(request)
    if session_verified(request):
        return redirect(nxt)
    if not mfa_enrolled(user):
        return redirect(reverse("mfa:enrol") + "?" + urlencode({"next": nxt}))
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            device = mfa_verify(user=user, code=form.cleaned_data["code"])
        except MfaError as exc:
            form.add_error("code", str(exc).capitalize())
        else:
            request.session.cycle_key()
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = recovery_codes_left(user)
                messages.warning(
                    request,
                    f"You signed in with a recovery code; {left} left. Make new ones from "
                    "'Recovery codes' while you still have some.",
                )
            return redirect(nxt)
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": nxt})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    nxt = _next(request)
    if mfa_enrolled(user):
        if session_verified(request):
            return redirect(nxt)
        return redirect(reverse("mfa:verify") + "?" + urlencode({"next": nxt}))
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            device, codes = mfa_enrolment_confirm(user=user, code=form.cleaned_data["code"])
        except MfaError as exc:
            form.add_error("code", str(exc).capitalize())
        else:
            request.session.cycle_key()
            otp_login(request, device)
            return _codes_page(request, codes, nxt)
    enrolment = mfa_enrolment_start(user=user)
    return render(
        request,
        "accounts/mfa_enrol.html",
        {
            "form": form,
            "next": nxt,
            "enrolment": enrolment,
            "qr_svg": enrolment.qr_svg(),
            "required": user.role in MFA_REQUIRED_ROLES,
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    if not mfa_enrolled(user):
        return redirect("mfa:enrol")
    if not session_verified(request):
        return redirect(reverse("mfa:verify") + "?" + urlencode({"next": reverse("mfa:recovery_codes")}))
    if request.method == "POST":
        try:
            codes = mfa_recovery_codes_issue(user=user)
        except MfaError as exc:
            messages.error(request, str(exc).capitalize())
        else:
            return _codes_page(request, codes, reverse("home"))
    return render(request, "accounts/mfa_recovery.html", {"left": recovery_codes_left(user)})

"""Middleware: the absolute session lifetime, and the transaction a POST with an idempotency key runs in."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from heed.security import idempotency

SIGNED_IN_AT = "heed_signed_in_at"
TOUCHED_AT = "heed_touched_at"
# The idle timeout is renewed at most this often: a session row is written once a minute while someone
# works, not on every request (each write waits for SQLite's one writer). A session therefore ends between
# SESSION_IDLE_MINUTES - 1 and SESSION_IDLE_MINUTES after the last request.
TOUCH_EVERY_SECONDS = 60


class AbsoluteSessionMiddleware:
    """End a session SESSION_ABSOLUTE_HOURS after sign-in, however busy it has been. The idle timeout alone
    lets a session that is used every few minutes live for ever (a shared terminal left signed in).

    The sign-in time is kept in the session when a request signs in (or, for a session made before this was
    deployed, at its first request). A request after the limit is signed out and asked to sign in again;
    whatever a form carried is shown back, so nothing typed is lost.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        now = timezone.now().timestamp()
        signed_in = request.user.is_authenticated
        if signed_in:
            started = request.session.get(SIGNED_IN_AT)
            if not isinstance(started, int | float):
                request.session[SIGNED_IN_AT] = now
            elif now - started > settings.SESSION_ABSOLUTE_HOURS * 3600:
                logout(request)
                return self._ended(request)
        response = self.get_response(request)
        if not signed_in and SESSION_KEY in request.session:
            # This request signed in (a session login, not an API token): the lifetime starts now.
            request.session[SIGNED_IN_AT] = now
        if SESSION_KEY in request.session:
            touched = request.session.get(TOUCHED_AT)
            if not isinstance(touched, int | float) or now - touched >= TOUCH_EVERY_SECONDS:
                # Changing the session saves it, which renews its idle timeout (SESSION_COOKIE_AGE).
                request.session[TOUCHED_AT] = now
        return response

    def _ended(self, request: HttpRequest) -> HttpResponse:
        message = (
            f"For safety a session lasts at most {settings.SESSION_ABSOLUTE_HOURS} hours; "
            "please sign in again."
        )
        login = reverse(settings.LOGIN_URL) + "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request"):
            # The live panel's autosave: answer in the panel and leave the page (and what is typed) alone.
            return render(request, "web/_session_ended.html", {"message": message, "login": login})
        if request.method == "POST":
            return render(
                request,
                "web/not_sent.html",
                {
                    "title": "Signed out",
                    "message": message,
                    "typed": idempotency.typed_fields(request),
                    "back": login,
                },
                status=401,
            )
        messages.info(request, message)
        return redirect(login)


class IdempotencyMiddleware:
    """Run a POST that carries an idempotency key in one transaction, and keep its answer with the key the
    view claimed (``heed.security.idempotency``). Other requests pass straight through."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if idempotency.key_in(request) is None:
            return self.get_response(request)
        with transaction.atomic():
            setattr(request, idempotency.STATE, idempotency.Pending())
            response = self.get_response(request)
            idempotency.store(request, response)
        return response

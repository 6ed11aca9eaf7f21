"""Shared parts of the call pages' edges: reaching the call in the URL, going back to it, showing errors,
and keeping what was typed in a refused form (so nothing typed is lost)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from heed.accounts.access import CallNotFound, actor_of
from heed.accounts.fields import form_errors
from heed.calls import services
from heed.calls.models import Call
from heed.calls.selectors import access_call_by_id
from heed.risk import default_pack

View = Callable[..., HttpResponse]
T = TypeVar("T")
F = TypeVar("F", bound=forms.Form)


def call_view(action: str) -> Callable[[View], View]:
    """Reach the call named in the URL for ``action``; missing and forbidden are the same 404."""

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, call_id: int, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                call = access_call_by_id(actor_of(request), call_id, action)
            except CallNotFound:
                raise Http404("No such call") from None
            return view(request, call, *args, **kwargs)

        return wrapper

    return decorate


def back_to_call(call: Call, anchor: str = "") -> HttpResponse:
    return redirect(reverse("calls:detail", args=[call.pk]) + (f"#{anchor}" if anchor else ""))


def show_error(request: HttpRequest, exc: services.CallError) -> None:
    where = f" ({exc.field.replace('query.', '').replace('_', ' ')})" if exc.field else ""
    messages.error(request, f"{exc}{where}")


KEEP = "heed-kept"


def keep(request: HttpRequest, call: Call, form: str, data: dict[str, str]) -> None:
    """Remember what was typed in a refused form so the page shows it again."""
    request.session.setdefault(KEEP, {})[f"{call.pk}:{form}"] = data
    request.session.modified = True


def kept(request: HttpRequest, call: Call) -> dict[str, dict[str, str]]:
    """What was typed in refused forms of this call (shown once, then forgotten)."""
    store = request.session.get(KEEP, {})
    out = {k.split(":", 1)[1]: v for k, v in store.items() if k.startswith(f"{call.pk}:")}
    if out:
        request.session[KEEP] = {k: v for k, v in store.items() if not k.startswith(f"{call.pk}:")}
    return out


def posted(request: HttpRequest) -> dict[str, str]:
    return {k: str(request.POST.get(k, "")) for k in request.POST if k != "csrfmiddlewaretoken"}


def posted_version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    # isdigit alone admits "²", which int() refuses: only ASCII digits are a version.
    return int(raw) if raw.isascii() and raw.isdigit() else None


def read_form(request: HttpRequest, call: Call, form: str, form_class: type[F]) -> F | None:
    """``form_class`` bound to what was posted, valid; or None, with what was typed kept (under ``form``) and
    each problem shown with the field it is in."""
    bound = form_class(request.POST)
    if bound.is_valid():
        return bound
    keep(request, call, form, posted(request))
    for problem in form_errors(bound):
        messages.error(request, problem)
    return None


def attempt(request: HttpRequest, call: Call, form: str, run: Callable[[], T]) -> T | None:
    """Run one service for a page. If it refuses, keep what was typed in ``form``, say why, return None."""
    try:
        return run()
    except services.CallError as exc:
        refuse(request, call, form, exc)
        return None


def refuse(request: HttpRequest, call: Call, form: str, exc: services.CallError) -> None:
    keep(request, call, form, posted(request))
    if isinstance(exc, services.ClosureRefused) and exc.outstanding:
        labels = action_labels()
        todo = "; ".join(labels.get(c, c) for c in exc.outstanding)
        messages.error(request, f"{exc} Still to do: {todo}.")
    else:
        show_error(request, exc)


def action_labels() -> dict[str, str]:
    labels = {c: a.label for c, a in default_pack().actions.items()}
    labels["advice_given"] = "Record the advice given to the caller"
    return labels

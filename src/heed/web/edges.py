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
from heed.accounts.fields import field_errors
from heed.calls import services
from heed.calls.forms import PersonCheckForm
from heed.calls.models import Call
from heed.calls.selectors import access_call_by_id
from heed.calls.workflow import NDM_LABELS
from heed.risk import default_pack

View = Callable[..., HttpResponse]
T = TypeVar("T")
F = TypeVar("F", bound=forms.Form)
PERSON_FIELDS = tuple(n for n in PersonCheckForm.base_fields if n != "subject")


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
    """A refusal that belongs to no form on the page (a whole-call action): a banner at the top."""
    where = f" ({exc.field.replace('query.', '').replace('_', ' ')})" if exc.field else ""
    messages.error(request, f"{exc}{where}")


KEEP = "heed-kept"
ERRORS = "heed-refused"


def keep(
    request: HttpRequest,
    call: Call,
    form: str,
    data: dict[str, Any],
    errors: list[tuple[str, str]] | None = None,
) -> None:
    """Remember what was typed in a refused form, and why it was refused (``errors``: field name, or "" for
    the form as a whole, and the message), so the page shows both again at that form."""
    request.session.setdefault(KEEP, {})[f"{call.pk}:{form}"] = data
    if errors:
        request.session.setdefault(ERRORS, {})[f"{call.pk}:{form}"] = [list(e) for e in errors]
    request.session.modified = True


def _take(request: HttpRequest, key: str, call: Call) -> dict[str, Any]:
    store = request.session.get(key, {})
    out = {k.split(":", 1)[1]: v for k, v in store.items() if k.startswith(f"{call.pk}:")}
    if out:
        request.session[key] = {k: v for k, v in store.items() if not k.startswith(f"{call.pk}:")}
    return out


def kept(request: HttpRequest, call: Call) -> dict[str, dict[str, Any]]:
    """What was typed in refused forms of this call (shown once, then forgotten)."""
    return _take(request, KEEP, call)


def refused_forms(request: HttpRequest, call: Call) -> dict[str, FormErrors]:
    """Why each refused form of this call was refused, ready for the page: an error summary whose links go
    to the fields, and the message for each field (shown once, then forgotten)."""
    return {
        form: FormErrors(form, [(f, m) for f, m in errs])
        for form, errs in _take(request, ERRORS, call).items()
    }


class FormErrors:
    """One refused form's errors the GOV.UK way. Field inputs are named ``{form}-{field}`` on the page (a
    refusal of the form as a whole links to the form's first field, or to a section named by the service)."""

    def __init__(self, form: str, errors: list[tuple[str, str]]) -> None:
        self.form = form
        self.general = [message for field, message in errors if not field]
        self.fields: dict[str, str] = {}
        self.summary: list[dict[str, str]] = []
        for field, message in errors:
            if field.startswith("#"):  # a section of the page (an outstanding task)
                href = field
            elif field:
                self.fields.setdefault(field, message)
                href = f"#{form}-{field}"
            else:
                href = f"#{form}-errors"
            self.summary.append({"href": href, "text": message})

    def __bool__(self) -> bool:
        return bool(self.summary)


def posted(request: HttpRequest) -> dict[str, Any]:
    """What was posted, as typed: one value per field, or the list where a field was sent more than once
    (ticked check boxes)."""
    out: dict[str, Any] = {}
    for key, values in request.POST.lists():
        if key == "csrfmiddlewaretoken":
            continue
        out[key] = [str(v) for v in values] if len(values) > 1 else str(values[0]) if values else ""
    return out


def posted_version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    # isdigit alone admits "²", which int() refuses: only ASCII digits are a version.
    return int(raw) if raw.isascii() and raw.isdigit() else None


def read_form(request: HttpRequest, call: Call, form: str, form_class: type[F]) -> F | None:
    """``form_class`` bound to what was posted, valid; or None, with what was typed kept (under ``form``) and
    each problem kept for the field it is in."""
    bound = form_class(request.POST)
    if bound.is_valid():
        return bound
    known = known_fields(form)
    keep(request, call, form, posted(request), [(f if f in known else "", m) for f, m in field_errors(bound)])
    return None


def attempt(request: HttpRequest, call: Call, form: str, run: Callable[[], T]) -> T | None:
    """Run one service for a page. If it refuses, keep what was typed in ``form`` and why, return None."""
    try:
        return run()
    except services.CallError as exc:
        refuse(request, call, form, exc)
        return None


# Where a task that is still outstanding is done on the call page (the error summary links there).
TASK_SECTIONS = {
    "person_check": "#checks",
    "identifier_check": "#identifiers",
    "specialist_advice": "#support",
    "advice_given": "#support",
    "safeguarding_referral": "#referral",
    "vulnerability_flag": "#other-actions",
    "emergency_deployment": "#other-actions",
    "decisive_questions": "#decisive-questions",
    "supervisor_review": "#close",
}


def refuse(request: HttpRequest, call: Call, form: str, exc: services.CallError) -> None:
    """Keep what was typed in ``form`` and why the service refused it: at the field the service named, or,
    for a close refused with work outstanding, one line per task linking to where it is done."""
    if isinstance(exc, services.ClosureRefused) and exc.outstanding:
        labels = action_labels()
        errors = [("", str(exc))] + [
            (TASK_SECTIONS.get(code, "#live-panel"), f"Still to do: {labels.get(code, code)}")
            for code in exc.outstanding
        ]
    else:
        field = (exc.field or "").removeprefix("query.")
        known = known_fields(form)
        message = str(exc)
        if field and message.startswith(field):  # a search field's code ("date_of_birth: ...") as words
            message = field.replace("_", " ") + message[len(field) :]
        errors = [(field if field in known else "", sentence(message))]
    keep(request, call, form, posted(request), errors)


def known_fields(form: str) -> tuple[str, ...]:
    """The fields of ``form`` whose inputs are on the page as ``{form}-{field}`` (a refusal of any other is
    linked to the form's error summary)."""
    return FORM_FIELDS.get(form.split("-", 1)[0] if form.startswith(("na-", "edit-")) else form, ())


# The fields of each form on the call page that a refusal can point at (their inputs are ``{form}-{field}``).
FORM_FIELDS: dict[str, tuple[str, ...]] = {
    "note": ("text",),
    "edit": ("text",),
    "na": ("reason",),
    "answers": (),
    "person-check": PERSON_FIELDS,
    "identifier-check": (),
    "advice": ("agencies", "method"),
    "referral": ("to", "reason"),
    "flag": ("reason",),
    "deployment": ("reference", "note"),
    "risk": ("risk", "rationale"),
    "close": ("outcome", "rationale"),
    "review": ("rationale", *(f"ndm_{stage}" for stage in NDM_LABELS)),
    # Training calls only: the simulated caller and the signs the trainee names.
    "ask": ("question",),
    "signs": ("signs",),
    "finish": (),
}


def sentence(text: str) -> str:
    """A message as a sentence: a capital first letter and a full stop."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def action_labels() -> dict[str, str]:
    labels = {c: a.label for c, a in default_pack().actions.items()}
    labels["advice_given"] = "Record the advice given to the caller"
    return labels

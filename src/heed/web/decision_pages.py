"""Pages that decide: close, review, risk, not applicable, deployment, vulnerability flag; and the queue.

Each form carries the call's version; a decision made on an out-of-date page is refused, and what the user
typed is kept and shown again (no last-write-wins, nothing lost).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from heed.accounts.access import actor_of, may
from heed.accounts.roles import Action
from heed.calls import services
from heed.calls.forms import CloseForm, DeploymentForm, FlagForm, NotApplicableForm, ReviewForm, RiskForm
from heed.calls.models import Call, CallStatus
from heed.security.idempotency import idempotent
from heed.support.selectors import queue_items
from heed.web.edges import action_labels, attempt, back_to_call, call_view, posted_version, read_form


@call_view(Action.EDIT)
@require_POST
@idempotent("form")
def close(request: HttpRequest, call: Call) -> HttpResponse:
    form = read_form(request, call, "close", CloseForm)
    if form is None:
        return back_to_call(call, "close-errors")
    closed = attempt(
        request,
        call,
        "close",
        lambda: services.closure_request(
            actor=actor_of(request),
            call=call,
            outcome=form.cleaned_data["outcome"],
            rationale=form.cleaned_data["rationale"],
            expected_version=posted_version(request),
        ),
    )
    if closed is None:
        return back_to_call(call, "close-errors")
    if closed.status == CallStatus.CLOSED:
        messages.success(request, "The call is closed.")
    else:
        messages.success(request, "Sent to a supervisor for review.")
    return back_to_call(call)


@call_view(Action.REVIEW)
@require_POST
@idempotent("form")
def review(request: HttpRequest, call: Call) -> HttpResponse:
    form = read_form(request, call, "review", ReviewForm)
    if form is None:
        return back_to_call(call, "review-errors")
    ndm = form.ndm()
    rationale = form.cleaned_data["rationale"] or "\n".join(f"{k}: {v}" for k, v in ndm.items())
    reviewed = attempt(
        request,
        call,
        "review",
        lambda: services.review_decide(
            actor=actor_of(request),
            call=call,
            decision=form.cleaned_data["decision"],
            rationale=rationale,
            ndm=ndm,
            expected_version=posted_version(request),
        ),
    )
    if reviewed is None:
        return back_to_call(call, "review-errors")
    messages.success(request, f"Review recorded: the call is now {reviewed.get_status_display().lower()}.")
    return back_to_call(call)


@call_view(Action.EDIT)
@require_POST
@idempotent("form")
def not_applicable(request: HttpRequest, call: Call, code: str) -> HttpResponse:
    form = read_form(request, call, f"na-{code}", NotApplicableForm)
    if form is None:
        return back_to_call(call, f"na-{code}-errors")
    done = attempt(
        request,
        call,
        f"na-{code}",
        lambda: services.action_not_applicable(
            actor=actor_of(request),
            call=call,
            code=code,
            reason=form.cleaned_data["reason"],
            expected_version=posted_version(request),
        ),
    )
    return back_to_call(call, "live-panel" if done is not None else f"na-{code}-errors")


@call_view(Action.EDIT)
@require_POST
@idempotent("form")
def risk(request: HttpRequest, call: Call) -> HttpResponse:
    form = read_form(request, call, "risk", RiskForm)
    if form is None:
        return back_to_call(call, "risk-errors")
    decided = attempt(
        request,
        call,
        "risk",
        lambda: services.risk_set(
            actor=actor_of(request),
            call=call,
            risk=form.cleaned_data["risk"],
            rationale=form.cleaned_data["rationale"],
            expected_version=posted_version(request),
        ),
    )
    return back_to_call(call, "risk" if decided is not None else "risk-errors")


@call_view(Action.EDIT)
@require_POST
@idempotent("form")
def deployment(request: HttpRequest, call: Call) -> HttpResponse:
    form = read_form(request, call, "deployment", DeploymentForm)
    if form is None:
        return back_to_call(call, "deployment-errors")
    recorded = attempt(
        request,
        call,
        "deployment",
        lambda: services.deployment_record(
            actor=actor_of(request),
            call=call,
            reference=form.cleaned_data["reference"],
            note=form.cleaned_data["note"],
        ),
    )
    return back_to_call(call, "other-actions" if recorded is not None else "deployment-errors")


@call_view(Action.EDIT)
@require_POST
@idempotent("form")
def vulnerability_flag(request: HttpRequest, call: Call) -> HttpResponse:
    form = read_form(request, call, "flag", FlagForm)
    if form is None:
        return back_to_call(call, "flag-errors")
    flagged = attempt(
        request,
        call,
        "flag",
        lambda: services.vulnerability_flag_record(
            actor=actor_of(request), call=call, reason=form.cleaned_data["reason"]
        ),
    )
    return back_to_call(call, "other-actions" if flagged is not None else "flag-errors")


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    if not may(user, Action.QUEUE):
        raise Http404("No such page")
    return render(request, "calls/queue.html", {**queue_items(user), "labels": action_labels()})

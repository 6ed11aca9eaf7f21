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
from heed.calls.models import Call, CallStatus
from heed.security.idempotency import idempotent
from heed.support.selectors import queue_items
from heed.web.edges import action_labels, attempt, back_to_call, call_view, posted, posted_version


@call_view(Action.EDIT)
@require_POST
@idempotent("form")
def close(request: HttpRequest, call: Call) -> HttpResponse:
    closed = attempt(
        request,
        call,
        "close",
        lambda: services.closure_request(
            actor=actor_of(request),
            call=call,
            outcome=request.POST.get("outcome", ""),
            rationale=request.POST.get("rationale", ""),
            expected_version=posted_version(request),
        ),
    )
    if closed is None:
        return back_to_call(call, "close")
    if closed.status == CallStatus.CLOSED:
        messages.success(request, "The call is closed.")
    else:
        messages.success(request, "Sent to a supervisor for review.")
    return back_to_call(call)


@call_view(Action.REVIEW)
@require_POST
@idempotent("form")
def review(request: HttpRequest, call: Call) -> HttpResponse:
    ndm = {
        k.removeprefix("ndm_"): v for k, v in posted(request).items() if k.startswith("ndm_") and v.strip()
    }
    rationale = request.POST.get("rationale", "").strip() or "\n".join(f"{k}: {v}" for k, v in ndm.items())
    reviewed = attempt(
        request,
        call,
        "review",
        lambda: services.review_decide(
            actor=actor_of(request),
            call=call,
            decision=request.POST.get("decision", ""),
            rationale=rationale,
            ndm=ndm,
            expected_version=posted_version(request),
        ),
    )
    if reviewed is None:
        return back_to_call(call, "review")
    messages.success(request, f"Review recorded: the call is now {reviewed.get_status_display().lower()}.")
    return back_to_call(call)


@call_view(Action.EDIT)
@require_POST
@idempotent("form")
def not_applicable(request: HttpRequest, call: Call, code: str) -> HttpResponse:
    attempt(
        request,
        call,
        f"na-{code}",
        lambda: services.action_not_applicable(
            actor=actor_of(request),
            call=call,
            code=code,
            reason=request.POST.get("reason", ""),
            expected_version=posted_version(request),
        ),
    )
    return back_to_call(call, "live-panel")


@call_view(Action.EDIT)
@require_POST
@idempotent("form")
def risk(request: HttpRequest, call: Call) -> HttpResponse:
    attempt(
        request,
        call,
        "risk",
        lambda: services.risk_set(
            actor=actor_of(request),
            call=call,
            risk=request.POST.get("risk", ""),
            rationale=request.POST.get("rationale", ""),
            expected_version=posted_version(request),
        ),
    )
    return back_to_call(call, "risk")


@call_view(Action.EDIT)
@require_POST
@idempotent("form")
def deployment(request: HttpRequest, call: Call) -> HttpResponse:
    attempt(
        request,
        call,
        "deployment",
        lambda: services.deployment_record(
            actor=actor_of(request),
            call=call,
            reference=request.POST.get("reference", ""),
            note=request.POST.get("note", ""),
        ),
    )
    return back_to_call(call, "other-actions")


@call_view(Action.EDIT)
@require_POST
@idempotent("form")
def vulnerability_flag(request: HttpRequest, call: Call) -> HttpResponse:
    attempt(
        request,
        call,
        "flag",
        lambda: services.vulnerability_flag_record(
            actor=actor_of(request), call=call, reason=request.POST.get("reason", "")
        ),
    )
    return back_to_call(call, "other-actions")


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    if not may(user, Action.QUEUE):
        raise Http404("No such page")
    return render(request, "calls/queue.html", {**queue_items(user), "labels": action_labels()})

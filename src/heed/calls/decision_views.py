"""Pages that decide: close, review, risk, not applicable, deployment, vulnerability flag; and the queue.

Each form carries the call's version; a decision made on an out-of-date page is refused, and what the user
typed is kept and shown again (no last-write-wins, nothing lost).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from heed.accounts.access import actor_of, may, restrict_calls
from heed.accounts.roles import Action
from heed.calls import services
from heed.calls.edges import action_labels, attempt, back_to_call, call_view, posted, posted_version
from heed.calls.models import ActionStatus, Call, CallStatus, Reminder, RequiredAction


@call_view(Action.EDIT)
@require_POST
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


def queue_items(user: Any) -> dict[str, Any]:
    """The supervisor's queue: awaiting review, returned, overdue actions and referrals, oldest first."""
    from heed.support.models import Referral, ReferralStatus

    now = timezone.now()
    calls = restrict_calls(Call.objects.select_related("created_by"), user, Action.QUEUE)
    overdue_actions = (
        RequiredAction.objects.filter(call__in=calls, status=ActionStatus.OUTSTANDING, due_at__lt=now)
        .exclude(call__status=CallStatus.CLOSED)
        .select_related("call", "call__created_by")
        .order_by("due_at")
    )
    overdue_referrals = (
        Referral.objects.filter(call__in=calls, status=ReferralStatus.SENT, due_at__lt=now)
        .select_related("call", "made_by")
        .order_by("due_at")
    )
    return {
        "awaiting": calls.filter(status=CallStatus.AWAITING_REVIEW).order_by("updated_at"),
        "returned": calls.filter(status=CallStatus.RETURNED).order_by("updated_at"),
        "overdue_actions": overdue_actions,
        "overdue_referrals": overdue_referrals,
        "reminders": Reminder.objects.filter(call__in=calls, cleared_at__isnull=True).count(),
        "labels": action_labels(),
        "now": now,
    }


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    if not may(user, Action.QUEUE):
        raise Http404("No such page")
    return render(request, "calls/queue.html", queue_items(user))


def overdue_for_handler(user: Any) -> list[RequiredAction]:
    """Outstanding actions past due on calls this user took (shown on their list of calls)."""
    now: datetime = timezone.now()
    return list(
        RequiredAction.objects.filter(
            call__in=restrict_calls(Call.objects.all(), user),
            call__created_by=user,
            status=ActionStatus.OUTSTANDING,
        )
        .filter(due_at__lt=now)
        .exclude(call__status=CallStatus.CLOSED)
        .select_related("call")
        .order_by("due_at")[:20]
    )

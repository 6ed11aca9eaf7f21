"""Lessons notices: the national guidance owner publishes national ones and sees, per force, who has
acknowledged and acted and how far assigned training has got; a force administrator reads national notices
and the force's own, publishes the force's own, acknowledges, records what was done and assigns training.
Anyone else gets the same 404 as a missing page. Changes go through heed.notices.services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from heed.accounts.access import CallNotFound, actor_of, may_publish_guidance
from heed.accounts.fields import form_errors
from heed.accounts.roles import FORCE_ROLES, Role
from heed.notices import selectors as ns
from heed.notices.forms import AssignForm, NoticeForm, RespondForm
from heed.notices.services import NoticeError, notice_publish, notice_respond, training_assign
from heed.security.idempotency import idempotent
from heed.training.library import force_library
from heed.web.guidance_pages import allowed


def _date(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise NoticeError(f"{field}: {text!r} is not a date (YYYY-MM-DD)", field) from None


@allowed(ns.may_read_notices)
@require_http_methods(["GET", "POST"])
@idempotent("form")
def notice_list(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    typed: dict[str, Any] = {}
    problem, field = "", ""
    if request.method == "POST":
        form = NoticeForm(request.POST)
        typed = {k: str(request.POST.get(k, "")) for k in NoticeForm.base_fields}
        try:
            if not form.is_valid():
                raise NoticeError(" ".join(form_errors(form)), next(iter(form.errors), ""))
            d = form.cleaned_data
            notice = notice_publish(
                actor=user,
                title=d["title"],
                what_happened=d["what_happened"],
                what_must_change=d["what_must_change"],
                forces_must=d["forces_must"],
                due=_date(d["due"], "due"),
                pack_version=d["pack_version"] or "",
                scenarios=[s for s in (d["scenarios"] or "").replace(",", " ").split() if s],
            )
        except NoticeError as exc:
            problem, field = str(exc), exc.field
        else:
            messages.success(request, f"Published: {notice.title}.")
            return redirect(reverse("notices:detail", args=[notice.pk]))
    notices = list(ns.notices_for(user).select_related("force", "published_by")[:100])
    rows: list[tuple[Any, Any]] = []
    for n in notices:
        if user.force is not None:
            rows.append((n, ns.standing(n, user.force)))
        else:
            all_forces = ns.standings(n)
            rows.append(
                (
                    n,
                    (
                        sum(s.acknowledged for s in all_forces),
                        sum(s.acted for s in all_forces),
                        len(all_forces),
                    ),
                )
            )
    return render(
        request,
        "web/notices/list.html",
        {
            "rows": rows,
            "national": may_publish_guidance(user),
            "typed": typed,
            "problem": problem,
            "field": field,
        },
        status=400 if problem else 200,
    )


def _notice(request: HttpRequest, notice_id: int) -> Any:
    try:
        return ns.access_notice(actor_of(request), notice_id)
    except CallNotFound:
        raise Http404("No such notice") from None


@allowed(ns.may_read_notices)
@require_http_methods(["GET"])
def notice_detail(request: HttpRequest, notice_id: int) -> HttpResponse:
    user = actor_of(request)
    notice = _notice(request, notice_id)
    own = ns.standing(notice, user.force) if user.force is not None else None
    # What was typed into a refused response is shown again as typed.
    kept = request.session.pop("heed-notice-actions", None)
    actions = kept if kept is not None else (own.response.actions_taken if own and own.response else "")
    return render(
        request,
        "web/notices/detail.html",
        {
            "notice": notice,
            "own": own,
            "actions": actions,
            "standings": ns.standings(notice) if user.force is None else [],
            "roles": [(r, Role(r).label) for r in FORCE_ROLES],
            "scenarios": sorted(force_library(user.force).items()) if user.force is not None else [],
        },
    )


@allowed(ns.may_read_notices)
@require_POST
@idempotent("form")
def notice_respond_view(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = _notice(request, notice_id)
    form = RespondForm(request.POST)
    try:
        if not form.is_valid():
            raise NoticeError(" ".join(form_errors(form)))
        notice_respond(
            actor=actor_of(request),
            notice_id=notice.pk,
            acknowledge=bool(form.cleaned_data["acknowledge"]),
            actions_taken=form.cleaned_data["actions_taken"] or "",
            expected_version=form.cleaned_data["expected_version"] or None,
        )
    except NoticeError as exc:
        if exc.status == 404:
            raise Http404("No such notice") from None
        messages.error(request, f"Nothing was recorded: {exc}.")
        request.session["heed-notice-actions"] = str(request.POST.get("actions_taken", ""))
    else:
        messages.success(request, "Recorded.")
    return redirect(reverse("notices:detail", args=[notice.pk]))


@allowed(ns.may_read_notices)
@require_POST
@idempotent("form")
def notice_assign(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = _notice(request, notice_id)
    form = AssignForm(request.POST)
    try:
        if not form.is_valid():
            raise NoticeError(" ".join(form_errors(form)))
        d = form.cleaned_data
        row = training_assign(
            actor=actor_of(request),
            notice_id=notice.pk,
            role=d["role"],
            scenario_id=d["scenario"],
            due=_date(d["due"], "due"),
        )
    except NoticeError as exc:
        if exc.status == 404:
            raise Http404("No such notice") from None
        messages.error(request, f"Nothing was assigned: {exc}.")
    else:
        messages.success(
            request, f"Assigned: every {Role(row.role).label.lower()} to pass {row.scenario_id}."
        )
    return redirect(reverse("notices:detail", args=[notice.pk]))

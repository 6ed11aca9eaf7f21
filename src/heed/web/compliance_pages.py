"""The compliance pages: the dashboard (per force, per team and per handler, with monthly trends), the calls
behind a figure, the CSV, and the monthly dip sample with its review form. Supervisors and auditors see them
(only a supervisor draws and reviews); anyone else gets the same 404 as a missing page (a team of another
force too). Reading goes through
heed.compliance.figures and .selectors, changes through heed.compliance.services."""

from __future__ import annotations

import re
from datetime import date

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from heed.accounts.access import CallNotFound, TeamNotFound, access_team_by_id, actor_of, may
from heed.accounts.fields import form_errors
from heed.accounts.models import Team, User
from heed.accounts.roles import Action
from heed.calls.services.base import CallError
from heed.compliance import figures as cf
from heed.compliance.forms import DrawForm, ReviewForm
from heed.compliance.models import CHECKLIST, Answer, DipReview, DipSample
from heed.compliance.selectors import access_sample, month_samples
from heed.compliance.services import DipError, compliance_csv, dip_draw, dip_review, per_handler_default
from heed.security.idempotency import idempotent
from heed.training.charts import bar_chart
from heed.training.dashboard import Bar, Period, period_from
from heed.web.training_record_pages import training_page

MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")
# The figures drawn month by month as charts (share of their total).
TREND_FIGURES = (
    "checks_before_close",
    "advice_recorded",
    "closed_outstanding",
    "returned",
    "closure_refused",
)


def _period(request: HttpRequest) -> tuple[Period, list[str]]:
    return period_from(request.GET.get("from"), request.GET.get("to"))


def _query(period: Period, team: Team | None = None) -> str:
    team_part = f"&team={team.pk}" if team else ""
    return f"from={period.start.isoformat()}&to={period.end.isoformat()}{team_part}"


def _team(request: HttpRequest, user: User) -> Team | None:
    """The team asked for (``?team=ID``): one of the user's force's, else the same 404 as a missing page."""
    raw = str(request.GET.get("team", ""))
    if not raw:
        return None
    try:
        return access_team_by_id(user, raw, Action.COMPLIANCE)
    except TeamNotFound:
        raise Http404("No such team") from None


def _dashboard(request: HttpRequest) -> tuple[User, cf.Dashboard, list[str]]:
    user = actor_of(request)
    period, problems = _period(request)
    team = _team(request, user)
    assert user.force is not None
    return user, cf.dashboard(user.force, period, team=team), problems


def _trend_charts(d: cf.Dashboard) -> list[dict[str, object]]:
    months = cf.trends(d.force, d.period.end, now=d.now, team=d.team)
    team = f"&team={d.team.pk}" if d.team else ""
    out = []
    for key in TREND_FIGURES:
        rows = [(m.month, m.figures.figures[key]) for m in months]
        label = rows[-1][1].label if rows else key
        bars = [Bar(key, f"{m:%B %Y}", f.count, f.total or 0) for m, f in rows]
        out.append(
            {
                "chart": bar_chart(
                    f"trend-{key}",
                    f"{label}, month by month",
                    "One bar per month, the oldest first; the same figures are in the table below.",
                    bars,
                ),
                "rows": [
                    (m, f, f"from={m.isoformat()}&to={cf.month_period(m).end.isoformat()}{team}")
                    for m, f in rows
                ],
                "key": key,
                "label": label,
            }
        )
    return out


@training_page(Action.COMPLIANCE)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user, d, problems = _dashboard(request)
    return render(
        request,
        "compliance/dashboard.html",
        {
            "d": d,
            "keys": cf.FIGURE_KEYS,
            "problems": problems,
            "typed": {"from": request.GET.get("from", ""), "to": request.GET.get("to", "")},
            "query": _query(d.period, d.team),
            "period_query": _query(d.period),
            "teams": cf.teams_of_force(d.force),
            "team_rows": [(t, _query(d.period, t.team)) for t in d.teams],
            "trends": _trend_charts(d),
            "may_view": may(user, Action.VIEW),
            "may_dip": may(user, Action.DIP_SAMPLE),
        },
    )


@training_page(Action.COMPLIANCE)
@require_GET
def figure_calls(request: HttpRequest) -> HttpResponse:
    user, d, _ = _dashboard(request)
    period = d.period
    figs = d.force_figures
    handler = str(request.GET.get("handler", ""))
    if handler:
        row = next((h for h in d.handlers if str(h.handler.pk) == handler), None)
        if row is None:
            raise Http404("No such handler")
        figs = row.figures
    figure = cf.figure_of(figs, str(request.GET.get("figure", "")))
    if figure is None:
        raise Http404("No such figure")
    return render(
        request,
        "compliance/calls.html",
        {
            "figure": figure,
            "calls": cf.figure_calls(user, figure),
            "period": period,
            "team": d.team,
            "query": _query(period, d.team),
        },
    )


@training_page(Action.COMPLIANCE)
@require_GET
def dashboard_csv(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    period, _ = _period(request)
    name, data = compliance_csv(actor=user, period=period, team=_team(request, user))
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"  # it names handlers: no copy kept on the way
    return response


def _month(raw: object) -> date | None:
    m = MONTH.match(str(raw or "").strip())
    if m is None or not 1 <= int(m.group(2)) <= 12 or not 2000 <= int(m.group(1)) <= 2100:
        return None
    return date(int(m.group(1)), int(m.group(2)), 1)


def _last_month() -> date:
    return cf.add_months(cf.month_start(timezone.localdate()), -1)


@training_page(Action.COMPLIANCE)
@require_GET
def dip(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    month = _month(request.GET.get("month")) or _last_month()
    return render(
        request,
        "compliance/dip.html",
        {
            "month": month,
            "samples": month_samples(user, month),
            "may_dip": may(user, Action.DIP_SAMPLE),
            "per_handler": per_handler_default(),
        },
    )


@training_page(Action.DIP_SAMPLE)
@require_POST
@idempotent("form")
def dip_draw_page(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    form = DrawForm(request.POST)
    month = _month(request.POST.get("month"))
    if not form.is_valid() or month is None:
        messages.error(request, " ".join(form_errors(form)) or "Enter the month as year-month, like 2026-09.")
        return redirect(reverse("compliance:dip"))
    raw_n = form.cleaned_data["per_handler"]
    try:
        n = int(raw_n) if raw_n else None
        drawn = dip_draw(actor=user, month=month, per_handler=n)
    except ValueError:
        messages.error(request, "Enter the number of calls per handler as a whole number.")
    except DipError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"The dip sample for {month:%B %Y} holds {len(drawn)} calls.")
    return redirect(reverse("compliance:dip") + f"?month={month:%Y-%m}")


@training_page(Action.COMPLIANCE)
@require_http_methods(["GET", "POST"])
def dip_sample(request: HttpRequest, sample_id: int) -> HttpResponse:
    user = actor_of(request)
    try:
        sample = access_sample(user, sample_id)
    except CallNotFound:
        raise Http404("No such sample") from None
    if request.method == "POST":
        if not may(user, Action.DIP_SAMPLE):
            raise Http404("No such page")
        answer: HttpResponse = _review_post(request, sample)
        return answer
    review = _review_of(sample)
    return render(
        request,
        "compliance/dip_sample.html",
        {
            "sample": sample,
            "review": review,
            "checklist": CHECKLIST,
            "answers": Answer.choices,
            "given": {n: getattr(review, n) for n, _ in CHECKLIST} if review else {},
            "note": review.note if review else "",
            "problem": "",
            "may_dip": may(user, Action.DIP_SAMPLE),
            "may_view": may(user, Action.VIEW),
        },
    )


def _review_of(sample: DipSample) -> DipReview | None:
    return DipReview.objects.filter(sample=sample).select_related("reviewer").first()


@idempotent("form")
def _review_post(request: HttpRequest, sample: DipSample) -> HttpResponse:
    user = actor_of(request)
    form = ReviewForm(request.POST)
    given = {n: str(request.POST.get(n, "")) for n, _ in CHECKLIST}
    problem, status = "", 400
    try:
        if not form.is_valid():
            raise DipError(" ".join(form_errors(form)))
        raw = form.cleaned_data["expected_version"]
        dip_review(
            actor=user,
            sample=sample,
            answers=given,
            note=form.cleaned_data["note"],
            expected_version=int(raw) if raw and raw.isascii() and raw.isdigit() else None,
        )
    except DipError as exc:
        problem = str(exc)
        status = 409 if exc.code in ("stale", "own_call", "refused") else 400
    except CallError as exc:
        problem = str(exc)
    else:
        messages.success(request, f"Review of {sample.call.reference} recorded.")
        return redirect(reverse("compliance:dip") + f"?month={sample.month:%Y-%m}")
    review = _review_of(sample)
    return render(
        request,
        "compliance/dip_sample.html",
        {
            "sample": sample,
            "review": review,
            "checklist": CHECKLIST,
            "answers": Answer.choices,
            "given": given,
            "note": str(request.POST.get("note", "")),
            "problem": problem,
            "may_dip": True,
            "may_view": may(user, Action.VIEW),
        },
        status=status,
    )

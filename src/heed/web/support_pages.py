"""Support pages: record advice, the advice sheet (PDF and text), referrals and the referrals list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from heed.accounts.access import CallNotFound, actor_of, may
from heed.accounts.fields import form_errors
from heed.accounts.roles import Action
from heed.calls.models import Call
from heed.calls.services import CallError
from heed.risk import default_pack
from heed.security.idempotency import idempotent
from heed.support import services
from heed.support.forms import ReferralForm, ReferralStatusForm
from heed.support.models import Referral
from heed.support.selectors import access_referral_by_id
from heed.support.sheets import advice_sheet_pdf, sms_text
from heed.web.edges import attempt, back_to_call, call_view, read_form


@call_view(Action.EDIT)
@require_POST
@idempotent("form")
def advice(request: HttpRequest, call: Call) -> HttpResponse:
    recorded = attempt(
        request,
        call,
        "advice",
        lambda: services.advice_record(
            actor=actor_of(request),
            call=call,
            agencies=request.POST.getlist("agencies"),
            method=request.POST.get("method", ""),
            evidence_advice=request.POST.get("evidence_advice") == "1",
        ),
    )
    if recorded is None:
        return back_to_call(call, "advice-errors")
    missing = services.advice_missing(call)
    if missing:
        names = {a.code: a.name for a in default_pack().agencies.values()}
        messages.info(
            request,
            "Advice recorded. The caller still needs to be told about: "
            + ", ".join(names.get(code, code) for code in missing)
            + ".",
        )
    else:
        messages.success(request, "Advice recorded.")
    return back_to_call(call, "support")


@call_view(Action.VIEW)
@require_GET
def advice_sheet(request: HttpRequest, call: Call) -> HttpResponse:
    response = HttpResponse(advice_sheet_pdf(call), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="advice-{call.reference}.pdf"'
    return response


@call_view(Action.VIEW)
@require_GET
def advice_text(request: HttpRequest, call: Call) -> HttpResponse:
    return HttpResponse(sms_text(call), content_type="text/plain; charset=utf-8")


@call_view(Action.EDIT)
@require_POST
@idempotent("form")
def referral(request: HttpRequest, call: Call) -> HttpResponse:
    form = read_form(request, call, "referral", ReferralForm)
    if form is None:
        return back_to_call(call, "referral-errors")
    made = attempt(
        request,
        call,
        "referral",
        lambda: services.referral_make(
            actor=actor_of(request),
            call=call,
            to=form.cleaned_data["to"],
            reason=form.cleaned_data["reason"],
        ),
    )
    if made is None:
        return back_to_call(call, "referral-errors")
    messages.success(request, "Referral sent.")
    return back_to_call(call, "referral")


@login_required
@require_POST
@idempotent("form")
def referral_status(request: HttpRequest, referral_id: int) -> HttpResponse:
    try:
        item = access_referral_by_id(actor_of(request), referral_id)
    except CallNotFound:
        raise Http404("No such referral") from None
    form = ReferralStatusForm(request.POST)
    if not form.is_valid():
        for problem in form_errors(form):
            messages.error(request, problem)
        return _kept_note(request, item)
    try:
        services.referral_update(
            actor=actor_of(request),
            referral=item,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
        )
    except CallError as exc:
        messages.error(request, str(exc))
        return _kept_note(request, item)
    else:
        messages.success(request, f"Referral for {item.call.reference} {item.status}.")
    return redirect(reverse("referrals"))


KEPT_NOTES = "heed-referral-notes"


def _kept_note(request: HttpRequest, item: Referral) -> HttpResponse:
    """Back to the referrals, with the note that was typed shown again in its box (nothing typed is lost)."""
    request.session.setdefault(KEPT_NOTES, {})[str(item.pk)] = str(request.POST.get("note", ""))
    request.session.modified = True
    return redirect(reverse("referrals") + f"#note-{item.pk}")


@login_required
@require_GET
def referrals(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    if not may(user, Action.REFERRALS):
        raise Http404("No such page")
    calls = Call.objects.restrict(user, Action.REFERRALS)
    items = Referral.objects.filter(call__in=calls).select_related("call", "made_by", "status_by")
    return render(
        request,
        "support/referrals.html",
        {
            "open": items.filter(status="sent").order_by("due_at", "made_at"),
            "answered": items.exclude(status="sent").order_by("-status_at")[:50],
            "kept_notes": {int(k): v for k, v in request.session.pop(KEPT_NOTES, {}).items()},
        },
    )

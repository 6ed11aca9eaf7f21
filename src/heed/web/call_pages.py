"""Call pages. Thin: read input, reach the call through the access helper, call one service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from heed.accounts.access import actor_of, may
from heed.accounts.fields import form_errors
from heed.accounts.roles import Action
from heed.calls import services, workflow
from heed.calls.actions import identifier_keys_of
from heed.calls.forms import (
    DraftForm,
    IdentifierCheckForm,
    NewCallForm,
    NoteEditForm,
    NoteForm,
    PersonCheckForm,
)
from heed.calls.models import RISK_ORDER, Call, IdentifierCheck, NoteEntry, PersonCheck, RequiredAction
from heed.calls.presenters import highlight, possible_signs, prefill_person_query
from heed.calls.selectors import (
    call_text,
    calls_for_user,
    decisive_questions,
    draft_for,
    entry_history,
    identifiers_to_check,
    overdue_for_handler,
    persons_to_check,
    subject_key,
)
from heed.calls.workflow import NDM_LABELS, OUTCOMES
from heed.risk import default_pack
from heed.security.idempotency import idempotent
from heed.support.models import AdviceMethod, AdviceRecord, Referral
from heed.support.record import advice_given, call_record, closing_history
from heed.support.services import advice_missing
from heed.support.sheets import sheet_agencies, sms_text
from heed.support.timeline import call_timeline
from heed.web.edges import attempt, back_to_call, call_view, kept, posted_version, read_form, show_error


@login_required
@require_GET
def call_list(request: HttpRequest) -> HttpResponse:
    qs = calls_for_user(actor_of(request))
    status = request.GET.get("status", "")
    if status in workflow.STATUSES:
        qs = qs.filter(status=status)

    page = Paginator(qs.order_by("-created_at"), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "calls/list.html",
        {
            "page": page,
            "status": status,
            "statuses": workflow.STATUSES,
            "overdue": overdue_for_handler(actor_of(request)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@idempotent("form")
def call_new(request: HttpRequest) -> HttpResponse:
    if not may(request.user, Action.CREATE):
        raise Http404("No such page")
    form = NewCallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            call = services.call_create(
                actor=actor_of(request),
                narrative=d["narrative"],
                caller_name=d["caller_name"],
                caller_relation=d["caller_relation"],
                caller_contact=d["caller_contact"],
                child_name=d["child_name"],
                child_age=d["child_age"],
            )
        except services.CallError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("calls:detail", call_id=call.pk)
    return render(request, "calls/new.html", {"form": form})


def _detail_context(request: HttpRequest, call: Call) -> dict[str, Any]:
    user = actor_of(request)
    pack = default_pack()
    typed = kept(request, call)  # what was typed in forms refused a moment ago, shown again
    draft = typed.get("note", {}).get("text") or draft_for(call, user)
    history = entry_history(call)  # one read of the log serves the entries, their versions and the panel
    _, segments = call_text(call, history=history)
    stored_inds = call.assessment.get("indicators", [])
    entries = [
        {
            "h": h,
            "versions": history.get(h.segment.entry_no or 0, []),
            "kept_text": typed.get(f"edit-{h.segment.entry_no}", {}).get("text", ""),
        }
        for h in highlight(segments, stored_inds)
    ]
    subjects = call.assessment.get("subjects", [])
    persons = persons_to_check(call)
    person_checks = list(PersonCheck.objects.filter(call=call).select_related("run_by"))
    checked_subjects = {subject_key(c.subject) for c in person_checks if c.subject}
    # A refused person check shows what was typed again, in the form it was typed in.
    typed_check = typed.get("person-check", {})
    person_forms = [
        {
            "person": p,
            "checked": subject_key(str(p["value"])) in checked_subjects,
            "form": PersonCheckForm(
                initial=typed_check
                if typed_check.get("subject") == p["value"]
                else {
                    "subject": p["value"],
                    **prefill_person_query(p, subjects, only_person=len(persons) == 1),
                }
            ),
        }
        for p in persons
    ]
    identifier_checks = list(IdentifierCheck.objects.filter(call=call).select_related("run_by"))
    done_keys = {(c.kind, c.strong_key) for c in identifier_checks}
    identifiers = []
    for s in identifiers_to_check(call):
        keys = identifier_keys_of(s)
        if keys is None:
            continue
        identifiers.append(
            {"s": s, "display": keys.display, "checked": (s["kind"], keys.strong) in done_keys}
        )
    alerts = [c for c in person_checks if c.marker_alert]
    actions = list(RequiredAction.objects.filter(call=call).select_related("done_by"))
    editable = workflow.may_edit(call.status) is None and may(user, Action.EDIT)
    return {
        **_decision_context(call, user, typed, actions),
        "call": call,
        "pack": pack,
        "entries": entries,
        "draft": draft,
        "editable": editable,
        "person_forms": person_forms,
        "free_person_form": PersonCheckForm(initial={} if typed_check.get("subject") else typed_check),
        "person_checks": person_checks,
        "identifiers": identifiers,
        "identifier_checks": identifier_checks,
        "alerts": alerts,
        "questions": list(pack.questions.values()),
        "record": None if editable else call_record(call, history=history),
        **_panel_context(call, draft, user, history, actions),
    }


def _decision_context(
    call: Call, user: Any, typed: dict[str, dict[str, str]], actions: list[RequiredAction]
) -> dict[str, Any]:
    """Support, referral, other actions, risk, closure and review: what the lower half of the page needs
    (each kind of record read once)."""
    pack = default_pack()
    codes = {a.code for a in actions}
    closures = list(call.closure_requests.select_related("requested_by"))
    pending = next((c for c in reversed(closures) if c.state == "pending"), None)
    advice_records = list(AdviceRecord.objects.filter(call=call).select_related("given_by"))
    reviews = list(call.review_decisions.select_related("decided_by", "request"))
    return {
        "sheet_agencies": sheet_agencies(call),
        "advice_missing": advice_missing(call, advice_records),
        "advice_records": advice_records,
        "advice_given": [advice_given(pack, r) for r in advice_records],
        "advice_methods": AdviceMethod.choices,
        "evidence_advice": pack.evidence_advice,
        "sms": sms_text(call),
        "referrals": Referral.objects.filter(call=call).select_related("made_by", "status_by"),
        "referral_targets": pack.referral_targets.items(),
        "needs_flag": "vulnerability_flag" in codes,
        "needs_deployment": "emergency_deployment" in codes or call.response == "emergency",
        "flags": call.vulnerability_flags.select_related("flagged_by"),
        "deployments": call.deployments.select_related("recorded_by"),
        "risk_decisions": call.risk_decisions.select_related("decided_by"),
        "outcomes": OUTCOMES.items(),
        "pending": pending,
        "reviews": reviews,
        "closures": closures,
        "closing_history": closing_history(closures, reviews),
        "may_review": may(user, Action.REVIEW) and call.status == "awaiting_review",
        "ndm_labels": NDM_LABELS.items(),
        "kept": typed,
    }


def _panel_context(
    call: Call,
    draft: str,
    user: Any,
    history: dict[int, list[NoteEntry]] | None = None,
    actions: list[RequiredAction] | None = None,
) -> dict[str, Any]:
    """The live panel: the decisive questions first, then possible signs to ask about, the assessment of the
    log plus the draft (with the child's vulnerability), and the stored actions and their state.

    With no unsent draft there is nothing new to read: the assessment stored when the log or the answers last
    changed is the engine's reading of them (under the same pack), so the engine is not run again."""
    pack = default_pack()
    if not draft.strip() and call.assessment and call.pack_version == pack.version:
        live_d: dict[str, Any] | None = call.assessment
        _, segments = call_text(call, history=history)
    else:
        live, segments = services.live_assessment(call, draft, history)
        live_d = live.to_dict() if live is not None else None
    # With nothing to assess yet (no log, no draft), what was stored last still says what is known.
    shown = live_d if live_d is not None else call.assessment
    decisive = decisive_questions(call, pack)
    if actions is None:
        actions = list(RequiredAction.objects.filter(call=call).select_related("done_by"))
    stored_codes = {a.code for a in actions}
    pending = [c for c in (live_d or {}).get("required_actions", []) if c not in stored_codes]
    draft_seg = [s for s in segments if s.entry_no is None]
    draft_html = highlight(draft_seg, live_d["indicators"])[0].html if live_d and draft_seg else ""
    return {
        "call": call,
        "live": live_d,
        "actions": actions,
        "na_allowed": {c for c, a in pack.actions.items() if a.may_be_not_applicable},
        "editable_panel": workflow.may_edit(call.status) is None and may(user, Action.EDIT),
        "action_labels": {c: a.label for c, a in pack.actions.items()},
        "pending_actions": pending,
        "draft_preview": draft_html,
        "has_draft": bool(draft.strip()),
        "lowering": live_d is not None and RISK_ORDER[live_d["risk"]] < RISK_ORDER.get(call.risk, 0),
        "decisive": decisive,
        "decisive_unanswered": sum(1 for q in decisive if q["answer"] is None),
        "possible_signs": possible_signs(pack, call.answers, shown),
        "vulnerability": (shown or {}).get("vulnerability") or [],
    }


@call_view(Action.VIEW)
@require_GET
def call_detail(request: HttpRequest, call: Call) -> HttpResponse:
    services.call_viewed(actor=actor_of(request), call=call)
    return render(request, "calls/detail.html", _detail_context(request, call))


@call_view(Action.EDIT)
@require_POST
def call_draft(request: HttpRequest, call: Call) -> HttpResponse:
    """Autosave what is being typed; answer with the live panel (htmx)."""
    form = DraftForm(request.POST)
    try:
        if not form.is_valid():
            raise services.CallError(" ".join(form_errors(form)), "text")
        text = form.cleaned_data["text"]
        services.draft_save(actor=actor_of(request), call=call, text=text)
    except services.CallError as exc:
        return render(
            request,
            "calls/_panel.html",
            {**_panel_context(call, "", actor_of(request)), "panel_error": str(exc)},
        )
    return render(
        request,
        "calls/_panel.html",
        {**_panel_context(call, text, actor_of(request)), "saved": True, "oob_preview": True},
    )


@call_view(Action.EDIT)
@require_POST
@idempotent("form")
def note_add(request: HttpRequest, call: Call) -> HttpResponse:
    form = read_form(request, call, "note", NoteForm)
    if form is None:
        return back_to_call(call, "note-text")
    try:
        services.note_add(actor=actor_of(request), call=call, text=form.cleaned_data["text"])
    except services.CallError as exc:
        show_error(request, exc)
    return back_to_call(call, "note-text")


@call_view(Action.EDIT)
@require_POST
@idempotent("form")
def note_edit(request: HttpRequest, call: Call, entry_no: int) -> HttpResponse:
    form = read_form(request, call, f"edit-{entry_no}", NoteEditForm)
    if form is None:
        return back_to_call(call, f"entry-{entry_no}")
    attempt(
        request,
        call,
        f"edit-{entry_no}",
        lambda: services.note_edit(
            actor=actor_of(request),
            call=call,
            entry_no=entry_no,
            text=form.cleaned_data["text"],
            expected_version=posted_version(request),
        ),
    )
    return back_to_call(call, f"entry-{entry_no}")


ANSWER_ANCHORS = frozenset({"questions", "decisive-questions", "possible-signs"})


@call_view(Action.EDIT)
@require_POST
@idempotent("form")
def answers(request: HttpRequest, call: Call) -> HttpResponse:
    given = {k.removeprefix("q_"): str(v) for k, v in request.POST.items() if k.startswith("q_") and v}
    recorded = attempt(
        request,
        call,
        "answers",
        lambda: services.answers_record(
            actor=actor_of(request), call=call, answers=given, expected_version=posted_version(request)
        ),
    )
    if recorded is not None:
        messages.success(request, "Answers recorded and the call reassessed.")
    # Answered from the live panel: back to the panel's questions, not the form at the foot of the page.
    anchor = request.POST.get("anchor", "")
    return back_to_call(call, anchor if anchor in ANSWER_ANCHORS else "questions")


@call_view(Action.EDIT)
@require_POST
def person_check(request: HttpRequest, call: Call) -> HttpResponse:
    form = read_form(request, call, "person-check", PersonCheckForm)
    if form is None:
        return back_to_call(call, "checks")
    try:
        check = services.person_check_run(
            actor=actor_of(request),
            call=call,
            query=form.query(),
            subject=form.cleaned_data.get("subject", ""),
        )
    except services.CallError as exc:
        show_error(request, exc)
        return back_to_call(call, "checks")
    return back_to_call(call, "marker-alert" if check.marker_alert else f"person-check-{check.pk}")


@call_view(Action.EDIT)
@require_POST
def identifier_check(request: HttpRequest, call: Call) -> HttpResponse:
    try:
        if request.POST.get("all"):
            services.identifier_checks_run_all(actor=actor_of(request), call=call)
        else:
            form = read_form(request, call, "identifier-check", IdentifierCheckForm)
            if form is None:
                return back_to_call(call, "identifiers")
            d = form.cleaned_data
            services.identifier_check_run(
                actor=actor_of(request),
                call=call,
                kind=d["kind"],
                value=d["value"],
                platform=d["platform"],
            )
    except services.CallError as exc:
        show_error(request, exc)
    return back_to_call(call, "identifiers")


@call_view(Action.TIMELINE)
@require_GET
def timeline(request: HttpRequest, call: Call) -> HttpResponse:
    """The call's audit events, filtered by kind (GET ``kind``); views only with ``views=1``."""
    services.timeline_viewed(actor=actor_of(request), call=call)
    shown = call_timeline(
        call.pk, kind=request.GET.get("kind", ""), show_views=request.GET.get("views") == "1"
    )
    return render(request, "calls/timeline.html", {"call": call, "timeline": shown})

"""Call pages. Thin: read input, reach the call through the access helper, call one service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
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
    may_on_call,
    overdue_for_handler,
    persons_to_check,
    return_notice,
    returned_first,
    returned_to,
    subject_key,
)
from heed.calls.workflow import NDM_LABELS, OUTCOMES
from heed.packstore.selectors import pack_for_call
from heed.security.idempotency import idempotent
from heed.support.models import AdviceMethod, AdviceRecord, Referral
from heed.support.record import advice_given, call_record, closing_history
from heed.support.services import advice_missing
from heed.support.sheets import sheet_agencies, sms_text
from heed.support.timeline import call_timeline
from heed.textclean import LIVE_READ, NARRATIVE, live_part
from heed.training.dashboard import refreshers_due
from heed.training.selectors import concealed_on
from heed.web.edges import (
    TASK_SECTIONS,
    FormErrors,
    action_labels,
    attempt,
    back_to_call,
    call_view,
    kept,
    posted_version,
    read_form,
    refuse,
    refused_forms,
)
from heed.web.training_pages import training_context


@login_required
@require_GET
def call_list(request: HttpRequest) -> HttpResponse:
    qs = calls_for_user(actor_of(request))
    status = request.GET.get("status", "")
    if status in workflow.STATUSES:
        qs = qs.filter(status=status)

    page = Paginator(returned_first(qs), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "calls/list.html",
        {
            "page": page,
            "status": status,
            "statuses": workflow.STATUSES,
            "overdue": overdue_for_handler(actor_of(request)),
            "returned": returned_to(actor_of(request)),
            "labels": action_labels(),
            "refreshers": refreshers_due(actor_of(request)),
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
    pack = pack_for_call(call)
    typed = kept(request, call)  # what was typed in forms refused a moment ago, shown again
    errors = refused_forms(request, call)  # and why, at the form
    draft = typed.get("note", {}).get("text") or draft_for(call, user)
    history = entry_history(call)  # one read of the log serves the entries, their versions and the panel
    _, segments = call_text(call, history=history)
    training = training_context(request, call, typed, errors) if call.training else {}
    # Unassisted training: the danger signs are not marked in the log until the attempt is finished.
    stored_inds = [] if training.get("concealed") else call.assessment.get("indicators", [])
    entries = [
        {
            "h": h,
            "versions": history.get(h.segment.entry_no or 0, []),
            "kept_text": typed.get(f"edit-{h.segment.entry_no}", {}).get("text", ""),
            "errs": errors.get(f"edit-{h.segment.entry_no}"),
            "input_id": f"edit-{h.segment.entry_no}-text",
        }
        for h in highlight(segments, stored_inds)
    ]
    subjects = call.assessment.get("subjects", [])
    persons = persons_to_check(call)
    person_checks = list(PersonCheck.objects.filter(call=call).select_related("run_by"))
    checked_subjects = {subject_key(c.subject) for c in person_checks if c.subject}
    # A refused person check shows what was typed again, in the form it was typed in.
    typed_check = typed.get("person-check", {})
    # The refused form's inputs are named person-check-FIELD, so its error summary can link to them.
    check_errs = errors.get("person-check")
    person_forms = [
        {
            "person": p,
            "checked": subject_key(str(p["value"])) in checked_subjects,
            "form": PersonCheckForm(
                initial=typed_check
                if refused
                else {
                    "subject": p["value"],
                    **prefill_person_query(p, subjects, only_person=len(persons) == 1),
                }
            ),
            "prefix": "person-check" if refused else f"pf{n}",
            "errs": check_errs if refused else None,
        }
        for n, p in enumerate(persons, start=1)
        for refused in [bool(typed_check) and typed_check.get("subject") == p["value"]]
    ]
    free_refused = bool(typed_check) and not typed_check.get("subject")
    identifier_checks = list(IdentifierCheck.objects.filter(call=call).select_related("run_by"))
    done_keys = {(c.kind, c.strong_key) for c in identifier_checks if c.records_searched is not None}
    identifiers = []
    for s in identifiers_to_check(call):
        keys = identifier_keys_of(s)
        if keys is None:
            continue
        identifiers.append(
            {"s": s, "display": keys.display, "checked": (s["kind"], keys.strong) in done_keys}
        )
    alerts = [c for c in person_checks if c.marker_alert]
    editable = workflow.may_edit(call.status) is None and may_on_call(user, call, Action.EDIT)
    identifier_alerts = [c for c in identifier_checks if c.marker_alert]
    actions = list(RequiredAction.objects.filter(call=call).select_related("done_by"))
    context = {
        **_decision_context(call, user, typed, actions),
        "errors": errors,
        "call": call,
        "pack": pack,
        "entries": entries,
        "draft": draft,
        "editable": editable,
        "person_forms": person_forms,
        "free_person_form": PersonCheckForm(initial=typed_check if free_refused else {}),
        "free_prefix": "person-check" if free_refused else "free",
        "free_errs": check_errs if free_refused else None,
        "person_checks": person_checks,
        "identifiers": identifiers,
        "identifier_checks": identifier_checks,
        "alerts": alerts,
        "identifier_alerts": identifier_alerts,
        "return_notice": return_notice(call),  # the supervisor's reason, while the call is returned
        "questions": list(pack.questions.values()),
        "record": None if editable else call_record(call, history=history),
        "training": training,
        "may_timeline": may_on_call(user, call, Action.TIMELINE),
        **_panel_context(call, draft, user, history, actions, errors, typed),
    }
    # A refusal of a form this page does not show (the call closed meanwhile, or the action it records is no
    # longer required) is shown at the top instead, so no reason is lost.
    shown = _forms_shown(context)
    context["page_errors"] = [e for form, e in errors.items() if form not in shown]
    return context


def _forms_shown(context: dict[str, Any]) -> set[str]:
    """The forms the call page shows (each shows its own refusal)."""
    shown = {"answers"}
    if context["training"]:
        shown |= {"ask", "signs", "finish"}
    if context["may_review"]:
        shown.add("review")
    if not context["editable"]:
        return shown
    shown |= {"note", "person-check", "identifier-check", "advice", "referral", "risk", "close"}
    shown |= {f"edit-{e['h'].segment.entry_no}" for e in context["entries"]}
    shown |= {f"na-{t['code']}" for t in context["tasks"] if t.get("na_form")}
    if context["needs_flag"] and not context["flags"]:
        shown.add("flag")
    if context["needs_deployment"]:
        shown.add("deployment")
    return shown


def _as_list(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)] if value else []


def _decision_context(
    call: Call, user: Any, typed: dict[str, dict[str, str]], actions: list[RequiredAction]
) -> dict[str, Any]:
    """Support, referral, other actions, risk, closure and review: what the lower half of the page needs
    (each kind of record read once)."""
    pack = pack_for_call(call)
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
        "may_review": may_on_call(user, call, Action.REVIEW) and call.status == "awaiting_review",
        "ndm_fields": [(key, label, f"ndm_{key}") for key, label in NDM_LABELS.items()],
        "kept": typed,
        # Ticked again only if the handler had ticked it in a refused form: nothing is ticked for them.
        "kept_agencies": _as_list(typed.get("advice", {}).get("agencies")),
    }


def _panel_context(
    call: Call,
    draft: str,
    user: Any,
    history: dict[int, list[NoteEntry]] | None = None,
    actions: list[RequiredAction] | None = None,
    errors: dict[str, FormErrors] | None = None,
    typed: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The live panel: the decisive questions first, then possible signs to ask about, the assessment of the
    log plus the draft (with the child's vulnerability), and the stored actions and their state.

    With no unsent draft there is nothing new to read: the assessment stored when the log or the answers last
    changed is the engine's reading of them (under the same pack), so the engine is not run again.

    Of a draft longer than ``textclean.LIVE_READ`` only the first part is read (and shown marked), so a pause
    never takes seconds nor sends back the whole text; the panel says so (``draft_read``)."""
    pack = pack_for_call(call)
    read = live_part(draft)
    if not draft.strip() and call.assessment and call.pack_version == pack.version:
        live_d: dict[str, Any] | None = call.assessment
        _, segments = call_text(call, history=history)
    else:
        live, segments = services.live_assessment(call, read, history)
        live_d = live.to_dict() if live is not None else None
    # With nothing to assess yet (no log, no draft), what was stored last still says what is known.
    shown = live_d if live_d is not None else call.assessment
    decisive = decisive_questions(call, pack)
    if actions is None:
        actions = list(RequiredAction.objects.filter(call=call).select_related("done_by"))
    stored_codes = {a.code for a in actions}
    pending = [c for c in (live_d or {}).get("required_actions", []) if c not in stored_codes]
    decisive_unanswered = sum(1 for q in decisive if q["answer"] is None)
    tasks = task_list(call, pack, actions, pending, decisive_unanswered, errors or {}, typed or {}, user)
    draft_seg = [s for s in segments if s.entry_no is None]
    concealed = call.training and concealed_on(call)
    draft_html = (
        highlight(draft_seg, [] if concealed else live_d["indicators"])[0].html
        if live_d and draft_seg
        else ""
    )
    return {
        "call": call,
        "live": live_d,
        "concealed": concealed,
        "actions": actions,
        "editable_panel": workflow.may_edit(call.status) is None and may_on_call(user, call, Action.EDIT),
        "tasks": tasks,
        "tasks_outstanding": sum(1 for t in tasks if t["status"] == "outstanding"),
        "errors": errors or {},
        "draft_preview": draft_html,
        "has_draft": bool(draft.strip()),
        # Set when only part of the draft is read live: how much, of how much.
        "draft_read": f"{len(read):,}" if len(read) < len(draft) else "",
        "draft_length": f"{len(draft):,}",
        "live_limit": LIVE_READ,
        "note_limit": NARRATIVE,
        "lowering": live_d is not None and RISK_ORDER[live_d["risk"]] < RISK_ORDER.get(call.risk, 0),
        "decisive": decisive,
        "decisive_unanswered": decisive_unanswered,
        # The engine's follow-up questions, less the decisive ones already asked for above them.
        "ask_next": [
            q
            for q in (live_d or {}).get("follow_up_questions", [])
            if q.get("id") not in {d["id"] for d in decisive}
        ],
        "possible_signs": possible_signs(pack, call.answers, shown),
        "vulnerability": (shown or {}).get("vulnerability") or [],
    }


STATUS_LABELS = {"outstanding": "Outstanding", "done": "Done", "not_applicable": "Not applicable"}


def task_list(
    call: Call,
    pack: Any,
    actions: list[RequiredAction],
    pending: list[str],
    decisive_unanswered: int,
    errors: dict[str, FormErrors],
    typed: dict[str, dict[str, Any]],
    user: Any,
) -> list[dict[str, Any]]:
    """What must be done before the call can close, as a task list: the decisive questions first, then each
    required action (stored, or to be required once what is typed is added to the log), each with its status
    and a link to the part of the page where it is done."""
    labels = {c: a.label for c, a in pack.actions.items()}
    editable = workflow.may_edit(call.status) is None and may_on_call(user, call, Action.EDIT)
    tasks: list[dict[str, Any]] = []
    if not any(a.code == "decisive_questions" for a in actions):
        tasks.append(
            {
                "code": "decisive_questions",
                "label": labels.get("decisive_questions", "Ask the decisive questions"),
                "href": "#decisive-questions",
                "status": "outstanding" if decisive_unanswered else "done",
                "status_label": f"{decisive_unanswered} to ask" if decisive_unanswered else "Done",
                "hint": "",
            }
        )
    ordered = sorted(actions, key=lambda a: (a.code != "decisive_questions", a.code == "supervisor_review"))
    for a in ordered:
        if a.status == "done":
            hint = (
                f"{a.done_by.username if a.done_by else ''}, {timezone.localtime(a.done_at):%H:%M}"
                if a.done_at
                else ""
            )
        elif a.status == "not_applicable":
            hint = f"{a.done_by.username if a.done_by else ''}: {a.reason}"
        else:
            # No clock: due by the end of the call (the close request), so never overdue while it is live.
            hint = (
                f"Due {timezone.localtime(a.due_at):%-d %b %H:%M}" if a.due_at else "By the end of the call"
            )
        na = (
            a.status == "outstanding"
            and editable
            and pack.actions.get(a.code)
            and pack.actions[a.code].may_be_not_applicable
        )
        tasks.append(
            {
                "code": a.code,
                "label": labels.get(a.code, a.code),
                "href": TASK_SECTIONS.get(a.code, "#live-panel"),
                "status": a.status,
                "status_label": STATUS_LABELS.get(a.status, a.get_status_display()),
                "hint": hint,
                "na_form": bool(na),
                "na_errs": errors.get(f"na-{a.code}"),
                "na_kept": typed.get(f"na-{a.code}", {}).get("reason", ""),
            }
        )
    if not any(a.code == "specialist_advice" for a in actions) and call.risk not in workflow.REVIEW_RISKS:
        # A call that closes without review must have the advice given to the caller recorded.
        given = AdviceRecord.objects.filter(call=call).exists()
        tasks.append(
            {
                "code": "advice_given",
                "label": "Record the advice given to the caller",
                "href": TASK_SECTIONS["advice_given"],
                "status": "done" if given else "outstanding",
                "status_label": "Done" if given else "Outstanding",
                "hint": "",
            }
        )
    for code in pending:
        tasks.append(
            {
                "code": code,
                "label": labels.get(code, code),
                "href": TASK_SECTIONS.get(code, "#live-panel"),
                "status": "pending",
                "status_label": "When added",
                "hint": "Required once what you are typing is added to the log",
            }
        )
    return tasks


@call_view(Action.VIEW)
@require_GET
def call_detail(request: HttpRequest, call: Call) -> HttpResponse:
    services.call_viewed(actor=actor_of(request), call=call)
    return render(request, "calls/detail.html", _detail_context(request, call))


@call_view(Action.EDIT)
@require_POST
def call_draft(request: HttpRequest, call: Call) -> HttpResponse:
    """Autosave what is being typed; answer with the live panel (htmx).

    A draft the rule refuses (over the entry's limit, a character that cannot be stored) is not saved, and the
    panel says so in its status line, with the reason; the box keeps the text (this answers the panel only).
    The panel then shows the log without the draft: it is not read in part, as it could not be added as it is.
    """
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
            {
                **_panel_context(call, "", actor_of(request)),
                "panel_error": (
                    f"Draft not saved. {exc} What you typed is still in the box; it is not in the log."
                ),
                "oob_preview": True,  # the preview of an earlier draft goes: it is not what is in the box
            },
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
        return back_to_call(call, "note-errors")
    added = attempt(
        request,
        call,
        "note",
        lambda: services.note_add(actor=actor_of(request), call=call, text=form.cleaned_data["text"]),
    )
    return back_to_call(call, "note-text" if added is not None else "note-errors")


@call_view(Action.EDIT)
@require_POST
@idempotent("form")
def note_edit(request: HttpRequest, call: Call, entry_no: int) -> HttpResponse:
    form = read_form(request, call, f"edit-{entry_no}", NoteEditForm)
    if form is None:
        return back_to_call(call, f"edit-{entry_no}-errors")
    edited = attempt(
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
    return back_to_call(call, f"entry-{entry_no}" if edited is not None else f"edit-{entry_no}-errors")


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
    if recorded is None:
        return back_to_call(call, "answers-errors")
    messages.success(request, "Answers recorded and the call reassessed.")
    # Answered from the live panel: back to the panel's questions, not the form at the foot of the page; from
    # the decisive questions, on to the next one still to ask.
    anchor = request.POST.get("anchor", "")
    if anchor == "decisive-questions":
        ask = next(
            (q["id"] for q in decisive_questions(recorded, pack_for_call(recorded)) if q["answer"] is None),
            None,
        )
        anchor = f"ask-{ask}" if ask else anchor
        return back_to_call(call, anchor)
    return back_to_call(call, anchor if anchor in ANSWER_ANCHORS else "questions")


@call_view(Action.EDIT)
@require_POST
def person_check(request: HttpRequest, call: Call) -> HttpResponse:
    form = read_form(request, call, "person-check", PersonCheckForm)
    if form is None:
        return back_to_call(call, "person-check-errors")
    check = attempt(
        request,
        call,
        "person-check",
        lambda: services.person_check_run(
            actor=actor_of(request),
            call=call,
            query=form.query(),
            subject=form.cleaned_data.get("subject", ""),
        ),
    )
    if check is None:
        return back_to_call(call, "person-check-errors")
    return back_to_call(call, "marker-alert" if check.marker_alert else f"person-check-{check.pk}")


@call_view(Action.EDIT)
@require_POST
def identifier_check(request: HttpRequest, call: Call) -> HttpResponse:
    try:
        if request.POST.get("all"):
            checks = services.identifier_checks_run_all(actor=actor_of(request), call=call)
        else:
            form = read_form(request, call, "identifier-check", IdentifierCheckForm)
            if form is None:
                return back_to_call(call, "identifier-check-errors")
            d = form.cleaned_data
            checks = [
                services.identifier_check_run(
                    actor=actor_of(request),
                    call=call,
                    kind=d["kind"],
                    value=d["value"],
                    platform=d["platform"],
                )
            ]
    except services.CallError as exc:
        refuse(request, call, "identifier-check", exc)
        return back_to_call(call, "identifier-check-errors")
    # A record with a warning marker holds one of them: the page opens on the alert, as for a person match.
    return back_to_call(call, "marker-alert" if any(c.marker_alert for c in checks) else "identifiers")


@call_view(Action.TIMELINE)
@require_GET
def timeline(request: HttpRequest, call: Call) -> HttpResponse:
    """The call's audit events, filtered by kind (GET ``kind``); views only with ``views=1``."""
    services.timeline_viewed(actor=actor_of(request), call=call)
    shown = call_timeline(
        call.pk, kind=request.GET.get("kind", ""), show_views=request.GET.get("views") == "1"
    )
    return render(request, "calls/timeline.html", {"call": call, "timeline": shown})

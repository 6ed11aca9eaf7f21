"""Training pages: the library (start an attempt), the simulated caller on the training call's own page (ask,
name the signs, finish), and the attempt's result. Thin: read the form, reach the attempt through its access
helper, call one service, redirect or render."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from heed.accounts.access import actor_of, may
from heed.accounts.fields import form_errors
from heed.accounts.roles import Action
from heed.notices.selectors import assigned_to
from heed.risk import default_pack
from heed.security.idempotency import idempotent
from heed.training import services
from heed.training.forms import AskForm
from heed.training.library import AttemptNotFound, TrainingError, force_library, national_library
from heed.training.models import Attempt
from heed.training.scenario import Scenario
from heed.training.scoring import scoring_rules
from heed.training.selectors import access_attempt, attempts_of, questions_of
from heed.web.edges import keep, posted, sentence


def _attempt(request: HttpRequest, attempt_id: int, *, as_trainee: bool = True) -> Attempt:
    try:
        return access_attempt(actor_of(request), attempt_id, as_trainee=as_trainee)
    except AttemptNotFound:
        raise Http404("No such attempt") from None


def _may_train(request: HttpRequest) -> None:
    if not may(actor_of(request), Action.TRAIN):
        raise Http404("No such page")


def _back(attempt: Attempt, anchor: str = "caller") -> HttpResponse:
    return redirect(reverse("calls:detail", args=[attempt.call_id]) + f"#{anchor}")


def _library_context(request: HttpRequest, errors: dict[str, str] | None = None) -> dict[str, Any]:
    user = actor_of(request)
    national = national_library()
    scenarios = sorted(force_library(user.force).values(), key=lambda s: (s.role, s.level, s.title))
    return {
        "handler_scenarios": [s for s in scenarios if s.role == "handler"],
        "supervisor_scenarios": [s for s in scenarios if s.role == "supervisor"],
        "national_ids": set(national),
        "attempts": list(attempts_of(user)[:50]),
        "start_errors": errors or {},
        "chosen": request.POST.get("scenario", "") if request.method == "POST" else "",
        # Training the force assigned to the user's role because of a lessons notice, not yet passed.
        "assigned": assigned_to(user),
    }


@login_required
@require_GET
def library(request: HttpRequest) -> HttpResponse:
    _may_train(request)
    return render(request, "training/library.html", _library_context(request))


@login_required
@require_POST
@idempotent("form")
def start(request: HttpRequest) -> HttpResponse:
    _may_train(request)
    scenario = request.POST.get("scenario", "")
    mode = request.POST.get("mode", "")
    if mode not in services.MODES:
        errors = {scenario: "Choose assisted or unassisted before you start."}
        return render(request, "training/library.html", _library_context(request, errors), status=422)
    try:
        attempt = services.attempt_start(actor=actor_of(request), scenario=scenario, mode=mode)
    except TrainingError as exc:
        errors = {scenario: sentence(str(exc))}
        return render(request, "training/library.html", _library_context(request, errors), status=422)
    return _back(attempt, "caller")


@login_required
@require_POST
@idempotent("form")
def ask(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _attempt(request, attempt_id)
    form = AskForm(request.POST)
    if not form.is_valid():
        errors = [("question", sentence(message)) for message in form_errors(form)]
        keep(request, attempt.call, "ask", posted(request), errors)
        return _back(attempt, "ask-errors")
    # A guided question chosen from the list, or the trainee's own words (the words win when both are given).
    question = form.cleaned_data["question"].strip() or form.cleaned_data["guided"].strip()
    try:
        services.attempt_ask(actor=actor_of(request), attempt=attempt, question=question)
    except TrainingError as exc:
        keep(request, attempt.call, "ask", posted(request), [("question", sentence(str(exc)))])
        return _back(attempt, "ask-errors")
    return _back(attempt, "transcript-end")


@login_required
@require_POST
@idempotent("form")
def signs(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _attempt(request, attempt_id)
    try:
        services.attempt_signs(
            actor=actor_of(request), attempt=attempt, indicators=request.POST.getlist("signs")
        )
    except TrainingError as exc:
        keep(request, attempt.call, "signs", posted(request), [("signs", sentence(str(exc)))])
        return _back(attempt, "signs-errors")
    return _back(attempt, "signs")


@login_required
@require_POST
@idempotent("form")
def finish(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _attempt(request, attempt_id)
    try:
        services.attempt_finish(actor=actor_of(request), attempt=attempt)
    except TrainingError as exc:
        if exc.code != "finished":  # finished already (a second click): the result is there to read
            keep(request, attempt.call, "finish", posted(request), [("", sentence(str(exc)))])
            return _back(attempt, "finish")
    return redirect("training:result", attempt_id=attempt.pk)


@login_required
@require_GET
def result(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _attempt(request, attempt_id, as_trainee=False)
    if attempt.finished_at is None:
        if attempt.trainee_id == actor_of(request).pk:
            return _back(attempt, "finish")
        raise Http404("Not finished")
    scenario = services.attempt_scenario(attempt)
    rules = scoring_rules()
    labels: dict[str, str] = rules["competencies"]
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in attempt.items:
        groups.setdefault(item["competency"], []).append(item)
    return render(
        request,
        "training/result.html",
        {
            "attempt": attempt,
            "scenario": scenario,
            "fatal": [(code, rules["fatal"].get(code, code)) for code in attempt.fatal],
            "groups": [
                (labels.get(c, c), c, items, all(i["met"] for i in items)) for c, items in groups.items()
            ],
            "timings": _timings(attempt.timings),
            "questions": questions_of(attempt),
            "pass_mark": rules["pass_mark"],
            "key_signs": [default_pack().indicators[c].label for c in scenario.key.indicators],
            "named_signs": [default_pack().indicators[c].label for c in (attempt.signs or [])],
            "is_trainee": attempt.trainee_id == actor_of(request).pk,
        },
    )


TIMING_LABELS = {
    "first_person_check": "First person check",
    "first_identifier_check": "First identifier check",
    "advice": "Advice recorded",
    "referral": "Referral made",
    "deployment": "Officers deployed",
    "close_request": "First request to close",
    "finished": "Finished",
}


def _timings(timings: dict[str, int | None]) -> list[tuple[str, str]]:
    out = []
    for key, label in TIMING_LABELS.items():
        seconds = timings.get(key)
        out.append((label, "not done" if seconds is None else f"{seconds // 60} min {seconds % 60:02d} s"))
    return out


def training_context(
    request: HttpRequest, call: Any, typed: dict[str, Any], errors: dict[str, Any]
) -> dict[str, Any]:
    """What the call page shows of a training call: the banner, the caller, the transcript, the ask form,
    the signs form (unassisted), and whether the danger signs and actions are hidden."""
    attempt = Attempt.objects.filter(call=call).select_related("trainee").first()
    if attempt is None:
        return {}
    scenario: Scenario = services.attempt_scenario(attempt)
    pack = default_pack()
    named = typed.get("signs", {}).get("signs") if "signs" in typed else attempt.signs
    named_list = named if isinstance(named, list) else ([named] if named else [])
    return {
        "attempt": attempt,
        "scenario": scenario,
        "questions": questions_of(attempt),
        "guided": [(q.id, q.text, q.decisive) for q in pack.questions.values()],
        "indicators": [(code, ind.label) for code, ind in pack.indicators.items()],
        "named": set(named_list),
        "concealed": attempt.mode == Attempt.Mode.UNASSISTED and attempt.finished_at is None,
        "ask_kept": typed.get("ask", {}).get("question", ""),
        "ask_errs": errors.get("ask"),
        "signs_errs": errors.get("signs"),
        "finish_errs": errors.get("finish"),
        "is_trainee": attempt.trainee_id == actor_of(request).pk,
    }

"""Training pages for the records that follow a person: one's own records and certificates, the team's
status (supervisors and trainers), the trainer's cohort dashboard and its CSV, and scenario authoring
(draft, preview, publish, withdraw). Each page is reached only by the roles allowed; anyone else gets the
same 404 as a missing page. Reading goes through heed.training.dashboard, changes through
heed.training.services."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from heed.accounts.access import actor_of, may
from heed.accounts.fields import form_errors
from heed.accounts.roles import Action
from heed.security.idempotency import idempotent
from heed.training import dashboard
from heed.training import exports as training_exports
from heed.training.charts import cohort_charts
from heed.training.forms import ScenarioForm
from heed.training.library import TrainingError
from heed.training.models import AuthoredScenario, Certificate
from heed.training.scenario import MAX_BYTES
from heed.training.services import scenario_publish, scenario_save, scenario_withdraw

View = Callable[..., HttpResponse]
PROBLEMS_SHOWN = 100  # a refused scenario's problems listed on the page (the rest are counted)
CERTIFICATE_CSS = Path(dashboard.__file__).parent / "certificate.css"


def training_page(action: str) -> Callable[[View], View]:
    """Signed in, and the role may take ``action``; else the same 404 as a page that does not exist."""

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not may(request.user, action):
                raise Http404("No such page")
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


# ---------------------------------------------------------------------------------------------- my records


@training_page(Action.TRAIN)
@require_GET
def me(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    return render(
        request,
        "training/records_me.html",
        {
            "records": dashboard.my_records(user),
            "may_team": may(user, Action.TRAINING_TEAM),
            "may_author": may(user, Action.TRAINING_AUTHOR),
        },
    )


def _own_certificate(request: HttpRequest, certificate_id: int) -> dashboard.CertificateDetail:
    try:
        return dashboard.certificate_detail(dashboard.certificate_of(actor_of(request), certificate_id))
    except Certificate.DoesNotExist:
        raise Http404("No such certificate") from None


@training_page(Action.TRAIN)
@require_GET
def certificate(request: HttpRequest, certificate_id: int) -> HttpResponse:
    return render(
        request, "training/records_certificate.html", {"detail": _own_certificate(request, certificate_id)}
    )


@training_page(Action.TRAIN)
@require_GET
def certificate_pdf(request: HttpRequest, certificate_id: int) -> HttpResponse:
    from weasyprint import CSS, HTML

    detail = _own_certificate(request, certificate_id)
    html = render_to_string("training/records_certificate_pdf.html", {"detail": detail})
    pdf = HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(CERTIFICATE_CSS))])
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{detail.certificate.pk}.pdf"'
    return response


# ------------------------------------------------------------------------------------------------ the team


@training_page(Action.TRAINING_TEAM)
@require_GET
def team(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    return render(
        request,
        "training/records_team.html",
        {
            "members": dashboard.team_status(user),
            "labels": dashboard.competency_labels(),
            "window_days": dashboard.current_window().days,
        },
    )


# ---------------------------------------------------------------------------------------------- the cohort


@training_page(Action.TRAINING_AUTHOR)
@require_GET
def cohort(request: HttpRequest) -> HttpResponse:
    period, problems = dashboard.period_from(request.GET.get("from"), request.GET.get("to"))
    figures = dashboard.cohort(actor_of(request), period)
    return render(
        request,
        "training/cohort.html",
        {
            "cohort": figures,
            "problems": problems,
            "typed": {"from": request.GET.get("from", ""), "to": request.GET.get("to", "")},
            **cohort_charts(figures),
            "csv_query": f"?from={period.start.isoformat()}&to={period.end.isoformat()}",
        },
    )


@training_page(Action.TRAINING_AUTHOR)
@require_GET
def cohort_csv(request: HttpRequest) -> HttpResponse:
    period, _ = dashboard.period_from(request.GET.get("from"), request.GET.get("to"))
    name, data = training_exports.cohort_csv(actor=actor_of(request), period=period)
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"  # it names staff: no copy kept on the way
    return response


# ----------------------------------------------------------------------------------------------- authoring


@training_page(Action.TRAINING_AUTHOR)
@require_http_methods(["GET", "POST"])
def authoring(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    text, problems = "", list[str]()
    if request.method == "POST":
        text, problems = _typed_or_uploaded(request)
        form = ScenarioForm({"text": text})
        if not problems and not form.is_valid():
            problems = form_errors(form)
        if not problems:
            try:
                saved = scenario_save(actor=user, text=form.cleaned_data["text"])
            except TrainingError as exc:
                problems = list(exc.problems)
            else:
                messages.success(request, f"Saved {saved.scenario_id} version {saved.version} as a draft.")
                return redirect(reverse("training_records:authored", args=[saved.pk]))
    elif request.GET.get("from"):
        try:
            text = dashboard.access_authored(user, request.GET["from"]).text
        except dashboard.AuthoredNotFound:
            raise Http404("No such scenario") from None
    return render(
        request,
        "training/author_list.html",
        {
            "groups": dashboard.authored_groups(user),
            "text": text,
            "problems": problems[:PROBLEMS_SHOWN],
            "more_problems": max(0, len(problems) - PROBLEMS_SHOWN),
        },
    )


def _typed_or_uploaded(request: HttpRequest) -> tuple[str, list[str]]:
    """The scenario's text: the file uploaded, when one was, else what was typed in the box."""
    typed = str(request.POST.get("text", ""))
    upload = request.FILES.get("file")
    if not isinstance(upload, UploadedFile) or not upload.size:
        return typed, []
    if upload.size > MAX_BYTES:
        return typed, [f"The file is larger than {MAX_BYTES // 1000} kB: a scenario is smaller than that."]
    raw = upload.read()
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        return typed, ["The file is not text (UTF-8): upload the scenario's YAML file."]


def _authored(request: HttpRequest, authored_id: int) -> AuthoredScenario:
    try:
        return dashboard.access_authored(actor_of(request), authored_id)
    except dashboard.AuthoredNotFound:
        raise Http404("No such scenario") from None


@training_page(Action.TRAINING_AUTHOR)
@require_GET
def authored(request: HttpRequest, authored_id: int) -> HttpResponse:
    return render(
        request, "training/author_preview.html", {"p": dashboard.preview(_authored(request, authored_id))}
    )


@training_page(Action.TRAINING_AUTHOR)
@require_POST
@idempotent("form")
def authored_publish(request: HttpRequest, authored_id: int) -> HttpResponse:
    row = _authored(request, authored_id)
    try:
        scenario_publish(actor=actor_of(request), authored=row)
    except TrainingError as exc:
        for problem in exc.problems:
            messages.error(request, f"Not published: {problem}")
    else:
        messages.success(request, f"Published {row.scenario_id} version {row.version}: it is in the library.")
    return redirect(reverse("training_records:authored", args=[row.pk]))


@training_page(Action.TRAINING_AUTHOR)
@require_POST
@idempotent("form")
def authored_withdraw(request: HttpRequest, authored_id: int) -> HttpResponse:
    row = _authored(request, authored_id)
    try:
        scenario_withdraw(actor=actor_of(request), authored=row)
    except TrainingError as exc:
        messages.error(request, f"Not withdrawn: {exc}")
    else:
        messages.success(
            request,
            f"Withdrew {row.scenario_id} version {row.version} from the library (past attempts keep their "
            "copy).",
        )
    return redirect(reverse("training_records:authored", args=[row.pk]))

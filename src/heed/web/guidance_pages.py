"""Guidance pages. A force administrator sees the guidance in force, the national versions kept here, what a
version would change (diff), shadow runs and adoption, and signs the force's local additions; the national
guidance owner installs versions and sees which version each force runs. The look-back pages are for
safeguarding officers (the queue, recording what was done) and show every run's progress to them and to the
force administrator. Anyone else gets the same 404 as a missing page. Changes go through heed.packstore and
heed.lookback services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from heed.accounts.access import CallNotFound, actor_of, may, may_publish_guidance
from heed.accounts.fields import form_errors
from heed.accounts.models import Force
from heed.accounts.roles import Action
from heed.guidance import packfile as pf
from heed.lookback import selectors as lbs
from heed.lookback import services as lb
from heed.lookback.forms import (
    AdoptForm,
    LocalClearForm,
    LocalForm,
    LookBackStartForm,
    RecordForm,
    ShadowForm,
)
from heed.lookback.models import LookBackItem, RunStatus
from heed.packstore import selectors as ps
from heed.packstore import services as pss
from heed.packstore.models import InstalledPack
from heed.security.idempotency import idempotent

View = Callable[..., HttpResponse]
MAX_PACK_BYTES = 20_000_000


def allowed(check: Callable[[Any], bool]) -> Callable[[View], View]:
    """Signed in and ``check(user)``; else the same 404 as a page that does not exist."""

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not check(request.user):
                raise Http404("No such page")
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def _admin(user: Any) -> bool:
    return may(user, Action.GUIDANCE)


def _installer(user: Any) -> bool:
    return may(user, Action.GUIDANCE) or may_publish_guidance(user)


def _officer(user: Any) -> bool:
    return may(user, Action.LOOKBACK)


def _in_force(force: Force) -> dict[str, Any]:
    row = ps.in_force(force)
    return {
        "stamp": ps.pack_for(force).version,
        "national": row.pack if row is not None else None,
        "overlay": row.overlay if row is not None else None,
        "version": row.version if row is not None else 0,
        "shipped": ps.shipped_version(),
    }


def _national_version(force: Force) -> str:
    row = ps.in_force(force)
    return row.pack.version if row is not None and row.pack is not None else ps.shipped_version()


# ------------------------------------------------------------------------------------------- force admin


@allowed(_admin)
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    force = user.force
    assert force is not None
    pss.shipped_pack()
    current = _national_version(force)
    return render(
        request,
        "web/guidance/overview.html",
        {
            "in_force": _in_force(force),
            "problem": ps.guidance_problem(force),
            "current": current,
            "versions": ps.installed_versions(),
            "shadow_runs": lbs.shadow_runs_of(user)[:20],
            "adoptions": lbs.adoptions_of(user)[:20],
            "keys_configured": bool(settings.HEED_GUIDANCE_KEYS),
            "default_days": 90,
        },
    )


def _version_or_404(version: str) -> InstalledPack:
    row = InstalledPack.objects.filter(version=version).first()
    if row is None:
        raise Http404("No such version")
    return row


@allowed(_installer)
@require_GET
def version_diff(request: HttpRequest, version: str) -> HttpResponse:
    """What a kept version changes from the national version in force (for a national owner: from the
    version before it), in readable terms, grouped by kind."""
    user = actor_of(request)
    new = _version_or_404(version)
    if user.force is not None:
        old_version = _national_version(user.force)
    else:
        older = [p for p in ps.installed_versions() if pf.version_key(p.version) < pf.version_key(version)]
        old_version = older[0].version if older else version
    old = _version_or_404(old_version) if old_version != ps.shipped_version() else pss.shipped_pack()
    lines = pf.diff(ps.load_guidance(old, None, ""), ps.load_guidance(new, None, ""))
    groups: dict[str, list[str]] = {}
    for line in lines:
        kind, rest = line.split(" ", 1)
        groups.setdefault(kind, []).append(rest)
    return render(
        request,
        "web/guidance/diff.html",
        {"old": old, "new": new, "groups": sorted(groups.items()), "count": len(lines)},
    )


def _pack_upload(request: HttpRequest) -> tuple[bytes | None, str]:
    upload = request.FILES.get("file")
    if not isinstance(upload, UploadedFile) or not upload.size:
        return None, "Choose the signed pack file to install."
    if upload.size > MAX_PACK_BYTES:
        return None, f"The file is larger than {MAX_PACK_BYTES // 1_000_000} MB: it is not a guidance pack."
    return upload.read(), ""


@allowed(_installer)
@require_POST
@idempotent("form")
def install(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    back = reverse("guidance:overview" if user.force is not None else "guidance:national")
    data, problem = _pack_upload(request)
    if data is None:
        messages.error(request, f"Nothing was installed: {problem}")
        return redirect(back)
    if not settings.HEED_GUIDANCE_KEYS:
        messages.error(request, "Nothing was installed: no trusted keys are configured (HEED_GUIDANCE_KEYS).")
        return redirect(back)
    try:
        trusted = pf.load_trusted_keys(Path(settings.HEED_GUIDANCE_KEYS))
        row = pss.install_pack(data=data, trusted=trusted, actor=user)
    except (pf.PackFileRefused, OSError) as exc:
        messages.error(request, f"Nothing was installed: the trusted keys cannot be read ({exc}).")
    except pss.GuidanceRefused as exc:
        messages.error(request, f"The pack was {exc}. The guidance in force is unchanged.")
    else:
        messages.success(
            request,
            f"Installed {row.name} {row.version}. It is in force nowhere until a force adopts it after a "
            "shadow run.",
        )
    return redirect(back)


@allowed(_admin)
@require_POST
@idempotent("form")
def shadow_start(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    assert user.force is not None
    form = ShadowForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"No shadow run was started: {' '.join(form_errors(form))}")
        return redirect(reverse("guidance:overview"))
    try:
        days = int(form.cleaned_data["days"].strip())
    except ValueError:
        messages.error(request, "No shadow run was started: days must be a whole number from 1 to 366.")
        return redirect(reverse("guidance:overview"))
    try:
        run = lb.shadow_start(actor=user, force=user.force, version=form.cleaned_data["version"], days=days)
    except lb.LookBackError as exc:
        messages.error(request, f"No shadow run was started: {exc}.")
        return redirect(reverse("guidance:overview"))
    return redirect(reverse("guidance:shadow", args=[run.pk]))


@allowed(_admin)
@require_GET
def shadow(request: HttpRequest, run_id: int) -> HttpResponse:
    user = actor_of(request)
    try:
        run = lbs.access_shadow(user, run_id)
    except CallNotFound:
        raise Http404("No such shadow run") from None
    assert user.force is not None
    in_force = _in_force(user.force)
    s = run.summary or {}
    return render(
        request,
        "web/guidance/shadow.html",
        {
            "run": run,
            "running": run.status == RunStatus.RUNNING,
            "up": sum((s.get("up") or {}).values()),
            "down": sum((s.get("down") or {}).values()),
            "s": s,
            "in_force": in_force,
            "may_adopt": run.status == RunStatus.FINISHED and run.baseline == in_force["stamp"],
            "rationale": "",
        },
    )


@allowed(_admin)
@require_POST
@idempotent("form")
def adopt(request: HttpRequest, run_id: int) -> HttpResponse:
    user = actor_of(request)
    try:
        run = lbs.access_shadow(user, run_id)
    except CallNotFound:
        raise Http404("No such shadow run") from None
    assert user.force is not None
    form = AdoptForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Not adopted: {' '.join(form_errors(form))}")
        return redirect(reverse("guidance:shadow", args=[run.pk]))
    try:
        adoption = lb.adopt(
            actor=user,
            force=user.force,
            version=run.candidate.version,
            rationale=form.cleaned_data["rationale"],
            shadow_run_id=run.pk,
            expected_version=form.cleaned_data["expected_version"] or None,
        )
    except lb.LookBackError as exc:
        messages.error(request, f"Not adopted: {exc}.")
        return redirect(reverse("guidance:shadow", args=[run.pk]))
    messages.success(
        request,
        f"{adoption.pack.version} is in force for new assessments (was {adoption.previous}). "
        f"The look-back at the last {lb.lookback_months()} months of closed calls has started.",
    )
    return redirect(reverse("guidance:overview"))


@allowed(_admin)
@require_http_methods(["GET", "POST"])
@idempotent("form")
def local(request: HttpRequest) -> HttpResponse:
    """The force's local additions: one box per file, a statement, signed as the next version."""
    user = actor_of(request)
    force = user.force
    assert force is not None
    row = ps.in_force(force)
    files = dict(row.overlay.files) if row is not None and row.overlay is not None else {}
    statement, problem, field = "", "", ""
    if request.method == "POST":
        form = LocalForm(request.POST)
        # What was typed is shown again as typed, whatever is refused.
        files = {name: str(request.POST.get(f"file-{name}", "")) for name in ps.OVERLAY_FILES}
        statement = str(request.POST.get("statement", ""))
        try:
            if not form.is_valid():
                raise pss.GuidanceRefused(
                    " ".join(form_errors(form)), next(iter(form.errors), "").removeprefix("file-")
                )
            overlay = pss.overlay_sign(
                force=force,
                files={name: form.cleaned_data[f"file-{name}"] for name in ps.OVERLAY_FILES},
                statement=form.cleaned_data["statement"],
                actor=user,
                expected_version=form.cleaned_data["expected_version"] or None,
            )
        except pss.GuidanceRefused as exc:
            problem, field = str(exc), exc.field
        else:
            messages.success(
                request, f"Local additions {overlay.number} signed: in force for new assessments."
            )
            return redirect(reverse("guidance:local"))
    return render(
        request,
        "web/guidance/local.html",
        {
            "in_force": _in_force(force),
            "boxes": [(name, files.get(name, "")) for name in ps.OVERLAY_FILES],
            "statement": statement,
            "problem": problem,
            "field": field,
            "overrides": pss.overrides(force),
            "history": ps.overlays_of(force)[:20],
        },
        status=400 if problem else 200,
    )


@allowed(_admin)
@require_POST
@idempotent("form")
def local_clear(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    assert user.force is not None
    form = LocalClearForm(request.POST)
    try:
        if not form.is_valid():
            raise pss.GuidanceRefused(" ".join(form_errors(form)))
        overlay = pss.overlay_clear(
            force=user.force,
            file=form.cleaned_data["file"],
            section=form.cleaned_data["section"],
            code=form.cleaned_data["code"],
            actor=user,
            expected_version=form.cleaned_data["expected_version"] or None,
        )
    except pss.GuidanceRefused as exc:
        messages.error(request, f"Nothing was cleared: {exc}.")
    else:
        messages.success(
            request, f"Cleared (local additions {overlay.number}): the national value applies again."
        )
    return redirect(reverse("guidance:local"))


# ------------------------------------------------------------------------------------- national owner


@allowed(may_publish_guidance)
@require_GET
def national(request: HttpRequest) -> HttpResponse:
    pss.shipped_pack()
    forces = [(f, _in_force(f)) for f in Force.objects.order_by("code")]
    return render(
        request,
        "web/guidance/national.html",
        {
            "versions": ps.installed_versions(),
            "forces": forces,
            "keys_configured": bool(settings.HEED_GUIDANCE_KEYS),
        },
    )


# ------------------------------------------------------------------------------------------- look-back


@allowed(lbs.may_see_lookback_runs)
@require_GET
def lookback_queue(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    done = request.GET.get("show") == "done"
    items = lbs.queue(user, status=LookBackItem.Status.DONE if done else LookBackItem.Status.OPEN)
    return render(
        request,
        "web/guidance/lookback_queue.html",
        {
            "items": items[:200],
            "count": items.count(),
            "done": done,
            "officer": _officer(user),
            "runs": lbs.runs_of(user)[:20],
            "months": lb.lookback_months(),
            "since_default": (timezone.now() - dt.timedelta(days=365)).date().isoformat(),
        },
    )


@allowed(lbs.may_see_lookback_runs)
@require_POST
@idempotent("form")
def lookback_start(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    assert user.force is not None
    form = LookBackStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"No look-back was started: {' '.join(form_errors(form))}")
        return redirect(reverse("lookback:queue"))
    raw = form.cleaned_data["since"]
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        messages.error(request, f"No look-back was started: {raw!r} is not a date (YYYY-MM-DD).")
        return redirect(reverse("lookback:queue"))
    since = dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)
    if since > timezone.now():
        messages.error(request, "No look-back was started: the date is in the future.")
        return redirect(reverse("lookback:queue"))
    run = lb.lookback_start(actor=user, force=user.force, since=since)
    return redirect(reverse("lookback:run", args=[run.pk]))


@allowed(lbs.may_see_lookback_runs)
@require_GET
def lookback_run(request: HttpRequest, run_id: int) -> HttpResponse:
    try:
        run = lbs.access_run(actor_of(request), run_id)
    except CallNotFound:
        raise Http404("No such look-back") from None
    return render(
        request,
        "web/guidance/lookback_run.html",
        {
            "run": run,
            "running": run.status == RunStatus.RUNNING,
            "percent": round(100 * run.done / run.total) if run.total else 100,
        },
    )


@allowed(_officer)
@require_http_methods(["GET", "POST"])
@idempotent("form")
def lookback_item(request: HttpRequest, item_id: int) -> HttpResponse:
    user = actor_of(request)
    try:
        item = lbs.access_item(user, item_id)
    except CallNotFound:
        raise Http404("No such finding") from None
    outcome, note, problem, field = "", "", "", ""
    if request.method == "POST":
        form = RecordForm(request.POST)
        outcome = str(request.POST.get("outcome", ""))
        note = str(request.POST.get("note", ""))
        try:
            if not form.is_valid():
                raise lb.LookBackError(" ".join(form_errors(form)), field=next(iter(form.errors), "note"))
            lb.lookback_record(
                actor=user,
                item_id=item.pk,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["expected_version"] or None,
            )
        except lb.LookBackError as exc:
            problem, field = str(exc), exc.field
        else:
            messages.success(request, f"Recorded for {item.call.reference}.")
            return redirect(reverse("lookback:queue"))
    return render(
        request,
        "web/guidance/lookback_item.html",
        {
            "item": item,
            "outcomes": LookBackItem.Outcome.choices,
            "outcome": outcome,
            "note": note,
            "problem": problem,
            "field": field,
            "labels": {c: a.label for c, a in ps.pack_for(item.force).actions.items()},
        },
        status=(409 if problem and not field else 400) if problem else 200,
    )

"""Shadow runs, adoption and the look-back. Each decision is one transaction with its audit event: an adoption
locks the force's guidance row and checks the version the person saw; recording what was done about a
look-back finding locks the finding and checks its version. Runs go forward a chunk of calls at a time, each
chunk in its own transaction under the run's lock, so a run stopped anywhere resumes after its last chunk and
two workers never read the same chunk twice. No run ever changes a call or its assessment."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from itertools import islice
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from heed import textclean as tc
from heed.accounts.models import Force, User
from heed.audit.events import EventType
from heed.audit.services import audit_record
from heed.guidance.lookback import compare, judge
from heed.lookback.models import Adoption, LookBackItem, LookBackRun, RunStatus, ShadowRun
from heed.lookback.records import call_records, closed_calls, recent_calls
from heed.packstore.models import InstalledPack
from heed.packstore.selectors import load_guidance, pack_for
from heed.packstore.services import (
    GuidanceRefused,
    StaleGuidance,
    guidance_row_locked,
    set_in_force,
    shipped_pack,
)
from heed.risk.grading import RISK_ORDER

CHUNK = 200
EXAMPLES = 5  # calls shown for each kind of change in a shadow run's report


class LookBackError(ValueError):
    """A refused look-back or shadow-run action; ``status`` the HTTP status an edge answers with."""

    def __init__(self, message: str, status: int = 400, field: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.field = field


def _label(actor: User | None, actor_label: str) -> str:
    return actor.username if actor is not None else actor_label


def lookback_months() -> int:
    return int(getattr(settings, "HEED_LOOKBACK_MONTHS", 12))


def lookback_since() -> dt.datetime:
    """Where the look-back after an adoption starts: ``HEED_LOOKBACK_MONTHS`` ago."""
    return timezone.now() - dt.timedelta(days=round(lookback_months() * 365.25 / 12))


def _enqueue(kind: str, run_id: int) -> None:
    from heed.lookback.tasks import run_continue

    transaction.on_commit(lambda: run_continue.enqueue(kind, run_id))


def version_to_adopt(version: str) -> InstalledPack:
    shipped_pack()
    pack = InstalledPack.objects.filter(version=version.strip()).first()
    if pack is None:
        raise LookBackError(f"national version {version!r} is not installed here", 404, "version")
    return pack


# --------------------------------------------------------------------------------------------- shadow run


def shadow_start(
    *,
    actor: User | None,
    force: Force,
    version: str,
    days: int,
    actor_label: str = "command line",
    run: bool = True,
) -> ShadowRun:
    """Start a shadow run of installed ``version`` beside the guidance in force, over the force's calls of the
    last ``days`` days (carried forward by the task worker; ``run=False`` leaves that to the caller)."""
    if not 1 <= days <= 366:
        raise LookBackError("days: a shadow run reads from 1 to 366 days of calls", field="days")
    candidate = version_to_adopt(version)
    in_force = pack_for(force)
    since = timezone.now() - dt.timedelta(days=days)
    with transaction.atomic():
        shadow = ShadowRun.objects.create(
            force=force,
            candidate=candidate,
            baseline=in_force.version,
            days=days,
            total=recent_calls(force, since).count(),
            started_by=actor,
            started_by_label=_label(actor, actor_label),
            started_at=timezone.now(),
        )
        audit_record(
            event_type=EventType.GUIDANCE_SHADOW_RUN,
            actor=actor,
            actor_label=_label(actor, actor_label),
            force_code=force.code,
            obj=shadow,
            after={"candidate": candidate.version, "baseline": in_force.version, "days": days},
        )
        if run:
            _enqueue("shadow", shadow.pk)
    return shadow


def _empty_summary() -> dict[str, Any]:
    return {
        "up": {},
        "down": {},
        "same": 0,
        "changed": 0,
        "new_actions": {},
        "dropped_actions": {},
        "new_agencies": {},
        "examples": {"up": [], "down": [], "actions": [], "agencies": []},
    }


def _add(summary: dict[str, Any], change: Any) -> None:
    summary["changed"] += 1
    move = f"{change.before}->{change.after}"
    if change.direction in ("up", "down"):
        summary[change.direction][move] = summary[change.direction].get(move, 0) + 1
    for key in ("new_actions", "dropped_actions", "new_agencies"):
        counts = Counter(summary[key])
        counts.update(getattr(change, key))
        summary[key] = dict(counts)
    example = {
        "call_id": change.call_id,
        "reference": change.reference,
        "before": change.before,
        "after": change.after,
        "new_actions": list(change.new_actions),
        "dropped_actions": list(change.dropped_actions),
        "new_agencies": list(change.new_agencies),
    }
    for kind, applies in (
        ("up", change.direction == "up"),
        ("down", change.direction == "down"),
        ("actions", bool(change.new_actions or change.dropped_actions)),
        ("agencies", bool(change.new_agencies)),
    ):
        if applies and len(summary["examples"][kind]) < EXAMPLES:
            summary["examples"][kind].append(example)


def shadow_step(run_id: int) -> bool:
    """Read the next chunk of a shadow run; True while there is more to read."""
    with transaction.atomic():
        run = (
            ShadowRun.objects.select_for_update(of=("self",))
            .select_related("force", "candidate")
            .get(pk=run_id)
        )
        if run.status == RunStatus.FINISHED:
            return False
        in_force = pack_for(run.force)
        if in_force.version != run.baseline:
            run.status = RunStatus.FAILED
            run.error = "the guidance in force changed during the run: start a new shadow run"
            run.save(update_fields=["status", "error"])
            return False
        candidate = load_guidance(run.candidate, _overlay_of(run.force), run.force.code)
        run.candidate_stamp = candidate.version
        since = run.started_at - dt.timedelta(days=run.days)
        calls = recent_calls(run.force, since, after_id=int(run.cursor))
        batch = list(islice(call_records(calls, chunk=CHUNK), CHUNK))
        summary = run.summary or _empty_summary()
        for record in batch:
            change = compare(record, in_force, candidate)
            if change is None:
                summary["same"] += 1
            else:
                _add(summary, change)
        run.summary = summary
        run.done += len(batch)
        if batch:
            run.cursor = batch[-1].call_id
        more = len(batch) == CHUNK
        if not more:
            run.status = RunStatus.FINISHED
            run.finished_at = timezone.now()
            run.total = run.done
        else:
            run.status = RunStatus.RUNNING
        run.error = ""
        run.save()
        return more


def _overlay_of(force: Force) -> Any:
    from heed.packstore.selectors import in_force

    row = in_force(force)
    return row.overlay if row is not None else None


# ----------------------------------------------------------------------------------------------- adoption


def adopt(
    *,
    actor: User | None,
    force: Force,
    version: str,
    rationale: str,
    shadow_run_id: object,
    expected_version: object = None,
    actor_label: str = "command line",
    lookback: bool = True,
) -> Adoption:
    """Put installed ``version`` in force for the force's new assessments: a recorded decision, made on a
    finished shadow run of that version against the guidance in force now, with a rationale. Starts the
    look-back at the last ``HEED_LOOKBACK_MONTHS`` of closed calls under it (``lookback=False``: not now)."""
    pack = version_to_adopt(version)
    try:
        said = tc.clean_text(rationale, tc.TextRule(tc.RATIONALE))
    except tc.TextRefused as exc:
        raise LookBackError(exc.describe("The rationale"), field="rationale") from None
    if not said:
        raise LookBackError(
            "rationale: say why this version is adopted (it is kept with the decision)", field="rationale"
        )
    try:
        run_pk = int(str(shadow_run_id))
    except ValueError:
        raise LookBackError("adopt on a finished shadow run of this version", field="shadow_run") from None
    with transaction.atomic():
        try:
            row = guidance_row_locked(force, expected_version)
        except StaleGuidance as exc:
            raise LookBackError(str(exc), 409) from None
        before = pack_for(force).version
        shadow = ShadowRun.objects.filter(pk=run_pk, force=force, candidate=pack).first()
        if shadow is None or shadow.status != RunStatus.FINISHED:
            raise LookBackError(
                f"adopt {pack.version} on a finished shadow run of it: run one first", 409, "shadow_run"
            )
        if shadow.baseline != before:
            raise LookBackError(
                f"that shadow run compared with {shadow.baseline}, but {before} is in force now: "
                "run it again",
                409,
                "shadow_run",
            )
        try:
            set_in_force(row, pack=pack)
        except GuidanceRefused as exc:
            raise LookBackError(str(exc), 409) from None
        adoption = Adoption.objects.create(
            force=force,
            pack=pack,
            previous=before,
            shadow_run=shadow,
            rationale=said,
            decided_by=actor,
            decided_by_label=_label(actor, actor_label),
            decided_at=timezone.now(),
        )
        audit_record(
            event_type=EventType.GUIDANCE_ADOPTED,
            actor=actor,
            actor_label=_label(actor, actor_label),
            force_code=force.code,
            obj=adoption,
            before={"in_force": before},
            after={"in_force": pack_for(force).version, "shadow_run": shadow.pk, "rationale": said},
        )
    if lookback:
        lookback_start(
            actor=actor, force=force, since=lookback_since(), adoption=adoption, actor_label=actor_label
        )
    return adoption


# ---------------------------------------------------------------------------------------------- look-back


def lookback_start(
    *,
    actor: User | None,
    force: Force,
    since: dt.datetime,
    adoption: Adoption | None = None,
    actor_label: str = "command line",
    run: bool = True,
) -> LookBackRun:
    """Start (or, when one for the same guidance and period is unfinished, resume) a look-back at the force's
    closed calls since ``since`` under the guidance in force now."""
    stamp = pack_for(force).version
    with transaction.atomic():
        unfinished = (
            LookBackRun.objects.select_for_update()
            .filter(force=force, stamp=stamp, since=since)
            .exclude(status=RunStatus.FINISHED)
            .first()
        )
        if unfinished is not None:
            if run:
                _enqueue("lookback", unfinished.pk)
            return unfinished
        lb = LookBackRun.objects.create(
            force=force,
            stamp=stamp,
            since=since,
            total=closed_calls(force, since).count(),
            adoption=adoption,
            started_by=actor,
            started_by_label=_label(actor, actor_label),
            started_at=timezone.now(),
        )
        audit_record(
            event_type=EventType.LOOKBACK_STARTED,
            actor=actor,
            actor_label=_label(actor, actor_label),
            force_code=force.code,
            obj=lb,
            after={"guidance": stamp, "since": since.isoformat(), "calls": lb.total},
        )
        if run:
            _enqueue("lookback", lb.pk)
    return lb


def lookback_step(run_id: int) -> bool:
    """Judge the next chunk of a look-back's calls; True while there is more to read."""
    with transaction.atomic():
        lb = LookBackRun.objects.select_for_update(of=("self",)).select_related("force").get(pk=run_id)
        if lb.status == RunStatus.FINISHED:
            return False
        from heed.packstore.selectors import kept_version

        # The guidance in force when the run's stamp is still it (HEED_GUIDANCE's overlay, for a force with
        # no guidance of its own, is not kept here); else the kept version the run was started under.
        in_force = pack_for(lb.force)
        pack = in_force if in_force.version == lb.stamp else kept_version(lb.stamp).guidance()
        batch = list(
            islice(
                call_records(closed_calls(lb.force, lb.since, after_id=int(lb.cursor)), chunk=CHUNK), CHUNK
            )
        )
        now = timezone.now()
        items = []
        for record in batch:
            finding = judge(record, pack)
            if finding is not None:
                items.append(
                    LookBackItem(
                        run=lb,
                        force=lb.force,
                        call_id=record.call_id,
                        stamp=lb.stamp,
                        old_risk=finding.old_risk,
                        new_risk=finding.new_risk,
                        risk_rose=finding.risk_rose,
                        missing=list(finding.missing),
                        reasons=list(finding.reasons),
                        old_pack_version=finding.old_pack_version,
                        found_at=now,
                    )
                )
        # A call is not queued again for what it was queued for before (under this stamp or another: a later
        # wording change re-reads it alike): only a higher grade, or something more missing, is news.
        earlier: dict[int, list[tuple[str, set[str]]]] = {}
        for call_id, new_risk, missing in LookBackItem.objects.filter(
            call_id__in=[i.call_id for i in items]
        ).values_list("call_id", "new_risk", "missing"):
            earlier.setdefault(call_id, []).append((new_risk, set(missing or [])))
        fresh = [
            i
            for i in items
            if not any(
                RISK_ORDER.get(risk, 0) >= RISK_ORDER.get(i.new_risk, 0) and set(i.missing) <= missing
                for risk, missing in earlier.get(i.call_id, [])
            )
        ]
        LookBackItem.objects.bulk_create(fresh)
        lb.found += len(fresh)
        lb.done += len(batch)
        if batch:
            lb.cursor = batch[-1].call_id
        more = len(batch) == CHUNK
        lb.error = ""
        if not more:
            lb.status = RunStatus.FINISHED
            lb.finished_at = now
            lb.total = lb.done
            audit_record(
                event_type=EventType.LOOKBACK_FINISHED,
                actor=None,
                actor_label="look-back",
                force_code=lb.force.code,
                obj=lb,
                after={"guidance": lb.stamp, "calls": lb.done, "found": lb.found},
            )
        lb.save()
        return more


def run_to_end(kind: str, run_id: int, progress: Callable[[int, int], None] | None = None) -> None:
    """Carry a run forward to its end (the task worker, and `heed rescreen`); an error marks it failed, with
    its cursor kept, so it can be resumed."""
    model: Any = ShadowRun if kind == "shadow" else LookBackRun
    step = shadow_step if kind == "shadow" else lookback_step
    try:
        while step(run_id):
            if progress is not None:
                r = model.objects.get(pk=run_id)
                progress(r.done, r.total)
    except Exception as exc:
        model.objects.filter(pk=run_id).update(status=RunStatus.FAILED, error=str(exc)[:500])
        raise
    if progress is not None:
        r = model.objects.get(pk=run_id)
        progress(r.done, r.total)


def lookback_record(
    *, actor: User, item_id: object, outcome: str, note: str, expected_version: object = None
) -> LookBackItem:
    """A safeguarding officer records what they did about a finding (once; audited on the call). The call
    itself is not changed."""
    if outcome not in LookBackItem.Outcome.values:
        raise LookBackError("outcome: choose what was done", field="outcome")
    try:
        said = tc.clean_text(note, tc.TextRule(tc.RATIONALE))
    except tc.TextRefused as exc:
        raise LookBackError(exc.describe("The note"), field="note") from None
    if not said:
        raise LookBackError("note: say what you did and why (it is kept with the finding)", field="note")
    from heed.lookback.selectors import access_item

    with transaction.atomic():
        item = access_item(actor, item_id, for_update=True)
        if expected_version is not None and str(expected_version) != str(item.version):
            raise LookBackError(
                "this finding changed since you opened it: nothing was saved; read it again", 409
            )
        if item.status == LookBackItem.Status.DONE:
            raise LookBackError(
                f"already recorded by {item.recorded_by} on {item.recorded_at:%d %b %Y %H:%M}", 409
            )
        item.status = LookBackItem.Status.DONE
        item.outcome = outcome
        item.note = said
        item.recorded_by = actor
        item.recorded_at = timezone.now()
        item.version += 1
        item.save()
        audit_record(
            event_type=EventType.LOOKBACK_RECORDED,
            actor=actor,
            call=item.call,
            obj=item,
            after={"outcome": outcome, "note": said, "guidance": item.stamp, "missing": item.missing},
        )
    return item

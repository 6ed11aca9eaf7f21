"""Required actions: created from the assessment, completed by the records that prove them.

Each action is done only when its proving record exists (one table below): a person check for every named
person, an identifier check for every identifier, advice covering every required agency, a referral that has
not been returned, a vulnerability flag, a deployment, an approving review, an answer on the call to every
decisive question ("unknown" is an answer). A new name, a returned referral or new required advice makes a
done action outstanding again. ``not_applicable`` is a person's decision with a written reason, only for
actions the pack allows, and is never undone by the machine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from heed.accounts.models import User
from heed.audit.events import EventType
from heed.audit.services import audit_record
from heed.calls.models import (
    ActionStatus,
    Call,
    Deployment,
    IdentifierCheck,
    PersonCheck,
    Reminder,
    RequiredAction,
    ReviewDecision,
    VulnerabilityFlag,
)
from heed.calls.selectors import decisive_unanswered, identifiers_to_check, persons_to_check, subject_key
from heed.calls.tasks import remind
from heed.checks import IdentifierKeys, identifier_keys
from heed.packstore.selectors import pack_for_call
from heed.risk import AFTER_REQUIRED, GuidancePack

# What an action's proof is: (complete?, the record that proves it, who made it).
Proof = tuple[bool, Any, User | None]


def identifier_keys_of(subject: Mapping[str, Any]) -> IdentifierKeys | None:
    """The linking keys of an identifier named on a call (None when it is not a usable identifier)."""
    value = subject.get("e164") or subject.get("value")
    try:
        return identifier_keys(str(subject["kind"]), str(value), subject.get("platform"))
    except ValueError:
        return None


def _person_check(call: Call) -> Proof:
    checks = list(PersonCheck.objects.filter(call=call).select_related("run_by").order_by("run_at", "id"))
    checked = {subject_key(c.subject) for c in checks if c.subject}
    needed = {subject_key(str(s["value"])) for s in persons_to_check(call)}
    last = checks[-1] if checks else None
    return bool(checks) and needed <= checked, last, last.run_by if last else None


def _identifier_check(call: Call) -> Proof:
    checks = list(IdentifierCheck.objects.filter(call=call).select_related("run_by").order_by("run_at", "id"))
    # A check the nominal index could not answer searched earlier reports only: the action stays open.
    done = {(c.kind, c.strong_key) for c in checks if c.records_searched is not None}
    needed = set()
    for s in identifiers_to_check(call):
        keys = identifier_keys_of(s)
        if keys is not None:
            needed.add((s["kind"], keys.strong))
    last = checks[-1] if checks else None
    return bool(checks) and needed <= done, last, last.run_by if last else None


def _vulnerability_flag(call: Call) -> Proof:
    flag = VulnerabilityFlag.objects.filter(call=call).select_related("flagged_by").last()
    return flag is not None, flag, flag.flagged_by if flag else None


def _deployment(call: Call) -> Proof:
    dep = Deployment.objects.filter(call=call).select_related("recorded_by").last()
    return dep is not None, dep, dep.recorded_by if dep else None


def _supervisor_review(call: Call) -> Proof:
    approval = (
        ReviewDecision.objects.filter(
            call=call, decision=ReviewDecision.Decision.APPROVE, request__state="closed"
        )
        .select_related("decided_by")
        .last()
    )
    return approval is not None, approval, approval.decided_by if approval else None


def _decisive_questions(call: Call) -> Proof:
    # The answers are stored on the call (each recording audited with who gave it); the person who records
    # the last missing answer is the actor of the refresh that marks this done. They are read from the
    # database: a service refreshing the actions may hold a copy of the call from before they were recorded.
    stored = Call.objects.only("answers").get(pk=call.pk)
    return not decisive_unanswered(stored, pack_for_call(call)), call, None


# Which record proves each action. Records kept by the apps above this one (support's advice and referrals)
# prove actions too: they add their proofs here when Django starts (``register_proof`` in their AppConfig), so
# this package never imports theirs. An action with no proof registered stays outstanding: it fails safe.
PROOFS: dict[str, Callable[[Call], Proof]] = {
    "decisive_questions": _decisive_questions,
    "person_check": _person_check,
    "identifier_check": _identifier_check,
    "vulnerability_flag": _vulnerability_flag,
    "emergency_deployment": _deployment,
    "supervisor_review": _supervisor_review,
}


def clock_due(pack: GuidancePack, risk: str, code: str, start: datetime) -> datetime | None:
    """When ``code`` falls due at ``risk`` if it is required at ``start``; None when the pack gives it no
    clock (due by the close request, which the closure guard enforces, or no entry at that level)."""
    due = pack.due_times.get(risk, {}).get(code)
    if due is None or due.after != AFTER_REQUIRED or due.minutes is None:
        return None
    return start + timedelta(minutes=due.minutes)


def _set_due(call: Call, actor: User, action: RequiredAction, due_at: datetime | None, why: str) -> None:
    if due_at == action.due_at:
        return
    before = {"code": action.code, "due_at": action.due_at}
    action.due_at = due_at
    action.save(update_fields=["due_at"])
    audit_record(
        event_type=EventType.ACTION_UPDATED,
        actor=actor,
        call=call,
        obj=action,
        before=before,
        after={"code": action.code, "due_at": due_at, "why": why},
    )
    if due_at is not None:
        schedule_reminder(call, "action", action.pk, due_at)


def actions_sync(call: Call, actor: User, required: list[str], pack: GuidancePack) -> None:
    """Create the actions the assessment requires (an action once required stays on the call), each due by
    the pack's time from the moment it is required; a higher risk brings an outstanding action's due time
    forward (its clock at the new level runs from now, and never moves a due time later)."""
    now = timezone.now()
    existing = {a.code: a for a in RequiredAction.objects.filter(call=call)}
    rules = {r["effect"].removeprefix("action="): r["rule"] for r in call.assessment.get("reasons", [])}
    for code in required:
        found = existing.get(code)
        if found is not None:
            sooner = clock_due(pack, call.risk, code, now)
            if (
                found.status == ActionStatus.OUTSTANDING
                and sooner is not None
                and (found.due_at is None or sooner < found.due_at)
            ):
                _set_due(call, actor, found, sooner, f"risk now {call.risk}")
            continue
        action = RequiredAction.objects.create(
            call=call,
            code=code,
            rule=rules.get(code, ""),
            due_at=clock_due(pack, call.risk, code, now),
            created_at=now,
        )
        audit_record(
            event_type=EventType.ACTION_UPDATED,
            actor=actor,
            call=call,
            obj=action,
            after={"code": code, "status": action.status, "due_at": action.due_at, "rule": action.rule},
        )
        if action.due_at is not None:
            schedule_reminder(call, "action", action.pk, action.due_at)
    actions_refresh(call, actor)


def actions_refresh(call: Call, actor: User) -> None:
    """Bring every action's state in line with the records that prove it. An action made outstanding again
    (a new name, a returned referral) is due again by the pack's time from now."""
    for action in RequiredAction.objects.filter(call=call):
        if action.status == ActionStatus.NOT_APPLICABLE:
            continue
        prove = PROOFS.get(action.code)
        if prove is None:
            continue
        complete, record, by = prove(call)
        if complete and action.status != ActionStatus.DONE:
            set_action(call, actor, action, ActionStatus.DONE, record=record, by=by)
        elif not complete and action.status == ActionStatus.DONE:
            set_action(call, actor, action, ActionStatus.OUTSTANDING)
            _set_due(
                call,
                actor,
                action,
                clock_due(pack_for_call(call), call.risk, action.code, timezone.now()),
                "outstanding again",
            )


def set_action(
    call: Call,
    actor: User,
    action: RequiredAction,
    status: str,
    *,
    record: Any = None,
    by: User | None = None,
    reason: str = "",
) -> None:
    before = {"status": action.status, "record": f"{action.record_type}:{action.record_id}".strip(":")}
    action.status = status
    action.reason = reason
    cleared = 0
    if status == ActionStatus.OUTSTANDING:
        action.done_by, action.done_at, action.record_type, action.record_id = None, None, "", ""
    else:
        action.done_by = by or actor
        action.done_at = timezone.now()
        action.record_type = record._meta.model_name if record is not None else ""
        action.record_id = str(record.pk) if record is not None else ""
        # Its reminder is answered: the queue counts only reminders for work still outstanding.
        cleared = Reminder.objects.filter(
            call=call, kind="action", subject=action.code, cleared_at__isnull=True
        ).update(cleared_at=action.done_at)
    action.save(update_fields=["status", "done_by", "done_at", "record_type", "record_id", "reason"])
    audit_record(
        event_type=EventType.ACTION_UPDATED,
        actor=actor,
        call=call,
        obj=action,
        before=before,
        after={
            "code": action.code,
            "status": status,
            "record": f"{action.record_type}:{action.record_id}".strip(":"),
            "reason": reason,
            **({"reminder_cleared": True} if cleared else {}),
        },
    )


def register_proof(code: str, prove: Callable[[Call], Proof]) -> None:
    """Let a record kept by another app prove the action ``code`` (called from that app's ``ready``)."""
    PROOFS[code] = prove


def schedule_reminder(call: Call, kind: str, object_id: int, due_at: Any) -> None:
    """Enqueue a reminder for when ``due_at`` passes, once the current transaction has committed (never for a
    training call: nobody at work is reminded of a trainee's scenario)."""
    if call.training:
        return

    def enqueue() -> None:
        remind.using(run_after=max(due_at, timezone.now())).enqueue(kind, object_id)

    transaction.on_commit(enqueue)

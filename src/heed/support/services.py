"""Recording the support given to the caller and the referrals made (each in one audited transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from heed import textclean as tc
from heed.accounts.models import User
from heed.audit.events import EventType
from heed.audit.services import audit_record
from heed.calls.actions import actions_refresh, schedule_reminder
from heed.calls.models import Call, Reminder
from heed.calls.services import CallError, ensure_editable, lock_call, record_on_call
from heed.calls.services.base import clean_rationale
from heed.packstore.selectors import pack_for_call
from heed.risk import AFTER_REQUIRED
from heed.support.models import AdviceMethod, AdviceRecord, Referral, ReferralStatus

MIN_REASON = 20


def advice_record(
    *, actor: User, call: Call, agencies: object, method: object, evidence_advice: bool = True
) -> AdviceRecord:
    """Record which agencies the caller was given and how; completes specialist_advice once every required
    agency has been given."""
    pack = pack_for_call(call)
    if not isinstance(agencies, Sequence) or isinstance(agencies, str) or not agencies:
        raise CallError("Tick each agency the caller was given.", "agencies")
    unknown = [a for a in agencies if a not in pack.agencies]
    if unknown:
        raise CallError(f"unknown agency {unknown[0]!r}; known: {', '.join(pack.agencies)}", "agencies")
    if method not in AdviceMethod.values:
        raise CallError(
            "Choose how the caller was given the advice: "
            + ", ".join(str(label).lower() for label in AdviceMethod.labels)
            + ".",
            "method",
        )
    ensure_editable(call)
    codes = list(dict.fromkeys(str(a) for a in agencies))
    with transaction.atomic():
        lock_call(call)
        missing = [
            a for a in call.assessment.get("required_agencies", []) if a not in _given(call) | set(codes)
        ]
        record = record_on_call(
            AdviceRecord,
            event_type=EventType.ADVICE_RECORDED,
            actor=actor,
            call=call,
            after={
                "agencies": codes,
                "method": method,
                "evidence_advice": bool(evidence_advice),
                "required_still_missing": missing,
            },
            agencies=codes,
            method=str(method),
            evidence_advice=bool(evidence_advice),
            pack_version=pack.version,
            given_by=actor,
            given_at=timezone.now(),
        )
        actions_refresh(call, actor)
    return record


def _given(call: Call) -> set[str]:
    return {code for r in AdviceRecord.objects.filter(call=call) for code in r.agencies}


def advice_missing(call: Call, records: Sequence[AdviceRecord] | None = None) -> list[str]:
    """Required agencies the caller has not yet been given."""
    given = _given(call) if records is None else {code for r in records for code in r.agencies}
    return [a for a in call.assessment.get("required_agencies", []) if a not in given]


def referral_make(*, actor: User, call: Call, to: object, reason: object) -> Referral:
    """Refer to the force's child-protection team or the MASH; due time from the pack by risk."""
    pack = pack_for_call(call)
    if to not in pack.referral_targets:
        raise CallError(
            "Choose where to refer the call: " + "; ".join(pack.referral_targets.values()) + ".", "to"
        )
    reason = clean_rationale(reason, "reason")
    if len(reason) < MIN_REASON:
        raise CallError(f"Give the reason for the referral (at least {MIN_REASON} characters).", "reason")
    ensure_editable(call)
    # The team has as long to answer as the pack gives to make the referral (a clock in minutes, if any).
    due = pack.due_times.get(call.risk or "standard", {}).get("safeguarding_referral")
    minutes = due.minutes if due is not None and due.after == AFTER_REQUIRED else None
    now = timezone.now()
    with transaction.atomic():
        lock_call(call)
        due_at = now + timedelta(minutes=minutes) if minutes is not None else None
        referral = record_on_call(
            Referral,
            event_type=EventType.REFERRAL_MADE,
            actor=actor,
            call=call,
            after={"to": to, "reason": reason.strip(), "status": ReferralStatus.SENT, "due_at": due_at},
            target=str(to),
            reason=reason.strip(),
            due_at=due_at,
            made_by=actor,
            made_at=now,
        )
        actions_refresh(call, actor)
        if referral.due_at is not None:
            schedule_reminder(call, "referral", referral.pk, referral.due_at)
    return referral


def referral_update(*, actor: User, referral: Referral, status: object, note: object = "") -> Referral:
    """The receiving team accepts or returns a referral (a returned referral reopens the referral action)."""
    if status not in (ReferralStatus.ACCEPTED, ReferralStatus.RETURNED):
        raise CallError("status must be accepted or returned", "status")
    text = clean_rationale(note, "note", limit=tc.SHORT_NOTE)
    if status == ReferralStatus.RETURNED and len(text) < MIN_REASON:
        raise CallError(f"say why the referral is returned (at least {MIN_REASON} characters)", "note")
    with transaction.atomic():
        lock_call(referral.call)
        referral.refresh_from_db()
        if referral.status != ReferralStatus.SENT:
            raise CallError(f"this referral was already {referral.status}", "status", "refused")
        before = {"status": referral.status}
        referral.status = str(status)
        referral.status_by = actor
        referral.status_at = timezone.now()
        referral.status_note = text
        referral.save(update_fields=["status", "status_by", "status_at", "status_note"])
        # Answered: its reminder no longer stands (the queue counts only reminders for work still to do).
        cleared = Reminder.objects.filter(
            call_id=referral.call_id, kind="referral", subject=str(referral.pk), cleared_at__isnull=True
        ).update(cleared_at=referral.status_at)
        audit_record(
            event_type=EventType.REFERRAL_UPDATED,
            actor=actor,
            call=referral.call,
            obj=referral,
            before=before,
            after={
                "status": referral.status,
                "note": text,
                **({"reminder_cleared": True} if cleared else {}),
            },
        )
        actions_refresh(referral.call, actor)
    return referral

"""Facts recorded on a call: officers deployed, the child flagged as vulnerable."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from heed import textclean as tc
from heed.accounts.models import User
from heed.audit.events import EventType
from heed.calls.actions import actions_refresh
from heed.calls.locks import lock_call
from heed.calls.models import (
    Call,
    Deployment,
    VulnerabilityFlag,
)
from heed.calls.services.base import (
    CallError,
    clean_rationale,
    clean_text,
    ensure_editable,
    record_on_call,
)


def deployment_record(*, actor: User, call: Call, reference: object, note: object = "") -> Deployment:
    """Record that officers were deployed (the incident or dispatch reference)."""
    ref = clean_text(reference, "reference", max_len=tc.REFERENCE)
    if not ref:
        raise CallError("give the incident or dispatch reference", "reference")
    text = clean_rationale(note, "note", limit=tc.SHORT_NOTE)
    ensure_editable(call)
    with transaction.atomic():
        lock_call(call)
        dep = record_on_call(
            Deployment,
            event_type=EventType.DEPLOYMENT_RECORDED,
            actor=actor,
            call=call,
            after={"reference": ref, "note": text},
            reference=ref,
            note=text,
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        actions_refresh(call, actor)
    return dep


def vulnerability_flag_record(*, actor: User, call: Call, reason: object) -> VulnerabilityFlag:
    """Flag the child as vulnerable, with the reason."""
    text = clean_rationale(reason, "reason")
    if len(text) < 10:
        raise CallError("say why the child is vulnerable (at least 10 characters)", "reason")
    ensure_editable(call)
    with transaction.atomic():
        lock_call(call)
        flag = record_on_call(
            VulnerabilityFlag,
            event_type=EventType.VULNERABILITY_FLAGGED,
            actor=actor,
            call=call,
            after={"child": call.child_name, "reason": text},
            child_name=call.child_name,
            reason=text,
            flagged_by=actor,
            flagged_at=timezone.now(),
        )
        actions_refresh(call, actor)
    return flag

"""Writing to the audit trail. Called by every service, inside that service's transaction.

An event goes into its force's chain (or the national chain when it has no force; reads and sign-ins into the
access chain beside it) and locks that chain's head only, so one force's writes never wait on another's, and a
GET never waits on a write; ``audit_anchor`` records every head in the anchor chain.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils import timezone

from heed.audit.chain import ANCHOR, chain_for_force, chain_hash, json_safe, payload_of
from heed.audit.context import current_request_id
from heed.audit.events import ACCESS_EVENTS, EventType
from heed.audit.models import AuditChain, AuditEvent
from heed.audit.verify import audit_verify

if TYPE_CHECKING:  # the actor is any user; this package sits below accounts and never imports it
    from heed.accounts.models import User

__all__ = ["AuditOutsideTransaction", "audit_anchor", "audit_record", "audit_record_now", "audit_verify"]


class AuditOutsideTransaction(RuntimeError):
    """An audit event was written outside the transaction of the change it records."""


def audit_record(
    *,
    event_type: EventType,
    actor: User | None,
    actor_label: str | None = None,
    force_code: str | None = None,
    call_id: int | None = None,
    call: Any = None,
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    before: Any = None,
    after: Any = None,
) -> AuditEvent:
    """Append one event to its force's chain (``force_code``, else the actor's force, else the national
    chain; a read or sign-in to the access chain beside it). Must run inside the caller's
    ``transaction.atomic()`` block, so the event and the change it records are committed together or not at
    all; the chain's head stays locked until that transaction ends. ``call``: the call the event is about
    (its id is recorded; an event about a training call goes into the force's training chain)."""
    training = False
    if call is not None:
        call_id = call.pk
        training = bool(getattr(call, "training", False))
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    if force_code is None:
        force_code = actor.force.code if actor is not None and actor.force is not None else ""
    return _append(
        chain=chain_for_force(force_code, access=event_type in ACCESS_EVENTS, training=training),
        event_type=event_type,
        actor=actor,
        actor_label=actor_label or (actor.username if actor is not None else "system"),
        force_code=force_code,
        call_id=call_id,
        object_type=object_type,
        object_id=object_id,
        before=before,
        after=after,
    )


def audit_record_now(**kwargs: Any) -> AuditEvent:
    """``audit_record`` in a transaction of its own, for events that are not part of a change (a view)."""
    with transaction.atomic():
        return audit_record(**kwargs)


def audit_anchor(*, actor_label: str = "system") -> AuditEvent | None:
    """Record every chain's head (position and hash) as one event in the anchor chain, so a chain rewritten or
    cut short after this moment no longer matches what the anchor says. None when nothing moved since the last
    anchor. Heads are read, not locked: each is a committed event, and no force waits for the anchor."""
    with transaction.atomic():
        AuditChain.objects.select_for_update().get_or_create(pk=ANCHOR)
        heads = {
            head.key: {"seq": head.seq, "hash": head.hash}
            for head in AuditChain.objects.exclude(pk=ANCHOR).order_by("key")
            if head.seq > 0
        }
        last = AuditEvent.objects.filter(chain=ANCHOR).order_by("-chain_seq").only("after").first()
        if last is not None and isinstance(last.after, dict) and last.after.get("heads") == heads:
            return None
        return _append(
            chain=ANCHOR,
            event_type=EventType.AUDIT_ANCHORED,
            actor=None,
            actor_label=actor_label,
            force_code="",
            call_id=None,
            object_type="audit.auditchain",
            object_id="",
            before=None,
            after={"heads": heads},
        )


def _append(
    *,
    chain: str,
    event_type: EventType,
    actor: User | None,
    actor_label: str,
    force_code: str,
    call_id: int | None,
    object_type: str,
    object_id: str,
    before: Any,
    after: Any,
) -> AuditEvent:
    if not connection.in_atomic_block:
        raise AuditOutsideTransaction(f"{event_type} must be recorded inside the transaction of its change")
    head, _ = AuditChain.objects.select_for_update().get_or_create(pk=chain)
    seq = head.seq + 1
    occurred_at = timezone.now()
    before_j, after_j = json_safe(before), json_safe(after)
    payload = payload_of(
        chain=chain,
        seq=seq,
        occurred_at=occurred_at,
        event_type=str(event_type),
        actor_id=actor.pk if actor is not None else None,
        actor_label=actor_label,
        actor_role=actor.role if actor is not None else "",
        force_code=force_code,
        call_id=call_id,
        object_type=object_type,
        object_id=object_id,
        request_id=current_request_id(),
        before=before_j,
        after=after_j,
    )
    digest = chain_hash(head.hash, payload)
    event = AuditEvent.objects.create(
        chain=chain,
        chain_seq=seq,
        occurred_at=occurred_at,
        event_type=str(event_type),
        actor_id=payload["actor_id"],
        actor_label=actor_label,
        actor_role=payload["actor_role"],
        force_code=force_code,
        call_id=call_id,
        object_type=object_type,
        object_id=object_id,
        request_id=payload["request_id"],
        before=before_j,
        after=after_j,
        prev_hash=head.hash,
        hash=digest,
    )
    head.seq, head.hash = seq, digest
    head.save(update_fields=["seq", "hash"])
    return event

"""Writing to the audit trail. Called by every service, inside that service's transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils import timezone

from heed.audit.chain import GENESIS, Verification, chain_hash, json_safe, payload_of
from heed.audit.context import current_request_id
from heed.audit.events import EventType
from heed.audit.models import AuditChainHead, AuditEvent

if TYPE_CHECKING:  # the actor is any user; this package sits below accounts and never imports it
    from heed.accounts.models import User


class AuditOutsideTransaction(RuntimeError):
    """An audit event was written outside the transaction of the change it records."""


def audit_record(
    *,
    event_type: EventType,
    actor: User | None,
    actor_label: str | None = None,
    force_code: str | None = None,
    call_id: int | None = None,
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    before: Any = None,
    after: Any = None,
) -> AuditEvent:
    """Append one event to the chain. Must run inside the caller's ``transaction.atomic()`` block, so the
    event and the change it records are committed together or not at all."""
    if not connection.in_atomic_block:
        raise AuditOutsideTransaction(f"{event_type} must be recorded inside the transaction of its change")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    label = actor_label or (actor.username if actor is not None else "system")
    if force_code is None:
        force_code = actor.force.code if actor is not None and actor.force is not None else ""
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    seq = head.seq + 1
    occurred_at = timezone.now()
    before_j, after_j = json_safe(before), json_safe(after)
    payload = payload_of(
        seq=seq,
        occurred_at=occurred_at,
        event_type=str(event_type),
        actor_id=actor.pk if actor is not None else None,
        actor_label=label,
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
        seq=seq,
        occurred_at=occurred_at,
        event_type=str(event_type),
        actor_id=payload["actor_id"],
        actor_label=label,
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


def audit_record_now(**kwargs: Any) -> AuditEvent:
    """``audit_record`` in a transaction of its own, for events that are not part of a change (a view)."""
    with transaction.atomic():
        return audit_record(**kwargs)


def audit_verify(*, batch: int = 5000) -> Verification:
    """Recompute every hash in order; name the first event that does not follow from the one before."""
    prev = GENESIS
    expected_seq = 1
    count = 0
    last_seq = 0
    qs = AuditEvent.objects.order_by("seq")
    while True:
        chunk = list(qs.filter(seq__gt=last_seq)[:batch])
        if not chunk:
            break
        for ev in chunk:
            if ev.seq != expected_seq:
                return Verification(
                    False, count, expected_seq, f"event #{expected_seq} is missing (next is #{ev.seq})", prev
                )
            if ev.prev_hash != prev:
                return Verification(
                    False, count, ev.seq, "its link to the previous event does not match", prev
                )
            payload = payload_of(
                seq=ev.seq,
                occurred_at=ev.occurred_at,
                event_type=ev.event_type,
                actor_id=ev.actor_id,
                actor_label=ev.actor_label,
                actor_role=ev.actor_role,
                force_code=ev.force_code,
                call_id=ev.call_id,
                object_type=ev.object_type,
                object_id=ev.object_id,
                request_id=ev.request_id,
                before=ev.before,
                after=ev.after,
            )
            if chain_hash(prev, payload) != ev.hash:
                return Verification(
                    False, count, ev.seq, "its content does not match its hash (altered)", prev
                )
            prev = ev.hash
            expected_seq += 1
            count += 1
            last_seq = ev.seq
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != count or head.hash != prev):
        return Verification(
            False,
            count,
            None,
            f"the head records #{head.seq} but the chain ends at #{count} (events removed)",
            prev,
        )
    return Verification(True, count, None, "", prev)

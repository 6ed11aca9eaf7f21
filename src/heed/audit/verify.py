"""Verification of the audit trail: every chain recomputed event by event, each head compared with its chain's
end, and every anchor compared with the chain it recorded (read-only: verifying writes nothing)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from heed.audit.chain import (
    ACCESS_PREFIX,
    ANCHOR,
    GENESIS,
    LEGACY,
    ChainCheck,
    Verification,
    chain_for_force,
    chain_hash,
    payload_of,
)
from heed.audit.models import AuditChain, AuditEvent


def event_payload(ev: AuditEvent, chain: str, position: int) -> dict[str, Any]:
    """What a stored event's hash covers, read back from its row (as ``payload_of`` made it when written)."""
    return payload_of(
        chain=chain,
        seq=position,
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


# What one anchor says about one chain: position -> (hash, the anchor's own position).
Anchored = dict[int, tuple[str, int]]


def audit_verify(*, force_code: str | None = None, batch: int = 5000) -> Verification:
    """Check every chain and the anchors over them, or, with ``force_code``, that force's two chains and the
    anchor chain they are anchored in. Each chain's check names its first broken event and why."""
    anchor_check, anchors = _check_anchor_chain(batch)
    if force_code is not None:
        keys = [chain_for_force(force_code), chain_for_force(force_code, access=True)]
        training = chain_for_force(force_code, training=True)
        if AuditChain.objects.filter(key=training).exists():  # only once its trainees have done something
            keys.append(training)
    else:
        known = set(AuditChain.objects.values_list("key", flat=True))
        known |= set(AuditEvent.objects.values_list("chain", flat=True).distinct())
        known |= set(anchors)
        # Each force's chain then its access chain, the national ones, legacy last.
        keys = sorted(
            known - {ANCHOR},
            key=lambda k: (k == LEGACY, k.removeprefix(ACCESS_PREFIX), k.startswith(ACCESS_PREFIX)),
        )
    checks = [_walk(key, anchors.get(key, {}), batch, None) for key in keys]
    return Verification((*checks, anchor_check))


def _check_anchor_chain(batch: int) -> tuple[ChainCheck, dict[str, Anchored]]:
    """The anchor chain checked like any other, and what its intact events recorded (a broken anchor's
    records, and any after it, are not trusted)."""
    anchors: dict[str, Anchored] = {}
    positions: list[tuple[int, dict[str, object]]] = []
    check = _walk(ANCHOR, {}, batch, positions)
    for position, after in positions:
        heads = after.get("heads")
        if not isinstance(heads, dict):
            continue
        for key, head in heads.items():
            if (
                isinstance(head, dict)
                and isinstance(head.get("seq"), int)
                and isinstance(head.get("hash"), str)
            ):
                anchors.setdefault(str(key), {})[head["seq"]] = (head["hash"], position)
    return check, anchors


def _events(key: str, batch: int) -> Iterator[tuple[int, AuditEvent]]:
    """The chain's events in chain order with their position, read ``batch`` at a time."""
    by = "seq" if key == LEGACY else "chain_seq"
    last = 0
    while True:
        chunk = list(AuditEvent.objects.filter(chain=key, **{f"{by}__gt": last}).order_by(by)[:batch])
        if not chunk:
            return
        for event in chunk:
            last = getattr(event, by)
            yield last, event


def _walk(
    key: str, anchored: Anchored, batch: int, anchor_records: list[tuple[int, dict[str, object]]] | None
) -> ChainCheck:
    prev, expected, count = GENESIS, 1, 0
    last_anchored = max(anchored, default=0)

    def broken(reason: str, position: int | None = None, event_id: int | None = None) -> ChainCheck:
        return ChainCheck(key, count, expected - 1, prev, position, event_id, reason)

    for position, ev in _events(key, batch):
        if position != expected:
            return broken(f"event #{expected} is missing (next is #{position})", expected)
        if ev.prev_hash != prev:
            return broken("its link to the previous event does not match", position, ev.seq)
        if chain_hash(prev, event_payload(ev, key, position)) != ev.hash:
            return broken("its content does not match its hash (altered)", position, ev.seq)
        if position in anchored and anchored[position][0] != ev.hash:
            return broken(
                f"it does not match what anchor #{anchored[position][1]} recorded (the chain was rewritten)",
                position,
                ev.seq,
            )
        if anchor_records is not None and isinstance(ev.after, dict):
            anchor_records.append((position, ev.after))
        prev, expected, count = ev.hash, expected + 1, count + 1
    stored = AuditEvent.objects.filter(chain=key).count()
    if stored != count:
        return broken(f"{stored - count} event(s) stored in the chain without a place in it")
    if last_anchored > count:
        return broken(
            f"anchor #{anchored[last_anchored][1]} recorded #{last_anchored} but the chain ends at #{count} "
            "(events removed after it was anchored)"
        )
    head = AuditChain.objects.filter(pk=key).first()
    if head is None:
        if count:
            return broken(f"the chain has {count} event(s) but no head (head removed)")
    elif head.seq != count:
        return broken(f"the head records #{head.seq} but the chain ends at #{count} (events removed)")
    elif head.hash != prev:
        return broken(f"the head's hash is not that of event #{count} (head altered)")
    return ChainCheck(key, count, count, prev, anchored_seq=last_anchored)

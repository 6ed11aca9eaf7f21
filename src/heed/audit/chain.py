"""Canonical form and hashing of audit events, which chain an event belongs to, and what verification found.

There is one chain per force for what its people and jobs change (``force:CODE``) and one for what they read
and their sign-ins (``access:force:CODE``); the same two for events that belong to no force (``national``,
``access:national``: national administrators, anonymous login failures, system jobs); the anchor chain
(``anchor``: every other chain's head, recorded from time to time), one per force for work on training calls
(``training:force:CODE``, its reads included) and ``legacy``, the single chain every
event went into before chains were split (docs/adr/0010-audit-chain-per-force.md). Pure Python: no database.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64
NATIONAL = "national"
ACCESS_PREFIX = "access:"
ANCHOR = "anchor"
LEGACY = "legacy"
FORCE_PREFIX = "force:"
TRAINING_PREFIX = "training:"


def chain_for_force(force_code: str, *, access: bool = False, training: bool = False) -> str:
    """The chain an event of ``force_code`` goes into ("" = no force: national); ``access`` for a read or a
    sign-in, which goes into the access chain beside it; ``training`` for work on a training call, which goes
    into the force's training chain (audited like live work, never mixed with it)."""
    chain = f"{FORCE_PREFIX}{force_code}" if force_code else NATIONAL
    if training:
        return TRAINING_PREFIX + chain
    return ACCESS_PREFIX + chain if access else chain


def json_safe(value: Any) -> Any:
    """A JSON value that survives both databases unchanged (PostgreSQL jsonb refuses NUL characters)."""
    text = json.dumps(value, default=str, ensure_ascii=False).replace("\\u0000", "\\ufffd")
    return json.loads(text)


def canonical(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def payload_of(
    *,
    chain: str,
    seq: int,
    occurred_at: datetime,
    event_type: str,
    actor_id: int | None,
    actor_label: str,
    actor_role: str,
    force_code: str,
    call_id: int | None,
    object_type: str,
    object_id: str,
    request_id: str,
    before: Any,
    after: Any,
) -> dict[str, Any]:
    """Everything an event says, in the form that is hashed. ``seq`` is the position in ``chain``; the chain's
    name is hashed too, so an event cannot be moved to another chain, except in the legacy chain, whose events
    were hashed before chains had names and are verified as they were written."""
    payload: dict[str, Any] = {
        "seq": seq,
        "occurred_at": occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "event_type": event_type,
        "actor_id": actor_id,
        "actor_label": actor_label,
        "actor_role": actor_role,
        "force_code": force_code,
        "call_id": call_id,
        "object_type": object_type,
        "object_id": object_id,
        "request_id": request_id,
        "before": before,
        "after": after,
    }
    if chain != LEGACY:
        payload["chain"] = chain
    return payload


def chain_hash(prev_hash: str, payload: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + "\n" + canonical(payload)).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainCheck:
    """What checking one chain found: how many events, its last position and hash, and the first break.

    ``broken_seq`` is the position in the chain (None when the break is at the head or in an anchor);
    ``event_id`` the row's ``seq`` across all chains, to find it in the table."""

    chain: str
    events: int
    last_seq: int = 0
    last_hash: str = GENESIS
    broken_seq: int | None = None
    event_id: int | None = None
    reason: str = ""
    anchored_seq: int = 0

    @property
    def ok(self) -> bool:
        return not self.reason

    def line(self) -> str:
        if self.ok:
            anchored = f", anchored to #{self.anchored_seq}" if self.anchored_seq else ", not yet anchored"
            if self.chain == ANCHOR:
                anchored = ""
            head = f"head #{self.last_seq} {self.last_hash[:16]}…"
            return f"{self.chain}: intact, {self.events} event(s), {head}{anchored}"
        if self.broken_seq is not None:
            row = f" (event {self.event_id})" if self.event_id is not None else ""
            where = f"at #{self.broken_seq}{row}"
        else:
            where = "at its head"
        return f"{self.chain}: BROKEN {where}: {self.reason} ({self.events} event(s) checked before it)"


@dataclass(frozen=True)
class Verification:
    """The result of checking the chains asked for and the anchors over them."""

    chains: tuple[ChainCheck, ...]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.chains)

    @property
    def first_break(self) -> ChainCheck | None:
        return next((c for c in self.chains if not c.ok), None)

    @property
    def events(self) -> int:
        return sum(c.events for c in self.chains)

    @property
    def broken_seq(self) -> int | None:
        broken = self.first_break
        return broken.broken_seq if broken is not None else None

    @property
    def reason(self) -> str:
        broken = self.first_break
        return broken.reason if broken is not None else ""

    def lines(self) -> list[str]:
        return [c.line() for c in self.chains]

    def summary(self) -> str:
        broken = self.first_break
        if broken is None:
            return f"audit chain intact: {self.events} event(s) in {len(self.chains)} chain(s)"
        return f"audit chain BROKEN: {broken.line()}"

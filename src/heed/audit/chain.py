"""Canonical form and hashing of audit events, and verification of the whole chain."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64


def json_safe(value: Any) -> Any:
    """A JSON value that survives both databases unchanged (PostgreSQL jsonb refuses NUL characters)."""
    text = json.dumps(value, default=str, ensure_ascii=False).replace("\\u0000", "\\ufffd")
    return json.loads(text)


def canonical(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def payload_of(
    *,
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
    """Everything an event says, in the form that is hashed."""
    return {
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


def chain_hash(prev_hash: str, payload: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + "\n" + canonical(payload)).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Verification:
    """The result of checking the chain: how many events, and the first broken one with why."""

    ok: bool
    events: int
    broken_seq: int | None = None
    reason: str = ""
    last_hash: str = GENESIS

    def summary(self) -> str:
        if self.ok:
            return f"audit chain intact: {self.events} event(s), last hash {self.last_hash[:16]}…"
        where = f"event #{self.broken_seq}" if self.broken_seq is not None else "the chain head"
        return f"audit chain BROKEN at {where}: {self.reason} ({self.events} event(s) checked before it)"

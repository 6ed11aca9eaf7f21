"""A lockout is an audit event (change logging, like sign-in and failed sign-in): who was locked, from where,
and for how long."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.dispatch import receiver

from heed.audit.events import EventType
from heed.audit.services import audit_record_now
from heed.security.lockout import cool_off_for, lockouts


@receiver(user_locked_out)
def _locked_out(
    sender: Any, request: Any, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    # axes also sends this for each attempt refused while locked; those are audited as failed logins already.
    # Only the failure that starts a lockout has its failures counted.
    if getattr(request, "axes_failures_since_start", None) is None:
        return
    # Sent before axes logs this lockout, so the count is of the lockouts before it.
    minutes = int(cool_off_for(lockouts(username, ip_address)).total_seconds() // 60)
    audit_record_now(
        event_type=EventType.LOCKED_OUT,
        actor=None,
        actor_label="anonymous",
        after={
            "username": (username or "")[:150],
            "ip_address": ip_address or "",
            "cool_off_minutes": minutes,
        },
    )

"""Reading a call is itself recorded: who knew what, and when."""

from __future__ import annotations

from django.db import transaction

from heed.accounts.models import User
from heed.audit.events import EventType
from heed.audit.services import audit_record
from heed.calls.models import (
    Call,
)

# ------------------------------------------------------------------------------------------------- reading


def call_viewed(*, actor: User, call: Call, via: str = "page") -> None:
    """Log that ``actor`` read the call (who knew what, and when)."""
    with transaction.atomic():
        audit_record(
            event_type=EventType.CALL_VIEWED,
            actor=actor,
            call=call,
            obj=call,
            after={"via": via, "status": call.status, "risk": call.risk},
        )


def timeline_viewed(*, actor: User, call: Call, via: str = "page") -> None:
    with transaction.atomic():
        audit_record(
            event_type=EventType.TIMELINE_VIEWED, actor=actor, call=call, obj=call, after={"via": via}
        )

"""Background tasks (django-tasks, database backend; run by ``heed worker``).

``remind`` runs when an action or a referral falls due: if it is still outstanding and its due time (read
again now: it may have moved) has passed, it raises a reminder that the supervisor's queue counts, and audits
it. Doing the action clears its reminder; if it becomes outstanding and overdue again, it is raised again.
Thin: it looks the row up and calls a service, under a job id like a request's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from heed.audit.context import job_id, request_context
from heed.audit.events import EventType
from heed.audit.services import audit_record
from heed.calls.locks import lock_call
from heed.calls.models import ActionStatus, Call, CallStatus, Reminder, RequiredAction

Due = tuple[Call, str, datetime | None] | str


@task()
def remind(kind: str, object_id: int) -> str:
    """Raise a reminder for an overdue action or referral; returns what it did (kept in the task result)."""
    with request_context(job_id("task:remind")):
        return reminder_raise(kind=kind, object_id=object_id)


def _action_due(object_id: int) -> Due:
    action = RequiredAction.objects.select_related("call", "call__force").filter(pk=object_id).first()
    if action is None or action.status != ActionStatus.OUTSTANDING or action.call.status == CallStatus.CLOSED:
        return "nothing to remind: the action is no longer outstanding"
    return action.call, action.code, action.due_at


# What each kind of reminder is about: (call, subject, due time), or why there is nothing to remind. Apps
# above this one (support's referrals) add their kinds when Django starts; this package never imports them.
REMINDERS: dict[str, Callable[[int], Due]] = {"action": _action_due}


def register_reminder(kind: str, due: Callable[[int], Due]) -> None:
    """Let another app's records raise reminders of ``kind`` (called from that app's ``ready``)."""
    REMINDERS[kind] = due


def reminder_raise(*, kind: str, object_id: int) -> str:
    now = timezone.now()
    with transaction.atomic():
        lookup = REMINDERS.get(kind)
        if lookup is None:
            return f"unknown reminder kind {kind!r}"
        found = lookup(object_id)
        if isinstance(found, str):
            return found
        call, subject, due = found
        if due is None or due > now:
            return "not yet due"
        # Like every change to a call: the call's row first, then (in audit_record) the chain head, so this
        # task and a person's change never wait for each other in opposite orders.
        lock_call(call)
        # Read again under the call's lock: the work may have been done between the first read and the lock,
        # and a reminder raised for done work would stand on the queue for ever.
        found = lookup(object_id)
        if isinstance(found, str):
            return found
        call, subject, due = found
        if due is None or due > now:
            return "not yet due"
        reminder, created = Reminder.objects.get_or_create(
            call=call, kind=kind, subject=subject, defaults={"due_at": due, "raised_at": now}
        )
        if not created and reminder.cleared_at is None:
            return "already reminded"
        if not created:
            # Answered once (the action was done), then outstanding again and overdue again: raised afresh.
            reminder.due_at, reminder.raised_at, reminder.cleared_at = due, now, None
            reminder.save(update_fields=["due_at", "raised_at", "cleared_at"])
        audit_record(
            event_type=EventType.REMINDER_RAISED,
            actor=None,
            actor_label="task:remind",
            force_code=call.force.code,
            call=call,
            obj=reminder,
            after={"kind": kind, "subject": subject, "due_at": due, "again": not created},
        )
        return f"reminder raised for {kind} {subject} on {call.reference}"

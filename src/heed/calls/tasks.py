"""Background tasks (django-tasks, database backend; run by ``heed worker``).

``remind`` runs when an action or a referral falls due: if it is still outstanding, it raises a reminder that
the supervisor's queue and the handler's list show, and audits it. Thin: it looks the row up and calls a
service, under a job id like a request's.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from heed.audit.context import job_id, request_context
from heed.audit.events import EventType
from heed.audit.services import audit_record
from heed.calls.models import ActionStatus, CallStatus, Reminder, RequiredAction


@task()
def remind(kind: str, object_id: int) -> str:
    """Raise a reminder for an overdue action or referral; returns what it did (kept in the task result)."""
    with request_context(job_id("task:remind")):
        return reminder_raise(kind=kind, object_id=object_id)


def reminder_raise(*, kind: str, object_id: int) -> str:
    now = timezone.now()
    with transaction.atomic():
        if kind == "action":
            action = RequiredAction.objects.select_related("call", "call__force").filter(pk=object_id).first()
            if (
                action is None
                or action.status != ActionStatus.OUTSTANDING
                or action.call.status == CallStatus.CLOSED
            ):
                return "nothing to remind: the action is no longer outstanding"
            call, subject, due = action.call, action.code, action.due_at
        elif kind == "referral":
            from heed.support.models import Referral, ReferralStatus

            referral = Referral.objects.select_related("call", "call__force").filter(pk=object_id).first()
            if referral is None or referral.status != ReferralStatus.SENT:
                return "nothing to remind: the referral has been answered"
            call, subject, due = referral.call, str(referral.pk), referral.due_at
        else:
            return f"unknown reminder kind {kind!r}"
        if due is None or due > now:
            return "not yet due"
        reminder, created = Reminder.objects.get_or_create(
            call=call, kind=kind, subject=subject, defaults={"due_at": due, "raised_at": now}
        )
        if created:
            audit_record(
                event_type=EventType.REMINDER_RAISED,
                actor=None,
                actor_label="task:remind",
                force_code=call.force.code,
                call_id=call.pk,
                obj=reminder,
                after={"kind": kind, "subject": subject, "due_at": due},
            )
        return f"reminder raised for {kind} {subject} on {call.reference}" if created else "already reminded"

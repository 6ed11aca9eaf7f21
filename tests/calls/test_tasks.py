"""Reminders (calls.tasks): raised once for overdue work, enqueued only after the change commits."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from heed.audit.models import AuditEvent
from heed.calls import services
from heed.calls.models import Reminder, RequiredAction
from heed.calls.tasks import reminder_raise

pytestmark = pytest.mark.django_db


def test_reminders_are_raised_once_for_overdue_work(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call()
    action = RequiredAction.objects.get(call=call, code="person_check")
    assert reminder_raise(kind="action", object_id=action.pk) == "not yet due"
    RequiredAction.objects.filter(pk=action.pk).update(due_at=timezone.now() - timedelta(minutes=5))
    assert reminder_raise(kind="action", object_id=action.pk).startswith("reminder raised")
    assert reminder_raise(kind="action", object_id=action.pk) == "already reminded"
    assert Reminder.objects.filter(call=call, subject="person_check").count() == 1
    services.person_check_run(actor=cast["handler"], call=call, query={"given_name": "Kai"}, subject="Kai")
    other = RequiredAction.objects.get(call=call, code="person_check")
    assert reminder_raise(kind="action", object_id=other.pk).startswith("nothing to remind")
    assert AuditEvent.objects.filter(event_type="reminder.raised", actor_label="task:remind").count() == 1


def test_reminders_are_enqueued_after_commit(make_call: Any, django_capture_on_commit_callbacks: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        make_call()
    queued = DBTaskResult.objects.filter(task_path="heed.calls.tasks.remind")
    assert queued.count() == 6  # one per required action with a due time
    assert all(t.run_after is not None for t in queued)

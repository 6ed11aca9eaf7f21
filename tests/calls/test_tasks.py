"""Reminders (calls.tasks): raised by the task worker when work falls due (not before), once, enqueued only
after the change commits, cleared when the work is done and raised again if it falls overdue again.

The worker here is django-tasks-db's own (batch mode: run what is ready, then stop); time is moved by pinning
``timezone.now`` (which both the worker's "ready" query and the reminder read), never by sleeping.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from heed.audit.models import AuditEvent
from heed.calls import services
from heed.calls.models import Reminder, RequiredAction
from heed.calls.tasks import reminder_raise

pytestmark = pytest.mark.django_db


@contextmanager
def at(moment: datetime) -> Iterator[None]:
    """Everything that asks Django the time is told ``moment``."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def run_worker() -> None:
    """The real worker, in batch mode: every task whose run_after has passed runs, then it stops. (Its
    between-tasks connection recycling is held off: it would close the test's own transaction.)"""
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        _worker().run()


def _worker() -> Worker:
    return Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )


def raised() -> set[str]:
    return set(Reminder.objects.filter(cleared_at__isnull=True).values_list("subject", flat=True))


def test_reminders_are_enqueued_after_commit_one_per_clock(
    make_call: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        call = make_call()
    queued = DBTaskResult.objects.filter(task_path="heed.calls.tasks.remind")
    assert queued.count() == 0  # nothing before the commit
    for callback in callbacks:
        callback()
    due = dict(RequiredAction.objects.filter(call=call).values_list("code", "due_at"))
    clocked = {code for code, at_ in due.items() if at_ is not None}
    # The demo call is high risk: checks within 15 minutes, the flag within 30, the referral within a day;
    # advice, the decisive questions and the review have no clock while the call is live.
    assert clocked == {"person_check", "identifier_check", "vulnerability_flag", "safeguarding_referral"}
    assert sorted(t.run_after for t in queued) == sorted(due[c] for c in clocked)


def test_the_worker_raises_each_reminder_when_it_falls_due_and_not_before(
    make_call: Any, cast: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        call = make_call()
    opened = RequiredAction.objects.get(call=call, code="person_check").created_at
    run_worker()
    assert raised() == set()
    with at(opened + timedelta(minutes=14, seconds=59)):
        run_worker()
    assert raised() == set()
    with at(opened + timedelta(minutes=15, seconds=1)):
        run_worker()
    assert raised() == {"person_check", "identifier_check"}
    with at(opened + timedelta(minutes=30, seconds=1)):
        run_worker()
    assert raised() == {"person_check", "identifier_check", "vulnerability_flag"}
    assert AuditEvent.objects.filter(event_type="reminder.raised", actor_label="task:remind").count() == 3
    # The advice is never reminded while the call is live, however long it stays open.
    with at(opened + timedelta(hours=23)):
        run_worker()
    assert "specialist_advice" not in set(Reminder.objects.values_list("subject", flat=True))


def test_reminders_are_raised_once_cleared_when_done_and_raised_again(
    make_call: Any, cast: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    call = make_call()
    action = RequiredAction.objects.get(call=call, code="person_check")
    assert reminder_raise(kind="action", object_id=action.pk) == "not yet due"
    RequiredAction.objects.filter(pk=action.pk).update(due_at=timezone.now() - timedelta(minutes=5))
    assert reminder_raise(kind="action", object_id=action.pk).startswith("reminder raised")
    assert reminder_raise(kind="action", object_id=action.pk) == "already reminded"
    assert Reminder.objects.filter(call=call, subject="person_check").count() == 1
    services.person_check_run(actor=cast["handler"], call=call, query={"given_name": "Kai"}, subject="Kai")
    assert reminder_raise(kind="action", object_id=action.pk).startswith("nothing to remind")
    assert Reminder.objects.get(call=call, subject="person_check").cleared_at is not None
    # A newly named person makes the check outstanding again, due 15 minutes from now (not from the opening).
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        services.note_add(
            actor=cast["handler"], call=call, text="SYNTHETIC. He said his friend Jordan Blake was there too."
        )
    action.refresh_from_db()
    assert action.status == "outstanding"
    assert action.due_at is not None
    assert before + timedelta(minutes=15) <= action.due_at <= timezone.now() + timedelta(minutes=15)
    with at(action.due_at - timedelta(seconds=1)):
        run_worker()
    assert "person_check" not in raised()
    with at(action.due_at + timedelta(seconds=1)):
        run_worker()
    assert "person_check" in raised()
    assert AuditEvent.objects.filter(event_type="reminder.raised", actor_label="task:remind").count() == 2


def test_a_higher_risk_brings_an_outstanding_actions_due_time_forward_never_later(
    make_call: Any, cast: dict[str, Any]
) -> None:
    call = make_call(
        "SYNTHETIC. A man called Dan Rees, 30, keeps messaging my 14 year old on Snapchat and sends "
        "her gifts."
    )
    assert call.risk == "medium"
    check = RequiredAction.objects.get(call=call, code="person_check")
    assert check.due_at is not None and check.due_at - check.created_at == timedelta(minutes=60)
    raised_at = timezone.now()
    call = services.risk_set(
        actor=cast["handler"],
        call=call,
        risk="high",
        rationale="SYNTHETIC: he has asked to meet her tonight.",
    )
    check.refresh_from_db()
    assert check.due_at is not None
    assert raised_at + timedelta(minutes=15) <= check.due_at <= timezone.now() + timedelta(minutes=15)
    moved = AuditEvent.objects.filter(
        call_id=call.pk, event_type="action.updated", after__why="risk now high"
    )
    assert moved.count() >= 1
    earlier = check.due_at
    # Read again at the same level (a new entry, a later "now"): nothing moves later.
    services.note_add(actor=cast["handler"], call=call, text="SYNTHETIC. She is at home with her mum now.")
    call.refresh_from_db()
    assert call.risk == "high"
    check.refresh_from_db()
    assert check.due_at == earlier


def test_work_done_between_the_reminders_first_read_and_the_calls_lock_raises_nothing(
    make_call: Any, cast: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reminder reads the action, then takes the call's lock: if the handler finishes the action in that
    gap, the reminder reads it again under the lock and raises nothing (no reminder stands for done work)."""
    from heed.calls import tasks

    call = make_call()
    action = RequiredAction.objects.get(call=call, code="person_check")
    RequiredAction.objects.filter(pk=action.pk).update(due_at=timezone.now() - timedelta(minutes=5))
    reads: list[int] = []
    original = tasks.REMINDERS["action"]

    def read_then_the_handler_acts(object_id: int) -> Any:
        found = original(object_id)
        reads.append(object_id)
        if len(reads) == 1:  # the handler runs the check now, before the reminder has the call's lock
            services.person_check_run(
                actor=cast["handler"], call=call, query={"given_name": "Kai"}, subject="Kai"
            )
        return found

    monkeypatch.setitem(tasks.REMINDERS, "action", read_then_the_handler_acts)
    assert reminder_raise(kind="action", object_id=action.pk).startswith("nothing to remind")
    assert len(reads) == 2
    assert not Reminder.objects.filter(call=call, subject="person_check").exists()

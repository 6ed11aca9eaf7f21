"""A force's events do not wait for another force's, nor a view for a write: while one transaction holds
force TST's chain head (an event recorded, not yet committed), an event of force OTH and a view by someone of
TST are recorded at once, and a second change of TST waits (refused here by a lock timeout instead of
waiting). Real transactions, one thread each, on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import OperationalError, connection, transaction

from heed.audit.events import EventType
from heed.audit.models import AuditEvent
from heed.audit.services import audit_record, audit_verify


def _in_other_connection(actor: Any, event_type: EventType = EventType.NOTE_ADDED) -> AuditEvent | Exception:
    """Record one event in a thread of its own (its own connection and transaction), giving up on any lock it
    cannot take within the timeout instead of waiting for the test's transaction, which it cannot outlive."""
    out: list[AuditEvent | Exception] = []

    def run() -> None:
        try:
            with transaction.atomic():
                with connection.cursor() as cur:
                    cur.execute("SET LOCAL lock_timeout = '300ms'")
                out.append(audit_record(event_type=event_type, actor=actor, after={"from": "thread"}))
        except Exception as exc:  # the refusal is the result under test
            out.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return out[0]


def _committed(record: Callable[[], AuditEvent]) -> AuditEvent:
    with transaction.atomic():
        return record()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_an_open_transaction_of_one_force_does_not_hold_up_another(cast: dict[str, Any]) -> None:
    for persona in ("handler", "other_handler"):  # the chains exist, committed
        for kind in (EventType.NOTE_ADDED, EventType.LOGIN):
            _committed(lambda p=persona, k=kind: audit_record(event_type=k, actor=cast[p]))
    with transaction.atomic():
        held = audit_record(event_type=EventType.NOTE_ADDED, actor=cast["handler"])
        other_force = _in_other_connection(cast["other_handler"])
        same_force_view = _in_other_connection(cast["handler2"], EventType.CALL_VIEWED)
        same_force = _in_other_connection(cast["handler2"])
    assert isinstance(other_force, AuditEvent), other_force
    assert (other_force.chain, other_force.chain_seq) == ("force:OTH", 2)
    assert isinstance(same_force_view, AuditEvent), same_force_view
    assert (same_force_view.chain, same_force_view.chain_seq) == ("access:force:TST", 2)
    assert isinstance(same_force, OperationalError)
    assert "lock timeout" in str(same_force)
    assert AuditEvent.objects.filter(chain="force:TST").count() == 2 and held.chain_seq == 2
    result = audit_verify()
    assert result.ok, result.summary()

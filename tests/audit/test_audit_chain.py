"""The audit trail: typed events in a hash chain per force, written in the change's transaction, refused by
the database for UPDATE and DELETE, and verified end to end with the first broken event named."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from heed.audit.events import EventType
from heed.audit.models import AuditChain, AuditEvent
from heed.audit.services import AuditOutsideTransaction, audit_record, audit_verify

pytestmark = pytest.mark.django_db


def _record(actor: Any, n: int = 3) -> list[AuditEvent]:
    out = []
    for i in range(n):
        with transaction.atomic():
            out.append(audit_record(event_type=EventType.NOTE_ADDED, actor=actor, call_id=99, after={"i": i}))
    return out


def test_events_chain_each_to_the_one_before(cast: dict[str, Any]) -> None:
    events = _record(cast["handler"])
    first = events[0].chain_seq
    assert first is not None
    assert [e.chain_seq for e in events] == [first, first + 1, first + 2]
    assert [e.chain for e in events] == ["force:TST"] * 3
    assert events[0].seq < events[1].seq < events[2].seq
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    head = AuditChain.objects.get(pk="force:TST")
    assert (head.seq, head.hash) == (events[-1].chain_seq, events[-1].hash)
    assert events[0].actor_label == "t.handler" and events[0].force_code == "TST"
    result = audit_verify()
    assert result.ok, result.summary()
    assert result.events == AuditEvent.objects.count()


def test_an_event_outside_a_transaction_is_refused(cast: dict[str, Any]) -> None:
    # pytest-django wraps each test in a transaction; leave it to see the guard itself.
    with pytest.raises(AuditOutsideTransaction):
        transaction.get_connection().in_atomic_block = False
        try:
            audit_record(event_type=EventType.CALL_VIEWED, actor=cast["handler"])
        finally:
            transaction.get_connection().in_atomic_block = True


def test_a_rolled_back_change_leaves_no_event(cast: dict[str, Any]) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(event_type=EventType.CALL_VIEWED, actor=cast["handler"])
        raise RuntimeError("the change failed")
    assert AuditEvent.objects.count() == before
    assert audit_verify().ok


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_event SET actor_label = 'someone else'", "DELETE FROM audit_event"]
)
def test_the_database_refuses_update_and_delete(cast: dict[str, Any], statement: str) -> None:
    _record(cast["handler"], 1)
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic(), connection.cursor() as cur:
        cur.execute(statement)
    assert AuditEvent.objects.filter(actor_label="t.handler").exists()


def test_the_orm_cannot_change_an_event_either(cast: dict[str, Any]) -> None:
    (event,) = _record(cast["handler"], 1)
    event.actor_label = "someone else"
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
        event.save()


def _tamper(sql: str, params: list[Any]) -> None:
    """Bypass the append-only trigger the way an attacker with database rights could."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only")
            cur.execute(sql, params)
            cur.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only")
        else:
            cur.execute("DROP TRIGGER audit_event_no_update")
            cur.execute("DROP TRIGGER audit_event_no_delete")
            cur.execute(sql, params)


def test_verify_names_the_first_altered_event(cast: dict[str, Any]) -> None:
    events = _record(cast["handler"], 4)
    _tamper("UPDATE audit_event SET after = %s WHERE seq = %s", ['{"i": 99}', events[1].seq])
    result = audit_verify()
    assert not result.ok
    assert result.broken_seq == events[1].chain_seq
    assert "altered" in result.reason
    assert f"force:TST: BROKEN at #{events[1].chain_seq} (event {events[1].seq})" in result.summary()


def test_verify_notices_a_removed_event(cast: dict[str, Any]) -> None:
    events = _record(cast["handler"], 4)
    _tamper("DELETE FROM audit_event WHERE seq = %s", [events[2].seq])
    result = audit_verify()
    assert not result.ok
    assert result.broken_seq == events[2].chain_seq
    assert "missing" in result.reason


def test_verify_notices_a_removed_tail(cast: dict[str, Any]) -> None:
    events = _record(cast["handler"], 3)
    _tamper("DELETE FROM audit_event WHERE seq = %s", [events[-1].seq])
    result = audit_verify()
    assert not result.ok
    assert "head" in result.reason


def test_values_with_nul_characters_are_stored_and_verified(cast: dict[str, Any]) -> None:
    with transaction.atomic():
        audit_record(event_type=EventType.NOTE_ADDED, actor=cast["handler"], after={"text": "a\x00b"})
    assert audit_verify().ok

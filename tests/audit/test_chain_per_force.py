"""One chain per force, a national chain for events with no force, and the anchor chain that records every
head: each chain is numbered and hashed on its own, verification is per chain (or per force), and tampering
with one chain (edit, delete, reorder, move, truncate or rewrite after an anchor) breaks that chain only."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from heed.audit.chain import GENESIS, chain_hash
from heed.audit.events import EventType
from heed.audit.models import AuditChain, AuditEvent
from heed.audit.services import audit_anchor, audit_record, audit_verify
from heed.audit.verify import event_payload

pytestmark = pytest.mark.django_db

APPEND_ONLY = importlib.import_module("heed.audit.migrations.0002_append_only")
CHAIN_PER_FORCE = importlib.import_module("heed.audit.migrations.0006_chain_per_force")


def _record(actor: Any, n: int, **kw: Any) -> list[AuditEvent]:
    out = []
    for i in range(n):
        with transaction.atomic():
            out.append(audit_record(event_type=EventType.NOTE_ADDED, actor=actor, after={"i": i}, **kw))
    return out


def _lift_triggers() -> None:
    """Remove the database's refusals the way an attacker with rights over its schema could (the test's
    transaction puts them back when it rolls back)."""
    pg = connection.vendor == "postgresql"
    with connection.cursor() as cur:
        for module in (APPEND_ONLY, CHAIN_PER_FORCE):
            for sql in module.POSTGRES_REVERSE if pg else module.SQLITE_REVERSE:
                cur.execute(sql)


def _sql(statement: str, params: list[Any]) -> None:
    with connection.cursor() as cur:
        cur.execute(statement, params)


def _rehash(chain: str, from_seq: int) -> None:
    """Recompute every hash from ``from_seq`` to the end of ``chain`` and move its head, so the chain is
    consistent in itself again: what an attacker who rewrote an event would do to hide it."""
    events = list(AuditEvent.objects.filter(chain=chain).order_by("chain_seq"))
    prev = GENESIS
    for ev in events:
        assert ev.chain_seq is not None
        if ev.chain_seq >= from_seq:
            digest = chain_hash(prev, event_payload(ev, chain, ev.chain_seq))
            _sql("UPDATE audit_event SET prev_hash = %s, hash = %s WHERE seq = %s", [prev, digest, ev.seq])
            prev = digest
        else:
            prev = ev.hash
    _sql("UPDATE audit_chain SET seq = %s, hash = %s WHERE key = %s", [len(events), prev, chain])


def test_each_force_has_its_own_chain_and_events_without_a_force_go_national(cast: dict[str, Any]) -> None:
    tst = _record(cast["handler"], 2)
    oth = _record(cast["other_handler"], 2)
    national = _record(None, 1, actor_label="task:test")
    assert [(e.chain, e.chain_seq) for e in tst] == [("force:TST", 1), ("force:TST", 2)]
    assert [(e.chain, e.chain_seq) for e in oth] == [("force:OTH", 1), ("force:OTH", 2)]
    assert [(e.chain, e.chain_seq, e.force_code) for e in national] == [("national", 1, "")]
    assert tst[0].prev_hash == oth[0].prev_hash == national[0].prev_hash == GENESIS
    assert tst[1].prev_hash == tst[0].hash and oth[1].prev_hash == oth[0].hash
    heads = {h.key: (h.seq, h.hash) for h in AuditChain.objects.all()}
    assert heads["force:TST"] == (2, tst[1].hash)
    assert heads["force:OTH"] == (2, oth[1].hash)
    assert heads["national"] == (1, national[0].hash)


def test_reads_and_sign_ins_go_into_the_access_chain_beside_the_forces(cast: dict[str, Any]) -> None:
    with transaction.atomic():
        view = audit_record(event_type=EventType.CALL_VIEWED, actor=cast["handler"], call_id=7)
        note = audit_record(event_type=EventType.NOTE_ADDED, actor=cast["handler"], call_id=7)
        timeline = audit_record(event_type=EventType.TIMELINE_VIEWED, actor=cast["handler"], call_id=7)
        login = audit_record(event_type=EventType.LOGIN, actor=cast["other_handler"])
        failed = audit_record(event_type=EventType.LOGIN_FAILED, actor=None, actor_label="anonymous")
    assert [(e.chain, e.chain_seq) for e in (view, note, timeline, login, failed)] == [
        ("access:force:TST", 1),
        ("force:TST", 1),
        ("access:force:TST", 2),
        ("access:force:OTH", 1),
        ("access:national", 1),
    ]
    # The call's timeline is still in the order things happened, across its chains.
    assert list(AuditEvent.objects.filter(call_id=7).values_list("event_type", flat=True)) == [
        "call.viewed",
        "note.added",
        "timeline.viewed",
    ]
    only = audit_verify(force_code="TST")
    assert [(c.chain, c.events) for c in only.chains] == [
        ("force:TST", 1),
        ("access:force:TST", 2),
        ("anchor", 0),
    ]
    assert only.ok


def test_an_explicit_force_code_chooses_the_chain(cast: dict[str, Any]) -> None:
    (event,) = _record(None, 1, actor_label="task:remind", force_code="OTH")
    assert (event.chain, event.force_code) == ("force:OTH", "OTH")


def test_events_of_one_transaction_keep_their_order(cast: dict[str, Any]) -> None:
    with transaction.atomic():
        first = audit_record(event_type=EventType.NOTE_ADDED, actor=cast["handler"], call_id=7)
        second = audit_record(event_type=EventType.CALL_ASSESSED, actor=cast["handler"], call_id=7)
    assert first.chain_seq is not None and second.chain_seq == first.chain_seq + 1
    assert list(AuditEvent.objects.filter(call_id=7).values_list("event_type", flat=True)) == [
        "note.added",
        "call.assessed",
    ]


def test_verify_reports_each_chain_and_a_force_alone(cast: dict[str, Any]) -> None:
    _record(cast["handler"], 3)
    _record(cast["other_handler"], 2)
    _record(None, 1, actor_label="task:test")
    with transaction.atomic():
        audit_record(event_type=EventType.LOGIN, actor=cast["handler"])
    result = audit_verify()
    assert result.ok, result.summary()
    assert [(c.chain, c.events) for c in result.chains] == [
        ("force:OTH", 2),
        ("force:TST", 3),
        ("access:force:TST", 1),
        ("national", 1),
        ("anchor", 0),
    ]
    assert [line.split(": ")[0] for line in result.lines()] == [c.chain for c in result.chains]
    only = audit_verify(force_code="OTH")
    assert [c.chain for c in only.chains] == ["force:OTH", "access:force:OTH", "anchor"]
    assert only.events == 2


def test_an_anchor_records_every_head_once(cast: dict[str, Any]) -> None:
    tst = _record(cast["handler"], 2)
    oth = _record(cast["other_handler"], 1)
    anchor = audit_anchor()
    assert anchor is not None
    assert (anchor.chain, anchor.chain_seq, anchor.event_type) == ("anchor", 1, "audit.anchored")
    assert anchor.after == {
        "heads": {"force:OTH": {"seq": 1, "hash": oth[0].hash}, "force:TST": {"seq": 2, "hash": tst[1].hash}}
    }
    assert audit_anchor() is None  # nothing moved since
    _record(cast["handler"], 1)
    again = audit_anchor()
    assert again is not None and again.chain_seq == 2 and again.prev_hash == anchor.hash
    result = audit_verify()
    assert result.ok, result.summary()
    assert {c.chain: c.anchored_seq for c in result.chains} == {"force:OTH": 1, "force:TST": 3, "anchor": 0}


def _edit(events: list[AuditEvent]) -> None:
    _sql("UPDATE audit_event SET after = %s WHERE seq = %s", ['{"i": 99}', events[1].seq])


def _delete(events: list[AuditEvent]) -> None:
    _sql("DELETE FROM audit_event WHERE seq = %s", [events[1].seq])


def _reorder(events: list[AuditEvent]) -> None:
    # Swap the places of two events (through a free position: the pair is unique).
    _sql("UPDATE audit_event SET chain_seq = 999 WHERE seq = %s", [events[1].seq])
    _sql("UPDATE audit_event SET chain_seq = %s WHERE seq = %s", [events[1].chain_seq, events[2].seq])
    _sql("UPDATE audit_event SET chain_seq = %s WHERE seq = %s", [events[2].chain_seq, events[1].seq])


def _truncate(events: list[AuditEvent]) -> None:
    # Remove the anchored tail and wind the head back to match: consistent, but the anchor remembers.
    _sql("DELETE FROM audit_event WHERE seq = %s", [events[-1].seq])
    _sql(
        "UPDATE audit_chain SET seq = %s, hash = %s WHERE key = 'force:TST'",
        [len(events) - 1, events[-2].hash],
    )


def _rewrite(events: list[AuditEvent]) -> None:
    # Change an anchored event and re-hash everything after it: consistent, but the anchor remembers.
    _sql("UPDATE audit_event SET after = %s WHERE seq = %s", ['{"i": 99}', events[1].seq])
    _rehash("force:TST", 2)


def _head_removed(events: list[AuditEvent]) -> None:
    _sql("DELETE FROM audit_chain WHERE key = 'force:TST'", [])


@pytest.mark.parametrize(
    ("tamper", "position", "reason"),
    [
        (_edit, 2, "altered"),
        (_delete, 2, "#2 is missing"),
        (_reorder, 2, "link to the previous event does not match"),
        (_truncate, None, "anchor #1 recorded #4 but the chain ends at #3"),
        (_rewrite, 4, "does not match what anchor #1 recorded"),  # the anchor holds the head, #4
        (_head_removed, None, "no head"),
    ],
)
def test_tampering_with_one_force_breaks_that_chain_only(
    cast: dict[str, Any], tamper: Any, position: int | None, reason: str
) -> None:
    events = _record(cast["handler"], 4)
    _record(cast["other_handler"], 2)
    assert audit_anchor() is not None
    assert audit_verify().ok
    _lift_triggers()
    tamper(events)
    result = audit_verify()
    assert not result.ok
    broken = [c for c in result.chains if not c.ok]
    assert [c.chain for c in broken] == ["force:TST"]
    assert broken[0].broken_seq == position
    assert reason in broken[0].reason
    assert result.summary().startswith("audit chain BROKEN: force:TST: BROKEN")
    assert not audit_verify(force_code="TST").ok
    assert audit_verify(force_code="OTH").ok


def test_an_event_moved_to_another_forces_chain_breaks_both(cast: dict[str, Any]) -> None:
    """Moved with both heads put right: the chain name is in the hash, so it is altered where it lands."""
    events = _record(cast["handler"], 2)
    oth = _record(cast["other_handler"], 1)
    _lift_triggers()
    _sql("UPDATE audit_event SET chain = 'force:OTH', chain_seq = 2, prev_hash = %s WHERE seq = %s",
         [oth[0].hash, events[-1].seq])  # fmt: skip
    _sql("UPDATE audit_chain SET seq = 1, hash = %s WHERE key = 'force:TST'", [events[0].hash])
    _sql("UPDATE audit_chain SET seq = 2, hash = %s WHERE key = 'force:OTH'", [events[-1].hash])
    assert audit_verify(force_code="TST").ok  # a cut tail that no anchor recorded: see the ADR
    result = audit_verify(force_code="OTH")
    assert not result.ok and result.broken_seq == 2
    assert "altered" in result.reason


def test_an_altered_anchor_breaks_the_anchor_chain(cast: dict[str, Any]) -> None:
    _record(cast["handler"], 2)
    anchor = audit_anchor()
    assert anchor is not None
    _lift_triggers()
    _sql("UPDATE audit_event SET after = %s WHERE seq = %s", ['{"heads": {}}', anchor.seq])
    result = audit_verify()
    assert [c.chain for c in result.chains if not c.ok] == ["anchor"]
    assert "altered" in result.reason


def test_a_chain_wholly_removed_after_an_anchor_is_noticed(cast: dict[str, Any]) -> None:
    _record(cast["handler"], 1)
    _record(cast["other_handler"], 2)
    assert audit_anchor() is not None
    _lift_triggers()
    _sql("DELETE FROM audit_event WHERE chain = 'force:OTH'", [])
    _sql("DELETE FROM audit_chain WHERE key = 'force:OTH'", [])
    result = audit_verify()
    assert [c.chain for c in result.chains if not c.ok] == ["force:OTH"]
    assert "anchor #1 recorded #2 but the chain ends at #0" in result.reason


def test_legacy_events_written_before_the_split_verify_as_they_were_hashed(cast: dict[str, Any]) -> None:
    """The single chain of before migration 0006: positions are ``seq``, payloads carry no chain name."""
    _lift_triggers()
    prev, rows = GENESIS, []
    for i in range(1, 4):
        ev = AuditEvent(
            seq=i, chain="legacy", chain_seq=None, occurred_at=cast["handler"].date_joined,
            event_type="call.viewed", actor_id=1, actor_label="old", actor_role="handler", force_code="TST",
            call_id=None, object_type="", object_id="", request_id="", before=None, after={"i": i},
        )  # fmt: skip
        payload = event_payload(ev, "legacy", i)
        assert "chain" not in payload
        ev.prev_hash, ev.hash = prev, chain_hash(prev, payload)
        prev = ev.hash
        rows.append(ev)
    AuditEvent.objects.bulk_create(rows)
    AuditChain.objects.create(key="legacy", seq=3, hash=prev)
    result = audit_verify()
    assert result.ok, result.summary()
    assert {c.chain: c.events for c in result.chains}["legacy"] == 3
    _sql("UPDATE audit_event SET actor_label = 'someone else' WHERE seq = 2", [])
    broken = audit_verify()
    assert (broken.first_break and broken.first_break.chain, broken.broken_seq) == ("legacy", 2)


@pytest.mark.parametrize(
    ("statement", "params"),
    [
        ("UPDATE audit_chain SET seq = seq - 1 WHERE key = 'force:TST'", []),
        ("UPDATE audit_chain SET seq = seq + 1 WHERE key = 'force:TST'", []),
        ("UPDATE audit_chain SET hash = %s WHERE key = 'force:TST'", ["f" * 64]),
        ("DELETE FROM audit_chain WHERE key = 'force:TST'", []),
        ("INSERT INTO audit_chain (key, seq, hash) VALUES ('force:NEW', 5, %s)", ["f" * 64]),
    ],
)
def test_the_database_keeps_chain_heads_honest(
    cast: dict[str, Any], statement: str, params: list[Any]
) -> None:
    _record(cast["handler"], 2)
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
        _sql(statement, params)
    assert audit_verify().ok


def test_an_empty_chain_head_may_be_created_and_removed(cast: dict[str, Any]) -> None:
    """A head with no events yet is nothing to protect (and the test database's flush removes heads)."""
    AuditChain.objects.create(key="force:NEW")
    _sql("DELETE FROM audit_chain WHERE key = 'force:NEW'", [])
    assert not AuditChain.objects.filter(pk="force:NEW").exists()

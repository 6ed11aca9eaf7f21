"""The call's timeline in words (heed.support.timeline): labels, changes as old → new, NDM notes as text,
views hidden unless asked for."""

from __future__ import annotations

from typing import Any

import pytest
from tests.closing import WHY
from tests.readviews import NDM_DECISION, NDM_INFORMATION, call_with_records

from heed.audit.models import AuditEvent
from heed.calls import services
from heed.calls.workflow import NDM_LABELS
from heed.risk import default_pack
from heed.support.models import AdviceRecord
from heed.support.timeline import Change, call_timeline, describe

pytestmark = pytest.mark.django_db


def _event(call: Any, kind: str) -> AuditEvent:
    return AuditEvent.objects.filter(call_id=call.pk, event_type=kind).order_by("seq").first()


def test_a_review_reads_as_changes_and_labelled_ndm_notes(make_call: Any, cast: dict[str, Any]) -> None:
    call = call_with_records(make_call, cast)
    row = describe(_event(call, "review.decided"))
    assert row.label == "Review decided"
    assert Change("Status", "Awaiting supervisor review", "Returned to handler") in row.changes
    assert Change("Decision", None, "Return to the handler") in row.changes
    assert Change("Rationale", None, WHY) in row.changes
    assert row.notes == (
        (NDM_LABELS["information"], NDM_INFORMATION),
        (NDM_LABELS["decision"], NDM_DECISION),
    )
    assert all("ndm" not in c.label.lower() for c in row.changes)
    # The payload as stored is still there, exactly, for the auditor.
    assert '"information": "' + NDM_INFORMATION in row.stored


def test_answers_advice_and_referrals_read_in_words(make_call: Any, cast: dict[str, Any]) -> None:
    call = call_with_records(make_call, cast)
    pack = default_pack()
    answers = describe(_event(call, "answers.recorded"))
    assert Change(pack.questions["whereabouts_now"].text, None, "Safe") in answers.changes
    advice = describe(_event(call, "advice.recorded"))
    assert Change("Agencies", None, "NCA-CEOP Safety Centre, NSPCC Helpline") in advice.changes
    assert Change("How", None, "Read out on the call") in advice.changes
    referral = describe(_event(call, "referral.made"))
    assert Change("Referred to", None, "Force child protection / child sexual exploitation team") in (
        referral.changes
    )
    action = describe(_event(call, "action.updated"))
    assert Change("Action", None, pack.actions["person_check"].label) in action.changes


def test_a_changed_answer_shows_what_it_was(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call()
    first = call.version
    services.answers_record(
        actor=cast["handler"], call=call, answers={"whereabouts_now": "unknown"}, expected_version=first
    )
    call.refresh_from_db()
    services.answers_record(
        actor=cast["handler"], call=call, answers={"whereabouts_now": "safe"}, expected_version=call.version
    )
    second = AuditEvent.objects.filter(call_id=call.pk, event_type="answers.recorded").order_by("-seq")[0]
    question = default_pack().questions["whereabouts_now"].text
    assert describe(second).changes == (Change(question, "Don't know", "Safe"),)


def test_a_note_correction_shows_the_text_before_and_after(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call("SYNTHETIC. First words.")
    services.note_edit(
        actor=cast["handler"], call=call, entry_no=1, text="SYNTHETIC. Second words.", expected_version=1
    )
    row = describe(_event(call, "note.edited"))
    assert Change("Text", "SYNTHETIC. First words.", "SYNTHETIC. Second words.") in row.changes
    assert Change("Version", "1", "2") in row.changes


def test_views_are_hidden_unless_asked_for_and_counted(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call()
    for _ in range(3):
        services.call_viewed(actor=cast["auditor"], call=call)
    services.timeline_viewed(actor=cast["auditor"], call=call)
    total = AuditEvent.objects.filter(call_id=call.pk).count()
    shown = call_timeline(call.pk)
    assert shown.hidden_views == 4 and len(shown.rows) == total - 4
    assert not any(r.is_view for r in shown.rows)
    everything = call_timeline(call.pk, show_views=True)
    assert everything.hidden_views == 0 and len(everything.rows) == total
    views = call_timeline(call.pk, kind="call.viewed")
    assert [r.event.event_type for r in views.rows] == ["call.viewed"] * 3
    created = call_timeline(call.pk, kind="call.created")
    assert [r.label for r in created.rows] == ["Call created"]
    assert ("call.viewed", "Call viewed", 3) in created.kinds
    # A kind the call has no event of is no filter at all (and never an error).
    assert call_timeline(call.pk, kind="no.such").kind == ""
    assert call_timeline(call.pk, kind="no.such").hidden_views == 4


def test_the_order_shown_does_not_depend_on_the_order_keys_were_stored() -> None:
    """PostgreSQL's JSON columns keep keys in their own order: the timeline reads the same on both."""
    after = {"status": "returned", "decision": "return", "ndm": {"information": "a", "decision": "b"}}
    shuffled = {"ndm": {"decision": "b", "information": "a"}, "decision": "return", "status": "returned"}
    rows = [
        describe(AuditEvent(event_type="review.decided", before={"status": "awaiting_review"}, after=a))
        for a in (after, shuffled)
    ]
    assert rows[0].changes == rows[1].changes and rows[0].notes == rows[1].notes
    assert [c.label for c in rows[0].changes] == ["Status", "Decision"]
    assert [label for label, _ in rows[0].notes] == [NDM_LABELS["information"], NDM_LABELS["decision"]]


def test_a_field_set_from_nothing_reads_as_set_and_empty_fields_are_left_out(make_call: Any) -> None:
    call = make_call(caller_name="")
    created = describe(_event(call, "call.created"))
    assert [c.label for c in created.changes if c.label.startswith("Caller")] == ["Caller relation"]
    assert Change("Caller relation", None, "Parent or carer") in created.changes
    assessed = describe(_event(call, "call.assessed"))
    assert Change("Risk", None, "high") in assessed.changes
    assert '"name": ""' in created.stored  # the empty field is still in the payload as stored


def test_rules_and_the_records_actions_are_done_with_read_in_words(
    make_call: Any, cast: dict[str, Any]
) -> None:
    call = call_with_records(make_call, cast)
    question = default_pack().questions["whereabouts_now"].text
    assessed = AuditEvent.objects.filter(call_id=call.pk, event_type="call.assessed").order_by("-seq")[0]
    rules = next(c for c in describe(assessed).changes if c.label == "Rules that applied")
    assert f"the answer to “{question}”" in rules.new and "question:" not in rules.new
    assert "RISK-HIGH-MEETING-NONPEER" in rules.new
    done = [
        c.new
        for ev in AuditEvent.objects.filter(call_id=call.pk, event_type="action.updated")
        for c in describe(ev).changes
        if c.label == "Done with"
    ]
    advice = AdviceRecord.objects.get(call=call)
    assert f"advice record {advice.pk}" in done and not any("advicerecord" in d for d in done)


def test_a_stored_time_in_a_change_is_shown_in_the_forces_time() -> None:
    from heed.support.timeline import _when

    assert _when("2026-07-07T12:15:00+00:00") == "07 Jul 2026 13:15"  # summer: an hour ahead of UTC
    assert _when("2026-12-07T12:15:00+00:00") == "07 Dec 2026 12:15"
    assert _when("not a time") == "not a time"

"""Call services through their public interface: creation, the append-only log, drafts, answers,
reassessment, checks and the required actions they complete, and the identifier register."""

from __future__ import annotations

from typing import Any

import pytest

from heed.audit.models import AuditEvent
from heed.audit.services import audit_verify
from heed.calls import services
from heed.calls.models import NoteDraft, NoteEntry, PersonCheck, RequiredAction
from heed.calls.selectors import call_text, current_entries, persons_to_check

pytestmark = pytest.mark.django_db


def _actions(call: Any) -> dict[str, str]:
    return dict(RequiredAction.objects.filter(call=call).values_list("code", "status"))


def test_a_new_call_is_assessed_with_evidence_and_its_actions(make_call: Any) -> None:
    call = make_call()
    assert call.reference.startswith("TST-") and call.status == "open"
    assert call.risk == "high" and call.response == "priority"
    assert call.pack_version.startswith("national@")
    text, _ = call_text(call)
    for ind in call.assessment["indicators"]:
        for ev in ind["evidence"]:
            assert text[ev["start"] : ev["end"]] == ev["text"]
    assert _actions(call) == {
        code: "outstanding"
        for code in (
            "decisive_questions",
            "person_check",
            "identifier_check",
            "specialist_advice",
            "safeguarding_referral",
            "supervisor_review",
            "vulnerability_flag",
        )
    }
    due = RequiredAction.objects.get(call=call, code="person_check").due_at
    assert due is not None and (due - call.created_at).total_seconds() == 3600
    assert "ceop" in call.assessment["suggested_agencies"]
    kinds = [e.event_type for e in AuditEvent.objects.filter(call_id=call.pk)]
    assert kinds[:3] == ["call.created", "note.added", "call.assessed"]
    assert kinds.count("action.updated") == 7
    assert audit_verify().ok


def test_references_are_unique_per_force_and_day(make_call: Any) -> None:
    first, second = make_call("SYNTHETIC. Worried."), make_call("SYNTHETIC. Worried again.")
    assert first.reference != second.reference
    assert int(second.reference[-4:]) == int(first.reference[-4:]) + 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"child_age": 30}, "child.age"),
        ({"child_age": "ten"}, "child.age"),
        ({"caller_relation": "landlord"}, "caller.relation"),
        ({"caller_name": "x" * 201}, "caller.name"),
        ({"answers": {"no_such_question": "yes"}}, "answers.no_such_question"),
        ({"answers": {"asked_to_meet": "perhaps"}}, "answers.asked_to_meet"),
        ({"narrative": "\x00binary"}, "narrative"),
        ({"narrative": "x" * 1_000_001}, "narrative"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(
    make_call: Any, kwargs: dict[str, Any], field: str
) -> None:
    narrative = kwargs.pop("narrative", "SYNTHETIC. Worried about a man online.")
    with pytest.raises(services.CallError) as exc:
        make_call(narrative, **kwargs)
    assert exc.value.field == field
    assert not AuditEvent.objects.filter(event_type="call.created").exists()


def test_notes_are_append_only_and_an_edit_adds_a_version(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call("SYNTHETIC. Mum says her son Leo is gaming a lot.")
    assert call.risk == "standard"
    services.note_add(
        actor=cast["handler"], call=call, text="A man called Dean, about 35, asked Leo for pics."
    )
    call.refresh_from_db()
    assert call.risk == "high"
    services.note_edit(
        actor=cast["handler"], call=call, entry_no=2, text="A man called Dean, about 45, asked Leo for pics."
    )
    versions = NoteEntry.objects.filter(call=call, entry_no=2).order_by("version")
    assert [v.text for v in versions] == [
        "A man called Dean, about 35, asked Leo for pics.",
        "A man called Dean, about 45, asked Leo for pics.",
    ]
    assert [e.text for e in current_entries(call)][-1].endswith("about 45, asked Leo for pics.")
    edit = AuditEvent.objects.get(call_id=call.pk, event_type="note.edited")
    assert edit.before["text"].endswith("about 35, asked Leo for pics.")
    assert edit.after["version"] == 2


def test_editing_a_missing_entry_is_refused(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call()
    with pytest.raises(services.CallError, match="no log entry 9"):
        services.note_edit(actor=cast["handler"], call=call, entry_no=9, text="x")


def test_drafts_are_kept_per_author_and_cleared_when_added(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call("SYNTHETIC. First entry.")
    services.draft_save(actor=cast["handler"], call=call, text="He sent her a phone")
    services.draft_save(actor=cast["supervisor"], call=call, text="Supervisor's own draft")
    assert NoteDraft.objects.get(call=call, author=cast["handler"]).text == "He sent her a phone"
    live, text = services.live_assessment(call, "He sent her a phone. He told her to keep it secret.")
    assert live is not None and {"gifts", "secrecy"} <= set(live.indicators)
    services.note_add(actor=cast["handler"], call=call, text="He sent her a phone")
    assert NoteDraft.objects.get(call=call, author=cast["handler"]).text == ""
    assert NoteDraft.objects.get(call=call, author=cast["supervisor"]).text == "Supervisor's own draft"


def test_answers_combine_with_the_narrative(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call("SYNTHETIC. Dad says someone on Roblox keeps messaging his daughter Mia (12).")
    services.answers_record(
        actor=cast["handler"], call=call, answers={"contact_age": "adult", "asked_to_meet": "yes"}
    )
    call.refresh_from_db()
    assert call.risk == "high"
    codes = {i["code"] for i in call.assessment["indicators"]}
    assert {"age_gap", "meeting"} <= codes


def test_the_risk_is_never_lowered_silently(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call("SYNTHETIC. An adult man asked her to meet him at the station.")
    assert call.risk == "high"
    services.note_edit(
        actor=cast["handler"], call=call, entry_no=1, text="SYNTHETIC. A boy from her class, same age."
    )
    call.refresh_from_db()
    assert call.engine_risk == "standard"
    assert call.risk == "high"


def test_person_check_records_the_results_and_completes_the_action(
    make_call: Any, cast: dict[str, Any]
) -> None:
    call = make_call()
    assert [p["value"] for p in persons_to_check(call)] == ["Kai"]
    check = services.person_check_run(
        actor=cast["handler"],
        call=call,
        query={
            "given_name": "Kai",
            "age": 19,
            "town": "Maidstone",
            "phone": "07700 900123",
            "handle": "NightHawk",
        },
        subject="Kai",
    )
    assert check.results[0]["record_id"] == "SYN-DEMO-0001"
    assert check.results[0]["band"] == "strong" and check.marker_alert
    action = RequiredAction.objects.get(call=call, code="person_check")
    assert action.status == "done" and action.done_by == cast["handler"]
    assert (action.record_type, action.record_id) == ("personcheck", str(check.pk))
    event = AuditEvent.objects.get(call_id=call.pk, event_type="check.person")
    assert event.after["results"][0]["record_id"] == "SYN-DEMO-0001" and event.after["marker_alert"]


def test_a_first_name_alone_is_never_a_strong_match(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call()
    check = services.person_check_run(
        actor=cast["handler"], call=call, query={"given_name": "Kai"}, subject="Kai"
    )
    assert check.top_band != "strong" and not check.marker_alert
    assert check.advice


def test_a_newly_named_person_reopens_the_person_check(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call()
    services.person_check_run(
        actor=cast["handler"], call=call, query={"given_name": "Kai", "age": 19}, subject="Kai"
    )
    assert _actions(call)["person_check"] == "done"
    services.note_add(
        actor=cast["handler"], call=call, text="CLR adds a man called Dale Price also messages SAM."
    )
    assert _actions(call)["person_check"] == "outstanding"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({}, "query"),
        ({"given_name": "Kai", "date_of_birth": "2099-01-01"}, "query.date_of_birth"),
        ({"shoe": "9"}, "query.shoe"),
    ],
)
def test_bad_person_queries_name_the_field_and_record_nothing(
    make_call: Any, cast: dict[str, Any], query: dict[str, Any], field: str
) -> None:
    call = make_call()
    with pytest.raises(services.CallError) as exc:
        services.person_check_run(actor=cast["handler"], call=call, query=query)
    assert exc.value.field == field
    assert not PersonCheck.objects.filter(call=call).exists()


def test_a_missing_person_index_is_a_clear_error(
    make_call: Any, cast: dict[str, Any], settings: Any, tmp_path: Any
) -> None:
    call = make_call()
    settings.HEED_INDEX_DIR = str(tmp_path / "nothing-here")
    with pytest.raises(services.CallError, match="heed records import") as exc:
        services.person_check_run(actor=cast["handler"], call=call, query={"given_name": "Kai"})
    assert exc.value.code == "index_unavailable"


def test_identifiers_link_across_reports_in_the_force_only(make_call: Any, cast: dict[str, Any]) -> None:
    earlier = make_call(
        "SYNTHETIC. An older lad who plays as xX_N1GHTHAWK_Xx on Xbox sent her V-Bucks.", actor="handler2"
    )
    other_force = make_call(
        "SYNTHETIC. A man who plays as NightHawk on Xbox asked for pics.", actor="other_handler"
    )
    call = make_call()
    checks = services.identifier_checks_run_all(actor=cast["handler"], call=call)
    by_kind = {c.kind: c for c in checks}
    assert set(by_kind) == {"handle", "phone"}
    refs = [e["reference"] for e in by_kind["handle"].earlier]
    assert refs == [earlier.reference]
    assert other_force.reference not in refs
    assert _actions(call)["identifier_check"] == "done"


def test_identifier_check_refuses_nonsense(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call()
    with pytest.raises(services.CallError) as exc:
        services.identifier_check_run(actor=cast["handler"], call=call, kind="phone", value="not a number")
    assert exc.value.field == "value"
    with pytest.raises(services.CallError) as exc:
        services.identifier_check_run(actor=cast["handler"], call=call, kind="fax", value="1")
    assert exc.value.field == "kind"


def test_person_checks_also_run_on_the_postgresql_index(
    make_call: Any, cast: dict[str, Any], settings: Any
) -> None:
    """Production keeps the person index in PostgreSQL (HEED_CHECKS_BACKEND=pg): same check, same answer."""
    import os
    import uuid

    from tests.conftest import NOMINALS

    from heed.checks import import_csv
    from heed.checks.pg import PgIndex

    dsn = os.environ.get("HEED_TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/test")
    location = f"{dsn}#schema=heed_web_test_{uuid.uuid4().hex[:10]}"
    assert import_csv(NOMINALS, location).refused == 0
    settings.HEED_INDEX_DIR = location
    try:
        call = make_call()
        check = services.person_check_run(
            actor=cast["handler"],
            call=call,
            query={"given_name": "Kai", "age": 19, "phone": "07700 900123", "handle": "NightHawk"},
            subject="Kai",
        )
        assert check.results[0]["record_id"] == "SYN-DEMO-0001" and check.marker_alert
        assert "@" not in check.index_location  # no credentials kept with the check
    finally:
        with PgIndex(location) as index:
            index.drop()

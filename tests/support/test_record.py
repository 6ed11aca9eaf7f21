"""The read-only record of a call (heed.support.record): everything recorded, in time order, in words."""

from __future__ import annotations

from typing import Any

import pytest
from tests.closing import WHY
from tests.readviews import NDM_DECISION, NDM_INFORMATION, RISK_WHY, call_with_records

from heed.calls.workflow import NDM_LABELS
from heed.risk import default_pack
from heed.support.record import call_record

pytestmark = pytest.mark.django_db


def test_every_kind_of_record_is_listed_once_in_time_order(make_call: Any, cast: dict[str, Any]) -> None:
    call = call_with_records(make_call, cast)
    record = call_record(call)
    assert [i.order for i in record.items] == sorted(i.order for i in record.items)
    assert dict(record.counts) == {
        "call": 1,
        "note": 1,
        "answers": 1,
        "person_check": 1,
        "identifier_check": 2,
        "advice": 1,
        "referral": 1,
        "flag": 1,
        "risk": 1,
        "closure": 2,
        "review": 1,
    }
    # Close requests and the review of them, interleaved as they happened (not all requests, then reviews).
    closing = [i.kind for i in record.items if i.kind in ("closure", "review")]
    assert closing == ["closure", "review", "closure"]
    assert record.items[0].title == "Call taken" and record.items[1].kind == "note"
    assert record.pending is not None and record.pending.state == "pending"


def test_codes_read_as_the_pack_and_the_workflow_name_them(make_call: Any, cast: dict[str, Any]) -> None:
    call = call_with_records(make_call, cast)
    record = call_record(call)
    by_kind = {i.kind: i for i in record.items}
    assert dict(by_kind["advice"].rows) == {
        "Agencies": "NCA-CEOP Safety Centre, NSPCC Helpline",
        "How": "Read out on the call",
        "Evidence advice": "Given",
    }
    pack = default_pack()
    assert (pack.questions["whereabouts_now"].text, "Safe") in record.answers
    assert (pack.questions["contact_age"].text, "Adult") in by_kind["answers"].rows
    assert dict(by_kind["referral"].rows)["To"] == "Force child protection / child sexual exploitation team"
    assert dict(by_kind["referral"].notes) == {"Reason": WHY}
    first, second = (dict(i.rows) for i in record.items if i.kind == "closure")
    assert first == {"Outcome": "Referred to the child-protection team or the MASH", "Now": "Returned"}
    assert second["Now"] == "Awaiting review"
    assert dict(by_kind["risk"].notes) == {"Rationale": RISK_WHY}
    assert dict(by_kind["risk"].rows) == {"Risk": "high → medium", "The engine read": "high"}
    assert dict(by_kind["person_check"].rows)["Searched"] == "given name Kai, age 19"
    identifier = dict(by_kind["identifier_check"].rows)
    assert identifier["Found"] == "No earlier report in this force"
    # The demo's phone is on the marked SYNTHETIC record: the record says so, as the call page does.
    assert identifier["Same identifier on a record"].startswith(
        "Kai Marsh (SYN-DEMO-0001), warning markers: CSX"
    )
    assert identifier["Warning marker alert"] == "Yes: a marked record holds it"


def test_a_review_shows_its_ndm_stages_as_labelled_notes(make_call: Any, cast: dict[str, Any]) -> None:
    call = call_with_records(make_call, cast)
    review = next(i for i in call_record(call).items if i.kind == "review")
    assert review.title == "Supervisor returned the call" and review.by == "t.supervisor"
    assert review.notes == (
        ("Rationale", WHY),
        (NDM_LABELS["information"], NDM_INFORMATION),
        (NDM_LABELS["decision"], NDM_DECISION),
    )


def test_a_corrected_entry_keeps_each_version_and_marks_signs_in_the_current_one(
    make_call: Any, cast: dict[str, Any]
) -> None:
    from heed.calls import services

    call = make_call("SYNTHETIC. My son (13) talks to a man online.")
    services.note_edit(
        actor=cast["handler"],
        call=call,
        entry_no=1,
        text="SYNTHETIC. My son (13) talks to a man of 30 online who told him to keep it secret.",
        expected_version=1,
    )
    call.refresh_from_db()
    notes = [i for i in call_record(call).items if i.kind == "note"]
    assert [n.title for n in notes] == ["Log entry 1", "Log entry 1 corrected"]
    assert notes[0].html is None and "talks to a man online" in notes[0].text
    assert notes[1].html is not None and "<mark" in notes[1].html and "keep it secret" in notes[1].html


def test_an_identifier_check_shows_the_nominal_records_holding_it_and_what_was_searched(
    cast: dict[str, Any],
) -> None:
    from django.utils import timezone

    from heed.calls.models import IdentifierCheck
    from heed.support.record import identifier_check_item

    hit = {
        "record_id": "SYN000000118",
        "strength": "strong",
        "record": {"given_name": "SYNTHETIC", "family_name": "Holder"},
        "markers": [{"code": "SX01", "description": "SYNTHETIC sexual offence against a child"}],
    }
    check = IdentifierCheck(
        kind="phone",
        value="07700900048",
        display="07700 900048",
        earlier=[],
        record_hits=[hit],
        records_searched=1200,
        records_error="",
        marker_alert=True,
        run_by=cast["handler"],
        run_at=timezone.now(),
    )
    rows = dict(identifier_check_item(check).rows)
    assert rows["Found"] == "No earlier report in this force"
    assert rows["Same identifier on a record"] == (
        "SYNTHETIC Holder (SYN000000118), warning markers: SX01 – SYNTHETIC sexual offence against a child"
    )
    assert rows["Warning marker alert"] == "Yes: a marked record holds it"
    assert rows["Searched"] == check.sources
    unsearched = IdentifierCheck(
        kind="phone",
        display="07700 900048",
        earlier=[],
        record_hits=[],
        records_searched=None,
        records_error="the nominal index is not available",
        run_by=cast["handler"],
        run_at=timezone.now(),
    )
    said = dict(identifier_check_item(unsearched).rows)["Nominal records"]
    assert said == "Not searched (the nominal index is not available): this is not a clean result"

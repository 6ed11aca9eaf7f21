"""The log (services.notes): append-only entries, corrections as versions, drafts per author."""

from __future__ import annotations

from typing import Any

import pytest
from tests.conftest import sign_in

from heed.audit.models import AuditEvent
from heed.calls import services
from heed.calls.models import NoteDraft, NoteEntry
from heed.calls.selectors import current_entries

pytestmark = pytest.mark.django_db


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


def test_two_people_correcting_one_entry_the_second_is_refused_and_kept(
    make_call: Any, cast: dict[str, Any]
) -> None:
    from django.test import Client

    call = make_call("SYNTHETIC. A man called Dean, about 35.")
    services.note_edit(
        actor=cast["handler"], call=call, entry_no=1, text="SYNTHETIC. Dean, about 45.", expected_version=1
    )
    with pytest.raises(services.CallError) as exc:
        services.note_edit(
            actor=cast["supervisor"],
            call=call,
            entry_no=1,
            text="SYNTHETIC. Dean, about 55.",
            expected_version=1,
        )
    assert exc.value.code == "stale" and "t.handler" in str(exc.value)
    assert AuditEvent.objects.filter(call_id=call.pk, event_type="edit.stale_refused").count() == 1
    client = Client()
    sign_in(client, cast["supervisor"])
    response = client.post(
        f"/calls/{call.pk}/notes/1", {"text": "SYNTHETIC. Dean, about 65.", "version": "1"}, follow=True
    )
    page = response.content.decode()
    assert "was corrected by t.handler" in page and "SYNTHETIC. Dean, about 65." in page  # the text is kept
    from heed.calls.selectors import current_entries

    assert current_entries(call)[0].text == "SYNTHETIC. Dean, about 45."


def test_the_reading_taken_before_an_entry_is_written_is_the_reading_of_the_log_with_it(
    make_call: Any, cast: dict[str, Any]
) -> None:
    from heed.calls.services.assessment import read_log

    call = make_call("SYNTHETIC. Mum says her daughter, 12, chats to someone on Roblox.")
    services.note_add(actor=cast["handler"], call=call, text="He is 34 and asked her to send photos in bed.")
    call.refresh_from_db()
    fresh = read_log(call)
    assert fresh is not None
    assert call.assessment["indicators"] == fresh.to_dict()["indicators"]
    assert call.engine_risk == fresh.risk == "high"

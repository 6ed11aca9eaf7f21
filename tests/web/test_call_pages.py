"""Call pages through the Django test client: the live panel, highlights, checks and error messages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from tests.conftest import sign_in

from heed.audit.models import AuditEvent
from heed.calls.models import NoteEntry

pytestmark = pytest.mark.django_db


def test_new_call_form_opens_a_call_and_shows_the_highlighted_log(
    handler_client: Client, demo_narrative: str
) -> None:
    response = handler_client.post(
        "/calls/new",
        {"narrative": demo_narrative, "child_name": "SAM", "child_age": "14", "caller_relation": "parent"},
    )
    assert response.status_code == 302
    page = handler_client.get(response["Location"]).content.decode()
    assert '<mark class="heed-mark" data-indicators="age_gap"' in page
    assert 'data-action="person_check"' in page and "Outstanding" in page
    assert 'id="pf1-given_name" name="given_name" type="text" value="Kai"' in page


def test_new_call_refuses_a_bad_age_and_keeps_what_was_typed(handler_client: Client) -> None:
    response = handler_client.post("/calls/new", {"narrative": "SYNTHETIC. kept text", "child_age": "44"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body and "Child&#x27;s age" in body
    assert "SYNTHETIC. kept text" in body


def test_the_draft_autosaves_and_returns_the_live_panel(handler_client: Client, make_call: Any) -> None:
    call = make_call("SYNTHETIC. Mum is worried.")
    response = handler_client.post(
        f"/calls/{call.pk}/draft", {"text": "A grown man asked her to meet him at the park."}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="live-panel"' in body and 'data-indicator="meeting"' in body
    assert 'hx-swap-oob="true"' in body and "heed-mark" in body
    assert "When added" in body  # actions the draft would add once it is in the log
    added = AuditEvent.objects.filter(call_id=call.pk, event_type="note.added")
    assert [e.after["text"] for e in added] == ["SYNTHETIC. Mum is worried."]  # the draft is not in the log


def test_adding_the_draft_puts_it_in_the_log(handler_client: Client, make_call: Any) -> None:
    call = make_call("SYNTHETIC. Mum is worried.")
    handler_client.post(f"/calls/{call.pk}/notes", {"text": "He asked for pics."})
    assert NoteEntry.objects.filter(call=call).count() == 2
    response = handler_client.post(f"/calls/{call.pk}/notes", {"text": ""}, follow=True)
    assert "Type something in the log box" in response.content.decode()
    assert NoteEntry.objects.filter(call=call).count() == 2


def test_a_person_check_with_a_marker_shows_the_alert(handler_client: Client, make_call: Any) -> None:
    call = make_call()
    response = handler_client.post(
        f"/calls/{call.pk}/person-check",
        {"subject": "Kai", "given_name": "Kai", "age": "19", "phone": "07700 900123", "handle": "NightHawk"},
    )
    assert response["Location"].endswith("#marker-alert")
    body = handler_client.get(f"/calls/{call.pk}/").content.decode()
    assert 'role="alert" id="marker-alert"' in body
    assert "STRONG MATCH" in body and "SYNTHETIC allegation of rape of a child" in body


def test_a_bad_person_query_says_what_was_wrong(handler_client: Client, make_call: Any) -> None:
    call = make_call()
    response = handler_client.post(
        f"/calls/{call.pk}/person-check", {"given_name": "Kai", "date_of_birth": "31/02/2001"}, follow=True
    )
    body = response.content.decode()
    # The error summary at the check form links to the field, and the message is at the field too.
    summary = body[body.index('id="person-check-errors"') :]
    assert "There is a problem" in summary
    assert (
        '<a href="#person-check-date_of_birth">Date of birth: &#x27;31/02/2001&#x27; is not a real date.</a>'
        in summary
    )
    field = body[body.index('id="person-check-date_of_birth-error"') :]
    assert field.index("is not a real date") < field.index('id="person-check-date_of_birth"')
    assert 'value="31/02/2001"' in field  # what was typed is still there


def test_viewing_a_call_is_logged(handler_client: Client, make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call()
    handler_client.get(f"/calls/{call.pk}/")
    views = AuditEvent.objects.filter(call_id=call.pk, event_type="call.viewed")
    assert [(v.actor_label, v.after["via"]) for v in views] == [("t.handler", "page")]


def test_the_auditor_reads_but_cannot_change(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call()
    client = Client()
    sign_in(client, cast["auditor"])
    body = client.get(f"/calls/{call.pk}/").content.decode()
    assert "Add to log" not in body and "against records" not in body
    assert client.post(f"/calls/{call.pk}/notes", {"text": "x"}).status_code == 404


def test_the_timeline_lists_every_event_and_who_viewed(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call()
    handler = Client()
    sign_in(handler, cast["handler"])
    handler.get(f"/calls/{call.pk}/")
    supervisor = Client()
    sign_in(supervisor, cast["supervisor"])
    # Views are hidden unless asked for; with them, every event is listed.
    body = supervisor.get(f"/calls/{call.pk}/timeline?views=1").content.decode()
    assert (
        body.count('<tr class="govuk-table__row" data-event=')
        == AuditEvent.objects.filter(call_id=call.pk).count()
    )
    assert "t.handler" in body and 'data-event="call.created"' in body


def test_a_closed_call_refuses_notes_with_a_message(handler_client: Client, make_call: Any) -> None:
    call = make_call()
    call.status = "closed"
    call.save(update_fields=["status"])
    response = handler_client.post(f"/calls/{call.pk}/notes", {"text": "late"}, follow=True)
    assert "The call is closed" in response.content.decode()

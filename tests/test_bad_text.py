"""The bad text issue 9 found, each as it was reported, and the parts of the rule the pages and the database
add (docs/adr/0009-text-input.md). Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from heed import textclean as tc
from heed.accounts.fields import TextField, form_errors
from heed.accounts.services import token_create
from heed.calls.models import Call, NoteEntry
from heed.support.models import Referral
from heed.support.services import referral_make
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

WHY = "SYNTHETIC reason long enough to be a real reason."


@pytest.fixture
def api(cast: dict[str, Any]) -> Any:
    token = token_create(user=cast["supervisor"])

    def post(path: str, body: Any) -> Any:
        return Client().post(
            "/api/v1" + path,
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    return post


@pytest.fixture
def referral(make_call: Any, cast: dict[str, Any]) -> Referral:
    return referral_make(actor=cast["handler"], call=make_call(), to="mash", reason=WHY)


def test_a_lone_surrogate_in_a_narrative_is_a_422_that_says_where(api: Any) -> None:
    response = api("/calls", {"narrative": "SYNTHETIC. He said \ud800 meet me"})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "narrative",
            "reason": "narrative contains a character that cannot be stored (position 20). "
            "Remove it and send again.",
        }
    ]


def test_a_nul_in_a_referral_status_note_is_a_422_and_the_referral_is_unchanged(
    api: Any, referral: Referral
) -> None:
    response = api(f"/referrals/{referral.pk}/status", {"status": "returned", "note": "NUL\x00 " + WHY})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "note"
    assert "(position 4)" in response.json()["errors"][0]["reason"]
    referral.refresh_from_db()
    assert referral.status == "sent"


def test_a_status_note_has_a_limit(api: Any, referral: Referral) -> None:
    response = api(f"/referrals/{referral.pk}/status", {"status": "returned", "note": "x" * 2_400_000})
    assert response.status_code == 422
    assert response.json()["errors"][0]["reason"] == (
        "note is 2,400,000 characters long; the limit is 2,000. Shorten it and send again."
    )


def test_a_refused_status_note_on_the_page_is_said_and_shown_again(
    cast: dict[str, Any], referral: Referral
) -> None:
    client = Client()
    sign_in(client, cast["safeguarding"])
    note = "Returned: " + "x" * tc.SHORT_NOTE
    response = client.post(f"/referrals/{referral.pk}/status", {"status": "returned", "note": note})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "The note is 2,010 characters long; the limit is 2,000. Shorten it and save again."
    ]
    page = client.get("/referrals/").content.decode()
    assert f">{note}</textarea>" in page
    assert f">{note}</textarea>" not in client.get("/referrals/").content.decode()  # shown once


def test_a_bidi_override_is_kept_in_a_note_as_typed_and_taken_out_of_a_name(
    cast: dict[str, Any], make_call: Any
) -> None:
    call = make_call()
    client = Client()
    client.force_login(cast["handler"])
    response = client.post(f"/calls/{call.pk}/notes", {"text": "Ring 07700\u202e900123\u202c back\r\nplease"})
    assert response.status_code == 302
    # The log is evidence: what was pasted is kept (line breaks unified), shown with marks (tests/calls).
    assert (
        NoteEntry.objects.filter(call=call).latest("pk").text == "Ring 07700\u202e900123\u202c back\nplease"
    )
    # A name is matched and looked up: the override goes.
    created = client.post(
        "/calls/new", {"narrative": "SYNTHETIC note.", "child_name": "Sam\u202e Jones\u200f"}
    )
    assert created.status_code == 302
    assert Call.objects.latest("pk").child_name == "Sam Jones"


def test_a_refused_note_is_kept_in_the_log_box(cast: dict[str, Any], make_call: Any) -> None:
    call = make_call()
    client = Client()
    client.force_login(cast["handler"])
    typed = "SYNTHETIC " + "y" * tc.NARRATIVE
    client.post(f"/calls/{call.pk}/notes", {"text": typed})
    page = client.get(f"/calls/{call.pk}/").content.decode()
    assert "The log entry is 50,010 characters long; the limit is 50,000." in page
    assert f">{typed}</textarea>" in page


def test_the_database_refuses_text_over_the_limit_from_a_path_that_skips_the_edge(referral: Referral) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(status_note="x" * (tc.SHORT_NOTE + 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        NoteEntry.objects.create(
            call=referral.call,
            entry_no=99,
            text="x" * (tc.NARRATIVE + 1),
            author=referral.made_by,
            created_at=timezone.now(),
        )
    Referral.objects.filter(pk=referral.pk).update(status_note="é" * tc.SHORT_NOTE)  # characters, not bytes


class _Form(forms.Form):
    name = TextField(label="Caller's name", max_length=10)
    story = TextField(label="What the caller says", noun="The narrative", single_line=False, max_length=50)
    age = forms.IntegerField(label="Child's age", required=False)


def test_a_refused_form_names_each_field_and_can_show_again_what_was_typed() -> None:
    form = _Form({"name": "Sam\ud800", "story": "He said \x00", "age": "old"})
    assert not form.is_valid()
    assert form_errors(form) == [
        "“Caller's name” contains a character that cannot be stored (position 4). Remove it and save again.",
        "The narrative contains a character that cannot be stored (position 9). Remove it and save again.",
        "Child's age: Enter a whole number.",
    ]
    # A lone surrogate cannot be shown; the rest of what was typed is.
    assert form["name"].value() == "Sam\ufffd"
    assert form["story"].value() == "He said \x00"
    str(form).encode("utf-8")


def test_a_text_field_cleans_and_sets_no_maxlength_for_the_browser_to_cut_at() -> None:
    form = _Form({"name": " Sam\tJones\u2066 ", "story": "a\r\nb\u2066c"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"name": "Sam Jones", "story": "a\nb\u2066c", "age": None}
    assert "maxlength" not in str(form["name"])

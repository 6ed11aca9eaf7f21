"""Issue 10, "Text lost" and "Control characters", through the Django test client on SQLite and PostgreSQL:

- invisible controls typed into free text are stored as typed, shown as a visible mark on every page that
  shows the text (never left to act: an override once reversed a phone number on screen), and the engine
  reads each as a space in its place, so the evidence it quotes lines up with what is shown;
- an over-long draft or note is refused with its length and the limit, the text kept; the live panel reads
  a bounded part of a long draft and says so; a body too large to read is a 413 in words, never a
  traceback (docs/adr/0015-controls-kept-as-typed.md)."""

from __future__ import annotations

import logging
import re
from html import unescape
from typing import Any
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client
from django.utils.html import strip_tags
from hypothesis import given
from hypothesis import strategies as st
from tests.conftest import sign_in

from heed import textclean as tc
from heed.accounts.services import token_create
from heed.calls.models import Call, NoteDraft, NoteEntry
from heed.calls.presenters import highlight, show_text
from heed.calls.selectors import Segment, call_text
from heed.support.services import referral_make

pytestmark = pytest.mark.django_db

RLO = "\u202e"
PDF = "\u202c"
MARK = (
    '<span class="heed-control" dir="ltr">[<abbr title="Invisible character, kept as typed: {}">'
    + "{}</abbr>]</span>"
)
RLO_MARK = MARK.format("right-to-left override, U+202E", "RLO")
# SYNTHETIC: a note pasted with a right-to-left override before a phone number and inside a danger sign.
NOTE = f"SYNTHETIC. A man of 30 told Sam to keep it a{RLO} secret and to ring 07700{RLO}900123{PDF} tonight."
WHY = "SYNTHETIC reason long enough to be a real reason."


@pytest.fixture
def handler(cast: dict[str, Any]) -> Client:
    client = Client()
    sign_in(client, cast["handler"])
    return client


def outside_text_boxes(page: str) -> str:
    """The page without what its text boxes hold (a box shows what was typed, as typed)."""
    return re.sub(r"(<textarea[^>]*>).*?(</textarea>)", r"\1\2", page, flags=re.DOTALL)


def test_show_text_escapes_and_marks_each_invisible_character() -> None:
    assert show_text("a<b>") == "a&lt;b&gt;"
    assert show_text(f"07700{RLO}900123{PDF}\x1b&") == (
        "07700"
        + RLO_MARK
        + "900123"
        + MARK.format("pop directional formatting, U+202C", "PDF")
        + MARK.format("escape, U+001B", "ESC")
        + "&amp;"
    )
    assert show_text(None) == ""


TEXT = st.text(
    st.one_of(st.sampled_from(sorted(tc.INVISIBLE)), st.sampled_from("ab <&>\n\u05d0")), max_size=40
)


@given(
    text=TEXT,
    spans=st.lists(st.tuples(st.integers(0, 40), st.integers(1, 12)), max_size=4),
)
def test_the_highlighted_log_shows_every_character_in_place_and_no_control(
    text: str, spans: list[tuple[int, int]]
) -> None:
    indicators = [
        {"code": f"c{i}", "label": "L", "evidence": [{"start": s, "end": min(s + n, len(text))}]}
        for i, (s, n) in enumerate(spans)
        if s < len(text)
    ]
    html = str(highlight([Segment(1, 1, 0, text, "t", None)], indicators)[0].html)
    assert not set(html) & tc.INVISIBLE
    expected = "".join(
        f"[{tc.control_name(run)[0]}]" if invisible else run for run, invisible in tc.split_invisible(text)
    )
    assert unescape(strip_tags(html)) == expected
    # What is marked for each indicator is exactly the stored characters of its evidence, controls as marks.
    marks = re.findall(
        r'<mark class="heed-mark" data-indicators="([^"]*)" title="[^"]*">(.*?)</mark>', html, re.DOTALL
    )
    for ind in indicators:
        ev = ind["evidence"][0]
        inside = "".join(body for codes, body in marks if ind["code"] in codes.split())
        assert unescape(strip_tags(inside)) == "".join(
            f"[{tc.control_name(run)[0]}]" if invisible else run
            for run, invisible in tc.split_invisible(text[ev["start"] : ev["end"]])
        )


def test_a_bidi_override_is_stored_as_typed_marked_on_every_page_and_not_read_by_the_engine(
    handler: Client, make_call: Any, cast: dict[str, Any]
) -> None:
    call = make_call("SYNTHETIC. Mum rang about her daughter Sam, who is 13.")
    assert handler.post(f"/calls/{call.pk}/notes", {"text": NOTE}).status_code == 302
    entry = NoteEntry.objects.filter(call=call).latest("pk")
    assert entry.text == NOTE  # the log is evidence: kept as typed
    # A correction keeps its controls too, and the earlier version is shown with its marks.
    corrected = NOTE + f" Corrected{RLO}."
    handler.post(
        f"/calls/{call.pk}/notes/{entry.entry_no}", {"text": corrected, "version": str(entry.version)}
    )
    assert NoteEntry.objects.filter(call=call, entry_no=entry.entry_no).latest("version").text == corrected
    referral = referral_make(actor=cast["handler"], call=call, to="mash", reason=f"{WHY}{RLO} see log")

    call.refresh_from_db()
    # The engine read the number in order and named nobody after the control character.
    subjects = call.assessment["subjects"]
    assert {"07700 900123"} <= {s["value"] for s in subjects if s["kind"] == "phone"}
    assert [s["value"] for s in subjects if s["kind"] == "person"] == ["Sam"]
    # Its evidence quotes the text as read (each control a space) at offsets of the stored text.
    text, segments = call_text(call)
    stored = "\n\n".join(s.text for s in segments)
    assert len(stored) == len(text) and RLO not in text and RLO in stored
    secrecy = next(i for i in call.assessment["indicators"] if i["code"] == "secrecy")
    for ev in secrecy["evidence"]:
        assert ev["text"] == tc.for_engine(stored[ev["start"] : ev["end"]])
    # ... so the highlighted log marks the control inside the evidence it belongs to.
    shown = "".join(h.html for h in highlight(segments, call.assessment["indicators"]))
    assert re.search(
        r'<mark class="heed-mark" data-indicators="secrecy"[^>]*>[^<]*a' + re.escape(RLO_MARK), shown
    )

    pages = {
        "call page": handler.get(f"/calls/{call.pk}/"),
        "timeline": None,
        "referrals": None,
    }
    supervisor = Client()
    sign_in(supervisor, cast["supervisor"])
    pages["timeline"] = supervisor.get(f"/calls/{call.pk}/timeline")
    pages["referrals"] = supervisor.get("/referrals/")
    for name, response in pages.items():
        assert response is not None and response.status_code == 200, name
        page = outside_text_boxes(response.content.decode())
        assert RLO not in page and PDF not in page, name
        assert RLO_MARK in page, name
    call_page = outside_text_boxes(pages["call page"].content.decode())
    assert "07700" + RLO_MARK + "900123" in call_page
    assert "Corrected" + RLO_MARK in call_page
    assert referral.reason.endswith(f"{RLO} see log")


def test_an_override_in_a_draft_is_marked_in_the_preview_and_read_as_a_space(
    handler: Client, make_call: Any
) -> None:
    call = make_call("SYNTHETIC. Mum is worried about Sam, 13.")
    response = handler.post(f"/calls/{call.pk}/draft", {"text": NOTE})
    body = response.content.decode()
    assert response.status_code == 200
    assert NoteDraft.objects.get(call=call).text == NOTE
    assert RLO not in body and RLO_MARK in body
    assert 'data-indicator="secrecy"' in body
    assert "07700 900123" in body  # named in the call, in order


def _draft(handler: Client, call: Call, text: str) -> Any:
    return handler.post(f"/calls/{call.pk}/draft", {"text": text}, HTTP_HX_REQUEST="true")


def test_a_draft_over_the_entry_limit_is_refused_in_the_panel_with_its_length(
    handler: Client, make_call: Any
) -> None:
    call = make_call("SYNTHETIC. Mum is worried.")
    _draft(handler, call, "SYNTHETIC earlier draft")
    response = _draft(handler, call, "SYNTHETIC " + "y" * tc.NARRATIVE)
    body = response.content.decode()
    assert response.status_code == 200  # the panel is swapped in, with the reason in its alert line
    assert (
        '<p id="draft-error" class="govuk-error-message" role="alert"><span class="govuk-visually-hidden">'
        "Error:</span> Draft not saved. The text being typed is 50,010 characters long; the limit is 50,000. "
        "Shorten it and save again. What you typed is still in the box; it is not in the log.</p>"
    ) in body
    assert "Draft saved." not in body
    assert NoteDraft.objects.get(call=call).text == "SYNTHETIC earlier draft"  # not replaced, not cut
    # The preview of the earlier draft is taken away: it is not what is in the box.
    assert re.search(r'<div id="draft-preview"[^>]*hx-swap-oob="true"[^>]*>\s*</div>', body)
    assert len(response.content) < 40_000  # nothing echoed back


def test_a_long_draft_is_saved_whole_and_read_live_in_part_saying_so(handler: Client, make_call: Any) -> None:
    call = make_call("SYNTHETIC. Mum is worried about Sam, 13.")
    head = "A man of 30 told her to keep it a secret. "
    filler = "SYNTHETIC filler words here. " * ((tc.LIVE_READ * 2) // 29)
    draft = head + filler + "He wants to meet her at the park ZEBRATAIL."
    response = _draft(handler, call, draft)
    body = response.content.decode()
    assert response.status_code == 200
    assert NoteDraft.objects.get(call=call).text == draft  # saved whole
    read = len(tc.live_part(draft))
    assert read <= tc.LIVE_READ < len(draft)
    assert (
        f"Only the first {read:,} of the {len(draft):,} characters you are typing are read live, so the "
        "panel keeps up; the danger signs below may not include the rest. All of it is read when you add it "
        "to the log."
    ) in body
    assert 'data-indicator="secrecy"' in body  # read: it is in the first part
    assert "ZEBRATAIL" not in body and 'data-indicator="meeting"' not in body  # not read, not echoed
    assert len(response.content) < 3 * tc.LIVE_READ
    # Added to the log, all of it is read.
    handler.post(f"/calls/{call.pk}/notes", {"text": draft})
    call.refresh_from_db()
    assert "meeting" in {i["code"] for i in call.assessment["indicators"]}


def test_a_note_over_the_limit_is_refused_with_its_length_and_kept_in_the_box(
    handler: Client, make_call: Any
) -> None:
    call = make_call("SYNTHETIC. Mum is worried.")
    typed = "SYNTHETIC pasted chat " + "z" * 200_000
    response = handler.post(f"/calls/{call.pk}/notes", {"text": typed})
    assert response.status_code == 302 and response["Location"].endswith("#note-errors")
    assert NoteEntry.objects.filter(call=call).count() == 1
    page = handler.get(f"/calls/{call.pk}/").content.decode()
    # Said at the log box (issue 10: the error summary there, and the message at the field), text kept.
    said = f"The log entry is {len(typed):,} characters long; the limit is 50,000. Shorten it and save again."
    assert f'<a href="#note-text">{said}</a>' in page
    error = page[page.index('id="note-text-error"') :]
    assert error.startswith(
        f'id="note-text-error"><span class="govuk-visually-hidden">Error:</span> {said}</p>'
    )
    assert f">{typed}</textarea>" in page


def _security_errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


def test_a_body_too_large_to_read_is_a_413_in_words_not_a_traceback(
    handler: Client, make_call: Any, caplog: pytest.LogCaptureFixture
) -> None:
    call = make_call("SYNTHETIC. Mum is worried.")
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    big = urlencode({"text": "SYNTHETIC " + "q" * limit})
    caplog.set_level(logging.INFO)
    draft = handler.generic(
        "POST",
        f"/calls/{call.pk}/draft",
        big,
        content_type="application/x-www-form-urlencoded",
        HTTP_HX_REQUEST="true",
    )
    assert draft.status_code == 413
    said = (
        f"What was sent is {len(big) / 2**20:,.1f} MB; the server takes at most 2.5 MB at once. A log entry "
        "or a narrative is at most 50,000 characters, far less than that: the text is too long to keep as "
        "one entry."
    )
    assert draft.content.decode().strip().endswith(f"<p data-heed-message>{said}</p>")
    note = handler.generic(
        "POST", f"/calls/{call.pk}/notes", big, content_type="application/x-www-form-urlencoded"
    )
    assert note.status_code == 413
    page = note.content.decode()
    assert '<h1 class="govuk-heading-l">Too much to send</h1>' in page
    assert (
        "Nothing was recorded. Go back: if the box is empty, paste the text again in shorter parts." in page
    )
    assert NoteEntry.objects.filter(call=call).count() == 1
    assert NoteDraft.objects.filter(call=call).count() == 0
    assert _security_errors(caplog) == []
    assert [r.getMessage() for r in caplog.records if r.name == "heed.web"] == [
        f"form refused unread (413): /calls/{call.pk}/draft {len(big)} bytes",
        f"form refused unread (413): /calls/{call.pk}/notes {len(big)} bytes",
    ]


def test_a_form_of_too_many_fields_is_a_400_in_words(
    handler: Client, make_call: Any, caplog: pytest.LogCaptureFixture
) -> None:
    call = make_call("SYNTHETIC. Mum is worried.")
    fields = {f"f{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = handler.post(f"/calls/{call.pk}/notes", {"text": "SYNTHETIC", **fields})
    assert response.status_code == 400
    assert (
        "The form sent more than 1,000 fields, more than any page of Heed has." in response.content.decode()
    )
    assert NoteEntry.objects.filter(call=call).count() == 1
    assert _security_errors(caplog) == []


@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded"])
def test_the_api_answers_a_body_too_large_with_its_own_413(
    cast: dict[str, Any], caplog: pytest.LogCaptureFixture, content_type: str
) -> None:
    token = token_create(user=cast["supervisor"])
    big = '{"narrative": "SYNTHETIC ' + "q" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE + '"}'
    response = Client().generic(
        "POST", "/api/v1/calls", big, content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large (the limit is 2.5 MB).", "errors": []}
    assert _security_errors(caplog) == []

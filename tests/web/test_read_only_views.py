"""Read-only views: those who may read a call but not change it get the record of the call in time order,
in plain words, with no form controls (the reviewing supervisor keeps the review form); the timeline filters
by kind, hides views by default and shows changes in words (the stored payload only in a details element)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from tests.closing import WHY
from tests.conftest import sign_in
from tests.readviews import CONTROLS, NDM_INFORMATION, call_with_records, main_of, record_column, visible_text

from heed.audit.models import AuditEvent
from heed.calls.workflow import NDM_LABELS
from heed.risk import default_pack

pytestmark = pytest.mark.django_db

CODES = ("ceop, nspcc", "whereabouts_now", "child_protection_team", "read_out", "asked_to_meet")


def _get(cast: dict[str, Any], persona: str, url: str) -> str:
    client = Client()
    sign_in(client, cast[persona])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_auditor_gets_the_record_in_words_and_no_form_controls(
    make_call: Any, cast: dict[str, Any]
) -> None:
    call = call_with_records(make_call, cast)
    main = main_of(_get(cast, "auditor", f"/calls/{call.pk}/"))
    assert CONTROLS.findall(main) == []
    assert "<form" not in main
    text = visible_text(record_column(main))
    for code in CODES:
        assert code not in text, code
    pack = default_pack()
    assert "NCA-CEOP Safety Centre, NSPCC Helpline" in text and "Read out on the call" in text
    assert f"{pack.questions['whereabouts_now'].text} Safe" in text
    assert f"{NDM_LABELS['information']} {NDM_INFORMATION}" in text
    assert "Force child protection / child sexual exploitation team" in text
    # In time order: the first request, its return, the second request.
    asked = [m.start() for m in re.finditer("Asked to close the call", text)]
    returned = text.index("Supervisor returned the call")
    assert len(asked) == 2 and asked[0] < returned < asked[1]


def test_the_reviewing_supervisor_gets_the_record_and_only_the_review_form(
    make_call: Any, cast: dict[str, Any]
) -> None:
    call = call_with_records(make_call, cast)
    main = main_of(_get(cast, "supervisor2", f"/calls/{call.pk}/"))
    forms = re.findall(r"<form\b.*?</form>", main, re.S)
    assert len(forms) == 1 and 'id="review-form"' in forms[0]
    assert CONTROLS.findall(main.replace(forms[0], "")) == []
    assert 'id="record"' in main and main.index('id="record"') < main.index('id="review-form"')
    assert "ceop, nspcc" not in visible_text(record_column(main))


def test_a_handler_who_may_edit_gets_the_forms_and_names_where_records_are_listed(
    make_call: Any, cast: dict[str, Any]
) -> None:
    call = call_with_records(make_call, cast, second_request=False)  # returned: the handler holds it again
    main = main_of(_get(cast, "handler", f"/calls/{call.pk}/"))
    assert 'id="record"' not in main and 'id="close-form"' in main
    text = visible_text(record_column(main))
    assert "(read out on the call): NCA-CEOP Safety Centre, NSPCC Helpline; evidence advice given." in text
    assert "ceop, nspcc" not in text
    asked = text.index("Asked to close the call")
    returned = text.index("Supervisor returned the call")
    assert asked < returned < text.index(f"{NDM_LABELS['information']}: “{NDM_INFORMATION}”")
    assert "Outcome: Referred to the child-protection team or the MASH" in text
    assert f"Rationale: “{WHY}”" in text


def test_the_timeline_hides_views_shows_words_and_keeps_the_stored_payload(
    make_call: Any, cast: dict[str, Any]
) -> None:
    call = call_with_records(make_call, cast)
    _get(cast, "auditor", f"/calls/{call.pk}/")
    _get(cast, "auditor", f"/calls/{call.pk}/")
    body = main_of(_get(cast, "auditor", f"/calls/{call.pk}/timeline"))
    views = AuditEvent.objects.filter(call_id=call.pk, event_type__in=["call.viewed", "timeline.viewed"])
    others = AuditEvent.objects.filter(call_id=call.pk).exclude(
        event_type__in=["call.viewed", "timeline.viewed"]
    )
    assert body.count('data-event="') == others.count()
    assert 'data-event="call.viewed"' not in body
    assert views.count() == 3  # two of the call, and this one of its timeline (logged before it is read)
    assert "3 views hidden" in visible_text(body) and 'href="?views=1"' in body
    # Outside the "As stored" details, no JSON: changes and notes are words.
    words = re.sub(r'<pre class="heed-json">.*?</pre>', "", body, flags=re.S)
    assert '"ndm"' not in words and "{&quot;" not in words and '{"' not in words
    text = visible_text(words)
    assert "Status: Awaiting supervisor review → changed to Returned to handler" in text
    assert f"{NDM_LABELS['decision']}" in text
    assert body.count('<pre class="heed-json">') == others.count()
    with_views = main_of(_get(cast, "auditor", f"/calls/{call.pk}/timeline?views=1"))
    assert with_views.count('data-event="call.viewed"') == 2


def test_the_timeline_filters_by_kind(make_call: Any, cast: dict[str, Any]) -> None:
    call = call_with_records(make_call, cast)
    body = main_of(_get(cast, "supervisor", f"/calls/{call.pk}/timeline?kind=closure.requested"))
    assert re.findall(r'data-event="([^"]+)"', body) == ["closure.requested", "closure.requested"]
    assert '<option value="closure.requested" selected>Closure requested (2)</option>' in body
    nonsense = main_of(_get(cast, "supervisor", f"/calls/{call.pk}/timeline?kind=%3Cscript%3E&views=x"))
    assert "<script>" not in nonsense and 'data-event="call.created"' in nonsense

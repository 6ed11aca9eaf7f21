"""A session ends SESSION_ABSOLUTE_HOURS after sign-in however busy it is (besides the idle timeout), and
what a form carried when it ended is shown back, not lost."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from tests.conftest import PASSWORD

from heed.audit.models import AuditEvent
from heed.calls.models import NoteEntry
from heed.security.middleware import SIGNED_IN_AT

pytestmark = pytest.mark.django_db


def signed_in(hours_ago: float) -> Client:
    client = Client()
    assert client.post("/login", {"username": "t.handler", "password": PASSWORD}).status_code == 302
    started = client.session[SIGNED_IN_AT]
    assert abs(started - timezone.now().timestamp()) < 60  # the lifetime starts at sign-in
    session = client.session
    session[SIGNED_IN_AT] = started - hours_ago * 3600
    session.save()
    return client


def test_a_session_within_its_lifetime_goes_on(cast: dict[str, Any]) -> None:
    client = signed_in(settings.SESSION_ABSOLUTE_HOURS - 0.5)
    assert client.get("/calls/").status_code == 200


def test_a_busy_session_still_ends_after_its_lifetime(cast: dict[str, Any]) -> None:
    client = signed_in(settings.SESSION_ABSOLUTE_HOURS + 0.1)
    ended = client.get("/calls/")
    assert ended.status_code == 302 and ended["Location"] == "/login?next=%2Fcalls%2F"
    page = client.get(ended["Location"]).content.decode()
    assert f"a session lasts at most {settings.SESSION_ABSOLUTE_HOURS} hours" in page
    assert client.get("/calls/").status_code == 302  # signed out, not just turned away once
    assert AuditEvent.objects.filter(actor_label="t.handler", event_type="auth.logout").exists()


def test_a_note_sent_after_the_lifetime_is_shown_back_not_lost(cast: dict[str, Any], make_call: Any) -> None:
    call = make_call()
    client = signed_in(settings.SESSION_ABSOLUTE_HOURS + 1)
    before = NoteEntry.objects.filter(call_id=call.pk).count()
    text = "SYNTHETIC: he said he would wait outside the school."
    response = client.post(f"/calls/{call.pk}/notes", {"text": text})
    assert response.status_code == 401
    assert text in response.content.decode() and "sign in again" in response.content.decode()
    assert NoteEntry.objects.filter(call_id=call.pk).count() == before


def test_the_live_panel_says_the_session_ended_in_place(cast: dict[str, Any], make_call: Any) -> None:
    call = make_call()
    client = signed_in(settings.SESSION_ABSOLUTE_HOURS + 1)
    response = client.post(f"/calls/{call.pk}/draft", {"text": "typing"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="live-panel"' in body and "not saved" in body


def test_an_api_request_starts_no_session(cast: dict[str, Any]) -> None:
    from heed.accounts.services import token_create

    token = token_create(user=cast["supervisor"])
    response = Client().get("/api/v1/queue", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def _session_writes(client: Client, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return sum(
        1
        for q in ctx.captured_queries
        if "django_session" in q["sql"] and q["sql"].lstrip().startswith("UPDATE")
    )


def test_the_idle_timeout_is_renewed_once_a_minute_not_on_every_request(
    cast: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from heed.security import middleware

    client = signed_in(0)
    client.get("/calls/")  # the first request after sign-in marks when the session was last renewed
    assert _session_writes(client, "/calls/") == 0
    assert _session_writes(client, "/calls/") == 0
    later = timezone.now() + timezone.timedelta(seconds=middleware.TOUCH_EVERY_SECONDS + 1)
    monkeypatch.setattr(middleware.timezone, "now", lambda: later)
    assert _session_writes(client, "/calls/") == 1  # renewed: the idle timeout starts again from now
    assert client.session[middleware.TOUCHED_AT] == later.timestamp()

"""Idempotency keys: a retried note or decision (same key, same user) is answered with the first answer and
stored once; the same key with another request is refused 422; a key is claimed in the transaction of the
change, so two identical requests at once store once. Runs on SQLite and, in the PostgreSQL pass, on
PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from tests.concurrency import at_once
from tests.conftest import sign_in
from tests.test_permissions import API, PAGES

from heed.accounts.services import token_create
from heed.audit.models import AuditEvent
from heed.calls import services
from heed.calls.models import NoteEntry, RiskDecision
from heed.security.idempotency import FIELD, HEADER, REPLAYED
from heed.security.models import IdempotencyKey

QUIET = "SYNTHETIC. Mum rang about screen time only; nothing else was said."
WHY = "SYNTHETIC reason long enough to be a real reason."


def _api(token: str, path: str, body: Any, key: str | None) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return Client().post(f"/api/v1{path}", json.dumps(body), content_type="application/json", **headers)


def _notes(call: Any) -> int:
    return NoteEntry.objects.filter(call_id=call.pk).count()


@pytest.mark.django_db
def test_a_retried_note_is_answered_with_the_first_answer_and_stored_once(
    make_call: Any, cast: dict[str, Any]
) -> None:
    call = make_call(QUIET)
    token = token_create(user=cast["handler"])
    before = _notes(call)
    events = AuditEvent.objects.filter(call_id=call.pk, event_type="note.added")
    audited = events.count()
    first = _api(token, f"/calls/{call.pk}/notes", {"text": "SYNTHETIC: he asked her age."}, "note-1")
    again = _api(token, f"/calls/{call.pk}/notes", {"text": "SYNTHETIC: he asked her age."}, "note-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again[REPLAYED] == "true" and not first.has_header(REPLAYED)
    assert _notes(call) == before + 1
    assert events.count() == audited + 1


@pytest.mark.django_db
def test_without_a_key_a_note_sent_twice_is_stored_twice(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call(QUIET)
    token = token_create(user=cast["handler"])
    before = _notes(call)
    for _ in range(2):
        assert _api(token, f"/calls/{call.pk}/notes", {"text": "SYNTHETIC: again."}, None).status_code == 201
    assert _notes(call) == before + 2


@pytest.mark.django_db
def test_the_same_key_with_a_different_body_is_refused(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call(QUIET)
    token = token_create(user=cast["handler"])
    assert _api(token, f"/calls/{call.pk}/notes", {"text": "SYNTHETIC: first."}, "k-1").status_code == 201
    before = _notes(call)
    other = _api(token, f"/calls/{call.pk}/notes", {"text": "SYNTHETIC: something else."}, "k-1")
    assert other.status_code == 422
    body = other.json()
    assert "already used for a different request" in body["detail"]
    assert body["errors"][0]["field"] == HEADER
    # Another address with the same key is a different request too.
    risk = _api(token, f"/calls/{call.pk}/risk", {"risk": "high", "rationale": WHY}, "k-1")
    assert risk.status_code == 422
    assert _notes(call) == before and not RiskDecision.objects.filter(call_id=call.pk).exists()


@pytest.mark.django_db
def test_json_compared_by_value_not_by_spacing(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call(QUIET)
    token = token_create(user=cast["handler"])
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_IDEMPOTENCY_KEY": "k-2"}
    url = f"/api/v1/calls/{call.pk}/risk"
    spaced = '{"risk": "high", "rationale": "' + WHY + '"}'
    packed = '{"rationale":"' + WHY + '","risk":"high"}'
    one = Client().post(url, spaced, "application/json", **headers)
    two = Client().post(url, packed, "application/json", **headers)
    assert one.status_code == two.status_code == 200 and two[REPLAYED] == "true"
    assert RiskDecision.objects.filter(call_id=call.pk).count() == 1


@pytest.mark.django_db
def test_keys_belong_to_one_user(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call(QUIET)
    body = {"text": "SYNTHETIC: same words, two people."}
    for persona in ("handler", "supervisor"):
        response = _api(token_create(user=cast[persona]), f"/calls/{call.pk}/notes", body, "shared")
        assert response.status_code == 201 and not response.has_header(REPLAYED)
    assert IdempotencyKey.objects.filter(key="shared").count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "has space", "x" * 101, "naïve"])
def test_a_malformed_key_is_refused_with_what_is_expected(
    make_call: Any, cast: dict[str, Any], key: str
) -> None:
    call = make_call(QUIET)
    token = token_create(user=cast["handler"])
    before = _notes(call)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_IDEMPOTENCY_KEY": key}
    response = Client().post(
        f"/api/v1/calls/{call.pk}/notes", json.dumps({"text": "SYNTHETIC"}), "application/json", **headers
    )
    assert response.status_code == 422
    assert "printable ASCII" in response.json()["detail"]
    assert _notes(call) == before


@pytest.mark.django_db
def test_a_refusal_is_replayed_too_and_audited_once(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call(QUIET)
    token = token_create(user=cast["handler"])
    body = {"outcome": "no_further_action", "rationale": WHY}
    first = _api(token, f"/calls/{call.pk}/close", body, "close-1")
    again = _api(token, f"/calls/{call.pk}/close", body, "close-1")
    assert first.status_code == again.status_code == 409
    assert again.json() == first.json() and first.json()["outstanding"]
    # The refusal was audited with the key in one transaction: the retry adds no second refusal.
    assert AuditEvent.objects.filter(call_id=call.pk, event_type="closure.refused").count() == 1


@pytest.mark.django_db
def test_a_failure_keeps_no_key_so_the_retry_is_done(
    make_call: Any, cast: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    call = make_call(QUIET)
    token = token_create(user=cast["handler"])
    real = services.note_add

    def broken(**kwargs: Any) -> Any:
        real(**kwargs)  # the note is written, then something fails: all of it must roll back
        raise RuntimeError("disk full (SYNTHETIC)")

    monkeypatch.setattr(services, "note_add", broken)
    before = _notes(call)
    failed = _api(token, f"/calls/{call.pk}/notes", {"text": "SYNTHETIC: kept?"}, "k-3")
    assert failed.status_code == 500
    assert _notes(call) == before and not IdempotencyKey.objects.filter(key="k-3").exists()
    monkeypatch.setattr(services, "note_add", real)
    retried = _api(token, f"/calls/{call.pk}/notes", {"text": "SYNTHETIC: kept?"}, "k-3")
    assert retried.status_code == 201 and not retried.has_header(REPLAYED)
    assert _notes(call) == before + 1


@pytest.mark.django_db
def test_a_form_sent_twice_is_acted_on_once(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call(QUIET)
    client = Client()
    client.force_login(cast["handler"])
    page = client.get(f"/calls/{call.pk}/").content.decode()
    assert f'name="{FIELD}"' in page
    before = _notes(call)
    form = {"text": "SYNTHETIC: the boy gave a school name.", FIELD: "form-key-1"}
    first = client.post(f"/calls/{call.pk}/notes", form)
    again = client.post(f"/calls/{call.pk}/notes", form)
    assert first.status_code == again.status_code == 302 and again["Location"] == first["Location"]
    assert _notes(call) == before + 1
    shown = client.get(again["Location"]).content.decode()
    assert "already been sent, so it was not acted on a second time" in shown


@pytest.mark.django_db
def test_every_render_of_a_form_has_a_fresh_key(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call(QUIET)
    client = Client()
    client.force_login(cast["handler"])

    def keys() -> list[str]:
        page = client.get(f"/calls/{call.pk}/").content.decode()
        return [part.split('"', 1)[0] for part in page.split(f'name="{FIELD}" value="')[1:]]

    first, second = keys(), keys()
    assert len(first) >= 5 and len(set(first)) == len(first)
    assert not set(first) & set(second)


@pytest.mark.django_db
def test_a_form_key_reused_for_other_text_is_refused_and_the_text_shown(
    make_call: Any, cast: dict[str, Any]
) -> None:
    call = make_call(QUIET)
    client = Client()
    client.force_login(cast["handler"])
    client.post(f"/calls/{call.pk}/notes", {"text": "SYNTHETIC: first words.", FIELD: "form-key-2"})
    before = _notes(call)
    refused = client.post(
        f"/calls/{call.pk}/notes", {"text": "SYNTHETIC: second words.", FIELD: "form-key-2"}
    )
    assert refused.status_code == 422
    page = refused.content.decode()
    assert "SYNTHETIC: second words." in page and "Nothing was recorded" in page
    assert _notes(call) == before


# Concurrent requests commit for real, each thread on its own connection (tests/concurrency.py); the
# clears_audit fixture empties the tables afterwards.
WORKERS = 4


@pytest.mark.django_db(transaction=True)
def test_identical_notes_sent_at_once_are_stored_once(
    make_call: Any, cast: dict[str, Any], clears_audit: None
) -> None:
    call = make_call(QUIET)
    token = token_create(user=cast["handler"])
    before = _notes(call)
    body = {"text": "SYNTHETIC: sent once, retried by a nervous client."}
    results = at_once(lambda _i: _api(token, f"/calls/{call.pk}/notes", body, "race-1"), WORKERS)
    assert all(not isinstance(r, Exception) for r in results), results
    assert [r.status_code for r in results] == [201] * WORKERS
    assert sum(r.has_header(REPLAYED) for r in results) == WORKERS - 1
    assert len({r.content for r in results}) == 1
    assert _notes(call) == before + 1
    assert IdempotencyKey.objects.filter(key="race-1").count() == 1


@pytest.mark.django_db(transaction=True)
def test_identical_risk_decisions_sent_at_once_are_decided_once(
    make_call: Any, cast: dict[str, Any], clears_audit: None
) -> None:
    call = make_call(QUIET)
    token = token_create(user=cast["handler"])
    body = {"risk": "high", "rationale": WHY, "version": call.version}
    results = at_once(lambda _i: _api(token, f"/calls/{call.pk}/risk", body, "race-2"), WORKERS)
    assert [getattr(r, "status_code", r) for r in results] == [200] * WORKERS
    # Not one winner and three stale refusals: the retries are the same request, answered as it was.
    assert sum(r.has_header(REPLAYED) for r in results) == WORKERS - 1
    assert RiskDecision.objects.filter(call_id=call.pk).count() == 1


# Every POST of the permission matrix: the API honours the header on all of them; the pages honour the form's
# key on the note and decision forms, and not on the autosave or the checks (which record a read, not a
# decision: a second check run is a second check).
API_POSTS = [row for row in API if row[1] == "post"]
# Note and decision forms (user and force administration is neither: those pages are not keyed).
PAGE_POSTS = [row for row in PAGES if row[1] == "post" and not row[0].startswith(("users:", "forces"))]
NOT_KEYED_PAGES = {"calls:draft", "calls:person_check", "calls:identifier_check"}
# Saving a scenario's draft again saves the same draft (a version is a draft until published).
NOT_KEYED_PAGES |= {"training_records:authoring.post"}


def _persona(allowed: set[str]) -> str:
    return next(
        p for p in ("handler", "supervisor", "safeguarding", "trainer", "admin", "owner") if p in allowed
    )


@pytest.fixture
def referral_id(make_call: Any, cast: dict[str, Any]) -> Any:
    from heed.support.services import referral_make

    def make(call: Any) -> int:
        made = referral_make(actor=cast["handler2"], call=call, to="child_protection_team", reason=WHY)
        return int(made.pk)

    return make


@pytest.mark.django_db
@pytest.mark.parametrize("row", API_POSTS, ids=[r[0] for r in API_POSTS])
def test_every_api_post_replays_a_retry(
    row: Any, make_call: Any, cast: dict[str, Any], referral_id: Any, ids: Any
) -> None:
    name, _, path, body, allowed, ok = row
    call = make_call()
    url = path.format_map(ids.with_(id=call.pk, rid=referral_id(call))).removeprefix("/api/v1")
    token = token_create(user=cast[_persona(allowed)])
    first = _api(token, url, body, f"matrix-{name}")
    again = _api(token, url, body, f"matrix-{name}")
    assert first.status_code == ok and again.status_code == ok
    assert again[REPLAYED] == "true" and again.content == first.content


@pytest.mark.django_db
@pytest.mark.parametrize("row", PAGE_POSTS, ids=[r[0] for r in PAGE_POSTS])
def test_the_note_and_decision_forms_replay_a_retry(
    row: Any, make_call: Any, cast: dict[str, Any], referral_id: Any, ids: Any
) -> None:
    name, _, path, body, allowed, ok = row
    call = make_call()
    url = path.format_map(ids.with_(id=call.pk, rid=referral_id(call)))
    client = sign_in(Client(), cast[_persona(allowed)])
    form = {**(body or {}), FIELD: f"matrix-{name}"}
    first = client.post(url, form)
    again = client.post(url, form)
    assert first.status_code == ok and again.status_code == ok
    assert again.has_header(REPLAYED) is (name not in NOT_KEYED_PAGES)

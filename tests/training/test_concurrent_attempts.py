"""Concurrent requests at one attempt, through the API, each on its own database connection and released
together (SQLite and, in the PostgreSQL pass, PostgreSQL): an attempt is scored once, every question is kept
once, and one person's records count each finished attempt once."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from heed.accounts.services import token_create
from heed.audit.events import EventType
from heed.audit.models import AuditEvent
from heed.audit.services import audit_verify
from heed.calls.models import Call, NoteEntry
from heed.training import services
from heed.training.models import Attempt, CompetencyRecord, Question, ScenarioStanding
from tests.concurrency import at_once

pytestmark = pytest.mark.django_db(transaction=True)


def api_client(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user)}")


def test_six_finishes_at_once_score_the_attempt_once(cast: dict[str, Any], clears_audit: None) -> None:
    attempt = services.attempt_start(actor=cast["handler"], scenario="seed-case", mode="assisted")
    clients = [api_client(cast["handler"]) for _ in range(6)]
    results = at_once(lambda i: clients[i].post(f"/api/v1/training/attempts/{attempt.pk}/finish"))
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 409, 409, 409, 409, 409]
    assert (
        AuditEvent.objects.filter(event_type=EventType.TRAINING_FINISHED, call_id=attempt.call_id).count()
        == 1
    )
    assert set(CompetencyRecord.objects.filter(user=cast["handler"]).values_list("attempts", flat=True)) == {
        1
    }
    assert ScenarioStanding.objects.get(user=cast["handler"], scenario_id="seed-case").attempts == 1
    assert audit_verify().ok


def test_ten_questions_at_once_are_each_kept_once(cast: dict[str, Any], clears_audit: None) -> None:
    attempt = services.attempt_start(actor=cast["handler"], scenario="seed-case", mode="assisted")
    questions = ["contact_age", "gifts", "threats", "secrecy", "isolation"] * 2
    clients = [api_client(cast["handler"]) for _ in questions]
    results = at_once(
        lambda i: clients[i].post(
            f"/api/v1/training/attempts/{attempt.pk}/ask",
            {"question": questions[i]},
            content_type="application/json",
        ),
        workers=len(questions),
    )
    assert [r.status_code for r in results] == [200] * 10
    assert sorted(Question.objects.filter(attempt=attempt).values_list("guided", flat=True)) == sorted(
        questions
    )
    assert audit_verify().ok


def test_attempts_finished_at_once_by_one_person_each_count_once(
    cast: dict[str, Any], clears_audit: None
) -> None:
    attempts = [
        services.attempt_start(actor=cast["handler"], scenario="seed-case", mode="assisted") for _ in range(4)
    ]
    clients = [api_client(cast["handler"]) for _ in attempts]
    results = at_once(
        lambda i: clients[i].post(f"/api/v1/training/attempts/{attempts[i].pk}/finish"), workers=len(attempts)
    )
    assert [r.status_code for r in results] == [200] * 4
    assert set(CompetencyRecord.objects.filter(user=cast["handler"]).values_list("attempts", flat=True)) == {
        4
    }
    assert ScenarioStanding.objects.get(user=cast["handler"], scenario_id="seed-case").attempts == 4


def test_six_attempts_started_at_once_each_get_their_own_training_call(
    cast: dict[str, Any], clears_audit: None
) -> None:
    clients = [api_client(cast["handler"]) for _ in range(6)]
    results = at_once(
        lambda i: clients[i].post(
            "/api/v1/training/attempts",
            {"scenario": "seed-case", "mode": "assisted"},
            content_type="application/json",
        )
    )
    assert [r.status_code for r in results] == [201] * 6
    refs = list(Call.objects.filter(training=True).values_list("reference", flat=True))
    assert len(refs) == len(set(refs)) == 6 and Attempt.objects.count() == 6
    assert audit_verify().ok


def test_notes_sent_while_the_attempt_is_finished_never_land_on_the_scored_call(
    cast: dict[str, Any], clears_audit: None
) -> None:
    attempt = services.attempt_start(actor=cast["handler"], scenario="seed-case", mode="assisted")
    clients = [api_client(cast["handler"]) for _ in range(6)]

    def work(i: int) -> Any:
        if i == 0:
            return clients[i].post(f"/api/v1/training/attempts/{attempt.pk}/finish")
        return clients[i].post(
            f"/api/v1/calls/{attempt.call_id}/notes",
            {"text": f"SYNTHETIC: older male sent him a phone, note {i}."},
            content_type="application/json",
        )

    results = at_once(work)
    assert results[0].status_code == 200
    notes = results[1:]
    assert {r.status_code for r in notes} <= {201, 409}
    assert all("finished and scored" in r.json()["detail"] for r in notes if r.status_code == 409)
    attempt.refresh_from_db()
    assert attempt.finished_at is not None
    landed = NoteEntry.objects.filter(call_id=attempt.call_id)
    # Every note the API accepted is on the call, and was written before the attempt was scored.
    assert landed.count() == sum(1 for r in notes if r.status_code == 201)
    assert all(e.created_at <= attempt.finished_at for e in landed)
    call = Call.objects.get(pk=attempt.call_id)
    assert attempt.found == [i["code"] for i in call.assessment.get("indicators", [])]
    assert audit_verify().ok

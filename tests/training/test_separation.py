"""Training never mixes with live work: training calls, their checks and records stay out of live lists,
queues, referrals, the identifier register and the live nominal index; their events are audited, in the
force's training chain; nobody but the trainee reaches them; no reminder is ever raised for them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django_tasks_db.models import DBTaskResult

from heed.accounts.services import token_create
from heed.audit.models import AuditEvent
from heed.audit.services import audit_verify
from heed.calls import services as calls
from heed.calls.models import Call, IdentifierSighting
from heed.calls.selectors import access_call_by_id, returned_to
from heed.support.selectors import queue_items
from heed.support.services import referral_make
from heed.training import services
from heed.training.library import force_library
from tests.conftest import sign_in
from tests.training.scenarios import SUPERVISOR_SCENARIO

pytestmark = pytest.mark.django_db

NOTES = (
    "Caller is the mother of Toby (14). Older male known as Kel, real name Darren Kellow, runs a gaming "
    "server (Xbox NightOwl_K), sent Toby a phone, asks him to keep it secret and has invited him to stay at "
    "his flat."
)


@pytest.fixture
def handler_attempt(cast: dict[str, Any], django_capture_on_commit_callbacks: Any) -> Any:
    with django_capture_on_commit_callbacks(execute=True):
        attempt = services.attempt_start(actor=cast["handler"], scenario="seed-case", mode="assisted")
        calls.note_add(actor=cast["handler"], call=attempt.call, text=NOTES)
        calls.person_check_run(
            actor=cast["handler"],
            call=attempt.call,
            query={"given_name": "Darren", "family_name": "Kellow", "town": "Ashford"},
            subject="Darren Kellow",
        )
        calls.identifier_check_run(
            actor=cast["handler"], call=attempt.call, kind="handle", value="NightOwl_K", platform="xbox"
        )
        referral_make(
            actor=cast["handler"], call=attempt.call, to="mash", reason="SYNTHETIC training referral."
        )
    attempt.call.refresh_from_db()
    return attempt


@pytest.fixture
def supervisor_attempt(cast: dict[str, Any]) -> Any:
    authored = services.scenario_save(actor=cast["trainer"], text=SUPERVISOR_SCENARIO)
    services.scenario_publish(actor=cast["trainer"], authored=authored)
    return services.attempt_start(
        actor=cast["supervisor"], scenario="test-review-missing-check", mode="assisted"
    )


def test_a_training_call_is_marked_and_referenced_apart(handler_attempt: Any) -> None:
    call = handler_attempt.call
    assert call.training is True
    assert call.reference.startswith("TRN-TST-")
    assert call.risk == "high"  # the real engine graded the trainee's notes


def test_no_live_list_or_queue_shows_a_training_call(
    cast: dict[str, Any], handler_attempt: Any, supervisor_attempt: Any
) -> None:
    live = calls.call_create(
        actor=cast["handler"], narrative="SYNTHETIC. A live call about a worried parent."
    )
    refs = {handler_attempt.call.reference, supervisor_attempt.call.reference}
    for persona in ("handler", "supervisor", "auditor", "safeguarding"):
        client = sign_in(Client(), cast[persona])
        for page in ("/calls/", "/queue", "/referrals/"):
            body = client.get(page).content.decode()
            assert [r for r in refs if r in body] == [], (persona, page)
    assert live.reference in sign_in(Client(), cast["handler"]).get("/calls/").content.decode()
    queue = queue_items(cast["supervisor"])
    assert queue["awaiting"] == [] and queue["returned"] == [] and queue["overdue_referrals"] == []
    assert set(Call.objects.restrict(cast["supervisor"]).values_list("pk", flat=True)) == {live.pk}
    assert returned_to(cast["handler"]) == []
    # The supervisor scenario's call awaits review, but only in training.
    assert supervisor_attempt.call.status == "awaiting_review"
    body = (
        Client()
        .get("/api/v1/queue", HTTP_AUTHORIZATION=f"Bearer {token_create(user=cast['supervisor'])}")
        .content.decode()
    )
    assert supervisor_attempt.call.reference not in body


def test_only_the_trainee_reaches_a_training_call(cast: dict[str, Any], handler_attempt: Any) -> None:
    call_id = handler_attempt.call_id
    assert access_call_by_id(cast["handler"], call_id).pk == call_id
    for persona in ("handler2", "supervisor", "auditor", "admin", "trainer", "other_handler"):
        client = sign_in(Client(), cast[persona])
        assert client.get(f"/calls/{call_id}/").status_code == 404, persona
        assert client.get(f"/calls/{call_id}/timeline").status_code == 404, persona


def test_a_handler_trainee_cannot_review_their_own_training_call(
    cast: dict[str, Any], handler_attempt: Any, supervisor_attempt: Any
) -> None:
    from heed.accounts.access import CallNotFound

    with pytest.raises(CallNotFound):
        access_call_by_id(cast["handler"], handler_attempt.call_id, "review")
    # The part the scenario gives: a supervisor scenario's trainee reviews (a handler at work too).
    assert access_call_by_id(cast["supervisor"], supervisor_attempt.call_id, "review")
    assert access_call_by_id(cast["handler"], handler_attempt.call_id, "edit")


def test_training_identifiers_never_enter_the_live_register(
    cast: dict[str, Any], handler_attempt: Any
) -> None:
    assert not IdentifierSighting.objects.filter(call__training=True).exists()
    live = calls.call_create(actor=cast["handler"], narrative="SYNTHETIC. A man on Xbox called NightOwl_K.")
    check = calls.identifier_check_run(
        actor=cast["handler"], call=live, kind="handle", value="NightOwl_K", platform="xbox"
    )
    assert check.earlier == []  # the training call is not an earlier report
    assert check.record_hits == []  # the scenario's record is not in the live nominal index


def test_training_checks_search_the_scenarios_records_and_reports_only(
    cast: dict[str, Any], handler_attempt: Any, supervisor_attempt: Any
) -> None:
    person = handler_attempt.call.person_checks.get()
    assert [r["record_id"] for r in person.results][:1] == ["TRN-SEED-01"]
    assert person.marker_alert is True
    assert person.index_location == "training records"
    # The live index (the demo's SYNTHETIC records) is not searched from a training call.
    kai = calls.person_check_run(
        actor=cast["handler"], call=handler_attempt.call, query={"given_name": "Kai", "family_name": "Marsh"}
    )
    assert not any(r["record_id"].startswith("SYN-DEMO") for r in kai.results)
    # The supervisor scenario's earlier report of a handle is found, from its own sightings.
    handler = services.planted_handler(cast["supervisor"].force)
    assert handler.is_active is False and not handler.has_usable_password()


def test_training_events_go_to_the_training_chain_and_verify(
    cast: dict[str, Any], handler_attempt: Any
) -> None:
    events = AuditEvent.objects.filter(call_id=handler_attempt.call_id)
    assert events.count() >= 6
    assert set(events.values_list("chain", flat=True)) == {"training:force:TST"}
    assert not AuditEvent.objects.filter(chain="force:TST", call_id=handler_attempt.call_id).exists()
    result = audit_verify(force_code="TST")
    assert result.ok and "training:force:TST" in {c.chain for c in result.chains}


def test_no_reminder_is_queued_for_a_training_call(handler_attempt: Any) -> None:
    # The attempt's high-risk call has due times on its actions and a referral with a due time; none queues.
    assert handler_attempt.call.required_actions.filter(due_at__isnull=False).exists()
    assert not DBTaskResult.objects.filter(task_path="heed.calls.tasks.remind").exists()


def test_a_force_scenario_is_in_its_own_forces_library_only(
    cast: dict[str, Any], supervisor_attempt: Any
) -> None:
    assert "test-review-missing-check" in force_library(cast["handler"].force)
    assert "test-review-missing-check" not in force_library(cast["other_handler"].force)


def test_a_supervisor_scenario_whose_call_cannot_reach_review_is_not_published(cast: dict[str, Any]) -> None:
    """Publishing rehearses the planted call and undoes it: without its referral the medium call cannot be
    asked to close, so nobody could ever train on it."""
    broken = SUPERVISOR_SCENARIO.replace("id: test-review-missing-check", "id: test-review-broken").replace(
        "  referral: true\n", "  referral: false\n"
    )
    assert "referral: false" in broken
    authored = services.scenario_save(actor=cast["trainer"], text=broken)
    calls_before = Call.objects.count()
    with pytest.raises(services.TrainingError, match="Not published: .*safeguarding_referral"):
        services.scenario_publish(actor=cast["trainer"], authored=authored)
    authored.refresh_from_db()
    assert authored.status == "draft"
    assert Call.objects.count() == calls_before  # the rehearsal left nothing behind
    assert "test-review-broken" not in force_library(cast["trainer"].force)

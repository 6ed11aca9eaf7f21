"""Lessons notices (issue 13): the national guidance owner publishes; each force's administrator acknowledges,
records what was done and assigns training to a role; the assignment's progress follows passes at the
scenario; the owner sees, per force, who has acknowledged and acted. Everything audited; data SYNTHETIC."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from heed.audit.models import AuditEvent
from heed.notices import selectors as ns
from heed.notices.models import NoticeResponse, TrainingAssignment
from heed.notices.services import NoticeError, notice_publish, notice_respond, training_assign
from heed.training.models import Attempt
from tests.concurrency import WORKERS, at_once
from tests.conftest import sign_in

WHY = "SYNTHETIC: a mother's report of an adult asking for pictures was graded standard and closed."


def publish(cast: dict[str, Any], **kw: Any) -> Any:
    fields = {
        "title": "SYNTHETIC: sexual requests from adults missed at first contact",
        "what_happened": WHY,
        "what_must_change": "SYNTHETIC: ask the decisive questions on every call about an online contact.",
        "forces_must": "SYNTHETIC: every handler to pass seed-case.",
        "due": timezone.localdate() + dt.timedelta(days=60),
        "scenarios": ["seed-case"],
    }
    return notice_publish(actor=cast["owner"], **(fields | kw))


def passed(user: Any, scenario: str, when: Any) -> None:
    """A finished, passed attempt (made directly: the scoring itself is tested in tests/training)."""
    from heed.calls.services import call_create

    call = call_create(
        actor=user,
        narrative="SYNTHETIC training call.",
        training={"trainee": user, "role": "handler", "records": [], "sightings": []},
    )
    Attempt.objects.create(
        force=user.force,
        trainee=user,
        call=call,
        scenario_id=scenario,
        scenario_version=1,
        scenario_title="SYNTHETIC",
        scenario_digest="0" * 64,
        scenario_text="",
        role="handler",
        mode="assisted",
        started_at=when,
        finished_at=when,
        passed=True,
        score=90,
    )


@pytest.mark.django_db
def test_a_national_notice_is_acknowledged_acted_on_and_its_training_tracked(cast: dict[str, Any]) -> None:
    notice = publish(cast)
    assert notice.force is None
    assert AuditEvent.objects.filter(event_type="notice.published").get().force_code == ""
    admin = cast["admin"]
    # Both forces see it; neither has acknowledged.
    assert [s.acknowledged for s in ns.standings(notice)] == [False, False]
    notice_respond(actor=admin, notice_id=notice.pk, acknowledge=True, expected_version=0)
    row = notice_respond(
        actor=admin,
        notice_id=notice.pk,
        acknowledge=False,
        actions_taken="SYNTHETIC: all handlers to pass seed-case by the due date; briefing given.",
        expected_version=1,
    )
    assert row.version == 2 and row.actions_by == admin
    due = timezone.localdate() + dt.timedelta(days=30)
    assignment = training_assign(
        actor=admin, notice_id=notice.pk, role="handler", scenario_id="seed-case", due=due
    )
    handlers = sorted(["t.handler", "t.handler2"])
    progress = ns.progress(assignment)
    assert (progress.passed, progress.staff, list(progress.not_passed)) == (0, 2, handlers)
    # A pass from before the assignment does not count; one after it does; another force's does not.
    passed(cast["handler"], "seed-case", assignment.assigned_at - dt.timedelta(days=1))
    passed(cast["handler2"], "seed-case", timezone.now())
    passed(cast["other_handler"], "seed-case", timezone.now())
    progress = ns.progress(assignment)
    assert (progress.passed, progress.staff, progress.not_passed) == (1, 2, ("t.handler",))
    assert [p.assignment.scenario_id for p in ns.assigned_to(cast["handler"])] == ["seed-case"]
    assert ns.assigned_to(cast["handler2"]) == []
    by_force = {s.force.code: (s.acknowledged, s.acted) for s in ns.standings(notice)}
    assert by_force == {"TST": (True, True), "OTH": (False, False)}
    events = set(AuditEvent.objects.values_list("event_type", flat=True))
    assert {"notice.published", "notice.responded", "training.assigned"} <= events


@pytest.mark.django_db
def test_refusals_say_what_was_wrong(cast: dict[str, Any]) -> None:
    with pytest.raises(NoticeError, match="due: .* has passed"):
        publish(cast, due=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(NoticeError, match="not in the training library: no-such"):
        publish(cast, scenarios=["no-such"])
    with pytest.raises(NoticeError, match="pack version"):
        publish(cast, pack_version="national@1999.1.1")
    with pytest.raises(NoticeError, match="you may not"):
        notice_publish(
            actor=cast["handler"],
            title="x",
            what_happened="x",
            what_must_change="x",
            forces_must="x",
            due=timezone.localdate(),
        )
    notice = publish(cast)
    with pytest.raises(NoticeError, match="nothing to record"):
        notice_respond(actor=cast["admin"], notice_id=notice.pk, acknowledge=False)
    with pytest.raises(NoticeError, match="role"):
        training_assign(
            actor=cast["admin"],
            notice_id=notice.pk,
            role="national_owner",
            scenario_id="seed-case",
            due=timezone.localdate(),
        )
    training_assign(
        actor=cast["admin"],
        notice_id=notice.pk,
        role="handler",
        scenario_id="seed-case",
        due=timezone.localdate(),
    )
    with pytest.raises(NoticeError, match="already assigned"):
        training_assign(
            actor=cast["admin"],
            notice_id=notice.pk,
            role="handler",
            scenario_id="seed-case",
            due=timezone.localdate(),
        )


@pytest.mark.django_db
def test_a_force_notice_is_its_own_force_s_alone(cast: dict[str, Any]) -> None:
    local = notice_publish(
        actor=cast["admin"],
        title="SYNTHETIC local lesson",
        what_happened=WHY,
        what_must_change="SYNTHETIC.",
        forces_must="SYNTHETIC.",
        due=timezone.localdate(),
    )
    assert local.force == cast["admin"].force
    assert local in ns.notices_for(cast["admin"])
    assert local not in ns.notices_for(cast["other_admin"]) and local not in ns.notices_for(cast["owner"])
    client = sign_in(Client(), cast["other_admin"])
    assert client.get(f"/notices/{local.pk}/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_responses_recorded_at_once_from_one_view_land_once(cast: dict[str, Any], clears_audit: None) -> None:
    notice = publish(cast)
    results = at_once(
        lambda i: notice_respond(
            actor=cast["admin"],
            notice_id=notice.pk,
            acknowledge=True,
            actions_taken=f"SYNTHETIC action {i}",
            expected_version=0,
        )
    )
    assert len([r for r in results if isinstance(r, NoticeResponse)]) == 1, results
    assert len([r for r in results if isinstance(r, NoticeError) and r.status == 409]) == WORKERS - 1
    assert AuditEvent.objects.filter(event_type="notice.responded").count() == 1


@pytest.mark.django_db
def test_the_pages_publish_acknowledge_assign_and_show_each_force(cast: dict[str, Any]) -> None:
    owner = sign_in(Client(), cast["owner"])
    due = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    body = {
        "title": "SYNTHETIC lesson",
        "what_happened": WHY,
        "what_must_change": "SYNTHETIC change",
        "forces_must": "SYNTHETIC: pass seed-case",
        "due": due,
        "scenarios": "seed-case",
    }
    refused = owner.post("/notices/", body | {"due": "tomorrow"})
    assert refused.status_code == 400 and "not a date" in refused.content.decode()
    assert "SYNTHETIC change" in refused.content.decode()  # everything typed is shown again
    made = owner.post("/notices/", body)
    notice_id = int(made["Location"].rstrip("/").split("/")[-1])
    admin = sign_in(Client(), cast["admin"])
    assert "To acknowledge" in admin.get("/notices/").content.decode()
    admin.post(f"/notices/{notice_id}/respond", {"acknowledge": "1", "expected_version": "0"})
    admin.post(f"/notices/{notice_id}/assign", {"role": "handler", "scenario": "seed-case", "due": due})
    page = admin.get(f"/notices/{notice_id}/").content.decode()
    assert 'data-own="acknowledged"' in page and 'data-passed="0/2"' in page
    national = owner.get(f"/notices/{notice_id}/").content.decode()
    assert 'data-force="TST" data-state="acknowledged"' in national
    assert 'data-force="OTH" data-state="open"' in national
    assert "t.handler" not in national  # the owner sees counts, never another force's staff by name
    handler = sign_in(Client(), cast["handler"])
    assert "data-assigned" in handler.get("/training/").content.decode()
    assert TrainingAssignment.objects.count() == 1

"""Issue 5 through the services: required actions and their proofs, caller support, referrals, the closure
guard, supervisor review, risk decisions, stale edits and reminders."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from tests.closing import DECISIVE_ANSWERS, WHY, answer_decisive, do_everything

from heed.audit.models import AuditEvent
from heed.audit.services import audit_verify
from heed.calls import services
from heed.calls.models import Reminder, RequiredAction
from heed.calls.tasks import reminder_raise
from heed.support import services as support
from heed.support.sheets import SMS_LIMIT, advice_sheet_pdf, sms_text

pytestmark = pytest.mark.django_db


def status(call: Any) -> dict[str, str]:
    return dict(RequiredAction.objects.filter(call=call).values_list("code", "status"))


def test_advice_is_chosen_by_the_pack_for_who_is_calling(make_call: Any) -> None:
    parent = make_call()
    assert parent.assessment["required_agencies"] == ["ceop", "nspcc"]
    assert "internet_matters" in parent.assessment["suggested_agencies"]
    child = make_call(caller_relation="child")
    assert child.assessment["required_agencies"] == ["ceop", "childline"]
    images = make_call("SYNTHETIC. A man of 40 asked my daughter for nude pics and she sent one.")
    assert {"ceop", "report_remove", "iwf"} <= set(images.assessment["required_agencies"])
    extremism = make_call("SYNTHETIC. A man online keeps sending my son extremist propaganda videos.")
    assert "act_early" in extremism.assessment["required_agencies"]


def test_specialist_advice_is_done_only_when_every_required_agency_is_given(
    make_call: Any, cast: dict[str, Any]
) -> None:
    call = make_call()
    support.advice_record(actor=cast["handler"], call=call, agencies=["nspcc"], method="sms")
    assert status(call)["specialist_advice"] == "outstanding"
    assert support.advice_missing(call) == ["ceop"]
    support.advice_record(actor=cast["handler"], call=call, agencies=["ceop"], method="read_out")
    assert status(call)["specialist_advice"] == "done"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"agencies": []}, "agencies"), ({"agencies": ["mi6"]}, "agencies"), ({"method": "pigeon"}, "method")],
)
def test_bad_advice_names_the_field(
    make_call: Any, cast: dict[str, Any], kwargs: dict[str, Any], field: str
) -> None:
    call = make_call()
    args = {"agencies": ["ceop"], "method": "sms", **kwargs}
    with pytest.raises(services.CallError) as exc:
        support.advice_record(actor=cast["handler"], call=call, **args)
    assert exc.value.field == field


def test_the_advice_sheet_pdf_and_text(make_call: Any) -> None:
    call = make_call()
    pdf = advice_sheet_pdf(call)
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000
    text = sms_text(call)
    assert len(text) <= SMS_LIMIT and call.reference in text and "0808 800 5000" in text and "999" in text
    assert text.index("CEOP") < text.index("NSPCC")  # required agencies first


def test_a_referral_completes_the_action_and_a_return_reopens_it(
    make_call: Any, cast: dict[str, Any]
) -> None:
    call = make_call()
    referral = support.referral_make(actor=cast["handler"], call=call, to="mash", reason=WHY)
    assert referral.due_at is not None and referral.due_at - referral.made_at == timedelta(hours=24)
    assert status(call)["safeguarding_referral"] == "done"
    with pytest.raises(services.CallError) as exc:
        support.referral_update(actor=cast["safeguarding"], referral=referral, status="returned", note="no")
    assert exc.value.field == "note"
    support.referral_update(actor=cast["safeguarding"], referral=referral, status="returned", note=WHY)
    assert status(call)["safeguarding_referral"] == "outstanding"
    with pytest.raises(services.CallError, match="already returned"):
        support.referral_update(actor=cast["safeguarding"], referral=referral, status="accepted")


def test_closure_refused_until_everything_is_done_then_reviewed(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call()
    with pytest.raises(services.ClosureRefused) as exc:
        services.closure_request(actor=cast["handler"], call=call, outcome="referred", rationale=WHY)
    assert set(exc.value.outstanding) == {
        "decisive_questions",
        "person_check",
        "identifier_check",
        "specialist_advice",
        "safeguarding_referral",
        "vulnerability_flag",
    }
    refused = AuditEvent.objects.get(call_id=call.pk, event_type="closure.refused")
    assert set(refused.after["outstanding"]) == set(exc.value.outstanding)
    do_everything(call, cast)
    call = services.closure_request(actor=cast["handler"], call=call, outcome="referred", rationale=WHY)
    assert call.status == "awaiting_review"
    with pytest.raises(services.CallError, match="changed now"):
        services.note_add(actor=cast["handler"], call=call, text="late note")
    with pytest.raises(services.CallError, match="cannot review"):
        services.review_decide(actor=cast["handler"], call=call, decision="approve", rationale=WHY)
    call = services.review_decide(actor=cast["supervisor"], call=call, decision="approve", rationale=WHY)
    assert call.status == "closed"
    assert status(call)["supervisor_review"] == "done"
    assert audit_verify().ok


def test_return_puts_it_back_with_the_handler(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call()
    do_everything(call, cast)
    call = services.closure_request(actor=cast["handler"], call=call, outcome="referred", rationale=WHY)
    call = services.review_decide(
        actor=cast["supervisor"],
        call=call,
        decision="return",
        rationale=WHY,
        ndm={"options": "SYNTHETIC options"},
    )
    assert call.status == "returned"
    # A note that adds no danger sign (one that did would rightly reopen the advice to give).
    services.note_add(
        actor=cast["handler"],
        call=call,
        text="SYNTHETIC: caller rang back to confirm the name of the school.",
    )
    call = services.closure_request(actor=cast["handler"], call=call, outcome="referred", rationale=WHY)
    assert call.status == "awaiting_review"


def test_no_further_action_on_a_high_risk_call_needs_two_supervisors(
    make_call: Any, cast: dict[str, Any]
) -> None:
    call = make_call()
    do_everything(call, cast)
    nfa_why = WHY + " All checks done; CPT accepted the referral; parents supervising; no offence disclosed."
    call = services.closure_request(
        actor=cast["handler"], call=call, outcome="no_further_action", rationale=nfa_why
    )
    call = services.review_decide(actor=cast["supervisor"], call=call, decision="approve", rationale=WHY)
    assert call.status == "awaiting_review"
    with pytest.raises(services.CallError, match="second, different supervisor"):
        services.review_decide(actor=cast["supervisor"], call=call, decision="approve", rationale=WHY)
    call = services.review_decide(actor=cast["supervisor2"], call=call, decision="approve", rationale=WHY)
    assert call.status == "closed"


def test_a_standard_call_closes_directly_once_advice_is_recorded(
    make_call: Any, cast: dict[str, Any]
) -> None:
    call = make_call("SYNTHETIC. Mum worried about screen time; her son plays Minecraft with school friends.")
    assert call.risk == "standard" and status(call) == {"decisive_questions": "outstanding"}
    with pytest.raises(services.ClosureRefused) as exc:
        services.closure_request(actor=cast["handler"], call=call, outcome="advice_given", rationale=WHY)
    assert exc.value.outstanding == ("decisive_questions", "advice_given")
    support.advice_record(actor=cast["handler"], call=call, agencies=["internet_matters"], method="read_out")
    with pytest.raises(services.ClosureRefused) as exc:
        services.closure_request(actor=cast["handler"], call=call, outcome="advice_given", rationale=WHY)
    assert exc.value.outstanding == ("decisive_questions",)
    # "Don't know" is an answer: with no grooming sign it leaves the call standard, and it may close.
    call = answer_decisive(call, cast["handler"], **dict.fromkeys(DECISIVE_ANSWERS, "unknown"))
    assert call.risk == "standard" and status(call) == {"decisive_questions": "done"}
    call = services.closure_request(actor=cast["handler"], call=call, outcome="advice_given", rationale=WHY)
    assert call.status == "closed"


def test_an_emergency_needs_a_deployment_record(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call(
        "SYNTHETIC. Her daughter Amy (13) is missing now; she left to meet a 30 year old man tonight."
    )
    assert call.response == "emergency"
    assert status(call)["emergency_deployment"] == "outstanding"
    services.deployment_record(actor=cast["handler"], call=call, reference="SYN-INC-0042")
    assert status(call)["emergency_deployment"] == "done"


def test_not_applicable_needs_a_reason_and_the_packs_permission(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call()
    with pytest.raises(services.CallError, match="guidance requires it"):
        services.action_not_applicable(
            actor=cast["handler"], call=call, code="safeguarding_referral", reason=WHY
        )
    with pytest.raises(services.CallError) as exc:
        services.action_not_applicable(actor=cast["handler"], call=call, code="identifier_check", reason="no")
    assert exc.value.field == "reason"
    services.action_not_applicable(actor=cast["handler"], call=call, code="identifier_check", reason=WHY)
    action = RequiredAction.objects.get(call=call, code="identifier_check")
    assert (action.status, action.reason, action.done_by) == ("not_applicable", WHY, cast["handler"])
    services.identifier_checks_run_all(actor=cast["handler"], call=call)
    assert status(call)["identifier_check"] == "not_applicable"  # a person's decision is not undone


def test_lowering_risk_needs_a_rationale_and_below_the_engine_a_supervisor(
    make_call: Any, cast: dict[str, Any]
) -> None:
    call = make_call()
    with pytest.raises(services.CallError) as exc:
        services.risk_set(actor=cast["handler"], call=call, risk="medium", rationale=WHY)
    assert "supervisor" in str(exc.value)
    call = services.risk_set(actor=cast["supervisor"], call=call, risk="medium", rationale=WHY)
    assert call.risk == "medium" and call.engine_risk == "high"
    changed = AuditEvent.objects.get(call_id=call.pk, event_type="risk.changed")
    assert changed.before["risk"] == "high" and changed.after["risk"] == "medium" and changed.after["lowered"]
    assert status(call)["vulnerability_flag"] == "outstanding"  # actions once required stay


def test_a_stale_decision_is_refused_and_nothing_is_lost(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call()
    seen = call.version
    services.risk_set(
        actor=cast["supervisor"], call=call, risk="medium", rationale=WHY, expected_version=seen
    )
    with pytest.raises(services.CallError) as exc:
        services.risk_set(
            actor=cast["supervisor2"], call=call, risk="standard", rationale=WHY, expected_version=seen
        )
    assert exc.value.code == "stale" and "changed by someone else" in str(exc.value)
    call.refresh_from_db()
    assert call.risk == "medium"
    assert AuditEvent.objects.filter(call_id=call.pk, event_type="edit.stale_refused").count() == 1


def test_reminders_are_raised_once_for_overdue_work(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call()
    action = RequiredAction.objects.get(call=call, code="person_check")
    assert reminder_raise(kind="action", object_id=action.pk) == "not yet due"
    RequiredAction.objects.filter(pk=action.pk).update(due_at=timezone.now() - timedelta(minutes=5))
    assert reminder_raise(kind="action", object_id=action.pk).startswith("reminder raised")
    assert reminder_raise(kind="action", object_id=action.pk) == "already reminded"
    assert Reminder.objects.filter(call=call, subject="person_check").count() == 1
    services.person_check_run(actor=cast["handler"], call=call, query={"given_name": "Kai"}, subject="Kai")
    other = RequiredAction.objects.get(call=call, code="person_check")
    assert reminder_raise(kind="action", object_id=other.pk).startswith("nothing to remind")
    assert AuditEvent.objects.filter(event_type="reminder.raised", actor_label="task:remind").count() == 1


def test_reminders_are_enqueued_after_commit(make_call: Any, django_capture_on_commit_callbacks: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        make_call()
    queued = DBTaskResult.objects.filter(task_path="heed.calls.tasks.remind")
    assert queued.count() == 6  # one per required action with a due time
    assert all(t.run_after is not None for t in queued)


def test_contacts_past_their_review_date_are_shown_with_a_warning(
    make_call: Any, cast: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import date

    from django.test import Client

    from heed.support import sheets

    call = make_call()
    client = Client()
    client.force_login(cast["handler"])
    assert "data-review-overdue" not in client.get(f"/calls/{call.pk}/").content.decode()
    monkeypatch.setattr(sheets.timezone, "localdate", lambda: date(2030, 1, 1))
    page = client.get(f"/calls/{call.pk}/").content.decode()
    assert 'data-review-overdue="ceop"' in page and "due for review on 31 May 2027" in page


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
    client.force_login(cast["supervisor"])
    response = client.post(
        f"/calls/{call.pk}/notes/1", {"text": "SYNTHETIC. Dean, about 65.", "version": "1"}, follow=True
    )
    page = response.content.decode()
    assert "was corrected by t.handler" in page and "SYNTHETIC. Dean, about 65." in page  # the text is kept
    from heed.calls.selectors import current_entries

    assert current_entries(call)[0].text == "SYNTHETIC. Dean, about 45."


def test_answers_from_an_older_page_do_not_overwrite_newer_ones(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call("SYNTHETIC. Someone on Roblox keeps messaging her.")
    seen = call.version
    services.answers_record(
        actor=cast["handler"], call=call, answers={"asked_to_meet": "yes"}, expected_version=seen
    )
    with pytest.raises(services.CallError) as exc:
        services.answers_record(
            actor=cast["handler2"], call=call, answers={"asked_to_meet": "no"}, expected_version=seen
        )
    assert exc.value.code == "stale"
    call.refresh_from_db()
    assert call.answers["asked_to_meet"] == "yes"

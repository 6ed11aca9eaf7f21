"""Issue 8 §4 through the services and the pages: the decisive questions are asked first on every call, their
answers (audited, versioned) prove the `decisive_questions` action, and a call cannot close at standard risk
or with no further action until they are answered; the child's record age and "don't know" grade cautiously;
possible signs are questions to ask, never a grade."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from tests.closing import DECISIVE_ANSWERS, WHY, answer_decisive, do_everything, status
from tests.conftest import sign_in

from heed.audit.models import AuditEvent
from heed.audit.services import audit_verify
from heed.calls import services
from heed.calls.models import Call, RequiredAction
from heed.calls.presenters import possible_signs
from heed.risk import default_pack
from heed.support import services as support

pytestmark = pytest.mark.django_db
# SYNTHETIC: one grooming sign (gifts) and nothing else: standard for a 14-year-old.
GIFTS = "SYNTHETIC. Someone she met on Fortnite sent her game credit."
SCREEN_TIME = "SYNTHETIC. Mum worried about screen time; her son plays Minecraft with school friends."
DONT_KNOW = dict.fromkeys(DECISIVE_ANSWERS, "unknown")
NFA_WHY = WHY + " All checks done; CPT accepted the referral; parents supervising; no offence disclosed."
SIGN = {
    "indicator": "sexual_content",
    "label": "Sexual talk or requests for images",
    "question": "asked_for_images",
    "text": "Has the person asked for pictures or videos, or asked the child to go on webcam?",
    "evidence": {"start": 0, "end": 47, "text": "asked her to move the camera around her bedroom"},
    "reads_like": "asked her to go on webcam in her bedroom",
}


def reasons(call: Any) -> set[str]:
    return {r["rule"] for r in call.assessment["reasons"]}


# ------------------------------------------------------------------------------------- the required action


def test_every_call_requires_the_decisive_questions_and_they_cannot_be_waived(
    make_call: Any, cast: dict[str, Any]
) -> None:
    for narrative in (SCREEN_TIME, GIFTS, None):
        call = make_call(narrative)
        assert status(call)["decisive_questions"] == "outstanding"
        assert [q["id"] for q in call.assessment["decisive_questions"]] == list(DECISIVE_ANSWERS)
    with pytest.raises(services.CallError, match="guidance requires it") as exc:
        services.action_not_applicable(
            actor=cast["handler"], call=call, code="decisive_questions", reason=WHY
        )
    assert exc.value.code == "refused"
    assert status(call)["decisive_questions"] == "outstanding"


def test_the_action_is_done_once_every_decisive_question_has_an_answer_unknown_included(
    make_call: Any, cast: dict[str, Any]
) -> None:
    call = make_call(SCREEN_TIME)
    first = dict(list(DECISIVE_ANSWERS.items())[:-1])
    call = services.answers_record(
        actor=cast["handler"], call=call, answers=first, expected_version=call.version
    )
    assert status(call)["decisive_questions"] == "outstanding"
    last = list(DECISIVE_ANSWERS)[-1]
    call = services.answers_record(
        actor=cast["handler2"], call=call, answers={last: "unknown"}, expected_version=call.version
    )
    action = RequiredAction.objects.get(call=call, code="decisive_questions")
    assert (action.status, action.done_by, action.record_type) == ("done", cast["handler2"], "call")
    recorded = AuditEvent.objects.filter(call_id=call.pk, event_type="answers.recorded").order_by("seq")
    assert [(e.actor_label, e.after.get(last)) for e in recorded] == [
        ("t.handler", None),
        ("t.handler2", "unknown"),
    ]
    assert audit_verify().ok


def test_answers_given_when_the_call_is_opened_count(make_call: Any) -> None:
    call = make_call(SCREEN_TIME, answers=DONT_KNOW)
    assert status(call) == {"decisive_questions": "done"}


# ----------------------------------------------------------------------------------------------- grading


def test_an_unknown_answer_on_a_standard_call_with_a_grooming_sign_raises_it_to_medium(
    make_call: Any, cast: dict[str, Any]
) -> None:
    call = make_call(GIFTS)
    assert call.risk == "standard" and [i["code"] for i in call.assessment["indicators"]] == ["gifts"]
    call = services.answers_record(
        actor=cast["handler"], call=call, answers={"contact_age": "unknown"}, expected_version=call.version
    )
    assert call.risk == "medium" and "RISK-RAISE-DECISIVE-UNKNOWN" in reasons(call)
    assert status(call)["supervisor_review"] == "outstanding"  # medium: a supervisor reviews before closure


def test_unknown_answers_without_a_grooming_sign_leave_the_call_standard(
    make_call: Any, cast: dict[str, Any]
) -> None:
    call = answer_decisive(
        make_call(SCREEN_TIME), cast["handler"], **dict.fromkeys(DECISIVE_ANSWERS, "unknown")
    )
    assert call.risk == "standard" and "RISK-RAISE-DECISIVE-UNKNOWN" not in reasons(call)


def test_the_childs_record_age_under_13_raises_the_grade(make_call: Any) -> None:
    older = make_call(GIFTS, child_age=14)
    assert older.risk == "standard" and older.assessment["vulnerability"] == []
    younger = make_call(GIFTS, child_age=11)
    # Under 13 with a grooming sign is never standard, and a vulnerable child's medium case is high.
    assert younger.risk == "high"
    assert {"RISK-RAISE-UNDER13", "RISK-RAISE-VULNERABLE"} <= reasons(younger)
    assert younger.assessment["child_age"] == 11
    [vulnerable] = younger.assessment["vulnerability"]
    assert vulnerable["code"] == "under_13"
    assert vulnerable["evidence"] == [{"source": "record", "text": "the call's child record gives age 11"}]
    # The live panel's reading uses the record's age too.
    live, _ = services.live_assessment(younger, "SYNTHETIC. She says he is nice.")
    assert live is not None and live.risk == "high" and live.child_age == 11


# --------------------------------------------------------------------------------------------- the guard


def test_a_call_assessed_without_the_action_still_cannot_close_at_standard_risk(
    make_call: Any, cast: dict[str, Any]
) -> None:
    call = make_call(SCREEN_TIME)
    # As for a call assessed before the pack asked decisive questions: the action does not exist.
    RequiredAction.objects.filter(call=call, code="decisive_questions").delete()
    support.advice_record(actor=cast["handler"], call=call, agencies=["internet_matters"], method="read_out")
    with pytest.raises(services.ClosureRefused) as exc:
        services.closure_request(actor=cast["handler"], call=call, outcome="advice_given", rationale=WHY)
    assert exc.value.outstanding == ("decisive_questions",)
    refused = AuditEvent.objects.get(call_id=call.pk, event_type="closure.refused")
    assert refused.after["outstanding"] == ["decisive_questions"]
    call = answer_decisive(call, cast["handler"], **DONT_KNOW)
    call = services.closure_request(actor=cast["handler"], call=call, outcome="advice_given", rationale=WHY)
    assert call.status == "closed"


def test_no_further_action_is_not_approved_while_a_decisive_question_is_unanswered(
    make_call: Any, cast: dict[str, Any]
) -> None:
    call = make_call()
    do_everything(call, cast)
    call = services.closure_request(
        actor=cast["handler"], call=call, outcome="no_further_action", rationale=NFA_WHY
    )
    assert call.status == "awaiting_review"
    # As for a call sent for review before the pack asked decisive questions: none is answered.
    Call.objects.filter(pk=call.pk).update(answers={})
    with pytest.raises(services.ClosureRefused) as exc:
        services.review_decide(actor=cast["supervisor"], call=call, decision="approve", rationale=WHY)
    assert exc.value.outstanding == ("decisive_questions",)
    refused = AuditEvent.objects.get(call_id=call.pk, event_type="transition.refused")
    assert refused.after["outstanding"] == ["decisive_questions"] and refused.after["choice"] == "approve"
    call.refresh_from_db()
    assert call.status == "awaiting_review"
    call = services.review_decide(actor=cast["supervisor"], call=call, decision="return", rationale=WHY)
    assert call.status == "returned"
    answer_decisive(call, cast["handler"])
    call = services.closure_request(
        actor=cast["handler"], call=call, outcome="no_further_action", rationale=NFA_WHY
    )
    call = services.review_decide(actor=cast["supervisor"], call=call, decision="approve", rationale=WHY)
    call = services.review_decide(actor=cast["supervisor2"], call=call, decision="approve", rationale=WHY)
    assert call.status == "closed"


# ------------------------------------------------------------------------------------------------- pages


def _panel(page: str) -> str:
    return page[page.index('id="live-panel"') :]


def test_the_panel_asks_the_decisive_questions_first_with_answer_buttons(
    handler_client: Client, make_call: Any
) -> None:
    call = make_call()
    panel = _panel(handler_client.get(f"/calls/{call.pk}/").content.decode())
    # The danger signs come first (in view while typing), then the decisive questions, then the tasks.
    first = panel.index('id="decisive-questions"')
    assert panel.index("Danger signs") < first < panel.index("Before the call can close")
    assert "5 of 5 not answered" in panel
    for qid in DECISIVE_ANSWERS:
        assert f'data-decisive="{qid}" data-question="{qid}" data-answered="false"' in panel
    assert f'action="/calls/{call.pk}/answers"' in panel
    assert f'name="version" value="{call.version}"' in panel
    assert 'name="q_contact_age" value="unknown">Don&#x27;t know</button>' in panel
    assert 'name="q_whereabouts_now" value="on_way_to_meet">On way to meet</button>' in panel


def test_answering_from_the_panel_records_the_answer_and_marks_it(
    handler_client: Client, make_call: Any
) -> None:
    call = make_call()
    response = handler_client.post(
        f"/calls/{call.pk}/answers",
        {"q_contact_age": "unknown", "version": str(call.version), "anchor": "decisive-questions"},
    )
    # Back to the panel, at the next decisive question still to ask (the first in the pack's order).
    assert response["Location"].endswith("#ask-whereabouts_now")
    panel = _panel(handler_client.get(response["Location"]).content.decode())
    assert 'data-decisive="contact_age" data-question="contact_age" data-answered="true"' in panel
    assert "4 of 5 not answered" in panel
    assert "heed-answer--chosen" in panel and "(recorded)" in panel
    event = AuditEvent.objects.get(call_id=call.pk, event_type="answers.recorded")
    assert event.after["contact_age"] == "unknown" and event.actor_label == "t.handler"
    # An answer from a page older than the call is refused, not merged.
    stale = handler_client.post(
        f"/calls/{call.pk}/answers",
        {"q_threats": "no", "version": str(call.version), "anchor": "decisive-questions"},
        follow=True,
    )
    assert "changed by someone else" in stale.content.decode()
    call.refresh_from_db()
    assert "threats" not in call.answers


def test_an_unknown_anchor_goes_back_to_the_questions_form(handler_client: Client, make_call: Any) -> None:
    call = make_call()
    response = handler_client.post(
        f"/calls/{call.pk}/answers", {"q_threats": "no", "anchor": "https://example.invalid/"}
    )
    assert response["Location"].endswith(f"/calls/{call.pk}/#questions")


def test_all_answered_is_shown_and_a_reader_sees_the_answers_without_buttons(
    make_call: Any, cast: dict[str, Any]
) -> None:
    call = answer_decisive(make_call(), cast["handler"])
    client = Client()
    sign_in(client, cast["auditor"])
    panel = _panel(client.get(f"/calls/{call.pk}/").content.decode())
    start = panel.index('id="decisive-questions"')
    decisive = panel[start : panel.index("</section>", start)]
    assert "All answered" in decisive and 'data-answered="false"' not in decisive
    assert "heed-answer-buttons" not in panel and 'name="q_contact_age"' not in panel


def test_the_close_page_names_the_decisive_questions(handler_client: Client, make_call: Any) -> None:
    call = make_call(SCREEN_TIME)
    response = handler_client.post(
        f"/calls/{call.pk}/close", {"outcome": "advice_given", "rationale": WHY}, follow=True
    )
    page = response.content.decode()
    assert "cannot close while required actions are outstanding" in page
    assert ">Still to do: Ask the decisive questions</a>" in page
    assert ">Still to do: Record the advice given to the caller</a>" in page


def test_the_review_page_names_the_decisive_questions(make_call: Any, cast: dict[str, Any]) -> None:
    call = make_call()
    do_everything(call, cast)
    call = services.closure_request(
        actor=cast["handler"], call=call, outcome="no_further_action", rationale=NFA_WHY
    )
    Call.objects.filter(pk=call.pk).update(answers={})
    client = Client()
    sign_in(client, cast["supervisor"])
    response = client.post(
        f"/calls/{call.pk}/review",
        {"decision": "approve", "rationale": WHY, "version": str(call.version)},
        follow=True,
    )
    assert (
        '<a href="#decisive-questions">Still to do: Ask the decisive questions</a>'
        in response.content.decode()
    )
    call.refresh_from_db()
    assert call.status == "awaiting_review"


def test_the_childs_vulnerability_is_shown_near_the_risk(handler_client: Client, make_call: Any) -> None:
    call = make_call(GIFTS, child_age=11)
    panel = _panel(handler_client.get(f"/calls/{call.pk}/").content.decode())
    at = panel.index('data-vulnerability="under_13"')
    assert panel.index("heed-panel__grade") < at < panel.index("Before the call can close")
    assert "Child under 13" in panel and "the call&#x27;s child record gives age 11" in panel


# ---------------------------------------------------------------------------------------- possible signs


class _WithSigns:
    """An assessment as the engine will give it, with possible signs (read defensively until it does)."""

    def __init__(self, inner: Any, signs: list[Any]) -> None:
        self.inner, self.signs = inner, signs

    def to_dict(self) -> dict[str, Any]:
        return {**self.inner.to_dict(), "possible_signs": self.signs}


def test_possible_signs_are_shown_as_highlighted_questions_and_leave_the_grade(
    handler_client: Client, make_call: Any, monkeypatch: pytest.MonkeyPatch, cast: dict[str, Any]
) -> None:
    call = make_call(GIFTS)
    # An unsent draft is something new, so the page asks the engine (whose signs are injected here).
    services.draft_save(actor=cast["handler"], call=call, text="SYNTHETIC. She is on her phone a lot.")
    original = services.live_assessment
    unnamed = {**SIGN, "question": None, "indicator": "meeting", "label": "Meeting", "text": ""}
    secret = {**SIGN, "question": "secrecy", "indicator": "secrecy", "label": "Secrecy", "text": "Secret?"}

    def with_signs(*args: Any, **kwargs: Any) -> Any:
        live, segments = original(*args, **kwargs)
        signs = [SIGN, unnamed, secret, "not a sign", {"indicator": "no_such_sign"}]
        return _WithSigns(live, signs), segments

    monkeypatch.setattr(services, "live_assessment", with_signs)
    panel = _panel(handler_client.get(f"/calls/{call.pk}/").content.decode())
    signs = panel.index('id="possible-signs"')
    assert panel.index("Danger signs") < panel.index('id="decisive-questions"') < signs
    assert f"Possible sign: {SIGN['label']}</strong> — {SIGN['text']}" in panel
    assert "<q>asked her to move the camera around her bedroom</q>" in panel
    assert "reads like: “asked her to go on webcam in her bedroom”" in panel
    sign_html = panel[signs : panel.index("Before the call can close")]
    # A sign that names a decisive question points up to it rather than showing its buttons a second time.
    assert 'name="q_asked_for_images"' not in sign_html
    assert 'href="#decisive-questions">Answer it with the decisive questions above' in sign_html
    assert 'name="q_secrecy" value="yes"' in sign_html
    assert 'name="anchor" value="possible-signs"' in sign_html
    assert sign_html.count("data-possible-sign=") == 3  # the malformed entries are left out
    assert "Possible sign: Meeting</strong></legend>" in sign_html  # no question named: no buttons
    call.refresh_from_db()
    assert call.risk == "standard"


def test_possible_signs_are_read_defensively() -> None:
    pack = default_pack()
    assert possible_signs(pack, {}, None) == []
    assert possible_signs(pack, {}, {}) == []
    assert possible_signs(pack, {}, {"possible_signs": None}) == []
    assert possible_signs(pack, {}, {"possible_signs": "junk"}) == []
    [row] = possible_signs(pack, {"asked_for_images": "no"}, {"possible_signs": [SIGN, 3]})
    assert row["question"] == row["id"] == "asked_for_images" and row["answer"] == "no"
    assert row["answers"] == ["yes", "no", "unknown"] and row["evidence"] == SIGN["evidence"]
    # A sign naming a question the pack does not have is still shown, without answers to give.
    [bare] = possible_signs(pack, {}, {"possible_signs": [{"indicator": "gifts", "question": "nope"}]})
    assert bare["label"] == pack.indicators["gifts"].label and bare["question"] is None
    assert bare["answers"] == [] and bare["evidence"] is None and bare["text"] == ""

"""The API: the documented shapes, the same services as the pages, and errors that say what and where."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from tests.closing import DECISIVE_ANSWERS, do_everything

from heed.accounts.services import token_create
from heed.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(cast: dict[str, Any]) -> Any:
    def call(
        method: str, path: str, body: Any = None, persona: str = "handler", raw: str | None = None
    ) -> Any:
        client = Client()
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=cast[persona])}"}
        if method == "get":
            return client.get("/api/v1" + path, **headers)
        data = raw if raw is not None else json.dumps(body)
        return client.post("/api/v1" + path, data, content_type="application/json", **headers)

    return call


def test_the_seed_scenario_through_the_api(api: Any, demo_narrative: str) -> None:
    created = api(
        "post",
        "/calls",
        {
            "narrative": demo_narrative,
            "caller": {"name": "SYNTHETIC mother", "relation": "parent"},
            "child": {"name": "SAM", "age": 14},
            "answers": {"whereabouts_now": "safe"},
        },
    )
    assert created.status_code == 201
    call = created.json()
    assert call["risk"] == "high" and call["response"] == "priority"
    assert {"age_gap", "meeting", "secrecy"} <= {i["code"] for i in call["indicators"]}
    actions = {a["code"]: a["status"] for a in call["required_actions"]}
    assert actions["person_check"] == actions["identifier_check"] == "outstanding"
    assert "ceop" in call["suggested_agencies"]

    check = api(
        "post",
        f"/calls/{call['id']}/person-checks",
        {
            "given_name": "Kai",
            "age": 19,
            "town": "Maidstone",
            "phone": "07700 900123",
            "handle": "NightHawk",
            "platform": "xbox",
            "subject": "Kai",
        },
    )
    assert check.status_code == 201
    body = check.json()
    assert body["results"][0]["record_id"] == "SYN-DEMO-0001" and body["marker_alert"] is True
    assert body["results"][0]["markers"][0]["code"] == "CSX"
    assert {a["code"]: a["status"] for a in body["required_actions"]}["person_check"] == "done"

    idents = api("post", f"/calls/{call['id']}/identifier-checks", {"all": True})
    assert idents.status_code == 201
    assert {c["kind"] for c in idents.json()["checks"]} == {"handle", "phone"}

    note = api(
        "post",
        f"/calls/{call['id']}/notes",
        {"text": "CLR adds SAM is not answering his phone and may be on his way to meet Kai now."},
    )
    assert note.status_code == 201
    assert len(note.json()["notes"]) == 2

    got = api("get", f"/calls/{call['id']}")
    assert got.status_code == 200 and got.json()["version"] >= 2

    timeline = api("get", f"/calls/{call['id']}/timeline", persona="supervisor")
    kinds = [e["event_type"] for e in timeline.json()]
    for kind in (
        "call.created",
        "note.added",
        "call.assessed",
        "check.person",
        "check.identifier",
        "call.viewed",
    ):
        assert kind in kinds
    assert AuditEvent.objects.filter(call_id=call["id"], event_type="call.viewed", after__via="api").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"narrative": ""}, "narrative"),
        ({}, "narrative"),
        ({"narrative": "x", "child": {"age": 40}}, "child.age"),
        ({"narrative": "x", "caller": {"relation": "landlord"}}, "caller.relation"),
        ({"narrative": "x", "answers": {"asked_to_meet": "maybe"}}, "answers.asked_to_meet"),
        ({"narrative": "x", "colour": "red"}, "colour"),
        ({"narrative": "bad \u0000 byte"}, "narrative"),
        ({"narrative": 42}, "narrative"),
    ],
)
def test_validation_errors_are_422_with_field_and_reason(api: Any, body: dict[str, Any], field: str) -> None:
    response = api("post", "/calls", body)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert field in [e["field"] for e in errors]
    assert all(e["reason"] for e in errors)


@pytest.mark.parametrize("raw", ["not json", "[1, 2]", '{"narrative": "x"', ""])
def test_unreadable_bodies_are_client_errors_never_500(api: Any, raw: str) -> None:
    response = api("post", "/calls", raw=raw)
    assert 400 <= response.status_code < 500
    assert "detail" in response.json()


def test_person_check_errors_name_the_query_field(api: Any, make_call: Any) -> None:
    call = make_call()
    response = api(
        "post", f"/calls/{call.pk}/person-checks", {"given_name": "Kai", "date_of_birth": "2001-02-31"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.date_of_birth"
    nul = api("post", f"/calls/{call.pk}/person-checks", {"given_name": "Ka\u0000i"})
    assert nul.status_code == 422 and nul.json()["errors"][0]["field"] == "query.given_name"
    empty = api("post", f"/calls/{call.pk}/person-checks", {})
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "query"


def test_identifier_check_needs_kind_and_value(api: Any, make_call: Any) -> None:
    call = make_call()
    response = api("post", f"/calls/{call.pk}/identifier-checks", {"kind": "phone"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "value"


def test_a_bad_token_is_401_with_a_challenge() -> None:
    response = Client().get("/api/v1/calls/1", HTTP_AUTHORIZATION="Bearer heed_nonsense")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Bearer"


def test_the_openapi_schema_documents_the_422_shape() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    post = schema["paths"]["/api/v1/calls"]["post"]
    assert set(post["responses"]) >= {"201", "401", "404", "422"}
    error = schema["components"]["schemas"]["ErrorOut"]
    assert set(error["properties"]) == {"detail", "errors"}
    for path in (
        "/api/v1/calls/{call_id}/notes",
        "/api/v1/calls/{call_id}/answers",
        "/api/v1/calls/{call_id}/person-checks",
        "/api/v1/calls/{call_id}/identifier-checks",
        "/api/v1/calls/{call_id}/timeline",
    ):
        assert path in schema["paths"]


# ------------------------------------------------------------------------------ decisive questions (issue 8)

SCREEN_TIME = "SYNTHETIC. Mum worried about screen time; her son plays Minecraft with school friends."
WHY = "SYNTHETIC rationale long enough to be a real reason for this."


def test_closing_waits_for_the_decisive_questions_answered_through_the_answers_endpoint(api: Any) -> None:
    created = api("post", "/calls", {"narrative": SCREEN_TIME, "child": {"age": 14}})
    assert created.status_code == 201
    call = created.json()
    assert call["risk"] == "standard" and isinstance(call["possible_signs"], list)
    assert [(q["id"], q["answer"]) for q in call["decisive_questions"]] == [
        (qid, None) for qid in DECISIVE_ANSWERS
    ]
    contact_age = next(q for q in call["decisive_questions"] if q["id"] == "contact_age")
    assert contact_age["indicator"] == "age_gap" and "unknown" in contact_age["answers"]
    cid = call["id"]
    advice = api("post", f"/calls/{cid}/advice", {"agencies": ["internet_matters"], "method": "sms"})
    assert advice.status_code == 201

    def close() -> Any:
        return api("post", f"/calls/{cid}/close", {"outcome": "advice_given", "rationale": WHY})

    refused = close()
    assert refused.status_code == 409 and refused.json()["outstanding"] == ["decisive_questions"]
    version = api("get", f"/calls/{cid}").json()["version"]
    dont_know = dict.fromkeys(DECISIVE_ANSWERS, "unknown")
    answered = api("post", f"/calls/{cid}/answers", {"answers": dont_know, "version": version})
    assert answered.status_code == 200, answered.content
    body = answered.json()
    assert body["answers"] == dont_know and body["risk"] == "standard"
    assert all(q["answer"] == "unknown" for q in body["decisive_questions"])
    assert {a["code"]: a["status"] for a in body["required_actions"]}["decisive_questions"] == "done"
    closed = close()
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    recorded = AuditEvent.objects.get(call_id=cid, event_type="answers.recorded")
    assert (recorded.actor_label, recorded.before, recorded.after) == ("t.handler", {}, dont_know)


def test_the_childs_age_and_a_dont_know_show_in_the_grade(api: Any) -> None:
    gifts = "SYNTHETIC. Someone she met on Fortnite sent her game credit."
    younger = api("post", "/calls", {"narrative": gifts, "child": {"age": 11}}).json()
    assert younger["risk"] == "high"
    assert [v["code"] for v in younger["vulnerability"]] == ["under_13"]
    older = api("post", "/calls", {"narrative": gifts, "child": {"age": 14}}).json()
    assert older["risk"] == "standard" and older["vulnerability"] == []
    raised = api("post", f"/calls/{older['id']}/answers", {"answers": {"contact_age": "unknown"}})
    assert raised.status_code == 200 and raised.json()["risk"] == "medium"
    assert "RISK-RAISE-DECISIVE-UNKNOWN" in {r["rule"] for r in raised.json()["reasons"]}


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"answers": {"nope": "yes"}}, 422, "answers.nope"),
        ({"answers": {"threats": "perhaps"}}, 422, "answers.threats"),
        ({"answers": {"threats": "no"}, "version": 1}, 409, "version"),
        ({"answers": {"threats": "no"}, "version": "one"}, 422, "version"),
        ({"answers": {"threats": "no"}, "extra": 1}, 422, "extra"),
        ({}, 422, "answers"),
    ],
)
def test_answer_errors_name_the_field(
    api: Any, make_call: Any, body: dict[str, Any], status: int, field: str
) -> None:
    call = make_call()
    response = api("post", f"/calls/{call.pk}/answers", body)
    assert response.status_code == status, response.content
    assert field in [e["field"] for e in response.json()["errors"]]
    call.refresh_from_db()
    assert "threats" not in call.answers


def test_answers_are_refused_once_the_call_is_closed(api: Any, make_call: Any) -> None:
    call = make_call()
    call.status = "closed"
    call.save(update_fields=["status"])
    response = api("post", f"/calls/{call.pk}/answers", {"answers": {"threats": "no"}})
    assert response.status_code == 409 and "closed" in response.json()["detail"]


def test_possible_signs_in_the_call_detail(api: Any, make_call: Any) -> None:
    from heed.calls.models import Call

    call = make_call(answers={"asked_for_images": "no"})
    sign = {
        "indicator": "sexual_content",
        "label": "Sexual talk or requests for images",
        "question": "asked_for_images",
        "text": "Has the person asked for pictures or videos?",
        "evidence": {"start": 3, "end": 50, "text": "asked her to move the camera around her bedroom"},
        "reads_like": "asked her to go on webcam in her bedroom",
    }
    Call.objects.filter(pk=call.pk).update(assessment={**call.assessment, "possible_signs": [sign, "junk"]})
    got = api("get", f"/calls/{call.pk}")
    assert got.status_code == 200
    assert got.json()["possible_signs"] == [{**sign, "answer": "no"}]


def test_the_review_endpoint_refuses_no_further_action_while_a_decisive_question_is_unanswered(
    api: Any, make_call: Any, cast: dict[str, Any]
) -> None:
    from heed.calls import services
    from heed.calls.models import Call

    call = make_call()
    do_everything(call, cast)
    nfa = WHY + " All checks done; CPT accepted the referral; parents supervising; no offence disclosed."
    services.closure_request(actor=cast["handler"], call=call, outcome="no_further_action", rationale=nfa)
    # As for a call sent for review before the pack asked decisive questions.
    Call.objects.filter(pk=call.pk).update(answers={})
    response = api(
        "post", f"/calls/{call.pk}/reviews", {"decision": "approve", "rationale": WHY}, persona="supervisor"
    )
    assert response.status_code == 409
    assert response.json()["outstanding"] == ["decisive_questions"]

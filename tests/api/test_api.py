"""The API: the documented shapes, the same services as the pages, and errors that say what and where."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

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
        "/api/v1/calls/{call_id}/person-checks",
        "/api/v1/calls/{call_id}/identifier-checks",
        "/api/v1/calls/{call_id}/timeline",
    ):
        assert path in schema["paths"]

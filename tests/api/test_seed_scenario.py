"""The seed scenario end to end through the API: closure refused until the person check, the identifier
check, CEOP advice and the referral (and, at high risk, the vulnerability flag) are recorded; then review;
the same user cannot approve; a supervisor approves; the timeline shows every step; the audit chain holds."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from tests.closing import DECISIVE_ANSWERS, do_everything

from heed.accounts.services import token_create
from heed.audit.services import audit_verify

pytestmark = pytest.mark.django_db
WHY = "SYNTHETIC: checks done, marker found, CPT referral sent, caller given CEOP and NSPCC."


@pytest.fixture
def as_(cast: dict[str, Any]) -> Any:
    tokens: dict[str, str] = {}

    def request(persona: str, method: str, path: str, body: Any = None) -> Any:
        tokens.setdefault(persona, token_create(user=cast[persona]))
        headers = {"HTTP_AUTHORIZATION": f"Bearer {tokens[persona]}"}
        if method == "get":
            return Client().get("/api/v1" + path, **headers)
        return Client().post("/api/v1" + path, json.dumps(body), content_type="application/json", **headers)

    return request


def test_seed_scenario(as_: Any, demo_narrative: str) -> None:
    call = as_(
        "handler", "post", "/calls", {"narrative": demo_narrative, "child": {"name": "SAM", "age": 14}}
    ).json()
    cid = call["id"]
    assert call["risk"] == "high" and "ceop" in call["suggested_agencies"]

    def close() -> Any:
        return as_("handler", "post", f"/calls/{cid}/close", {"outcome": "referred", "rationale": WHY})

    refused = close()
    assert refused.status_code == 409
    assert set(refused.json()["outstanding"]) == {
        "decisive_questions",
        "person_check",
        "identifier_check",
        "specialist_advice",
        "safeguarding_referral",
        "vulnerability_flag",
    }

    # The decisive questions, asked first, answered through the answers endpoint.
    assert [q["answer"] for q in call["decisive_questions"]] == [None] * len(DECISIVE_ANSWERS)
    answered = as_(
        "handler", "post", f"/calls/{cid}/answers", {"answers": DECISIVE_ANSWERS, "version": call["version"]}
    )
    assert answered.status_code == 200, answered.content
    assert {q["id"]: q["answer"] for q in answered.json()["decisive_questions"]} == DECISIVE_ANSWERS
    left = close()
    assert left.status_code == 409 and "decisive_questions" not in left.json()["outstanding"]

    steps: list[tuple[str, dict[str, Any], str]] = [
        (
            "person-checks",
            {"given_name": "Kai", "age": 19, "town": "Maidstone", "phone": "07700 900123", "subject": "Kai"},
            "person_check",
        ),
        ("identifier-checks", {"all": True}, "identifier_check"),
        ("advice", {"agencies": ["ceop", "nspcc"], "method": "read_out"}, "specialist_advice"),
        ("referrals", {"to": "child_protection_team", "reason": WHY}, "safeguarding_referral"),
        (
            "vulnerability-flag",
            {"reason": "SYNTHETIC: adult grooming, meeting offered"},
            "vulnerability_flag",
        ),
    ]
    for path, body, code in steps:
        response = as_("handler", "post", f"/calls/{cid}/{path}", body)
        assert response.status_code == 201, response.content
        left = close()
        if code != "vulnerability_flag":
            assert left.status_code == 409 and code not in left.json()["outstanding"]
    assert left.status_code == 200 and left.json()["status"] == "awaiting_review"

    # The handler is not a supervisor: the review endpoint answers as for a call that does not exist.
    assert (
        as_("handler", "post", f"/calls/{cid}/reviews", {"decision": "approve", "rationale": WHY}).status_code
        == 404
    )
    approved = as_("supervisor", "post", f"/calls/{cid}/reviews", {"decision": "approve", "rationale": WHY})
    assert approved.status_code == 200 and approved.json()["status"] == "closed"
    done = {a["code"]: a["status"] for a in approved.json()["required_actions"]}
    assert set(done.values()) == {"done"}

    timeline = [e["event_type"] for e in as_("auditor", "get", f"/calls/{cid}/timeline").json()]
    for kind in (
        "call.created",
        "call.assessed",
        "closure.refused",
        "answers.recorded",
        "check.person",
        "check.identifier",
        "advice.recorded",
        "referral.made",
        "vulnerability.flagged",
        "closure.requested",
        "review.decided",
    ):
        assert kind in timeline, kind
    assert (
        timeline.index("closure.refused")
        < timeline.index("check.person")
        < timeline.index("closure.requested")
    )
    assert timeline.index("closure.requested") < timeline.index("review.decided")
    assert audit_verify().ok


def test_a_supervisor_who_took_the_call_cannot_approve_it(
    as_: Any, demo_narrative: str, cast: dict[str, Any]
) -> None:
    from heed.calls.models import Call

    cid = as_("supervisor", "post", "/calls", {"narrative": demo_narrative}).json()["id"]
    do_everything(Call.objects.get(pk=cid), cast)
    assert (
        as_(
            "supervisor", "post", f"/calls/{cid}/close", {"outcome": "referred", "rationale": WHY}
        ).status_code
        == 200
    )
    own = as_("supervisor", "post", f"/calls/{cid}/reviews", {"decision": "approve", "rationale": WHY})
    assert own.status_code == 409 and "cannot review" in own.json()["detail"]
    other = as_("supervisor2", "post", f"/calls/{cid}/reviews", {"decision": "approve", "rationale": WHY})
    assert other.status_code == 200 and other.json()["status"] == "closed"


def test_a_stale_version_is_409_and_changes_nothing(as_: Any, demo_narrative: str) -> None:
    call = as_("handler", "post", "/calls", {"narrative": demo_narrative}).json()
    cid, seen = call["id"], call["version"]
    first = as_(
        "supervisor", "post", f"/calls/{cid}/risk", {"risk": "medium", "rationale": WHY, "version": seen}
    )
    assert first.status_code == 200
    second = as_(
        "supervisor2", "post", f"/calls/{cid}/risk", {"risk": "standard", "rationale": WHY, "version": seen}
    )
    assert second.status_code == 409
    assert second.json()["errors"][0]["field"] == "version"
    assert as_("handler", "get", f"/calls/{cid}").json()["risk"] == "medium"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("advice", {"agencies": ["ceop"], "method": "pigeon"}, "method"),
        ("advice", {"agencies": ["mi5"], "method": "sms"}, "agencies"),
        ("referrals", {"to": "the_press", "reason": WHY}, "to"),
        ("referrals", {"to": "mash", "reason": "short"}, "reason"),
        ("close", {"outcome": "shrug", "rationale": WHY}, "outcome"),
        ("close", {"outcome": "referred", "rationale": "ok"}, "rationale"),
        ("actions/identifier_check", {"status": "done", "reason": WHY}, "status"),
        ("actions/identifier_check", {"status": "not_applicable", "reason": "x"}, "reason"),
        ("risk", {"risk": "extreme", "rationale": WHY}, "risk"),
    ],
)
def test_decision_errors_name_the_field(
    as_: Any, make_call: Any, path: str, body: dict[str, Any], field: str
) -> None:
    call = make_call()
    response = as_("handler", "post", f"/calls/{call.pk}/{path}", body)
    assert response.status_code == 422, response.content
    assert field in [e["field"] for e in response.json()["errors"]]

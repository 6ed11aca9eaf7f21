"""The permission matrix: every page and API endpoint, for every persona of the cast.

"Not found" and "not allowed" must look the same (404), a call of another force is never shown, and
anonymous users are sent to sign in (pages) or get 401 (API). A test below fails when an endpoint is added
without a row here.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from heed.accounts.services import token_create

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "handler", "supervisor", "safeguarding", "auditor", "admin", "other_handler")
VIEWERS = {"handler", "supervisor", "safeguarding", "auditor"}
EDITORS = {"handler", "supervisor"}
TIMELINE = {"supervisor", "auditor"}
REVIEWERS = {"supervisor"}
QUEUE = {"supervisor", "auditor"}
REFERRALS = {"safeguarding", "supervisor"}
WHY = "SYNTHETIC reason long enough to be a real reason."

# (name, method, path template, body, who may, status when allowed). The other force's handler may take
# calls of their own force (new, create) but never reach this force's call.
PAGES: list[tuple[str, str, str, dict[str, Any] | None, set[str], int]] = [
    ("calls:list", "get", "/calls/", None, VIEWERS | {"admin", "other_handler"}, 200),
    ("calls:new", "get", "/calls/new", None, EDITORS | {"other_handler"}, 200),
    (
        "calls:new.post",
        "post",
        "/calls/new",
        {"narrative": "SYNTHETIC. Worried."},
        EDITORS | {"other_handler"},
        302,
    ),
    ("calls:detail", "get", "/calls/{id}/", None, VIEWERS, 200),
    ("calls:draft", "post", "/calls/{id}/draft", {"text": "He asked for pics"}, EDITORS, 200),
    ("calls:note_add", "post", "/calls/{id}/notes", {"text": "SYNTHETIC more"}, EDITORS, 302),
    ("calls:note_edit", "post", "/calls/{id}/notes/1", {"text": "SYNTHETIC fixed"}, EDITORS, 302),
    ("calls:answers", "post", "/calls/{id}/answers", {"q_asked_to_meet": "yes"}, EDITORS, 302),
    (
        "calls:person_check",
        "post",
        "/calls/{id}/person-check",
        {"given_name": "Kai", "subject": "Kai"},
        EDITORS,
        302,
    ),
    ("calls:identifier_check", "post", "/calls/{id}/identifier-check", {"all": "1"}, EDITORS, 302),
    ("calls:timeline", "get", "/calls/{id}/timeline", None, TIMELINE, 200),
    ("calls:close", "post", "/calls/{id}/close", {"outcome": "referred", "rationale": WHY}, EDITORS, 302),
    ("calls:review", "post", "/calls/{id}/review", {"decision": "approve", "rationale": WHY}, REVIEWERS, 302),
    ("calls:risk", "post", "/calls/{id}/risk", {"risk": "high", "rationale": WHY}, EDITORS, 302),
    ("calls:not_applicable", "post", "/calls/{id}/actions/person_check", {"reason": WHY}, EDITORS, 302),
    ("calls:deployment", "post", "/calls/{id}/deployment", {"reference": "INC-1"}, EDITORS, 302),
    ("calls:vulnerability_flag", "post", "/calls/{id}/vulnerability-flag", {"reason": WHY}, EDITORS, 302),
    (
        "calls:advice",
        "post",
        "/calls/{id}/advice",
        {"agencies": ["ceop"], "method": "read_out"},
        EDITORS,
        302,
    ),
    ("calls:advice_sheet", "get", "/calls/{id}/advice-sheet.pdf", None, VIEWERS, 200),
    ("calls:advice_text", "get", "/calls/{id}/advice-sheet.txt", None, VIEWERS, 200),
    ("calls:referral", "post", "/calls/{id}/referrals", {"to": "mash", "reason": WHY}, EDITORS, 302),
    ("queue", "get", "/queue", None, QUEUE, 200),
    ("referrals", "get", "/referrals/", None, REFERRALS, 200),
    ("referral_status", "post", "/referrals/{rid}/status", {"status": "accepted"}, REFERRALS, 302),
]
API: list[tuple[str, str, str, dict[str, Any] | None, set[str], int]] = [
    (
        "api:create_call",
        "post",
        "/api/v1/calls",
        {"narrative": "SYNTHETIC. Worried."},
        EDITORS | {"other_handler"},
        201,
    ),
    ("api:get_call", "get", "/api/v1/calls/{id}", None, VIEWERS, 200),
    ("api:add_note", "post", "/api/v1/calls/{id}/notes", {"text": "SYNTHETIC more"}, EDITORS, 201),
    (
        "api:answers",
        "post",
        "/api/v1/calls/{id}/answers",
        {"answers": {"asked_to_meet": "yes"}},
        EDITORS,
        200,
    ),
    ("api:person_check", "post", "/api/v1/calls/{id}/person-checks", {"given_name": "Kai"}, EDITORS, 201),
    ("api:identifier_checks", "post", "/api/v1/calls/{id}/identifier-checks", {"all": True}, EDITORS, 201),
    ("api:timeline", "get", "/api/v1/calls/{id}/timeline", None, TIMELINE, 200),
    (
        "api:advice",
        "post",
        "/api/v1/calls/{id}/advice",
        {"agencies": ["ceop"], "method": "sms"},
        EDITORS,
        201,
    ),
    ("api:referral", "post", "/api/v1/calls/{id}/referrals", {"to": "mash", "reason": WHY}, EDITORS, 201),
    (
        "api:action",
        "post",
        "/api/v1/calls/{id}/actions/person_check",
        {"status": "not_applicable", "reason": WHY},
        EDITORS,
        200,
    ),
    (
        "api:close",
        "post",
        "/api/v1/calls/{id}/close",
        {"outcome": "referred", "rationale": WHY},
        EDITORS,
        409,
    ),
    (
        "api:review",
        "post",
        "/api/v1/calls/{id}/reviews",
        {"decision": "approve", "rationale": WHY},
        REVIEWERS,
        409,
    ),
    ("api:risk", "post", "/api/v1/calls/{id}/risk", {"risk": "high", "rationale": WHY}, EDITORS, 200),
    ("api:deployment", "post", "/api/v1/calls/{id}/deployments", {"reference": "INC-1"}, EDITORS, 201),
    ("api:flag", "post", "/api/v1/calls/{id}/vulnerability-flag", {"reason": WHY}, EDITORS, 201),
    ("api:referral_status", "post", "/api/v1/referrals/{rid}/status", {"status": "accepted"}, REFERRALS, 200),
    ("api:queue", "get", "/api/v1/queue", None, QUEUE, 200),
]
# Pages that are not about a call and are checked elsewhere (sign-in, health, the OpenAPI schema).
NOT_CALL_PAGES = {"home", "login", "logout", "healthz", "api:openapi-json", "api:api-root"}


def _names(resolver: URLResolver, prefix: str = "") -> set[str]:
    out: set[str] = set()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{p.namespace}:" if p.namespace else prefix
            out |= _names(p, ns)
        elif isinstance(p, URLPattern) and p.name:
            out.add(prefix + p.name)
    return out


def test_every_endpoint_has_a_row_in_the_matrix() -> None:
    covered = {name.split(".")[0] for name, *_ in PAGES + API} | NOT_CALL_PAGES
    assert _names(get_resolver()) - covered == set()


@pytest.fixture
def call(make_call: Any) -> Any:
    return make_call()


@pytest.fixture
def rid(call: Any, cast: dict[str, Any]) -> int:
    from heed.support.services import referral_make

    return int(referral_make(actor=cast["handler2"], call=call, to="child_protection_team", reason=WHY).pk)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("row", PAGES, ids=[r[0] + ":" + r[1] for r in PAGES])
def test_pages(row: Any, persona: str, cast: dict[str, Any], call: Any, rid: int) -> None:
    name, method, path, body, allowed, ok = row
    client = Client()
    if persona != "anonymous":
        client.force_login(cast[persona])
    response = getattr(client, method)(path.format(id=call.pk, rid=rid), body or {})
    if persona == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/login")
    elif persona in allowed:
        assert response.status_code == ok, response.content[:300]
    else:
        assert response.status_code == 404
    if persona == "other_handler":
        assert call.reference not in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("row", API, ids=[r[0] for r in API])
def test_api(row: Any, persona: str, cast: dict[str, Any], call: Any, rid: int) -> None:
    name, method, path, body, allowed, ok = row
    headers = {}
    if persona != "anonymous":
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token_create(user=cast[persona])}"
    client = Client()
    url = path.format(id=call.pk, rid=rid)
    if method == "get":
        response = client.get(url, **headers)
    else:
        response = client.post(url, json.dumps(body), content_type="application/json", **headers)
    if persona == "anonymous":
        assert response.status_code == 401
    elif persona in allowed:
        assert response.status_code == ok, response.content[:300]
    else:
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found.", "errors": []}
    if persona == "other_handler":
        assert call.reference not in response.content.decode()


def test_missing_and_forbidden_look_the_same(cast: dict[str, Any], call: Any) -> None:
    other = Client()
    other.force_login(cast["other_handler"])
    forbidden = other.get(f"/calls/{call.pk}/")
    missing = other.get(f"/calls/{call.pk + 1000}/")
    assert forbidden.status_code == missing.status_code == 404

    def scrub(body: bytes) -> str:
        # Per-request values (CSRF token, request id) differ between any two responses.
        text = re.sub(r'"X-CSRFToken": "[^"]+"', "", body.decode())
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
        return re.sub(r"Request [0-9a-f]{12}\.", "", text)

    assert scrub(forbidden.content) == scrub(missing.content)


def test_the_other_forces_list_does_not_show_the_call(cast: dict[str, Any], call: Any) -> None:
    client = Client()
    client.force_login(cast["other_handler"])
    assert call.reference not in client.get("/calls/").content.decode()
    client.force_login(cast["handler"])
    assert call.reference in client.get("/calls/").content.decode()

"""The permission matrix: every page and API endpoint, for every persona of the cast.

"Not found" and "not allowed" must look the same (404), a call of another force is never shown, and
anonymous users are sent to sign in (pages) or get 401 (API). A test below fails when an endpoint is added
without a row here. Personas sign in as they really do (with a verified second factor where their role needs
one); separately, every page refuses each such role until it has verified.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from heed.accounts.roles import MFA_REQUIRED_ROLES
from heed.accounts.services import token_create
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

PERSONAS = (
    "anonymous",
    "handler",
    "supervisor",
    "safeguarding",
    "auditor",
    "admin",
    "trainer",
    "other_handler",
    "other_admin",
    "national",
    "owner",
)
# The personas whose role must verify a second factor before reaching anything.
MFA_PERSONAS = ("supervisor", "safeguarding", "auditor", "admin", "trainer", "national", "owner")
ADMIN = {"admin"}
# Either force's administrator has a user list and may add users (to their own force).
ADMINS = {"admin", "other_admin"}
NATIONAL = {"national"}
OWNER = {"owner"}
# Guidance: the force administrator governs it; the look-back queue is the safeguarding officers'; either
# force's administrator and officers see look-back runs of their own force.
LOOKBACK = {"safeguarding"}
LOOKBACK_RUNS = {"safeguarding", "admin"}
VIEWERS = {"handler", "supervisor", "safeguarding", "auditor"}
EDITORS = {"handler", "supervisor"}
TIMELINE = {"supervisor", "auditor"}
REVIEWERS = {"supervisor"}
QUEUE = {"supervisor", "auditor"}
REFERRALS = {"safeguarding", "supervisor"}
# Everyone of a force trains; an attempt is its trainee's alone ({aid}: the TST handler's, unassisted).
TRAINEES = {
    "handler",
    "supervisor",
    "safeguarding",
    "auditor",
    "admin",
    "trainer",
    "other_handler",
    "other_admin",
}
TRAINEE = {"handler"}
TRAINING_TEAM = {"supervisor", "trainer"}
TRAINERS = {"trainer"}
# Compliance: supervisors and auditors see the figures and the dip sample; only supervisors draw and review.
COMPLIANCE = {"supervisor", "auditor"}
DIP = {"supervisor"}
DIP_YES = dict.fromkeys(
    ("signs_recognised", "checks_done", "advice_recorded", "grade_right", "rationale_adequate"), "yes"
)
WHY = "SYNTHETIC reason long enough to be a real reason."

# (name, method, path template, body, who may, status when allowed). The other force's handler may take
# calls of their own force (new, create) but never reach this force's call.
PAGES: list[tuple[str, str, str, dict[str, Any] | None, set[str], int]] = [
    (
        "calls:list",
        "get",
        "/calls/",
        None,
        VIEWERS | {"admin", "trainer", "other_handler", "other_admin", "national", "owner"},
        200,
    ),
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
    # User administration: a force administrator, their own force's users only ({uid} is a TST user, which
    # the other force's administrator never reaches nor sees).
    ("users:list", "get", "/users/", None, ADMINS, 200),
    ("users:new", "get", "/users/new", None, ADMINS, 200),
    ("users:new.post", "post", "/users/new", {"username": "t.new", "role": "handler"}, ADMINS, 200),
    ("users:detail", "get", "/users/{uid}/", None, ADMIN, 200),
    ("users:role", "post", "/users/{uid}/role", {"role": "auditor"}, ADMIN, 302),
    ("users:active", "post", "/users/{uid}/active", {"active": "0"}, ADMIN, 302),
    ("users:mfa_reset", "post", "/users/{uid}/mfa-reset", None, ADMIN, 302),
    ("users:password_link", "post", "/users/{uid}/password-link", None, ADMIN, 200),
    # Teams: each force administrator makes their own force's; a user's team is set on their page ({uid}).
    ("users:teams", "get", "/users/teams", None, ADMINS, 200),
    ("users:teams.post", "post", "/users/teams", {"name": "SYNTHETIC watch"}, ADMINS, 302),
    ("users:team", "post", "/users/{uid}/team", {"team": ""}, ADMIN, 302),
    # Training.
    ("training:library", "get", "/training/", None, TRAINEES, 200),
    (
        "training:start",
        "post",
        "/training/start",
        {"scenario": "seed-case", "mode": "assisted"},
        TRAINEES,
        302,
    ),
    ("training:ask", "post", "/training/attempts/{aid}/ask", {"question": "threats"}, TRAINEE, 302),
    ("training:signs", "post", "/training/attempts/{aid}/signs", {"signs": ["gifts"]}, TRAINEE, 302),
    ("training:finish", "post", "/training/attempts/{aid}/finish", None, TRAINEE, 302),
    # Unfinished: its trainee is sent back to the call; a reader sees only a finished attempt's result.
    ("training:result", "get", "/training/attempts/{aid}/", None, TRAINEE, 302),
    # Training records, the team, the cohort and authoring ({cid}: the TST handler's certificate; {sid}: a
    # draft scenario of the TST trainer's).
    ("training_records:me", "get", "/training/me", None, TRAINEES, 200),
    ("training_records:certificate", "get", "/training/certificates/{cid}", None, TRAINEE, 200),
    ("training_records:certificate_pdf", "get", "/training/certificates/{cid}.pdf", None, TRAINEE, 200),
    ("training_records:team", "get", "/training/team", None, TRAINING_TEAM, 200),
    ("training_records:cohort", "get", "/training/cohort", None, TRAINERS, 200),
    ("training_records:cohort_csv", "get", "/training/cohort.csv", None, TRAINERS, 200),
    ("training_records:authoring", "get", "/training/authoring/", None, TRAINERS, 200),
    ("training_records:authoring.post", "post", "/training/authoring/", {"text": "id: x"}, TRAINERS, 200),
    ("training_records:authored", "get", "/training/authoring/{sid}/", None, TRAINERS, 200),
    ("training_records:authored_publish", "post", "/training/authoring/{sid}/publish", None, TRAINERS, 302),
    ("training_records:authored_withdraw", "post", "/training/authoring/{sid}/withdraw", None, TRAINERS, 302),
    ("compliance:dashboard", "get", "/compliance/", None, COMPLIANCE, 200),
    ("compliance:calls", "get", "/compliance/calls?figure=calls", None, COMPLIANCE, 200),
    ("compliance_csv", "get", "/compliance.csv", None, COMPLIANCE, 200),
    # A team's figures ({tid}: a team of TST's): the same people as the force's.
    ("compliance:dashboard.team", "get", "/compliance/?team={tid}", None, COMPLIANCE, 200),
    ("compliance:calls.team", "get", "/compliance/calls?figure=calls&team={tid}", None, COMPLIANCE, 200),
    ("compliance_csv.team", "get", "/compliance.csv?team={tid}", None, COMPLIANCE, 200),
    ("compliance:dip", "get", "/compliance/dip/", None, COMPLIANCE, 200),
    ("compliance:dip_draw", "post", "/compliance/dip/draw", {"month": "2026-09"}, DIP, 302),
    ("compliance:dip_sample", "get", "/compliance/dip/{dsid}", None, COMPLIANCE, 200),
    (
        "compliance:dip_sample.post",
        "post",
        "/compliance/dip/{dsid}",
        {**DIP_YES, "note": WHY, "expected_version": "0"},
        DIP,
        302,
    ),
    # Guidance in force, shadow runs, adoption, local additions; the national owner's page.
    ("guidance:overview", "get", "/guidance/", None, ADMINS, 200),
    ("guidance:install", "post", "/guidance/install", None, ADMINS | OWNER, 302),
    ("guidance:diff", "get", "/guidance/versions/{ver}/diff", None, ADMINS | OWNER, 200),
    ("guidance:shadow_start", "post", "/guidance/shadow", {"version": "0.0.0", "days": "30"}, ADMINS, 302),
    ("guidance:shadow", "get", "/guidance/shadow/{shid}", None, ADMIN, 200),
    ("guidance:adopt", "post", "/guidance/shadow/{shid}/adopt", {"rationale": WHY}, ADMIN, 302),
    ("guidance:local", "get", "/guidance/local", None, ADMINS, 200),
    (
        "guidance:local.post",
        "post",
        "/guidance/local",
        {"file-questions.yaml": "questions: {}\n", "statement": WHY},
        ADMINS,
        302,
    ),
    (
        "guidance:local_clear",
        "post",
        "/guidance/local/clear",
        {"file": "agencies.yaml", "section": "agencies", "code": "none"},
        ADMINS,
        302,
    ),
    ("guidance:national", "get", "/guidance/national", None, OWNER, 200),
    # The look-back: its queue and findings (safeguarding officers), its runs (and the force administrator).
    ("lookback:queue", "get", "/lookback/", None, LOOKBACK_RUNS | {"other_admin"}, 200),
    (
        "lookback:start",
        "post",
        "/lookback/start",
        {"since": "2026-01-01"},
        LOOKBACK_RUNS | {"other_admin"},
        302,
    ),
    ("lookback:run", "get", "/lookback/runs/{lrid}", None, LOOKBACK_RUNS, 200),
    ("lookback:item", "get", "/lookback/{lid}", None, LOOKBACK, 200),
    (
        "lookback:item.post",
        "post",
        "/lookback/{lid}",
        {"outcome": "action_taken", "note": WHY},
        LOOKBACK,
        302,
    ),
    # Lessons notices: the national owner publishes national ones; force administrators respond and assign.
    ("notices:list", "get", "/notices/", None, ADMINS | OWNER, 200),
    (
        "notices:list.post",
        "post",
        "/notices/",
        {
            "title": "SYNTHETIC",
            "what_happened": WHY,
            "what_must_change": WHY,
            "forces_must": WHY,
            "due": "2099-12-31",
        },
        ADMINS | OWNER,
        302,
    ),
    ("notices:detail", "get", "/notices/{nid}/", None, ADMINS | OWNER, 200),
    ("notices:respond", "post", "/notices/{nid}/respond", {"acknowledge": "1"}, ADMINS, 302),
    (
        "notices:assign",
        "post",
        "/notices/{nid}/assign",
        {"role": "handler", "scenario": "seed-case", "due": "2099-12-31"},
        ADMINS,
        302,
    ),
    # National statistics: the national owner alone (the figures of every force, and importing them).
    ("stats:national", "get", "/stats/", None, OWNER, 200),
    ("stats:upload", "post", "/stats/import", None, OWNER, 302),
    # Forces: the national administrator.
    ("forces", "get", "/forces/", None, NATIONAL, 200),
    ("forces.post", "post", "/forces/", {"code": "NEW", "name": "New force (SYNTHETIC)"}, NATIONAL, 302),
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
    ("api:scenarios", "get", "/api/v1/training/scenarios", None, TRAINEES, 200),
    (
        "api:start",
        "post",
        "/api/v1/training/attempts",
        {"scenario": "seed-case", "mode": "unassisted"},
        TRAINEES,
        201,
    ),
    ("api:ask", "post", "/api/v1/training/attempts/{aid}/ask", {"question": "threats"}, TRAINEE, 200),
    ("api:signs", "post", "/api/v1/training/attempts/{aid}/signs", {"indicators": ["gifts"]}, TRAINEE, 200),
    ("api:finish", "post", "/api/v1/training/attempts/{aid}/finish", {}, TRAINEE, 200),
]
# Pages checked elsewhere: sign-in, health, the OpenAPI schema, setting a password from a one-time link
# (tests/accounts/test_user_admin.py), and the second-factor pages (MFA_PAGES below).
NOT_CALL_PAGES = {"home", "login", "logout", "healthz", "api:openapi-json", "api:api-root", "password_set"}
# The second-factor pages answer every signed-in persona, each as its state requires: a verified persona is
# sent on from verify and enrol and may make recovery codes; a handler with no app is sent from verify to
# enrolment, may enrol, and is sent to enrolment from recovery codes.
MFA_PAGES: list[tuple[str, str, dict[str, tuple[int, str]]]] = [
    ("mfa:verify", "/mfa/verify", {"verified": (302, "/"), "no_app": (302, "/mfa/enrol")}),
    ("mfa:enrol", "/mfa/enrol", {"verified": (302, "/"), "no_app": (200, "")}),
    ("mfa:recovery_codes", "/mfa/recovery-codes", {"verified": (200, ""), "no_app": (302, "/mfa/enrol")}),
]


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
    covered = {name.split(".")[0] for name, *_ in PAGES + API} | NOT_CALL_PAGES | {r[0] for r in MFA_PAGES}
    assert _names(get_resolver()) - covered == set()


@pytest.fixture
def call(make_call: Any) -> Any:
    return make_call()


@pytest.fixture
def rid(call: Any, cast: dict[str, Any]) -> int:
    from heed.support.services import referral_make

    return int(referral_make(actor=cast["handler2"], call=call, to="child_protection_team", reason=WHY).pk)


@pytest.fixture
def uid(cast: dict[str, Any]) -> int:
    return int(cast["supervisor2"].pk)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("row", PAGES, ids=[r[0] + ":" + r[1] for r in PAGES])
def test_pages(row: Any, persona: str, cast: dict[str, Any], call: Any, rid: int, uid: int, ids: Any) -> None:
    name, method, path, body, allowed, ok = row
    client = Client()
    if persona != "anonymous":
        sign_in(client, cast[persona])
    response = getattr(client, method)(path.format_map(ids.with_(id=call.pk, rid=rid, uid=uid)), body or {})
    if persona == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/login")
    elif persona in allowed:
        assert response.status_code == ok, response.content[:300]
    else:
        assert response.status_code == 404
    if persona in ("other_handler", "other_admin", "national"):
        assert call.reference not in response.content.decode()
        assert "t.supervisor2" not in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("row", MFA_PAGES, ids=[r[0] for r in MFA_PAGES])
def test_mfa_pages(row: Any, persona: str, cast: dict[str, Any]) -> None:
    name, path, expected = row
    client = Client()
    if persona != "anonymous":
        sign_in(client, cast[persona])
    response = client.get(path)
    if persona == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/login")
        return
    status, location = expected["verified" if cast[persona].role in MFA_REQUIRED_ROLES else "no_app"]
    assert response.status_code == status
    assert response.get("Location", "").split("?")[0] == location


@pytest.mark.parametrize("persona", MFA_PERSONAS)
@pytest.mark.parametrize("row", PAGES, ids=[r[0] + ":" + r[1] for r in PAGES])
def test_every_page_waits_for_the_second_factor(
    row: Any, persona: str, cast: dict[str, Any], call: Any, rid: int, uid: int, ids: Any
) -> None:
    """Signed in with the password alone, a role that requires MFA reaches no page: each sends it to the
    second-factor page, and nothing of the page is shown or changed."""
    name, method, path, body, allowed, ok = row
    client = sign_in(Client(), cast[persona], verified=False)
    response = getattr(client, method)(path.format_map(ids.with_(id=call.pk, rid=rid, uid=uid)), body or {})
    assert response.status_code == 302
    assert response["Location"].startswith("/mfa/verify")
    assert response.content == b""


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("row", API, ids=[r[0] for r in API])
def test_api(row: Any, persona: str, cast: dict[str, Any], call: Any, rid: int, ids: Any) -> None:
    name, method, path, body, allowed, ok = row
    headers = {}
    if persona != "anonymous":
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token_create(user=cast[persona])}"
    client = Client()
    url = path.format_map(ids.with_(id=call.pk, rid=rid))
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
    sign_in(other, cast["other_handler"])
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
    sign_in(client, cast["other_handler"])
    assert call.reference not in client.get("/calls/").content.decode()
    sign_in(client, cast["handler"])
    assert call.reference in client.get("/calls/").content.decode()

"""The evidence the training issue asks for: the seed scenario driven through the API twice. First as the
handler in the watchdog's case worked it (the opening only, no checks, no advice, a request to close with "no
further action"), which fails naming its three fatal errors; then as it should be done, which passes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from heed.accounts.services import token_create
from heed.training.library import national_library

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(cast: dict[str, Any]) -> Any:
    token = token_create(user=cast["handler"])

    def call(method: str, path: str, body: Any = None) -> Any:
        client = Client()
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        if method == "get":
            return client.get("/api/v1" + path, **headers)
        return client.post(
            "/api/v1" + path, json.dumps(body or {}), content_type="application/json", **headers
        )

    return call


# What a handler types from what the caller said (the handler's words, not the caller's).
HANDLER_NOTES = (
    "Caller is the mother of Toby (14). Concerned son is being groomed by an older male who runs an "
    "online gaming server Toby plays on (Xbox, gamertag NightOwl_K). Male known as Kel, real name "
    "Darren Kellow, lives near Ashford. Claims to be 17 but has own flat and car and sounds like an "
    "adult, mother believes mid twenties.\n"
    "Male has posted Toby a mobile phone and put money on his games account. Phone used only to talk"
    " to the male on a private app; Toby deletes the messages. Male told Toby not to tell his "
    "parents about the phone.\n"
    "Male tells Toby his parents are against him; Toby has stopped seeing school friends. Male has "
    "invited Toby to stay at his flat and offered to pay the train fare. Asks Toby when parents are "
    "out and whether mum checks his phone.\n"
    "Toby up until 3-4am gaming, missing school, angry with parents. Toby at home now and safe. Not "
    "known whether images asked for. No threats known.\n"
)


def start(api: Any, mode: str = "assisted") -> dict[str, Any]:
    r = api("post", "/training/attempts", {"scenario": "seed-case", "mode": mode})
    assert r.status_code == 201, r.content
    body: dict[str, Any] = r.json()
    return body


def test_the_scenarios_are_listed_with_the_seed_case(api: Any) -> None:
    r = api("get", "/training/scenarios")
    assert r.status_code == 200
    seed = next(s for s in r.json() if s["id"] == "seed-case")
    assert seed["role"] == "handler" and seed["source"] == "national" and seed["version"] == 1


def test_the_seed_case_worked_as_it_was_fails_with_its_three_fatal_errors(api: Any) -> None:
    attempt = start(api)
    call_id = attempt["call_id"]
    assert "grooming" in attempt["opening"]
    r = api("post", f"/calls/{call_id}/notes", {"text": attempt["opening"]})
    assert r.status_code == 201, r.content
    close = api(
        "post",
        f"/calls/{call_id}/close",
        {
            "outcome": "no_further_action",
            "rationale": "No further action. Mother advised to monitor gaming. Nothing to suggest this is "
            "grooming; the other party is another gamer of a similar age.",
        },
    )
    assert close.status_code == 409  # Heed's guard refuses it; in training the attempt to close is the error
    result = api("post", f"/training/attempts/{attempt['id']}/finish").json()
    assert result["passed"] is False
    assert {"closed_with_action_required", "named_adult_not_checked", "specialist_advice_not_given"} <= set(
        result["fatal"]
    )
    unmet = {i["competency"] for i in result["items"] if not i["met"]}
    assert {"person_check", "identifier_check", "advice", "referral", "closure"} <= unmet
    # Every item cites the guidance.
    assert all(i["rule"] for i in result["items"])


def test_the_seed_case_worked_as_it_should_be_passes(api: Any) -> None:
    scenario = national_library()["seed-case"]
    attempt = start(api)
    call_id, aid = attempt["call_id"], attempt["id"]
    heard = []
    for qid in ("whereabouts_now", "contact_age", "asked_for_images", "threats", "asked_to_meet"):
        r = api("post", f"/training/attempts/{aid}/ask", {"question": qid})
        assert r.status_code == 200 and r.json()["understood"] is True
        heard.append(r.json()["answer"])
    for question in (
        "Has he sent Toby anything, presents or money?",
        "What is his username on the Xbox?",
        "Do you know his real name?",
        "Has he tried to turn him against you?",
        "Has he told him to keep it secret?",
        "Has his behaviour changed at all?",
    ):
        r = api("post", f"/training/attempts/{aid}/ask", {"question": question})
        assert r.json()["understood"] is True, question
        heard.append(r.json()["answer"])
    assert all(heard)
    assert api("post", f"/calls/{call_id}/notes", {"text": HANDLER_NOTES}).status_code == 201
    answers = {q: scenario.fact_for_question(q).answer for q in scenario.key.decisive}  # type: ignore[union-attr]
    r = api("post", f"/calls/{call_id}/answers", {"answers": answers})
    assert r.status_code == 200, r.content
    check = api(
        "post",
        f"/calls/{call_id}/person-checks",
        {"given_name": "Darren", "family_name": "Kellow", "town": "Ashford", "subject": "Darren Kellow"},
    )
    assert check.status_code == 201, check.content
    assert check.json()["results"][0]["record_id"] == "TRN-SEED-01"
    assert check.json()["marker_alert"] is True
    # The man's nickname is a name on the call too: checked as an alias.
    alias = api(
        "post", f"/calls/{call_id}/person-checks", {"alias": "Kel", "town": "Ashford", "subject": "Kel"}
    )
    assert alias.status_code == 201, alias.content
    ident = api(
        "post",
        f"/calls/{call_id}/identifier-checks",
        {"kind": "handle", "value": "NightOwl_K", "platform": "xbox"},
    )
    assert ident.status_code == 201, ident.content
    call = api("get", f"/calls/{call_id}").json()
    assert call["risk"] == "high"  # the engine reads the handler's notes as high: nothing to raise by hand
    agencies = sorted(set(call["suggested_agencies"]) | {"ceop"})
    assert (
        api("post", f"/calls/{call_id}/advice", {"agencies": agencies, "method": "read_out"}).status_code
        == 201
    )
    r = api(
        "post",
        f"/calls/{call_id}/referrals",
        {"to": "child_protection_team", "reason": "Adult with a marker grooming a boy."},
    )
    assert r.status_code == 201, r.content
    r = api("post", f"/calls/{call_id}/vulnerability-flag", {"reason": "Groomed by an adult with a marker."})
    assert r.status_code == 201, r.content
    call = api("get", f"/calls/{call_id}").json()
    for action in call["required_actions"]:
        assert action["status"] != "outstanding" or action["code"] == "supervisor_review", action
    close = api(
        "post",
        f"/calls/{call_id}/close",
        {
            "outcome": "referred",
            "rationale": "Checked the named man: his record holds a marker for an offence against a child. "
            "The risk is high: an adult grooming a 14-year-old with gifts, secrecy and isolation. Under the "
            "safeguarding guidance I considered advice only, but referred to the child-protection team and "
            "told the mother about CEOP; the decision is referral, with review by a supervisor next.",
        },
    )
    assert close.status_code == 200, close.content
    result = api("post", f"/training/attempts/{aid}/finish").json()
    assert result["fatal"] == []
    assert result["passed"] is True, [i for i in result["items"] if not i["met"]]
    assert result["timings"]["first_person_check"] is not None


def test_a_finished_attempt_refuses_more_and_says_why(api: Any) -> None:
    attempt = start(api)
    assert api("post", f"/training/attempts/{attempt['id']}/finish").status_code == 200
    again = api("post", f"/training/attempts/{attempt['id']}/finish")
    assert again.status_code == 409 and "finished" in again.json()["detail"]
    asked = api("post", f"/training/attempts/{attempt['id']}/ask", {"question": "threats"})
    assert asked.status_code == 409


def test_a_finished_attempts_call_is_kept_as_it_was_scored(api: Any) -> None:
    attempt = start(api)
    call_id = attempt["call_id"]
    assert api("post", f"/calls/{call_id}/notes", {"text": "SYNTHETIC: before the end."}).status_code == 201
    assert api("post", f"/training/attempts/{attempt['id']}/finish").status_code == 200
    late = api("post", f"/calls/{call_id}/notes", {"text": "SYNTHETIC: after the end."})
    assert late.status_code == 409 and "finished and scored" in late.json()["detail"]
    close = api("post", f"/calls/{call_id}/close", {"outcome": "referred", "rationale": "SYNTHETIC " * 10})
    assert close.status_code == 409 and "finished and scored" in close.json()["detail"]
    assert api("get", f"/calls/{call_id}").status_code == 200  # still read


def test_unassisted_the_api_hides_what_the_page_hides_until_the_end(api: Any) -> None:
    attempt = start(api, "unassisted")
    note = api("post", f"/calls/{attempt['call_id']}/notes", {"text": HANDLER_NOTES}).json()
    assert note["concealed"] is True
    assert (note["risk"], note["response"], note["indicators"], note["required_actions"]) == ("", "", [], [])
    assert (
        note["reasons"]
        == note["possible_signs"]
        == note["suggested_agencies"]
        == note["decisive_questions"]
        == []
    )
    advice = api("post", f"/calls/{attempt['call_id']}/advice", {"agencies": ["ceop"], "method": "read_out"})
    assert advice.status_code == 201 and advice.json()["missing_agencies"] == []
    api("post", f"/training/attempts/{attempt['id']}/finish")
    after = api("get", f"/calls/{attempt['call_id']}").json()
    assert after["concealed"] is False and after["risk"] == "high"
    assert {"gifts", "secrecy"} <= {i["code"] for i in after["indicators"]}

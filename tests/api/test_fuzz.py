"""No input produces a 500: random JSON bodies at every API endpoint that takes one, and random form fields
at every page that takes a POST (hypothesis)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import sign_in

from heed.accounts.services import token_create

pytestmark = pytest.mark.django_db

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=40),
    st.text(alphabet=st.sampled_from("Kai 0\x00\u2028é"), max_size=12),
    st.sampled_from(
        ["", "\x00", "ceop", "mash", "approve", "not_applicable", "high", "2001-02-31", "07700 900123"]
    ),
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
FIELDS = [
    "narrative",
    "text",
    "given_name",
    "age",
    "date_of_birth",
    "kind",
    "value",
    "platform",
    "agencies",
    "method",
    "to",
    "reason",
    "status",
    "outcome",
    "rationale",
    "decision",
    "risk",
    "version",
    "ndm",
    "reference",
    "caller",
    "child",
    "answers",
    "all",
]
BODIES = st.one_of(JSON, st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=6))
API_POSTS = [
    "/calls",
    "/calls/{id}/notes",
    "/calls/{id}/person-checks",
    "/calls/{id}/identifier-checks",
    "/calls/{id}/advice",
    "/calls/{id}/referrals",
    "/calls/{id}/actions/person_check",
    "/calls/{id}/close",
    "/calls/{id}/reviews",
    "/calls/{id}/risk",
    "/calls/{id}/deployments",
    "/calls/{id}/vulnerability-flag",
    "/referrals/{rid}/status",
]
PAGE_POSTS = [
    "/calls/new",
    "/calls/{id}/draft",
    "/calls/{id}/notes",
    "/calls/{id}/notes/1",
    "/calls/{id}/answers",
    "/calls/{id}/person-check",
    "/calls/{id}/identifier-check",
    "/calls/{id}/close",
    "/calls/{id}/review",
    "/calls/{id}/risk",
    "/calls/{id}/actions/person_check",
    "/calls/{id}/deployment",
    "/calls/{id}/vulnerability-flag",
    "/calls/{id}/advice",
    "/calls/{id}/referrals",
    "/referrals/{rid}/status",
]


@pytest.fixture
def world(make_call: Any, cast: dict[str, Any]) -> dict[str, Any]:
    from heed.support.services import referral_make

    call = make_call()
    rid = referral_make(
        actor=cast["handler"], call=call, to="mash", reason="SYNTHETIC reason for the referral here"
    ).pk
    return {
        "id": call.pk,
        "rid": rid,
        "token": token_create(user=cast["supervisor"]),
        "user": cast["supervisor"],
    }


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(API_POSTS), body=BODIES)
def test_api_never_answers_500(world: dict[str, Any], path: str, body: Any) -> None:
    response = Client().post(
        "/api/v1" + path.format(**world),
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {world['token']}",
    )
    assert response.status_code < 500, response.content[:500]
    assert "detail" in response.json() or response.status_code < 300


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=st.sampled_from(PAGE_POSTS),
    form=st.dictionaries(
        st.sampled_from([*FIELDS, "q_asked_to_meet", "subject"]), st.text(max_size=60), max_size=6
    ),
)
def test_pages_never_answer_500(world: dict[str, Any], path: str, form: dict[str, str]) -> None:
    client = Client()
    sign_in(client, world["user"])
    response = client.post(path.format(**world), form)
    assert response.status_code < 500, response.content[:500]

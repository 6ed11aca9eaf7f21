"""Concurrent requests at one call, through the whole request stack (the API with bearer tokens, the pages
with signed-in sessions), each on its own database connection, released together by a barrier. Runs on SQLite
and, in the PostgreSQL pass, on PostgreSQL; the audit chain verifies after each."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from tests.closing import WHY, do_everything
from tests.concurrency import at_once
from tests.conftest import sign_in

from heed.accounts.services import token_create
from heed.audit.services import audit_verify
from heed.calls import services
from heed.calls.models import Call, ClosureRequest, NoteEntry, ReviewDecision, RiskDecision

pytestmark = pytest.mark.django_db(transaction=True)

QUIET = "SYNTHETIC. Mum rang about screen time only; nothing else was said."


def api_client(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user)}")


def version_of(call: Any) -> int:
    return Call.objects.get(pk=call.pk).version


def test_twenty_notes_at_once_all_land_numbered_once_each(
    make_call: Any, cast: dict[str, Any], clears_audit: None
) -> None:
    call = make_call(QUIET)
    before = version_of(call)
    clients = [api_client(cast["handler" if i % 2 else "handler2"]) for i in range(20)]
    results = at_once(
        lambda i: clients[i].post(
            f"/api/v1/calls/{call.pk}/notes",
            {"text": f"SYNTHETIC: note {i} while the caller talks."},
            content_type="application/json",
        ),
        workers=20,
    )
    assert [r.status_code for r in results] == [201] * 20
    texts = NoteEntry.objects.filter(call_id=call.pk).values_list("entry_no", "text")
    numbers = sorted(n for n, _ in texts)
    assert numbers == list(range(1, 22))  # the narrative, then each note once
    assert {t for _, t in texts} >= {f"SYNTHETIC: note {i} while the caller talks." for i in range(20)}
    # Each note moved the call's version on, so a decision made on the view before them is stale.
    assert version_of(call) >= before + 20
    assert audit_verify().ok


def test_ten_risk_decisions_from_one_view_one_wins_the_rest_are_told_409(
    make_call: Any, cast: dict[str, Any], clears_audit: None
) -> None:
    call = make_call(QUIET)
    seen = version_of(call)
    clients = [api_client(cast["handler" if i % 2 else "supervisor"]) for i in range(10)]
    results = at_once(
        lambda i: clients[i].post(
            f"/api/v1/calls/{call.pk}/risk",
            {"risk": "high" if i % 2 else "medium", "rationale": f"{WHY} ({i})", "version": seen},
            content_type="application/json",
        ),
        workers=10,
    )
    codes = sorted(r.status_code for r in results)
    assert codes == [200] + [409] * 9, [r.content for r in results]
    for r in results:
        if r.status_code == 409:
            body = r.json()
            assert body["errors"][0]["field"] == "version"
            assert "Nothing of yours was overwritten" in body["detail"]
    decisions = list(RiskDecision.objects.filter(call_id=call.pk))
    assert len(decisions) == 1 and decisions[0].from_risk == "standard"
    assert Call.objects.get(pk=call.pk).risk == decisions[0].to_risk
    assert audit_verify().ok


def test_closure_asked_for_several_times_at_once_is_asked_once(
    make_call: Any, cast: dict[str, Any], clears_audit: None
) -> None:
    call = make_call()
    do_everything(call, cast)
    seen = version_of(call)
    clients = [api_client(cast["handler"]) for _ in range(6)]
    results = at_once(
        lambda i: clients[i].post(
            f"/api/v1/calls/{call.pk}/close",
            {"outcome": "referred", "rationale": WHY, "version": seen},
            content_type="application/json",
        )
    )
    assert sorted(r.status_code for r in results) == [200] + [409] * 5
    assert ClosureRequest.objects.filter(call_id=call.pk).count() == 1
    assert Call.objects.get(pk=call.pk).status == "awaiting_review"
    assert audit_verify().ok


def test_two_supervisors_reviewing_at_once_one_decision_lands(
    make_call: Any, cast: dict[str, Any], clears_audit: None
) -> None:
    call = make_call()
    do_everything(call, cast)
    call = services.closure_request(actor=cast["handler"], call=call, outcome="referred", rationale=WHY)
    seen = version_of(call)
    reviewers = [api_client(cast["supervisor"]), api_client(cast["supervisor2"])]
    results = at_once(
        lambda i: reviewers[i].post(
            f"/api/v1/calls/{call.pk}/reviews",
            {"decision": "approve" if i == 0 else "return", "rationale": WHY, "version": seen},
            content_type="application/json",
        ),
        workers=2,
    )
    assert sorted(r.status_code for r in results) == [200, 409]
    decisions = list(ReviewDecision.objects.filter(call_id=call.pk))
    assert len(decisions) == 1
    expected = "closed" if decisions[0].decision == "approve" else "returned"
    assert Call.objects.get(pk=call.pk).status == expected
    assert audit_verify().ok


def test_correcting_one_entry_at_once_one_lands_the_others_keep_their_text(
    make_call: Any, cast: dict[str, Any], clears_audit: None
) -> None:
    call = make_call(QUIET)
    editors = []
    for persona in ("handler", "handler2", "supervisor", "supervisor2"):
        editors.append(sign_in(Client(), cast[persona]))
    results = at_once(
        lambda i: editors[i].post(
            f"/calls/{call.pk}/notes/1",
            {"text": f"SYNTHETIC: corrected by editor {i}.", "version": "1"},
        ),
        workers=4,
    )
    assert [r.status_code for r in results] == [302] * 4
    versions = list(NoteEntry.objects.filter(call_id=call.pk, entry_no=1).order_by("version"))
    assert [v.version for v in versions] == [1, 2]
    winner = int(re.search(r"editor (\d)", versions[1].text).group(1))  # type: ignore[union-attr]
    for i, client in enumerate(editors):
        if i == winner:
            continue
        page = client.get(f"/calls/{call.pk}/").content.decode()
        assert f"SYNTHETIC: corrected by editor {i}." in page  # kept in the box, with the reason
        assert "after you opened it" in page
    assert audit_verify().ok

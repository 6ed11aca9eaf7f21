"""The training pages: the library, an attempt on the training call's own page (TRAINING banner, the caller,
asking, naming signs in unassisted mode with the panel's signs and actions hidden), and the result."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from heed.training import services
from heed.training.models import Attempt, Question
from tests.conftest import sign_in
from tests.training.scenarios import SUPERVISOR_SCENARIO

pytestmark = pytest.mark.django_db


def start(client: Client, mode: str, scenario: str = "seed-case") -> Attempt:
    r = client.post("/training/start", {"scenario": scenario, "mode": mode})
    assert r.status_code == 302, r.content[:500]
    attempt = Attempt.objects.latest("id")
    assert r["Location"] == f"/calls/{attempt.call_id}/#caller"
    return attempt


def test_the_library_lists_the_scenarios_with_nothing_chosen_for_the_trainee(handler_client: Client) -> None:
    page = handler_client.get("/training/").content.decode()
    assert "A mother rings about her son&#x27;s older online gaming friend" in page
    assert not re.search(r'type="radio"[^>]*checked', page)


def test_starting_without_a_mode_says_so_at_the_scenario_and_starts_nothing(handler_client: Client) -> None:
    r = handler_client.post("/training/start", {"scenario": "seed-case"})
    assert r.status_code == 422
    assert "Choose assisted or unassisted" in r.content.decode()
    assert not Attempt.objects.exists()
    r = handler_client.post("/training/start", {"scenario": "no-such-thing", "mode": "assisted"})
    assert (
        r.status_code == 422 and "No scenario &#x27;no-such-thing&#x27; in the library" in r.content.decode()
    )


def test_an_assisted_attempt_shows_the_banner_the_caller_and_the_live_panel(handler_client: Client) -> None:
    attempt = start(handler_client, "assisted")
    handler_client.post(
        f"/calls/{attempt.call_id}/notes", {"text": "Older male sent my son a phone and money."}
    )
    page = handler_client.get(f"/calls/{attempt.call_id}/").content.decode()
    assert "TRAINING</strong> – this is not a live call" in page
    assert "I think he&#x27;s grooming him" in page  # the caller's opening words
    assert 'id="concealed"' not in page
    assert 'data-indicator="gifts"' in page  # the live panel shows what the notes show


def test_unassisted_hides_signs_and_actions_until_finished_and_keeps_the_signs_named(
    handler_client: Client,
) -> None:
    attempt = start(handler_client, "unassisted")
    handler_client.post(
        f"/calls/{attempt.call_id}/notes", {"text": "Older male sent my son a phone and money."}
    )
    page = handler_client.get(f"/calls/{attempt.call_id}/").content.decode()
    assert 'id="concealed"' in page
    assert 'data-indicator="gifts"' not in page and "heed-mark" not in page
    assert "Before the call can close" not in page
    r = handler_client.post(f"/training/attempts/{attempt.pk}/signs", {"signs": ["gifts", "age_gap"]})
    assert r.status_code == 302
    attempt.refresh_from_db()
    assert attempt.signs == ["gifts", "age_gap"]
    bad = handler_client.post(f"/training/attempts/{attempt.pk}/signs", {"signs": ["gifts", "made_up"]})
    assert bad.status_code == 302 and bad["Location"].endswith("#signs-errors")
    page = handler_client.get(f"/calls/{attempt.call_id}/").content.decode()
    assert "made_up" in page and "is not a danger sign" in page
    attempt.refresh_from_db()
    assert attempt.signs == ["gifts", "age_gap"]  # a refused change leaves the saved signs as they were
    r = handler_client.post(f"/training/attempts/{attempt.pk}/finish")
    assert r.status_code == 302 and r["Location"] == f"/training/attempts/{attempt.pk}/"
    page = handler_client.get(f"/calls/{attempt.call_id}/").content.decode()
    assert 'id="concealed"' not in page and 'data-indicator="gifts"' in page


def test_asking_the_caller_guided_and_in_own_words(handler_client: Client) -> None:
    attempt = start(handler_client, "assisted")
    handler_client.post(f"/training/attempts/{attempt.pk}/ask", {"guided": "contact_age", "question": ""})
    handler_client.post(
        f"/training/attempts/{attempt.pk}/ask", {"question": "what is his gamertag on the xbox"}
    )
    handler_client.post(f"/training/attempts/{attempt.pk}/ask", {"question": "what colour is his car"})
    asked = list(Question.objects.filter(attempt=attempt).order_by("id"))
    assert [(q.guided, q.fact, q.how) for q in asked] == [
        ("contact_age", "contact_age", "guided"),
        ("", "handle", "words"),
        ("", "", "unknown"),
    ]
    page = handler_client.get(f"/calls/{attempt.call_id}/").content.decode()
    assert "NightOwl_K" in page and "Toby doesn&#x27;t tell me much" in page
    empty = handler_client.post(f"/training/attempts/{attempt.pk}/ask", {"question": "  ", "guided": ""})
    assert empty["Location"].endswith("#ask-errors")
    assert "The question is empty" in handler_client.get(f"/calls/{attempt.call_id}/").content.decode()


def test_the_result_page_names_fatal_errors_and_cites_the_guidance(handler_client: Client) -> None:
    attempt = start(handler_client, "assisted")
    handler_client.post(f"/training/attempts/{attempt.pk}/finish")
    page = handler_client.get(f"/training/attempts/{attempt.pk}/").content.decode()
    assert "Not passed" in page
    assert 'data-fatal="named_adult_not_checked"' in page
    assert "<code>ACT-PERSON-CHECK</code>" in page


def test_another_trainee_cannot_reach_an_attempt_or_its_call(
    cast: dict[str, Any], handler_client: Client
) -> None:
    attempt = start(handler_client, "assisted")
    other = sign_in(Client(), cast["handler2"])
    assert other.get(f"/calls/{attempt.call_id}/").status_code == 404
    assert other.post(f"/training/attempts/{attempt.pk}/ask", {"question": "threats"}).status_code == 404
    assert other.post(f"/training/attempts/{attempt.pk}/finish").status_code == 404
    assert other.get(f"/training/attempts/{attempt.pk}/").status_code == 404


def test_anyone_trains_in_the_part_the_scenario_gives(cast: dict[str, Any]) -> None:
    """An auditor (who never edits a live call) works a handler scenario's call; a handler reviews a
    supervisor scenario's call, returning it with the reasons, and passes."""

    services.scenario_publish(
        actor=cast["trainer"],
        authored=services.scenario_save(actor=cast["trainer"], text=SUPERVISOR_SCENARIO),
    )
    auditor = sign_in(Client(), cast["auditor"])
    attempt = start(auditor, "assisted")
    page = auditor.get(f"/calls/{attempt.call_id}/").content.decode()
    assert 'id="note-form"' in page
    assert auditor.post(f"/calls/{attempt.call_id}/notes", {"text": "SYNTHETIC: a note"}).status_code == 302
    assert attempt.call.note_entries.count() == 1

    handler = sign_in(Client(), cast["handler"])
    review = start(handler, "assisted", scenario="test-review-missing-check")
    page = handler.get(f"/calls/{review.call_id}/").content.decode()
    assert "The call recording" in page and "He keeps telling her she&#x27;s mature" in page
    assert 'id="review-rationale"' in page
    r = handler.post(
        f"/calls/{review.call_id}/review",
        {
            "decision": "return",
            "rationale": "Returned: the named man was never checked against records, and no further action "
            "is "
            "the wrong outcome for an adult showing this interest in a 13-year-old.",
            "ndm_assessment": "The risk of grooming is real: an adult flattering a child.",
            "ndm_powers_policy": "The safeguarding guidance requires a check of every named adult.",
            "ndm_decision": "Decision: return for the check and a referral; review again after.",
        },
    )
    assert r.status_code == 302
    handler.post(f"/training/attempts/{review.pk}/finish")
    review.refresh_from_db()
    assert review.passed is True and review.fatal == []

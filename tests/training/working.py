"""Attempts at the seed scenario worked through the services, as a trainee would on the call page, for the
records, cohort and dashboard tests: not at all, in part, and as it should be."""

from __future__ import annotations

from typing import Any

from heed.calls import services as calls
from heed.support.services import advice_record, referral_make
from heed.training.library import national_library
from heed.training.models import Attempt
from heed.training.scoring import Result
from heed.training.services import attempt_ask, attempt_finish, attempt_signs, attempt_start
from tests.training.test_api_seed_case import HANDLER_NOTES as GOOD_NOTES

# Four of the seed case's nine danger signs (age gap, gifts, secrecy, meeting), in the trainee's words.
PART_NOTES = (
    "Older male sent son a phone and money, told him to keep it secret, turns him against parents, asked "
    "to meet at his flat."
)


def finished(actor: Any, attempt: Attempt) -> tuple[Attempt, Result]:
    result = attempt_finish(actor=actor, attempt=attempt)
    attempt.refresh_from_db()
    return attempt, result


def work_nothing(
    actor: Any, mode: str = "assisted", signs: list[str] | None = None
) -> tuple[Attempt, Result]:
    """Start and finish at once (unassisted: naming ``signs`` first)."""
    attempt = attempt_start(actor=actor, scenario="seed-case", mode=mode)
    if signs is not None:
        attempt_signs(actor=actor, attempt=attempt, indicators=signs)
    return finished(actor, attempt)


def work_partly(actor: Any) -> tuple[Attempt, Result]:
    """Four signs in the notes and the named man checked; nothing else."""
    attempt = attempt_start(actor=actor, scenario="seed-case", mode="assisted")
    calls.note_add(actor=actor, call=attempt.call, text=PART_NOTES)
    calls.person_check_run(
        actor=actor,
        call=attempt.call,
        query={"given_name": "Darren", "family_name": "Kellow", "town": "Ashford"},
        subject="Darren Kellow",
    )
    return finished(actor, attempt)


def work_well(actor: Any) -> tuple[Attempt, Result]:
    """The seed case worked as it should be: it passes."""
    scenario = national_library()["seed-case"]
    attempt = attempt_start(actor=actor, scenario="seed-case", mode="assisted")
    call = attempt.call
    for q in ("whereabouts_now", "contact_age", "asked_for_images", "threats", "asked_to_meet"):
        attempt_ask(actor=actor, attempt=attempt, question=q)
    for q in (
        "Has he sent Toby anything, presents or money?",
        "What is his username on the Xbox?",
        "Do you know his real name?",
        "Has he tried to turn him against you?",
        "Has he told him to keep it secret?",
        "Has his behaviour changed at all?",
    ):
        attempt_ask(actor=actor, attempt=attempt, question=q)
    calls.note_add(actor=actor, call=call, text=GOOD_NOTES)
    answers = {}
    for q in scenario.key.decisive:
        fact = scenario.fact_for_question(q)
        assert fact is not None and fact.answer is not None
        answers[q] = fact.answer
    call.refresh_from_db()
    calls.answers_record(actor=actor, call=call, answers=answers)
    calls.person_check_run(
        actor=actor,
        call=call,
        query={"given_name": "Darren", "family_name": "Kellow", "town": "Ashford"},
        subject="Darren Kellow",
    )
    calls.person_check_run(actor=actor, call=call, query={"alias": "Kel", "town": "Ashford"}, subject="Kel")
    calls.identifier_check_run(actor=actor, call=call, kind="handle", value="NightOwl_K", platform="xbox")
    call.refresh_from_db()
    assert call.risk == "high"  # the engine reads the notes as high: nothing to raise by hand
    agencies = sorted(set(call.assessment.get("suggested_agencies", [])) | {"ceop"})
    advice_record(actor=actor, call=call, agencies=agencies, method="read_out")
    referral_make(
        actor=actor, call=call, to="child_protection_team", reason="Adult with a marker grooming a boy."
    )
    calls.vulnerability_flag_record(actor=actor, call=call, reason="Groomed by an adult with a marker.")
    call.refresh_from_db()
    calls.closure_request(
        actor=actor,
        call=call,
        outcome="referred",
        rationale="Checked the named man: his record holds a marker for an offence against a child. The "
        "risk is high: an adult grooming a 14-year-old with gifts, secrecy and isolation. Under the "
        "safeguarding guidance I considered advice only, but referred to the child-protection team and "
        "told the mother about CEOP; the decision is referral, with review by a supervisor next.",
    )
    return finished(actor, attempt)

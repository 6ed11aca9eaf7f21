"""Scoring against the expert key, item by item: each fatal error and each competency can be met and missed
(pure: a ``Worked`` record in, the result out, no database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from heed.risk import default_pack
from heed.training.scenario import load_library, scenario_from_text
from heed.training.scoring import CloseRequest, Worked, score, strong_key
from tests.training.scenarios import SUPERVISOR_SCENARIO

SEED = load_library(default_pack())["seed-case"]
REVIEW = scenario_from_text(SUPERVISOR_SCENARIO, default_pack())
T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


RATIONALE = (
    "Checked the man: a marker on his record. The risk is high. Under the safeguarding guidance I considered "
    "advice only; the decision is to refer, so the outcome is referral and a supervisor reviews it next."
)
# The seed case worked as it should be: every key item done, all before the request to close.
GOOD = Worked(
    mode="assisted",
    started_at=T0,
    finished_at=at(20),
    indicators_found=tuple(SEED.key.indicators),
    signs_named=None,
    asked=tuple((q, None) for q in SEED.key.decisive),
    answers={q: SEED.fact_for_question(q).answer for q in SEED.key.decisive},  # type: ignore[union-attr, misc]
    person_checks=((at(5), ("TRN-SEED-01", "TRN-SEED-02"), True, "darren kellow darren kellow ashford"),),
    identifier_checks=((at(6), strong_key("handle", "NightOwl_K", "xbox")),),
    advice=((at(8), ("ceop", "nspcc")),),
    referral_at=at(9),
    deployment_at=None,
    flag_at=at(9),
    risk="high",
    response="priority",
    close_requests=(CloseRequest("referred", RATIONALE, at(10), refused=False),),
)


def competency(result: object, name: str) -> list[bool]:
    return [i.met for i in result.items if i.competency == name]  # type: ignore[attr-defined]


def test_the_seed_case_done_well_passes_with_every_item_met() -> None:
    result = score(SEED, GOOD)
    assert result.fatal == () and result.passed and result.score == 100
    assert result.timings["first_person_check"] == 300 and result.timings["close_request"] == 600


@pytest.mark.parametrize(
    ("change", "fatal"),
    [
        ({"person_checks": ()}, "named_adult_not_checked"),
        # Checking someone else (the mother) is no check of the named man.
        ({"person_checks": ((at(5), ("TRN-SEED-03",), False, "ruth marlow"),)}, "named_adult_not_checked"),
        ({"advice": ()}, "specialist_advice_not_given"),
        # Asked to close before the referral was made: refused by the guard or not, it is the seed's error.
        ({"referral_at": at(11)}, "closed_with_action_required"),
        (
            {"close_requests": (CloseRequest("no_further_action", "", at(1), refused=True),)},
            "closed_with_action_required",
        ),
    ],
)
def test_each_fatal_error_fails_the_attempt_whatever_the_total(change: dict[str, object], fatal: str) -> None:
    result = score(SEED, replace(GOOD, **change))  # type: ignore[arg-type]
    assert fatal in result.fatal and result.passed is False


def test_an_emergency_not_graded_emergency_is_fatal() -> None:
    emergency = replace(SEED, key=replace(SEED.key, response="emergency", outcomes=("deployed",)))
    worked = replace(
        GOOD,
        response="emergency",
        deployment_at=at(2),
        close_requests=(CloseRequest("deployed", RATIONALE, at(10), refused=False),),
    )
    assert "emergency_not_graded" not in score(emergency, worked).fatal
    assert "emergency_not_graded" in score(emergency, replace(worked, response="priority")).fatal
    assert "emergency_not_graded" in score(emergency, replace(worked, deployment_at=None)).fatal


def test_unassisted_recognition_is_the_signs_the_trainee_named() -> None:
    named = tuple(SEED.key.indicators[:3])
    result = score(SEED, replace(GOOD, mode="unassisted", signs_named=named))
    assert competency(result, "recognition") == [False]
    feedback = next(i.feedback for i in result.items if i.competency == "recognition")
    assert "You named 3 of the 9 danger signs" in feedback and "Missed:" in feedback
    enough = tuple(SEED.key.indicators[:7])
    assert competency(score(SEED, replace(GOOD, mode="unassisted", signs_named=enough)), "recognition") == [
        True
    ]


def test_the_wrong_record_found_the_marker_not_seen_and_an_under_grade_each_cost_an_item() -> None:
    wrong = ((at(5), ("TRN-SEED-02",), False, "darren kellaway dover"),)
    result = score(SEED, replace(GOOD, person_checks=wrong, risk="medium"))
    assert competency(result, "person_check") == [False]
    assert competency(result, "marker") == [False]
    assert competency(result, "grade") == [False]
    assert "too low" in next(i.feedback for i in result.items if i.competency == "grade")


def test_a_decisive_question_not_asked_or_recorded_differently_is_not_met() -> None:
    not_asked = replace(GOOD, asked=GOOD.asked[1:])
    assert competency(score(SEED, not_asked), "decisive_questions") == [False]
    wrong = replace(GOOD, answers={**GOOD.answers, "threats": "yes"})
    feedback = next(i.feedback for i in score(SEED, wrong).items if i.competency == "decisive_questions")
    assert "recorded yes; the caller said no" in feedback


def test_the_closure_needs_the_right_outcome_and_a_rationale_covering_the_decision_model() -> None:
    thin = replace(
        GOOD, close_requests=(CloseRequest("referred", "Referred to CPT.", at(10), refused=False),)
    )
    assert competency(score(SEED, thin), "closure") == [False]
    wrong = replace(GOOD, close_requests=(CloseRequest("advice_given", RATIONALE, at(10), refused=False),))
    assert competency(score(SEED, wrong), "closure") == [False]


def review(decision: str, text: str) -> Worked:
    return replace(GOOD, review_decision=decision, review_text=text, close_requests=())


def test_a_supervisor_passes_only_by_returning_the_call_naming_each_fault() -> None:
    reasons = (
        "Returned: the named man was never checked against records and the outcome of no further action is "
        "wrong given the risk to the child; under the safeguarding guidance the decision must be reviewed."
    )
    good = score(REVIEW, review("returned", reasons))
    assert good.passed and good.fatal == ()
    vague = score(REVIEW, review("returned", "Please look at this again, it is not right, thank you."))
    assert not vague.passed and [i.met for i in vague.items][:3] == [True, False, False]
    approved = score(REVIEW, review("approved", reasons))
    assert approved.fatal == ("approved_with_faults",) and not approved.passed
    # Returned for one fault of two: the handler would put right only that one.
    one = "Returned: the named man was never checked against records; under the guidance decide again."
    partial = score(REVIEW, review("returned", one))
    assert "fault_not_named" in partial.fatal and not partial.passed

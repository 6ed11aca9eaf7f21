"""The transition table and closure guard, row by row (pure: no database)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from heed.calls import workflow as wf

HANDLER, SUP1, SUP2 = 1, 2, 3
WHY = "SYNTHETIC rationale that is long enough to stand as a reason."
NFA_WHY = WHY + " Checks done, no record, caller given CEOP and NSPCC, parents now supervising."
BASE = wf.Snapshot(
    status=wf.OPEN,
    risk="high",
    response="priority",
    created_by=HANDLER,
    outstanding=(),
    review_required=True,
    advice_recorded=True,
    deployment_recorded=False,
    decisive_unanswered=(),
)
UNANSWERED = ("contact_age", "whereabouts_now")


def close(snap: wf.Snapshot, outcome: str = "referred", why: str = WHY) -> wf.Outcome | wf.Refusal:
    return wf.decide(snap, "request_close", HANDLER, outcome, why)


def review(
    snap: wf.Snapshot, actor: int, decision: str = "approve", why: str = WHY
) -> wf.Outcome | wf.Refusal:
    return wf.decide(snap, "review", actor, decision, why)


@pytest.mark.parametrize(
    ("snap", "expected"),
    [
        (BASE, wf.AWAITING_REVIEW),
        (replace(BASE, risk="medium"), wf.AWAITING_REVIEW),
        (replace(BASE, status=wf.RETURNED), wf.AWAITING_REVIEW),
        (replace(BASE, risk="standard", review_required=False), wf.CLOSED),
        # Lowered to standard after being medium/high: still reviewed (the supervisor_review action exists).
        (replace(BASE, risk="standard"), wf.AWAITING_REVIEW),
    ],
)
def test_closure_goes_where_the_risk_says(snap: wf.Snapshot, expected: str) -> None:
    result = close(snap)
    assert isinstance(result, wf.Outcome) and result.to_status == expected


@pytest.mark.parametrize(
    ("snap", "outstanding"),
    [
        (
            replace(BASE, outstanding=("person_check", "specialist_advice")),
            ("person_check", "specialist_advice"),
        ),
        (replace(BASE, response="emergency"), ("emergency_deployment",)),
        (replace(BASE, risk="standard", review_required=False, advice_recorded=False), ("advice_given",)),
        # Decisive questions unanswered: never closed (reviewed or not), nor sent for review.
        (
            replace(BASE, risk="standard", review_required=False, decisive_unanswered=UNANSWERED),
            ("decisive_questions",),
        ),
        (replace(BASE, risk="standard", decisive_unanswered=UNANSWERED), ("decisive_questions",)),
        (
            replace(BASE, risk="", review_required=False, decisive_unanswered=UNANSWERED),
            ("decisive_questions",),
        ),
        (
            replace(
                BASE,
                risk="standard",
                review_required=False,
                advice_recorded=False,
                decisive_unanswered=UNANSWERED,
            ),
            ("decisive_questions", "advice_given"),
        ),
        # Listed once when the required action is outstanding too.
        (
            replace(
                BASE, risk="standard", outstanding=("decisive_questions",), decisive_unanswered=UNANSWERED
            ),
            ("decisive_questions",),
        ),
    ],
)
def test_closure_is_refused_with_what_is_outstanding(snap: wf.Snapshot, outstanding: tuple[str, ...]) -> None:
    result = close(snap)
    assert isinstance(result, wf.Refusal) and result.code == "outstanding"
    assert result.outstanding == outstanding


def test_no_further_action_is_refused_while_a_decisive_question_is_unanswered() -> None:
    result = close(replace(BASE, decisive_unanswered=UNANSWERED), wf.NO_FURTHER_ACTION, NFA_WHY)
    assert isinstance(result, wf.Refusal) and result.code == "outstanding"
    assert result.outstanding == ("decisive_questions",)


@pytest.mark.parametrize("risk", ["high", "medium", "standard", ""])
@pytest.mark.parametrize("outcome", [o for o in wf.OUTCOMES if o != wf.NO_FURTHER_ACTION])
def test_any_close_request_is_refused_while_a_decisive_question_is_unanswered(
    risk: str, outcome: str
) -> None:
    # At any risk, with any outcome, and whether or not the call has the required action (a call assessed
    # before the pack asked them has none): the refusal names the questions still to answer.
    for outstanding in ((), ("decisive_questions",)):
        snap = replace(BASE, risk=risk, decisive_unanswered=UNANSWERED, outstanding=outstanding)
        result = close(snap, outcome)
        assert isinstance(result, wf.Refusal) and result.code == "outstanding"
        assert result.outstanding == ("decisive_questions",)
        assert result.questions == UNANSWERED


def test_once_answered_the_call_closes() -> None:
    result = close(replace(BASE, risk="standard", review_required=False), "advice_given")
    assert isinstance(result, wf.Outcome) and result.to_status == wf.CLOSED
    nfa = close(BASE, wf.NO_FURTHER_ACTION, NFA_WHY)
    assert isinstance(nfa, wf.Outcome) and nfa.to_status == wf.AWAITING_REVIEW


def test_an_emergency_closes_once_deployment_is_recorded() -> None:
    assert isinstance(close(replace(BASE, response="emergency", deployment_recorded=True)), wf.Outcome)


@pytest.mark.parametrize(
    ("outcome", "why", "code"),
    [
        ("shrug", WHY, "bad_outcome"),
        ("referred", "ok", "rationale_needed"),
        (wf.NO_FURTHER_ACTION, WHY, "rationale_needed"),  # NFA on high risk needs a fuller rationale
    ],
)
def test_bad_closure_requests(outcome: str, why: str, code: str) -> None:
    result = close(BASE, outcome, why)
    assert isinstance(result, wf.Refusal) and result.code == code


@pytest.mark.parametrize("status", [wf.AWAITING_REVIEW, wf.CLOSED])
def test_closing_is_not_possible_from_review_or_closed(status: str) -> None:
    result = close(replace(BASE, status=status))
    assert isinstance(result, wf.Refusal) and result.code == "not_allowed"


PENDING = replace(BASE, status=wf.AWAITING_REVIEW, requested_by=HANDLER, outcome="referred")


def test_a_different_supervisor_approves_and_the_call_closes() -> None:
    result = review(PENDING, SUP1)
    assert isinstance(result, wf.Outcome) and result.to_status == wf.CLOSED


@pytest.mark.parametrize("actor", [HANDLER])
def test_the_handler_cannot_review_their_own_call(actor: int) -> None:
    result = review(PENDING, actor)
    assert isinstance(result, wf.Refusal) and result.code == "own_call"


def test_a_supervisor_who_took_the_call_cannot_review_it() -> None:
    result = review(replace(PENDING, created_by=SUP1, requested_by=SUP1), SUP1)
    assert isinstance(result, wf.Refusal) and result.code == "own_call"


def test_return_sends_it_back() -> None:
    result = review(PENDING, SUP1, "return")
    assert isinstance(result, wf.Outcome) and result.to_status == wf.RETURNED


def test_no_further_action_on_high_risk_needs_two_different_supervisors() -> None:
    nfa = replace(PENDING, outcome=wf.NO_FURTHER_ACTION)
    first = review(nfa, SUP1)
    assert isinstance(first, wf.Outcome) and first.to_status == wf.AWAITING_REVIEW
    again = review(replace(nfa, approvals=(SUP1,)), SUP1)
    assert isinstance(again, wf.Refusal) and again.code == "already_approved"
    second = review(replace(nfa, approvals=(SUP1,)), SUP2)
    assert isinstance(second, wf.Outcome) and second.to_status == wf.CLOSED


def test_no_further_action_on_standard_risk_needs_one() -> None:
    nfa = replace(PENDING, outcome=wf.NO_FURTHER_ACTION, risk="standard")
    result = review(nfa, SUP1)
    assert isinstance(result, wf.Outcome) and result.to_status == wf.CLOSED


@pytest.mark.parametrize(
    "pending",
    [
        replace(PENDING, outcome=wf.NO_FURTHER_ACTION, decisive_unanswered=UNANSWERED),
        replace(PENDING, outcome=wf.NO_FURTHER_ACTION, decisive_unanswered=UNANSWERED, approvals=(SUP2,)),
        replace(PENDING, risk="standard", decisive_unanswered=UNANSWERED),
    ],
)
def test_approval_is_refused_while_a_decisive_question_is_unanswered(pending: wf.Snapshot) -> None:
    result = review(pending, SUP1)
    assert isinstance(result, wf.Refusal) and result.code == "outstanding"
    assert result.outstanding == ("decisive_questions",)
    returned = review(pending, SUP1, "return")  # sending it back to be asked is always possible
    assert isinstance(returned, wf.Outcome) and returned.to_status == wf.RETURNED


def test_approval_of_any_outcome_at_any_risk_is_refused_while_a_decisive_question_is_unanswered() -> None:
    for risk in ("high", "medium", "standard"):
        result = review(replace(PENDING, risk=risk, decisive_unanswered=UNANSWERED), SUP1)
        assert isinstance(result, wf.Refusal) and result.questions == UNANSWERED
    assert isinstance(review(PENDING, SUP1), wf.Outcome)


@pytest.mark.parametrize("status", [wf.OPEN, wf.RETURNED, wf.CLOSED])
def test_review_is_only_possible_while_awaiting_review(status: str) -> None:
    result = review(replace(PENDING, status=status), SUP1)
    assert isinstance(result, wf.Refusal) and result.code == "not_allowed"


def test_every_state_and_event_not_in_the_table_is_refused() -> None:
    for status in wf.STATUSES:
        for event in ("request_close", "review", "reopen", "delete"):
            if (status, event) in wf.TRANSITIONS:
                continue
            result = wf.decide(replace(BASE, status=status), event, SUP1, "approve", NFA_WHY)
            assert isinstance(result, wf.Refusal) and result.code == "not_allowed"


def test_may_edit() -> None:
    assert wf.may_edit(wf.OPEN) is None and wf.may_edit(wf.RETURNED) is None
    assert wf.may_edit(wf.AWAITING_REVIEW) is not None and wf.may_edit(wf.CLOSED) is not None

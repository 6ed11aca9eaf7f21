"""The call's states and what may happen in each: one pure table, no Django. Anything not listed is refused.

The closure guard (what must be true before a call may leave the handler) and the review rules live here too,
as pure functions of a snapshot of the call, so the pages, the API and batch jobs all get the same answer and
the table can be tested row by row.

Decisive questions fail safe: whatever the required actions say (a call assessed before the pack asked them
has no such action), a call cannot close at standard risk, or with "no further action", while any of the
pack's decisive questions is unanswered, and a supervisor cannot approve it either.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

OPEN = "open"
AWAITING_REVIEW = "awaiting_review"
RETURNED = "returned"
CLOSED = "closed"
STATUSES = (OPEN, AWAITING_REVIEW, RETURNED, CLOSED)

# Work on the record itself (notes, answers, checks, advice, referrals) is allowed while the handler holds it.
EDITABLE = frozenset({OPEN, RETURNED})

NO_FURTHER_ACTION = "no_further_action"
OUTCOMES: dict[str, str] = {
    "referred": "Referred to the child-protection team or the MASH",
    "advice_given": "Advice and signposting given; no police action needed",
    "crime_recorded": "Crime recorded for investigation",
    "deployed": "Officers deployed",
    NO_FURTHER_ACTION: "No further action",
}
# The National Decision Model's stages, as prompts for a supervisor's rationale.
NDM_LABELS: dict[str, str] = {
    "information": "Information: what is known, what was checked, what is missing",
    "assessment": "Threat and risk: to the child and others, now and later",
    "powers_policy": "Powers and policy: what guidance and duties apply",
    "options": "Options: what else could be done, and why not",
    "decision": "Decision and review: what is decided, why, and what happens next",
}
# Rationales are decisions someone may later have to defend: a word or two is not a rationale.
MIN_RATIONALE = 20
MIN_NFA_RATIONALE = 80
REVIEW_RISKS = frozenset({"medium", "high"})
DECISIVE = "decisive_questions"  # the required action the decisive questions' answers prove


@dataclass(frozen=True)
class Refusal:
    """Why something was refused: a code for machines, a sentence for people, and what is still to do."""

    code: str
    message: str
    outstanding: tuple[str, ...] = ()


@dataclass(frozen=True)
class Snapshot:
    """What the rules need to know about a call at the moment of a decision."""

    status: str
    risk: str
    response: str
    created_by: int
    outstanding: tuple[str, ...]  # required actions still outstanding (codes), supervisor_review excluded
    review_required: bool  # a supervisor_review action exists (the call was ever medium or high)
    advice_recorded: bool
    deployment_recorded: bool
    decisive_unanswered: tuple[str, ...]  # the pack's decisive questions with no answer on the call (ids)
    requested_by: int | None = None  # who asked for closure, while a request is pending
    outcome: str | None = None  # the pending request's outcome
    approvals: tuple[int, ...] = ()  # supervisors who have approved the pending request


@dataclass(frozen=True)
class Outcome:
    """A decision the rules allow: the state to move to, and whether the call is now closed."""

    to_status: str
    note: str


def may_edit(status: str) -> Refusal | None:
    """None when notes, answers, checks, advice and referrals may be added in ``status``; else why not."""
    if status in EDITABLE:
        return None
    if status == AWAITING_REVIEW:
        return Refusal(
            "awaiting_review", "The call is with a supervisor for review; it cannot be changed now."
        )
    if status == CLOSED:
        return Refusal("closed", "The call is closed; it cannot be changed.")
    return Refusal("unknown_status", f"The call is in an unknown state ({status}).")


def needs_two_supervisors(snap: Snapshot) -> bool:
    """'No further action' on a medium or high risk call needs the approval of two different supervisors."""
    return snap.outcome == NO_FURTHER_ACTION and snap.risk in REVIEW_RISKS


def decisive_missing(snap: Snapshot, outcome: str | None) -> bool:
    """The call would leave at standard risk, or with 'no further action', with a decisive question
    unanswered (issue 8: a missed sign must not become a closed call)."""
    return bool(snap.decisive_unanswered) and (snap.risk not in REVIEW_RISKS or outcome == NO_FURTHER_ACTION)


# ------------------------------------------------------------------------------------------------- guards


def _request_close(snap: Snapshot, actor: int, outcome: str, rationale: str) -> Outcome | Refusal:
    if outcome not in OUTCOMES:
        return Refusal("bad_outcome", "Choose the outcome of the call.")
    reviewed = snap.review_required or snap.risk in REVIEW_RISKS
    minimum = MIN_NFA_RATIONALE if outcome == NO_FURTHER_ACTION and reviewed else MIN_RATIONALE
    if len(rationale.strip()) < minimum:
        return Refusal(
            "rationale_needed",
            f"Write a rationale of at least {minimum} characters: why this outcome, on what information.",
        )
    outstanding = list(snap.outstanding)
    if (
        snap.response == "emergency"
        and not snap.deployment_recorded
        and "emergency_deployment" not in outstanding
    ):
        outstanding.append("emergency_deployment")
    if decisive_missing(snap, outcome) and DECISIVE not in outstanding:
        outstanding.append(DECISIVE)
    if not reviewed and not snap.advice_recorded:
        outstanding.append("advice_given")
    if outstanding:
        return Refusal(
            "outstanding", "The call cannot close while required actions are outstanding.", tuple(outstanding)
        )
    if reviewed:
        return Outcome(AWAITING_REVIEW, "sent to a supervisor for review")
    return Outcome(CLOSED, "closed: standard risk, no required action outstanding, advice recorded")


def _review(snap: Snapshot, actor: int, decision: str, rationale: str) -> Outcome | Refusal:
    if actor in (snap.created_by, snap.requested_by):
        return Refusal(
            "own_call", "A supervisor who took or asked to close this call cannot review it; another must."
        )
    if len(rationale.strip()) < MIN_RATIONALE:
        return Refusal("rationale_needed", f"Write a rationale of at least {MIN_RATIONALE} characters.")
    if decision == "return":
        return Outcome(RETURNED, "returned to the handler")
    if decision != "approve":
        return Refusal(
            "bad_decision", "Choose whether to approve the closure or return the call to the handler."
        )
    if actor in snap.approvals:
        return Refusal(
            "already_approved", "You have already approved this; a second, different supervisor must."
        )
    if decisive_missing(snap, snap.outcome):
        return Refusal(
            "outstanding",
            "The call cannot close at standard risk, or with no further action, until the decisive questions "
            "are answered; return it to the handler.",
            (DECISIVE,),
        )
    if needs_two_supervisors(snap) and len(snap.approvals) < 1:
        return Outcome(
            AWAITING_REVIEW, "first approval of 'no further action' recorded; a second supervisor must"
        )
    return Outcome(CLOSED, "closed after supervisor review")


Guard = Callable[[Snapshot, int, str, str], "Outcome | Refusal"]

# The one table: (state, event) -> the guard that decides. Anything not here is refused.
TRANSITIONS: dict[tuple[str, str], Guard] = {
    (OPEN, "request_close"): _request_close,
    (RETURNED, "request_close"): _request_close,
    (AWAITING_REVIEW, "review"): _review,
}


def decide(snap: Snapshot, event: str, actor: int, choice: str, rationale: str) -> Outcome | Refusal:
    """Apply ``event`` (request_close with an outcome, or review with approve/return) to the call."""
    guard = TRANSITIONS.get((snap.status, event))
    if guard is None:
        return Refusal(
            "not_allowed", f"'{event.replace('_', ' ')}' is not possible while the call is {snap.status}."
        )
    return guard(snap, actor, choice, rationale)

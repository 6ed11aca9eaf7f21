"""The call's states and what may happen in each: one pure table, no Django. Anything not listed is refused.

The closure guard (what must be true before a call may leave the handler) lives here too, as a pure function
of a snapshot of the call, so the web pages, the API and batch jobs all get the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass

OPEN = "open"
AWAITING_REVIEW = "awaiting_review"
RETURNED = "returned"
CLOSED = "closed"
STATUSES = (OPEN, AWAITING_REVIEW, RETURNED, CLOSED)

# Work on the record itself (notes, answers, checks) is allowed while the handler holds the call.
EDITABLE = frozenset({OPEN, RETURNED})


@dataclass(frozen=True)
class Refusal:
    """Why something was refused: a code for machines and a sentence for people."""

    code: str
    message: str


def may_edit(status: str) -> Refusal | None:
    """None when notes, answers and checks may be added in ``status``; else why not."""
    if status in EDITABLE:
        return None
    if status == AWAITING_REVIEW:
        return Refusal(
            "awaiting_review", "The call is with a supervisor for review; it cannot be changed now."
        )
    if status == CLOSED:
        return Refusal("closed", "The call is closed; it cannot be changed.")
    return Refusal("unknown_status", f"The call is in an unknown state ({status}).")

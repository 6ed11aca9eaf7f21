"""Bringing a call to the point of closing, shared by the closure tests and the concurrent-request tests."""

from __future__ import annotations

from typing import Any

from heed.calls import services
from heed.calls.models import RequiredAction
from heed.support import services as support

WHY = "SYNTHETIC rationale long enough to be a real reason for this."


def status(call: Any) -> dict[str, str]:
    """Each required action of the call and where it stands."""
    return dict(RequiredAction.objects.filter(call=call).values_list("code", "status"))


# Answers to the decisive questions that match the demo narrative (they add nothing it does not show).
DECISIVE_ANSWERS = {
    "whereabouts_now": "safe",
    "contact_age": "adult",
    "asked_for_images": "no",
    "threats": "no",
    "asked_to_meet": "yes",
}


def answer_decisive(call: Any, actor: Any, *, leave: tuple[str, ...] = (), **answers: str) -> Any:
    """Record an answer to every decisive question (``answers`` override the defaults above) but those in
    ``leave``, left unanswered. Every close request needs them all answered ("unknown" is an answer)."""
    call.refresh_from_db()
    given = {q: a for q, a in {**DECISIVE_ANSWERS, **answers}.items() if q not in leave}
    return services.answers_record(actor=actor, call=call, answers=given, expected_version=call.version)


def do_everything(call: Any, cast: dict[str, Any], *, leave: tuple[str, ...] = ()) -> None:
    """Every required action of the demo call done by the handler (the decisive questions in ``leave`` left
    unanswered, so that only they stand between the call and a close request)."""
    h = cast["handler"]
    answer_decisive(call, h, leave=leave)
    services.person_check_run(actor=h, call=call, query={"given_name": "Kai", "age": 19}, subject="Kai")
    services.identifier_checks_run_all(actor=h, call=call)
    support.advice_record(actor=h, call=call, agencies=["ceop", "nspcc"], method="read_out")
    support.referral_make(actor=h, call=call, to="child_protection_team", reason=WHY)
    services.vulnerability_flag_record(
        actor=h, call=call, reason="SYNTHETIC: groomed by an adult, meeting offered"
    )

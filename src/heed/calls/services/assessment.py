"""Guided answers, and the engine's reading of the log: the risk (never lowered silently), the required
actions and agencies, and every identifier named put in the register."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils import timezone

from heed.accounts.models import User
from heed.audit.events import EventType
from heed.audit.services import audit_record
from heed.calls.actions import actions_sync, identifier_keys_of
from heed.calls.models import (
    Call,
    NoteEntry,
    RiskDecision,
)
from heed.calls.register import register_add
from heed.calls.selectors import Segment, call_text, identifiers_to_check
from heed.calls.services.base import (
    CallError,
    ensure_editable,
    guidance,
    locked,
    summary,
    touch,
)
from heed.risk import Assessment, GuidancePack, InputError, assess
from heed.risk.engine import readable_part
from heed.risk.grading import caller_audience, effective_risk, known_answers, regrade


def answers_record(
    *, actor: User, call: Call, answers: Mapping[str, str], expected_version: object = None
) -> Call:
    """Record guided answers (merged over earlier ones) and reassess. Answers move the risk, so a form made
    from an older version of the call is refused rather than overwriting newer answers."""
    clean = clean_answers(answers, guidance(call))
    ensure_editable(call)
    with locked(call, actor, expected_version) as call:
        before = dict(call.answers)
        merged = {**before, **clean}
        if merged != before:
            call.answers = merged
            touch(call, "answers")
            audit_record(
                event_type=EventType.ANSWERS_RECORDED,
                actor=actor,
                call=call,
                obj=call,
                before=before,
                after=merged,
            )
            reassess(call, actor)
    return call


# ----------------------------------------------------------------------------------------------- assessment


def live_assessment(
    call: Call, draft: str, history: dict[int, list[NoteEntry]] | None = None
) -> tuple[Assessment | None, list[Segment]]:
    """What the engine says of the log plus the unsent draft (not stored), and the segments it read: for the
    live panel, on every pause in typing."""
    text, segments = call_text(call, draft, history)
    text = readable_part(text)
    if not text.strip():
        return None, segments
    try:
        pack = guidance(call)
        return assess(text, known_answers(call.answers, pack), pack=pack, child_age=call.child_age), segments
    except InputError:
        return None, segments


def _last_decision(call: Call) -> tuple[str, str] | None:
    last = RiskDecision.objects.filter(call=call).order_by("decided_at", "id").last()
    return None if last is None else (last.to_risk, last.engine_risk)


def read_log(call: Call, adding: str = "") -> Assessment | None:
    """The engine's reading of the call's log and answers (with ``adding``, an entry about to be added, read
    as the log's last entry), or None when there is nothing to read. Writes nothing: a service runs it before
    its first audit event, so the force's audit chain is not held while the engine reads."""
    text, _ = call_text(call, adding)
    text = readable_part(text)  # a log grown past the engine's limit is read up to it, never refused
    pack = guidance(call)
    # The child's age on the call's record counts beside any age in the log (under 13 raises the grade).
    answers = known_answers(call.answers, pack)
    if text.strip():
        return assess(text, answers, pack=pack, child_age=call.child_age)
    if answers:
        # Answers alone still count; the engine needs some text to read, so it reads none of substance.
        return assess(".", answers, pack=pack, child_age=call.child_age)
    return None


def reassess(call: Call, actor: User, result: Assessment | None = None) -> None:
    """Store the engine's reading of the log and answers (``result`` when the caller has read it already,
    with nothing changed since) and bring the required actions up to date.

    The engine may lower its own view of the risk (``engine_risk``) but the call's risk is never lowered
    silently: see ``heed.risk.grading.effective_risk``. Actions once required stay on the call.
    """
    result = read_log(call) if result is None else result
    if result is None:
        return
    before = summary(call)
    pack = guidance(call)
    data = result.to_dict()
    data["facts"] = dict(result.facts)
    risk = effective_risk(result.risk, call.risk, _last_decision(call))
    response = result.response
    required = list(result.required_actions)
    if risk != result.risk:
        graded = regrade(pack, result, known_answers(call.answers, pack), risk)
        response = graded.response
        required = list(dict.fromkeys([*required, *graded.actions]))
        data["reasons"] = [
            *data["reasons"],
            *({"rule": r.id, "effect": f"action={r.value}", "text": r.text} for r in graded.action_rules),
        ]
    codes = [i["code"] for i in data["indicators"]]
    advice = pack.advice_for(codes, risk, caller_audience(call.caller_relation))
    data["suggested_agencies"] = [code for code, _ in advice]
    data["required_agencies"] = [code for code, required_ in advice if required_]
    call.assessment = data
    call.engine_risk = result.risk
    call.risk = risk
    call.response = response
    call.pack_version = result.pack_version
    call.assessed_at = timezone.now()
    touch(call, "assessment", "engine_risk", "risk", "response", "pack_version", "assessed_at")
    audit_record(
        event_type=EventType.CALL_ASSESSED,
        actor=actor,
        call=call,
        obj=call,
        before=before,
        after=summary(call) | {"reasons": [r["rule"] for r in data["reasons"]]},
    )
    register_identifiers(call)
    actions_sync(call, actor, required, pack)


def register_identifiers(call: Call) -> None:
    """Put every identifier named on the call in the register, so later reports of it link to this one (never
    a training call's: its identifiers are the scenario's, and no live report may link to them)."""
    if call.training:
        return
    for s in identifiers_to_check(call):
        keys = identifier_keys_of(s)
        if keys is None:
            continue
        register_add(
            force=call.force,
            keys=keys,
            kind=str(s["kind"]),
            value=str(s["value"]),
            platform=s.get("platform"),
            seen_at=timezone.now(),
            call=call,
        )


def clean_answers(answers: object, pack: GuidancePack) -> dict[str, str]:
    if answers is None:
        return {}
    if not isinstance(answers, Mapping):
        raise CallError("answers must be an object of question id to answer", "answers")
    out: dict[str, str] = {}
    for qid, value in answers.items():
        if qid not in pack.questions:
            raise CallError(f"unknown question {qid!r}; known: {', '.join(pack.questions)}", f"answers.{qid}")
        allowed = pack.questions[qid].answers
        if value in (None, ""):
            continue
        if not isinstance(value, str) or value not in allowed:
            raise CallError(f"answer {value!r} is not one of: {', '.join(allowed)}", f"answers.{qid}")
        out[str(qid)] = value
    return out

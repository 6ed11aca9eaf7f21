"""Scoring a training attempt against the scenario's expert key. Pure Python (no Django):
``score(scenario, worked, rules)`` takes what the trainee did (``Worked``, read from the training call by
heed.training.selectors) and gives every competency's items, met or not, with feedback citing the guidance
rule, and the fatal errors that fail an attempt whatever its total. The thresholds are data (scoring.yaml).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from heed.checks import identifier_keys
from heed.training.scenario import Key, PersonKey, Scenario

RULES_FILE = Path(__file__).parent / "scoring.yaml"
RISK_ORDER = {"": 0, "standard": 1, "medium": 2, "high": 3}
# The rule a planted fault's item cites: a supervisor returns a call with every fault the review finds.
FAULT_RULE = "ACT-SUPERVISOR"


@functools.lru_cache(maxsize=1)
def scoring_rules() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    return data


@dataclass(frozen=True)
class CloseRequest:
    outcome: str
    rationale: str
    at: datetime
    refused: bool
    outstanding: tuple[str, ...] = ()


@dataclass(frozen=True)
class Worked:
    """What the trainee did on the training call, as recorded (times are when each was recorded)."""

    mode: str  # assisted | unassisted
    started_at: datetime
    finished_at: datetime
    indicators_found: tuple[str, ...]  # the call's assessment at the end (what the notes and answers showed)
    signs_named: tuple[str, ...] | None  # unassisted: the signs the trainee named
    asked: tuple[
        tuple[str | None, str | None], ...
    ]  # (guided question id, fact drawn out) per question asked
    answers: Mapping[str, str]  # the guided answers recorded on the call
    # (when, record ids shown, marker alert, what was searched: the subject and query values in lower case)
    person_checks: tuple[tuple[datetime, tuple[str, ...], bool, str], ...]
    identifier_checks: tuple[tuple[datetime, str], ...]  # (when, strong key)
    advice: tuple[tuple[datetime, tuple[str, ...]], ...]  # (when, agencies)
    referral_at: datetime | None
    deployment_at: datetime | None
    flag_at: datetime | None
    risk: str
    response: str
    close_requests: tuple[CloseRequest, ...]
    review_decision: str = ""  # supervisor scenarios: approved | returned ("" none yet)
    review_text: str = ""  # the review's rationale and its NDM notes
    review_ndm: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Item:
    competency: str
    met: bool
    feedback: str
    rule: str

    def as_dict(self) -> dict[str, Any]:
        return {"competency": self.competency, "met": self.met, "feedback": self.feedback, "rule": self.rule}


@dataclass(frozen=True)
class Result:
    passed: bool
    score: int
    fatal: tuple[str, ...]
    items: tuple[Item, ...]
    timings: Mapping[str, int | None]  # seconds from the start to each key action (None: never done)

    def competencies(self) -> dict[str, bool]:
        """Each competency scored in this attempt: met when every one of its items was."""
        out: dict[str, bool] = {}
        for item in self.items:
            out[item.competency] = out.get(item.competency, True) and item.met
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "score": self.score,
            "fatal": list(self.fatal),
            "items": [i.as_dict() for i in self.items],
            "timings": dict(self.timings),
        }


def _rule(key: Key, competency: str, default: str) -> tuple[str, str]:
    """The rule to cite for a competency, and the scenario's teaching point for it ("" when none)."""
    for t in key.teaching:
        if t.competency == competency:
            return t.rule, t.point
    return default, ""


def _with_point(feedback: str, point: str) -> str:
    return f"{feedback} {point}".strip() if point else feedback


def strong_key(kind: str, value: str, platform: str | None) -> str:
    try:
        return identifier_keys(kind, value, platform).strong
    except ValueError:
        return ""


def ndm_covered(text: str, rules: Mapping[str, Any]) -> list[str]:
    """The National Decision Model stages a rationale's words cover."""
    words = set(re.findall(r"[a-z]+", text.lower()))
    return [stage for stage, cues in rules["ndm_words"].items() if words & set(cues)]


def _labels(codes: Sequence[str]) -> str:
    return ", ".join(c.replace("_", " ") for c in codes)


def _seconds(worked: Worked, at: datetime | None) -> int | None:
    return None if at is None else max(0, int((at - worked.started_at).total_seconds()))


def score(scenario: Scenario, worked: Worked, rules: Mapping[str, Any] | None = None) -> Result:
    rules = scoring_rules() if rules is None else rules
    if scenario.role == "handler":
        items, fatal = _handler_items(scenario, worked, rules)
    else:
        items = _supervisor_items(scenario, worked, rules)
        wrongly_approved = worked.review_decision == "approved" and "approved" not in scenario.key.outcomes
        fatal = ["approved_with_faults"] if wrongly_approved else []
        # Returned, but not for every planted fault: the handler would put right only what they were told.
        if worked.review_decision == "returned" and any(
            i.competency == "review" and i.rule == FAULT_RULE and not i.met for i in items
        ):
            fatal.append("fault_not_named")
    met = sum(1 for i in items if i.met)
    total = max(1, len(items))
    pct = round(100 * met / total)
    timings = {
        "first_person_check": _seconds(worked, min((c[0] for c in worked.person_checks), default=None)),
        "first_identifier_check": _seconds(
            worked, min((c[0] for c in worked.identifier_checks), default=None)
        ),
        "advice": _seconds(worked, min((a[0] for a in worked.advice), default=None)),
        "referral": _seconds(worked, worked.referral_at),
        "deployment": _seconds(worked, worked.deployment_at),
        "close_request": _seconds(worked, min((c.at for c in worked.close_requests), default=None)),
        "finished": _seconds(worked, worked.finished_at),
    }
    return Result(
        passed=not fatal and pct >= int(rules["pass_mark"]),
        score=pct,
        fatal=tuple(fatal),
        items=tuple(items),
        timings=timings,
    )


def _handler_items(scenario: Scenario, w: Worked, rules: Mapping[str, Any]) -> tuple[list[Item], list[str]]:
    key = scenario.key
    items: list[Item] = []
    fatal: list[str] = []

    # Recognition: unassisted, the signs the trainee named; assisted, what their notes and answers showed.
    rule, point = _rule(key, "recognition", "indicators.yaml")
    if key.indicators:
        seen = set(w.signs_named or ()) if w.mode == "unassisted" else set(w.indicators_found)
        wanted = set(key.indicators)
        share = len(seen & wanted) / len(wanted)
        missed = sorted(wanted - seen)
        extra = sorted(seen - wanted)
        how = "named" if w.mode == "unassisted" else "recorded (in the notes and answers)"
        text = f"You {how} {len(seen & wanted)} of the {len(wanted)} danger signs in this call."
        if missed:
            text += f" Missed: {_labels(missed)}."
        if extra:
            text += f" Not in this call: {_labels(extra)}."
        items.append(
            Item("recognition", share >= float(rules["recognition_recall"]), _with_point(text, point), rule)
        )
    elif w.mode == "unassisted" and w.signs_named:
        items.append(
            Item(
                "recognition",
                False,
                f"There were no danger signs of grooming in this call; you named {_labels(w.signs_named)}.",
                rule,
            )
        )

    # The decisive questions: asked of the caller, and the caller's answer recorded.
    rule, point = _rule(key, "decisive_questions", "ACT-DECISIVE")
    asked_q = {g for g, _ in w.asked if g} | {
        f.question for _, fid in w.asked if fid for f in scenario.facts if f.id == fid and f.question
    }
    not_asked = [q for q in key.decisive if q not in asked_q]
    wrong = []
    for q in key.decisive:
        fact = scenario.fact_for_question(q)
        given = w.answers.get(q)
        if given is None:
            continue
        if fact is not None and fact.answer is not None and given != fact.answer and q in asked_q:
            wrong.append(f"{q.replace('_', ' ')} (recorded {given}; the caller said {fact.answer})")
    unrecorded = [q for q in key.decisive if q not in w.answers]
    text = "Every decisive question was asked and its answer recorded."
    if not_asked or unrecorded or wrong:
        parts = []
        if not_asked:
            parts.append(f"not asked of the caller: {_labels(not_asked)}")
        if unrecorded:
            parts.append(f"no answer recorded: {_labels(unrecorded)}")
        if wrong:
            parts.append(f"recorded differently from what the caller said: {'; '.join(wrong)}")
        text = "Decisive questions " + "; ".join(parts) + "."
    items.append(
        Item("decisive_questions", not (not_asked or unrecorded or wrong), _with_point(text, point), rule)
    )

    # The named person(s): checked, the right record found, a marker acted on.
    rule, point = _rule(key, "person_check", "ACT-PERSON-CHECK")
    found_ids = {rid for _, ids, _, _ in w.person_checks for rid in ids}
    for person in key.persons:
        if person.record:
            ok = person.record in found_ids
            text = (
                f"You checked {person.name} and found their record."
                if ok
                else (
                    f"You ran person checks, but none found {person.name}'s record: search with what the "
                    "caller gave (name, alias, town, age)."
                    if w.person_checks
                    else f"{person.name} was not checked against nominal records."
                )
            )
        else:
            ok = bool(w.person_checks)
            text = f"You checked {person.name}." if ok else f"{person.name} was not checked."
        items.append(Item("person_check", ok, _with_point(text, point), rule))
    # Fatal: a named adult nobody searched for (their record not found, and no check by their name).
    if any(not _searched_for(p, found_ids, w) for p in key.persons):
        fatal.append("named_adult_not_checked")
    for person in key.persons:
        if not person.marker:
            continue
        m_rule, m_point = _rule(key, "marker", "ACT-REFERRAL")
        found = person.record in found_ids
        graded = RISK_ORDER.get(w.risk, 0) >= RISK_ORDER[key.risk]
        acted = found and graded and (w.referral_at is not None or not key.referral)
        if not found:
            text = f"{person.name}'s record holds a warning marker you never saw: the check did not find it."
        elif acted:
            text = (
                "You saw the warning marker and acted on it: graded as the guidance grades it, and referred."
            )
        else:
            text = (
                f"The check showed a warning marker; the call should then be graded at least {key.risk}"
                + (" and the child referred." if key.referral else ".")
            )
        items.append(Item("marker", acted, _with_point(text, m_point), m_rule))

    # Every online identity.
    rule, point = _rule(key, "identifier_check", "ACT-IDENTIFIER-CHECK")
    checked = {k for _, k in w.identifier_checks if k}
    for ident in key.identifiers:
        ok = strong_key(ident.kind, ident.value, ident.platform) in checked
        text = f"{ident.kind} {ident.value}: " + (
            "checked." if ok else "not checked against records and reports."
        )
        items.append(Item("identifier_check", ok, _with_point(text, point), rule))

    # Specialist advice, given and recorded.
    rule, point = _rule(key, "advice", "ACT-SPECIALIST-ADVICE")
    told = {a for _, agencies in w.advice for a in agencies}
    if key.agencies:
        missing = [a for a in key.agencies if a not in told]
        text = (
            f"You told the caller about {_labels(key.agencies)} and recorded it."
            if not missing
            else f"Not recorded as given: {_labels(missing)}."
        )
        items.append(Item("advice", not missing, _with_point(text, point), rule))
        if not set(key.agencies) & told:
            fatal.append("specialist_advice_not_given")

    # The grade and the response.
    rule, point = _rule(key, "grade", "rules.yaml risk_rules")
    if w.risk == key.risk:
        text = f"Graded {key.risk}, as the guidance grades this call."
    elif RISK_ORDER.get(w.risk, 0) < RISK_ORDER[key.risk]:
        text = f"Graded {w.risk or 'not at all'}: too low. The guidance grades this call {key.risk}."
    else:
        text = f"Graded {w.risk}: higher than the guidance's {key.risk} (over-grading takes officers away)."
    items.append(Item("grade", w.risk == key.risk, _with_point(text, point), rule))
    rule, point = _rule(key, "response", "RESP-EMERGENCY" if key.emergency else "rules.yaml response_rules")
    text = (
        f"Response {key.response.replace('_', ' ')}, as required."
        if w.response == key.response
        else f"Response {w.response.replace('_', ' ') or 'none'}; the guidance requires "
        f"{key.response.replace('_', ' ')}."
    )
    items.append(Item("response", w.response == key.response, _with_point(text, point), rule))
    if key.emergency and (w.response != "emergency" or w.deployment_at is None):
        fatal.append("emergency_not_graded")

    # The referral, or not over-escalating.
    rule, point = _rule(key, "referral", "ACT-REFERRAL")
    made = w.referral_at is not None
    if key.referral:
        text = (
            "You referred the child."
            if made
            else "The child should have been referred to the child-protection team."
        )
    else:
        text = (
            "No referral was needed, and none was made."
            if not made
            else "A referral was made where the guidance asks for advice without escalation."
        )
    items.append(Item("referral", made == key.referral, _with_point(text, point), rule))
    if key.vulnerability_flag:
        items.append(
            Item(
                "referral",
                w.flag_at is not None,
                "The child was flagged as vulnerable."
                if w.flag_at is not None
                else "The child should have been flagged as vulnerable.",
                "ACT-VULNERABILITY",
            )
        )

    # The closure decision: asked only when the required work was done, the right outcome, a rationale.
    rule, point = _rule(key, "closure", "ACT-SUPERVISOR")
    for request in w.close_requests:
        undone = _undone_at(scenario, w, request.at)
        if undone:
            fatal.append("closed_with_action_required")
            break
    accepted = [r for r in w.close_requests if not r.refused]
    if not accepted:
        text = (
            "The call was never asked to close (or every request was refused)."
            if w.close_requests
            else "You did not ask to close the call."
        )
        items.append(Item("closure", False, _with_point(text, point), rule))
    else:
        last = accepted[-1]
        stages = ndm_covered(last.rationale, rules)
        right = last.outcome in key.outcomes
        enough = len(stages) >= int(rules["ndm_stages_min"])
        text = (
            f"Outcome {last.outcome.replace('_', ' ')}"
            + (" is right." if right else f"; the right outcome is {' or '.join(key.outcomes)}.")
            + f" Your rationale covers {len(stages)} of 5 decision-model stages"
            + (f" ({_labels(stages)})." if stages else ".")
        )
        items.append(Item("closure", right and enough, _with_point(text, point), rule))
    return items, sorted(set(fatal))


def _searched_for(person: PersonKey, found_ids: set[str], w: Worked) -> bool:
    """Whether any person check looked for ``person``: found their record, or searched by their name."""
    if person.record and person.record in found_ids:
        return True
    names = {n for n in re.findall(r"[a-z']+", person.name.lower()) if n not in ("synthetic",) and len(n) > 1}
    return any(names & set(re.findall(r"[a-z']+", searched)) for _, _, _, searched in w.person_checks)


def _undone_at(scenario: Scenario, w: Worked, at: datetime) -> list[str]:
    """What the key requires that was not yet done when the trainee asked to close at ``at``."""
    key = scenario.key
    undone = []
    found = {rid for t, ids, _, _ in w.person_checks if t <= at for rid in ids}
    if (key.persons and not any(t <= at for t, _, _, _ in w.person_checks)) or any(
        p.record and p.record not in found for p in key.persons
    ):
        undone.append("person_check")
    checked = {k for t, k in w.identifier_checks if t <= at}
    if any(strong_key(i.kind, i.value, i.platform) not in checked for i in key.identifiers):
        undone.append("identifier_check")
    given = {a for t, agencies in w.advice if t <= at for a in agencies}
    if key.agencies and not set(key.agencies) <= given:
        undone.append("specialist_advice")
    if key.referral and (w.referral_at is None or w.referral_at > at):
        undone.append("safeguarding_referral")
    if key.emergency and (w.deployment_at is None or w.deployment_at > at):
        undone.append("emergency_deployment")
    return undone


def _supervisor_items(scenario: Scenario, w: Worked, rules: Mapping[str, Any]) -> list[Item]:
    key = scenario.key
    planted = scenario.supervisor
    assert planted is not None
    rule, point = _rule(key, "review", "ACT-SUPERVISOR")
    items: list[Item] = []
    decided = w.review_decision
    right = decided in key.outcomes
    if not decided:
        text = "You did not decide the review."
    elif right:
        text = f"You {decided} the call, as the guidance requires."
    else:
        text = f"You {decided} the call; it should have been {' or '.join(key.outcomes)}."
    items.append(Item("review", right, _with_point(text, point), rule))
    words = set(re.findall(r"[a-z0-9]+", w.review_text.lower()))
    text_l = w.review_text.lower()
    for fault in planted.faults:
        # A plain word must be a word of the reasons; a phrase (or a code like "no-further-action") a part.
        named = decided == "returned" and any(
            (f in words) if f.isalnum() else (f in text_l) for f in fault.words
        )
        label = fault.code.replace("_", " ")
        text = (
            f"You named the fault: {label}."
            if named
            else f"Not named in your reasons: {label}. {fault.point}".strip()
        )
        items.append(Item("review", named, text, FAULT_RULE))
    stages = ndm_covered(w.review_text, rules)
    items.append(
        Item(
            "review",
            len(stages) >= int(rules["ndm_stages_min"]),
            f"Your reasons cover {len(stages)} of 5 decision-model stages"
            + (f" ({_labels(stages)})." if stages else "."),
            "ACT-SUPERVISOR",
        )
    )
    return items

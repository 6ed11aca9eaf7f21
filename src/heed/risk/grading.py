"""Grading rules shared by every caller of the engine (web app, API, CLI, batch): the response and actions at
a risk, the risk after a person's decision, and whom the advice is for. Pure Python, never Django."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from heed.risk.conditions import Facts, evaluate
from heed.risk.pack import GuidancePack, Rule

if TYPE_CHECKING:
    from heed.risk.engine import Assessment

RISK_ORDER = {"standard": 0, "medium": 1, "high": 2}
NO_DEPLOYMENT = "resolution_without_deployment"

# Whom the advice is for, by the caller's relation to the child; anyone else is advised as a parent would be.
AUDIENCE_OF = {"child": "child", "teacher": "professional", "professional": "professional"}


@dataclass(frozen=True)
class Graded:
    """The response and required actions at one risk, with the rules that gave them (in pack order)."""

    response: str
    actions: tuple[str, ...]
    response_rule: Rule | None
    action_rules: tuple[Rule, ...]


def respond(pack: GuidancePack, facts: Facts) -> Graded:
    """The pack's response rule (the first that holds) and action rules (all that hold) at ``facts.risk``."""
    response_rule = next(
        (r for r in pack.response_rules if r.when is not None and evaluate(r.when, facts)), None
    )
    rules: list[Rule] = []
    actions: list[str] = []
    for r in pack.action_rules:
        if r.when is not None and evaluate(r.when, facts) and r.value not in actions:
            rules.append(r)
            actions.append(str(r.value))
    return Graded(
        response=str(response_rule.value) if response_rule is not None else NO_DEPLOYMENT,
        actions=tuple(actions),
        response_rule=response_rule,
        action_rules=tuple(rules),
    )


def regrade(pack: GuidancePack, assessment: Assessment, answers: Mapping[str, str], risk: str) -> Graded:
    """The response and actions of an assessment when a person has set the risk to ``risk``."""
    facts = Facts(
        indicators=frozenset(assessment.indicators),
        grooming=pack.grooming_codes,
        facts=dict(assessment.facts),
        answers=answers,
        subjects=[(s["kind"], s.get("role")) for s in assessment.subjects],
        vulnerability=frozenset(assessment.vulnerability),
    )
    return respond(pack, replace(facts, risk=risk))


def effective_risk(engine: str, current: str, decision: tuple[str, str] | None) -> str:
    """The call's risk after the engine reads ``engine``.

    ``decision`` is the last person's decision as ``(risk set, engine's risk when they set it)``, or None.
    Without a decision the risk never falls (the higher of ``current`` and the engine's). After a decision the
    person's risk stands unless the engine now reads higher than it did when they decided: new danger always
    raises the grade.
    """
    if decision is None:
        return engine if RISK_ORDER[engine] >= RISK_ORDER.get(current, -1) else current
    decided, engine_then = decision
    if RISK_ORDER[engine] > RISK_ORDER.get(engine_then, -1):
        return engine if RISK_ORDER[engine] >= RISK_ORDER[decided] else decided
    return decided


def caller_audience(relation: str) -> str:
    """Whom the advice is for: the child, a professional, or (by default) a parent or other adult."""
    return AUDIENCE_OF.get(relation, "parent")


def known_answers(answers: Mapping[str, str], pack: GuidancePack) -> dict[str, str]:
    """The answers ``pack`` can read: a question or answer value it no longer has (local guidance cleared, a
    new version adopted) is left out rather than stopping the engine; the call keeps the answers as given."""
    return {q: v for q, v in answers.items() if q in pack.questions and v in pack.questions[q].answers}

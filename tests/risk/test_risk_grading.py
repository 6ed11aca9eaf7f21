"""heed.risk.grading: the rules the web app, the API and batch jobs share (one implementation, pure)."""

from __future__ import annotations

import pytest

from heed.risk import assess, default_pack
from heed.risk.grading import caller_audience, effective_risk, regrade


@pytest.mark.parametrize(
    ("engine", "current", "decision", "expected"),
    [
        # No person's decision: the risk never falls below what was recorded.
        ("medium", "", None, "medium"),
        ("standard", "high", None, "high"),
        ("high", "medium", None, "high"),
        # A supervisor lowered high to standard: the person's risk stands while the engine reads no higher...
        ("high", "standard", ("standard", "high"), "standard"),
        ("medium", "standard", ("standard", "high"), "standard"),
        # ...but new danger (the engine now reads higher than when they decided) raises it again.
        ("high", "standard", ("standard", "medium"), "high"),
        # A person raised the risk above the engine: the engine reading the same again does not lower it.
        ("medium", "high", ("high", "medium"), "high"),
        # The engine rising past the decision's engine reading but not past the decided risk leaves it.
        ("medium", "high", ("high", "standard"), "high"),
    ],
)
def test_effective_risk_row_by_row(
    engine: str, current: str, decision: tuple[str, str] | None, expected: str
) -> None:
    assert effective_risk(engine, current, decision) == expected


@pytest.mark.parametrize(
    ("relation", "audience"),
    [
        ("child", "child"),
        ("teacher", "professional"),
        ("professional", "professional"),
        ("parent", "parent"),
        ("grandparent", "parent"),
        ("", "parent"),
    ],
)
def test_caller_audience(relation: str, audience: str) -> None:
    assert caller_audience(relation) == audience


def test_regrade_at_the_engines_own_risk_gives_the_engines_response_and_actions() -> None:
    pack = default_pack()
    text = "A man of 34 on Snapchat asked my daughter, 12, for photos and wants to meet her on Saturday."
    result = assess(text, pack=pack)
    graded = regrade(pack, result, {}, result.risk)
    assert graded.response == result.response
    assert list(graded.actions) == result.required_actions


def test_regrade_at_a_higher_risk_requires_more() -> None:
    pack = default_pack()
    result = assess("She has been talking to someone online, we don't know who.", pack=pack)
    assert result.risk == "standard"
    high = regrade(pack, result, {}, "high")
    assert set(result.required_actions) < set(high.actions)
    assert [r.value for r in high.action_rules] == list(high.actions)

"""The engine asserted on the labelled development sets (labels written by people from docs/grading.md, never
by running the engine). Floors, not echoes: a change that makes the engine miss more danger signs, or grade
more calls lower than their label, fails here. The held-out set is only reported (make eval), never tuned on.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from heed.risk import assess
from heed.risk.evaluate import development_sets, evaluate_cases, load_cases

DATA = Path(__file__).parent / "data"
SETS = development_sets(DATA)


@pytest.mark.parametrize("path", SETS, ids=[p.stem for p in SETS])
def test_development_set_floors(path: Path) -> None:
    report = evaluate_cases(load_cases(path))
    precision, recall, _ = report.micro()
    assert report.risk_accuracy >= 0.88, f"{path.name}: risk accuracy {report.risk_accuracy:.2f}"
    assert recall >= 0.92 and precision >= 0.92, f"{path.name}: micro P {precision:.2f} R {recall:.2f}"
    # Under-grading is the dangerous error: at most 1 case in 20.
    assert report.under_graded <= report.cases // 20, f"{path.name}: {report.under_graded} under-graded"


def test_hard_negatives_mostly_stay_standard() -> None:
    """Bullying between classmates, scams on adults, screen time, known friends, negations: over-grading them
    wastes scarce officers' time, though it is the safer error. At most one in ten may be graded up."""
    negatives = [
        case
        for path in SETS
        for case in load_cases(path)
        if {"hard_negative", "hard"} & set(case.get("tags", [])) and case["risk"] == "standard"
    ]
    misses = [f"{c['id']}: {risk}" for c in negatives if (risk := assess(c["text"]).risk) != "standard"]
    assert len(negatives) >= 60
    assert len(misses) <= len(negatives) // 10, misses

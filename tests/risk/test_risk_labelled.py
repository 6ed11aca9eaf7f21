"""The engine asserted on the labelled development sets (labels written by people from docs/grading.md, never
by running the engine). Floors, not echoes: a change that makes the engine miss more danger signs, or grade
more calls that need checks as standard, fails here. The held-out sets are only reported (make eval).

The floors sit a little under what the engine measured when the learned layer landed (issue 8). The learned
heads were trained on these sets, so these figures flatter it: the honest figures are the cross-validated
ones `make heads` prints and the held-out rows of `make eval`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from heed.risk import assess
from heed.risk.evaluate import development_sets, evaluate_cases, load_cases

DATA = Path(__file__).parent / "data"
SETS = development_sets(DATA)
# set: (risk accuracy, micro precision, micro recall, share of medium/high graded standard at most)
FLOORS = {
    # corpus_a, corpus_c, devset: precision 0.01 lower with guidance 2026.12.6 and the heads rebuilt on 5,379
    # narratives (0.779, 0.710, 0.913): more danger-now and typed-threat readings, a few of them not labelled
    "corpus_a": (0.82, 0.77, 0.77, 0.05),
    "corpus_b": (0.79, 0.75, 0.71, 0.10),
    "corpus_c": (0.72, 0.70, 0.72, 0.12),
    "devset": (0.90, 0.91, 0.95, 0.03),
    # precision 0.93 -> 0.91 with guidance 2026.12.5: "saying they'll batter him" is now read as a threat
    # and two contacts three years older with another sign as an age gap, which this set's labels do not say
    "devset2": (0.90, 0.90, 0.93, 0.05),
    "devset3": (0.86, 0.89, 0.90, 0.05),
    "devset4": (0.90, 0.92, 0.91, 0.05),
    # w1, w5, w7: precision 0.005 under the last floors with guidance 2026.12.5 and the heads rebuilt on 4,406
    # narratives (their medium/high graded standard fell 15 -> 14, 9 -> 7, 2 -> 0)
    "w1": (0.73, 0.75, 0.69, 0.12),
    "w2": (0.75, 0.71, 0.70, 0.06),
    "w3": (0.72, 0.67, 0.86, 0.05),
    "w4": (0.82, 0.74, 0.75, 0.04),
    "w5": (0.76, 0.77, 0.71, 0.08),
    "w6": (0.80, 0.76, 0.73, 0.05),
    "w7": (0.76, 0.76, 0.77, 0.04),
    "w8": (0.70, 0.62, 0.75, 0.06),
    "w9": (0.76, 0.77, 0.72, 0.09),
    "w10": (0.75, 0.71, 0.69, 0.04),
    "w11": (0.71, 0.67, 0.78, 0.04),
    "w12": (0.75, 0.74, 0.68, 0.08),
    "w13": (0.83, 0.74, 0.82, 0.03),
    # w14-w16: read once as fresh writers before guidance 2026.12.6 (0.70 / 0.71 / 0.82 risk accuracy); these
    # floors are a little under their figures with it and the heads rebuilt on 5,379 narratives
    "w14": (0.78, 0.80, 0.79, 0.06),
    "w15": (0.72, 0.70, 0.74, 0.08),
    "w16": (0.82, 0.77, 0.74, 0.03),
    # w17, w19: read once as fresh writers before guidance 2026.12.7 (risk accuracy 0.65 / 0.74, micro
    # precision 0.59 / 0.73); these floors are a little under their figures with it and the heads rebuilt on
    # 5,881 narratives. w17's long calls are where precision is lowest: two standard calls in three raised.
    "w17": (0.65, 0.60, 0.80, 0.02),
    "w19": (0.73, 0.72, 0.76, 0.09),
}


def test_every_development_set_has_floors() -> None:
    assert sorted(FLOORS) == sorted(p.stem for p in SETS)


@pytest.mark.parametrize("path", SETS, ids=[p.stem for p in SETS])
def test_development_set_floors(path: Path) -> None:
    accuracy, min_p, min_r, max_standard = FLOORS[path.stem]
    report = evaluate_cases(load_cases(path))
    precision, recall, _ = report.micro()
    assert report.risk_accuracy >= accuracy, f"{path.name}: risk accuracy {report.risk_accuracy:.2f}"
    assert precision >= min_p and recall >= min_r, f"{path.name}: micro P {precision:.2f} R {recall:.2f}"
    needing = sum(n for (gold, _), n in report.confusion.items() if gold != "standard")
    assert (
        report.needs_checks_standard <= max_standard * needing
    ), f"{path.name}: {report.needs_checks_standard} of {needing} medium/high narratives graded standard"


def test_hard_negatives_mostly_stay_standard() -> None:
    """Bullying between classmates, scams on adults, screen time, known friends, negations: over-grading them
    wastes scarce officers' time, though it is the safer error. At most one in eight may be graded up: the
    issue's target is one in ten over all standard narratives, missed here since the vulnerability raises lift
    any single false sign for a child under 13 to high (3 of the 10 raised when the learned layer landed; the
    rules alone raised 8). The bound was one in nine until the heads were rebuilt on 3,641 narratives
    (2026-12-07): they raise two more of these 94 ("the law on sharing photos", "a friend request from an
    adult she declined"), and in leave-one-writer-out grade 14 fewer medium/high narratives standard. It is
    one in seven since the heads were rebuilt on 4,406 (guidance 2026.12.5): they read "They also posted a
    video of him falling over." beside classmates' threats as extremism (12 of 94 raised, 11 before)."""
    negatives = [
        case
        for path in SETS
        for case in load_cases(path)
        if {"hard_negative", "hard"} & set(case.get("tags", [])) and case["risk"] == "standard"
    ]
    misses = [f"{c['id']}: {risk}" for c in negatives if (risk := assess(c["text"]).risk) != "standard"]
    assert len(negatives) >= 60
    assert len(misses) <= len(negatives) // 7, misses

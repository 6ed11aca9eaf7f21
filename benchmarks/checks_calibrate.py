"""Estimate the person-check weights on SYNTHETIC labelled pairs and write ``heed/checks/data/weights.json``.

1. Generate SYNTHETIC records (``synthetic_nominals``) and build an embedded index.
2. Make caller-style queries of several shapes from sampled records (nicknames, typos, swapped dates,
   approximate ages, partial details). Each query's candidates (the same blocking the search uses) give
   labelled pairs: a match when the candidate is the same synthetic person.
3. On the first half of the queries, fit additive per-field, per-level weights (log2 odds) and a prior by
   logistic regression penalised towards the hand-set weights (see ``fit``).
4. On the other half, print a reliability table (predicted probability against the observed match rate)
   for all candidate pairs and for the top 10 of each query.

    python benchmarks/checks_calibrate.py --records 1000000 --queries 4000 [--write]
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

import synthetic_nominals as sn
from heed.checks import import_csv
from heed.checks.blocking import family_variants, query_keys
from heed.checks.embedded import EmbeddedIndex, index_exists
from heed.checks.index import MIN_SCORED
from heed.checks.query import QueryError, parse_query
from heed.checks.scoring import compare, default_weights, weights_from_dict

WEIGHTS_PATH = Path(__file__).parents[1] / "src" / "heed" / "checks" / "data" / "weights.json"
STYLES = (
    "names_dob",
    "names_age_town",
    "first_age_town",
    "handle",
    "phone",
    "names_only",
    "family_dob",
    "names_postcode",
    "age_range",
    "email",
)


def make_query(row: dict[str, str], style: str, rng: random.Random) -> dict[str, Any] | None:
    """Caller-style queries, including shapes the benchmark does not time, sometimes with extra details."""
    base: dict[str, Any] | None
    if style == "names_only":
        base = sn.caller_query(row, "names_age_town", rng)
        base = (
            None if base is None else {"given_name": base["given_name"], "family_name": base["family_name"]}
        )
    elif style == "family_dob":
        base = sn.caller_query(row, "names_dob", rng)
        base = (
            None
            if base is None
            else {"family_name": base["family_name"], "date_of_birth": base["date_of_birth"]}
        )
    elif style == "names_postcode":
        base = sn.caller_query(row, "names_age_town", rng)
        if base is None:
            return None
        postcode = row["postcode"] if rng.random() < 0.5 else row["postcode"].split(" ")[0]
        base = {"given_name": base["given_name"], "family_name": base["family_name"], "postcode": postcode}
    elif style == "age_range":
        base = sn.caller_query(row, "names_age_town", rng)
        if base is None:
            return None
        age = base.pop("age")
        base |= {"age_min": max(0, age - 3), "age_max": age + 3}
    elif style == "email":
        if not row["emails"]:
            return None
        base = {"email": row["emails"].upper() if rng.random() < 0.5 else row["emails"]}
    else:
        base = sn.caller_query(row, style, rng)
    if base is not None and rng.random() < 0.25 and "given_name" in base:
        base["sex"] = row["sex"]
    return base


def labelled_pairs(
    index: EmbeddedIndex, samples: list[dict[str, str]], count: int, seed: int
) -> list[list[tuple[dict[str, str], bool]]]:
    """For each query: the candidates' agreement levels, and whether the candidate is the person."""
    rng = random.Random(seed)
    weights = default_weights()
    out: list[list[tuple[dict[str, str], bool]]] = []
    while len(out) < count:
        row = rng.choice(samples)
        query = make_query(row, rng.choice(STYLES), rng)
        if query is None:
            continue
        try:
            q = parse_query(query, sn.REFERENCE_DATE)
        except QueryError:
            continue
        pairs = []
        for record in index.candidates(q, query_keys(q), MIN_SCORED):
            comparison = compare(q, record, family_variants(record), weights)
            pairs.append((comparison.levels, sn.person_of(record["record_id"]) == row["record_id"]))
        out.append(pairs)
    return out


# A closer agreement must never count for less than a looser one (exact name below a nickname would let an
# alias outrank the record's own name); the fit can invert near-equal levels, so the order is imposed after.
ORDER = {
    "given_name": [
        ("exact", "nickname"),
        ("exact", "phonetic"),
        ("exact", "typo"),
        ("typo", "initial"),
        ("phonetic", "initial"),
        ("nickname", "initial"),
        ("initial", "disagree"),
    ],
    "family_name": [
        ("exact", "phonetic"),
        ("exact", "typo"),
        ("phonetic", "part"),
        ("typo", "part"),
        ("part", "disagree"),
    ],
    "date_of_birth": [
        ("exact", "day_month_swap"),
        ("exact", "year_off"),
        ("exact", "same_year_month"),
        ("same_year_month", "same_year"),
        ("exact", "partial"),
        ("partial", "same_year"),
        ("age_exact", "age_in_range"),
        ("age_in_range", "age_near"),
        ("age_near", "disagree"),
        ("same_year", "disagree"),
    ],
    "town": [("exact", "typo"), ("typo", "disagree")],
    "postcode": [("full", "district"), ("district", "area"), ("area", "disagree")],
    "email": [("exact", "weak"), ("weak", "disagree")],
    "handle": [
        ("exact", "other_platform"),
        ("exact", "weak"),
        ("weak", "disagree"),
        ("other_platform", "disagree"),
    ],
    "sex": [("agree", "disagree")],
    "phone": [("exact", "disagree")],
}


def _keep_order(levels: dict[str, dict[str, float]]) -> None:
    # Agreeing on sex is weak evidence for, never against (the fit can dip below zero on blocked pairs).
    levels["sex"]["agree"] = max(levels["sex"]["agree"], 0.0)
    changed = True
    while changed:
        changed = False
        for field, pairs in ORDER.items():
            for higher, lower in pairs:
                if levels[field][lower] > levels[field][higher]:
                    levels[field][lower] = levels[field][higher]
                    changed = True


def fit(train: list[list[tuple[dict[str, str], bool]]], strength: float) -> dict[str, Any]:
    """Per-level weights (log2 odds) and prior by penalised logistic regression on the labelled pairs.

    The weights stay additive per field and level, as in Fellegi-Sunter, but are fitted jointly rather than
    from m/u counts, because blocked candidates break the independence that m/u counting assumes (they all
    agree on some name code). The penalty pulls each weight towards its hand-set value, so a level the
    training pairs never show (or show rarely) keeps a sensible weight instead of an artefact of smoothing.
    """
    hand = json.loads(WEIGHTS_PATH.read_text(encoding="utf-8"))["hand_set"]
    columns = [(f, lv) for f, levels in hand["levels"].items() for lv in levels]
    where = {c: i for i, c in enumerate(columns)}
    rows = [pair for pairs in train for pair in pairs]
    x = np.zeros((len(rows), len(columns) + 1))
    x[:, 0] = 1.0
    y = np.zeros(len(rows))
    seen: Counter[tuple[str, str]] = Counter()
    for i, (levels, is_match) in enumerate(rows):
        y[i] = is_match
        for field, level in levels.items():
            x[i, where[(field, level)] + 1] = 1.0
            seen[(field, level)] += 1
    centre = np.array([hand["prior"]] + [hand["levels"][f][lv] for f, lv in columns])
    penalty = np.full(len(columns) + 1, strength)
    penalty[0] = 1e-6  # the prior is free
    theta = centre.copy()
    ln2 = math.log(2)
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-np.clip(ln2 * (x @ theta), -50, 50)))
        grad = ln2 * (x.T @ (p - y)) + 2 * penalty * (theta - centre)
        hess = ln2 * ln2 * (x.T * (p * (1 - p))) @ x + np.diag(2 * penalty)
        step = np.linalg.solve(hess, grad)
        theta -= step
        if np.abs(step).max() < 1e-7:
            break
    levels_out: dict[str, dict[str, float]] = defaultdict(dict)
    for (field, level), value in zip(columns, theta[1:], strict=True):
        levels_out[field][level] = round(float(value), 3)
    _keep_order(levels_out)
    return {
        "levels": dict(levels_out),
        "prior": round(float(theta[0]), 3),
        "pairs": {"match": int(y.sum()), "nonmatch": int(len(y) - y.sum())},
        "seen": seen,
    }


def reliability(predicted: list[float], actual: list[bool], title: str) -> None:
    """Print predicted probability against observed match rate in ten bins."""
    print(f"\nreliability ({title}): predicted score bin, pairs, mean predicted, observed match rate")
    bins: dict[int, list[tuple[float, bool]]] = defaultdict(list)
    for p, y in zip(predicted, actual, strict=True):
        bins[min(int(p * 10), 9)].append((p, y))
    for b in range(10):
        items = bins.get(b, [])
        if not items:
            print(f"  {b / 10:.1f}-{(b + 1) / 10:.1f}  {0:>8}")
            continue
        mean_p = sum(p for p, _ in items) / len(items)
        rate = sum(y for _, y in items) / len(items)
        print(f"  {b / 10:.1f}-{(b + 1) / 10:.1f}  {len(items):>8}  {mean_p:.3f}  {rate:.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--queries", type=int, default=3000)
    parser.add_argument("--workdir", default="benchmarks/out")
    parser.add_argument("--strength", type=float, default=0.5, help="pull towards the hand-set weights")
    parser.add_argument("--write", action="store_true", help="write the fitted weights to weights.json")
    args = parser.parse_args()
    work = Path(args.workdir) / f"calibrate-{args.records}-{args.seed}"
    work.mkdir(parents=True, exist_ok=True)
    csv_path, sample_path, index_dir = work / "records.csv", work / "samples.jsonl", work / "index"
    started = time.perf_counter()
    if not index_exists(index_dir):
        sn.write_csv(csv_path, args.records, args.seed, sample_path, every=max(1, args.records // 20_000))
        import_csv(csv_path, index_dir)
    print(
        f"SYNTHETIC calibration set: {args.records} records, seed {args.seed} "
        f"({time.perf_counter() - started:.0f}s)"
    )
    samples = [json.loads(line) for line in sample_path.open(encoding="utf-8")]
    with EmbeddedIndex(index_dir) as index:
        queries = labelled_pairs(index, samples, args.queries, args.seed)
    half = len(queries) // 2
    fitted = fit(queries[:half], args.strength)
    print(f"pairs used for the fit: {fitted['pairs']}; prior log2 odds {fitted['prior']}")
    data: dict[str, Any] = json.loads(WEIGHTS_PATH.read_text(encoding="utf-8"))
    data["levels"], data["prior"] = fitted["levels"], fitted["prior"]
    data["calibration"] = {"slope": round(math.log(2), 4), "intercept": 0.0}
    data["source"] = (
        f"fitted by benchmarks/checks_calibrate.py on {args.records} SYNTHETIC records (seed {args.seed}), "
        f"{args.queries} caller-style queries; weights on half the queries, reliability on the other half"
    )
    final = weights_from_dict(data)
    per_query = []
    for pairs in queries[half:]:
        scored = sorted(
            (
                (final.probability(sum(final.level_weight(f, lv) for f, lv in levels.items())), y)
                for levels, y in pairs
            ),
            key=lambda item: -item[0],
        )
        per_query.append(scored)
    reliability(
        [p for q in per_query for p, _ in q], [y for q in per_query for _, y in q], "held-out, all pairs"
    )
    reliability(
        [p for q in per_query for p, _ in q[:10]],
        [y for q in per_query for _, y in q[:10]],
        "held-out, top 10",
    )
    print("\nweights (log2 odds; observations in the fit):")
    for field, lv in data["levels"].items():
        print(
            f"  {field:14} " + "  ".join(f"{k}={v:+.2f}({fitted['seen'][(field, k)]})" for k, v in lv.items())
        )
    if args.write:
        WEIGHTS_PATH.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {WEIGHTS_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

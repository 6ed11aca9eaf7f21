"""Figures for the engine on labelled narratives: ``python -m heed.risk.evaluate`` (``make eval``).

Prints per-indicator precision/recall/F1 and support, micro and macro averages, the risk confusion matrix and
risk/response accuracy for every development set (each ``tests/risk/data/*.jsonl`` other than the held-out
file, written by the engine's authors) and, separately and last, for the held-out set
(``holdout.jsonl``) when it exists: narratives written independently, never seen by the engine's authors.
A summary table closes the report. ``--errors`` lists the development-set cases that disagree (never the
held-out ones: only their aggregate figures are ever printed).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from heed.risk.engine import assess
from heed.risk.errors import InputError
from heed.risk.pack import GuidancePack, default_pack

DATA_DIR = Path(__file__).resolve().parents[3] / "tests" / "risk" / "data"
RISKS = ("high", "medium", "standard")
HOLDOUT_PREFIX = "holdout"


@dataclass
class Report:
    """Counts over one labelled set."""

    cases: int = 0
    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    response_ok: int = 0
    response_total: int = 0
    subjects_found: int = 0
    subjects_total: int = 0
    emergencies: int = 0  # labelled immediate danger
    emergencies_found: int = 0  # ... graded emergency
    false_emergencies: int = 0  # graded emergency without labelled immediate danger
    errors: list[str] = field(default_factory=list)

    def merge(self, other: Report) -> None:
        """Add another set's counts to these."""
        self.cases += other.cases
        for mine, theirs in ((self.tp, other.tp), (self.fp, other.fp), (self.fn, other.fn)):
            mine.update(theirs)
        self.confusion.update(other.confusion)
        self.response_ok += other.response_ok
        self.response_total += other.response_total
        self.subjects_found += other.subjects_found
        self.subjects_total += other.subjects_total
        self.emergencies += other.emergencies
        self.emergencies_found += other.emergencies_found
        self.false_emergencies += other.false_emergencies

    def prf(self, code: str) -> tuple[float, float, float, int]:
        """Precision, recall, F1 and support (labelled positives) for one indicator."""
        tp, fp, fn = self.tp[code], self.fp[code], self.fn[code]
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f, tp + fn

    def micro(self) -> tuple[float, float, float]:
        """Micro-averaged precision, recall, F1 over all indicators."""
        tp, fp, fn = sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values())
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def macro(self, codes: Sequence[str]) -> tuple[float, float, float]:
        """Macro-averaged precision, recall, F1 over indicators with labelled or predicted cases."""
        used = [c for c in codes if self.tp[c] + self.fp[c] + self.fn[c]]
        if not used:
            return 1.0, 1.0, 1.0
        rows = [self.prf(c) for c in used]
        return tuple(sum(r[i] for r in rows) / len(rows) for i in range(3))  # type: ignore[return-value]

    @property
    def under_graded(self) -> int:
        """Cases the engine graded lower than the label (the dangerous error)."""
        return sum(n for (g, p), n in self.confusion.items() if RISKS.index(p) > RISKS.index(g))

    @property
    def needs_checks_standard(self) -> int:
        """Medium or high narratives graded standard: no checks, no referral required (the seed's failure)."""
        return sum(n for (g, p), n in self.confusion.items() if g != "standard" and p == "standard")

    def share(self, gold: str, pred: set[str]) -> float:
        """Share of narratives labelled ``gold`` that the engine graded one of ``pred``."""
        total = sum(n for (g, _), n in self.confusion.items() if g == gold)
        hit = sum(n for (g, p), n in self.confusion.items() if g == gold and p in pred)
        return hit / total if total else 1.0

    @property
    def risk_accuracy(self) -> float:
        """Share of cases whose risk level matches the label."""
        ok = sum(n for (gold, pred), n in self.confusion.items() if gold == pred)
        return ok / self.cases if self.cases else 1.0


def load_cases(path: Path) -> list[dict[str, Any]]:
    """Read a labelled JSON-lines file, refusing malformed lines with the line number."""
    cases = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{n}: not valid JSON ({exc.msg})") from None
        if not isinstance(row, dict) or not isinstance(row.get("text"), str) or row.get("risk") not in RISKS:
            raise ValueError(f"{path}:{n}: expected an object with text, indicators and risk")
        cases.append(row)
    return cases


def evaluate_cases(
    cases: list[dict[str, Any]], pack: GuidancePack | None = None, *, learned: bool = True
) -> Report:
    """Run the engine over labelled cases and count agreement (``indicators`` may be a list of codes or a
    mapping of code to evidence)."""
    pack = pack or default_pack()
    rep = Report()
    for row in cases:
        try:
            d = assess(row["text"], row.get("answers"), pack=pack, learned=learned).to_dict()
        except InputError as exc:
            rep.errors.append(f"{row.get('id')}: refused: {exc}")
            continue
        rep.cases += 1
        gold = set(row.get("indicators", []))
        pred = {i["code"] for i in d["indicators"]}
        for code in pred & gold:
            rep.tp[code] += 1
        for code in pred - gold:
            rep.fp[code] += 1
        for code in gold - pred:
            rep.fn[code] += 1
        rep.confusion[(row["risk"], d["risk"])] += 1
        emergency = "immediate_danger" in gold
        rep.emergencies += emergency
        rep.emergencies_found += emergency and d["response"] == "emergency"
        rep.false_emergencies += not emergency and d["response"] == "emergency"
        if "response" in row:
            rep.response_total += 1
            rep.response_ok += row["response"] == d["response"]
        for s in row.get("subjects") or []:
            rep.subjects_total += 1
            rep.subjects_found += any(
                x["kind"] == s["kind"] and x["value"].lower() == str(s["value"]).lower()
                for x in d["subjects"]
            )
        if pred != gold or row["risk"] != d["risk"]:
            extra, missing = sorted(pred - gold), sorted(gold - pred)
            rep.errors.append(
                f"{row.get('id')}: risk {row['risk']}->{d['risk']} extra={extra} missing={missing}"
            )
    return rep


def render(rep: Report, codes: Sequence[str], title: str) -> str:
    """Human-readable figures for one set."""
    out = [
        f"== {title}: {rep.cases} narratives",
        "",
        f"{'indicator':<22}{'P':>7}{'R':>7}{'F1':>7}{'support':>9}",
    ]
    for code in codes:
        p, r, f, support = rep.prf(code)
        out.append(f"{code:<22}{p:>7.2f}{r:>7.2f}{f:>7.2f}{support:>9}")
    mp, mr, mf = rep.micro()
    ap, ar, af = rep.macro(codes)
    out.append(f"{'micro average':<22}{mp:>7.2f}{mr:>7.2f}{mf:>7.2f}")
    out.append(f"{'macro average':<22}{ap:>7.2f}{ar:>7.2f}{af:>7.2f}")
    out += [
        "",
        "risk confusion (rows: label, columns: engine)",
        f"{'':<10}" + "".join(f"{r:>10}" for r in RISKS),
    ]
    for gold in RISKS:
        out.append(f"{gold:<10}" + "".join(f"{rep.confusion[(gold, pred)]:>10}" for pred in RISKS))
    out.append(f"risk accuracy: {rep.risk_accuracy:.2f}")
    out.append(f"under-graded (engine lower than label): {rep.under_graded}")
    out.append(f"needing checks (medium/high) but graded standard: {rep.needs_checks_standard}")
    out.append(
        f"high graded high: {rep.share('high', {'high'}):.2f}; "
        f"standard raised: {1 - rep.share('standard', {'standard'}):.2f}"
    )
    out.append(
        f"emergencies graded emergency: {rep.emergencies_found}/{rep.emergencies}; "
        f"false emergencies: {rep.false_emergencies}"
    )
    if rep.response_total:
        out.append(f"response accuracy: {rep.response_ok / rep.response_total:.2f}")
    if rep.subjects_total:
        out.append(f"labelled subjects found: {rep.subjects_found}/{rep.subjects_total}")
    return "\n".join(out)


def summary(rows: Sequence[tuple[str, Report]]) -> str:
    """One line per set: size, risk accuracy, under-graded count, micro precision and recall."""
    out = [
        f"{'set':<16}{'cases':>7}{'risk acc':>10}{'under':>7}{'chk->std':>9}{'hi->hi':>8}{'std up':>8}"
        f"{'emerg':>8}{'false em':>9}{'micro P':>9}{'micro R':>9}{'min R':>7}"
    ]
    for name, rep in rows:
        p, r, _ = rep.micro()
        min_r = min(
            (rep.prf(c)[1] for c in rep.tp.keys() | rep.fn.keys() if rep.tp[c] + rep.fn[c]), default=1.0
        )
        out.append(
            f"{name:<16}{rep.cases:>7}{rep.risk_accuracy:>10.2f}{rep.under_graded:>7}"
            f"{rep.needs_checks_standard:>9}{rep.share('high', {'high'}):>8.2f}"
            f"{1 - rep.share('standard', {'standard'}):>8.2f}"
            f"{f'{rep.emergencies_found}/{rep.emergencies}':>8}{rep.false_emergencies:>9}"
            f"{p:>9.2f}{r:>9.2f}{min_r:>7.2f}"
        )
    return "\n".join(out)


def development_sets(data: Path) -> list[Path]:
    """Every labelled set in ``data`` except the held-out ones (``holdout*.jsonl``), in name order."""
    return sorted(p for p in data.glob("*.jsonl") if not p.name.startswith(HOLDOUT_PREFIX))


def holdout_sets(data: Path) -> list[Path]:
    """The held-out sets: written independently, only ever read as aggregate figures."""
    return sorted(p for p in data.glob("*.jsonl") if p.name.startswith(HOLDOUT_PREFIX))


def main(argv: Sequence[str] | None = None) -> int:
    """Print the figures; exit 2 when a data file is unusable."""
    parser = argparse.ArgumentParser(prog="python -m heed.risk.evaluate", description=__doc__)
    parser.add_argument(
        "--data", type=Path, default=DATA_DIR, help="folder with the labelled *.jsonl sets and holdout.jsonl"
    )
    parser.add_argument("--errors", action="store_true", help="list disagreeing development-set cases")
    parser.add_argument(
        "--no-holdout",
        action="store_true",
        help="development sets only (the held-out figures are read rarely)",
    )
    parser.add_argument("--rules-only", action="store_true", help="leave out the learned layer")
    parser.add_argument("--quiet", action="store_true", help="only the summary table")
    args = parser.parse_args(argv)
    pack = default_pack()
    codes = list(pack.indicators)
    learned = not args.rules_only
    rows: list[tuple[str, Report]] = []
    try:
        devs = development_sets(args.data)
        if not devs:
            print(f"error: {args.data}: no development set (*.jsonl other than holdout*)", file=sys.stderr)
            return 2
        for dev in devs:
            rep = evaluate_cases(load_cases(dev), pack, learned=learned)
            rows.append((dev.stem, rep))
            if not args.quiet:
                print(render(rep, codes, f"development set ({dev.name})"))
                if args.errors:
                    print("\n".join(["", "disagreements:", *rep.errors]))
                print()
        total = Report()
        for _, rep in rows:
            total.merge(rep)
        rows.append(("all development", total))
        if args.no_holdout:
            print("held-out sets: not read (--no-holdout)")
        for holdout in [] if args.no_holdout else holdout_sets(args.data):
            hrep = evaluate_cases(load_cases(holdout), pack, learned=learned)
            rows.append((holdout.stem, hrep))
            if not args.quiet:
                print(render(hrep, codes, f"held-out, written independently ({holdout.name})"))
            refused = [e for e in hrep.errors if ": refused:" in e]
            if refused:
                print(f"refused by the engine: {len(refused)}")
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print()
    print(summary(rows))
    print(f"\nguidance pack: {pack.version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

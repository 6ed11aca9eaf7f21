"""Identifier look-up benchmark: which SYNTHETIC nominal records hold a phone, e-mail or handle (printed
figures, never asserted).

Uses the records and embedded index of ``checks_scale.py`` (building them when missing), and optionally the
same records loaded into the PostgreSQL person index (``--pg``, its own schema in the benchmark database,
dropped after). For identifiers sampled from the records, and for phone numbers no record holds, it times
``PersonIndex.holders`` and counts how often the sampled record is among the records returned.

    python benchmarks/checks_holders.py --records 1000000
    python benchmarks/checks_holders.py --records 1000000 --pg
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import checks_scale
import pg_reference

# (kind, value, platform, record_id expected or None for a number no synthetic record holds)
Lookup = tuple[str, str, str | None, str | None]


def lookups(work: Path, per_kind: int, seed: int) -> dict[str, list[Lookup]]:
    samples = [json.loads(line) for line in (work / "samples.jsonl").open(encoding="utf-8")]
    rng = random.Random(seed)
    rng.shuffle(samples)
    out: dict[str, list[Lookup]] = {"phone": [], "email": [], "handle+platform": [], "handle alone": []}
    for row in samples:
        if row["phones"] and len(out["phone"]) < per_kind:
            out["phone"].append(("phone", row["phones"].split(";")[0], None, row["record_id"]))
        if row["emails"] and len(out["email"]) < per_kind:
            out["email"].append(("email", row["emails"].split(";")[0].upper(), None, row["record_id"]))
        if row["online_ids"]:
            platform, handle = row["online_ids"].split(";")[0].split(":", 1)
            if len(out["handle+platform"]) < per_kind:
                out["handle+platform"].append(("handle", handle, platform, row["record_id"]))
            if len(out["handle alone"]) < per_kind:
                out["handle alone"].append(("handle", handle, None, row["record_id"]))
    # The generator writes 07 numbers from 07100 upwards: 07000 ... is held by no record.
    out["phone held by none"] = [
        ("phone", f"07000 {rng.randrange(100000, 999999)}", None, None) for _ in range(per_kind)
    ]
    return out


def run(index: Any, groups: dict[str, list[Lookup]]) -> None:
    for items in groups.values():  # warm: the first look-ups fault index pages in from disk
        for kind, value, platform, _ in items[:20]:
            index.holders(kind, value, platform)
    print(f"  {'look-up':<20} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'found':>7} {'hits/q':>7}")
    for name, items in groups.items():
        latencies, found, hits = [], 0, 0
        for kind, value, platform, expected in items:
            started = time.perf_counter()
            result = index.holders(kind, value, platform)
            latencies.append((time.perf_counter() - started) * 1000)
            ids = [h["record_id"] for h in result["hits"]]
            hits += len(ids)
            found += expected in ids if expected else not ids
        p = checks_scale.percentile
        print(
            f"  {name:<20} {len(items):>5} {p(latencies, 0.5):>8.2f} {p(latencies, 0.95):>8.2f} "
            f"{p(latencies, 0.99):>8.2f} {found / len(items):>7.1%} {hits / len(items):>7.2f}"
        )
    print("  found: the sampled record is among those returned (for numbers held by none: nothing returned)")


def _records(csv_path: Path) -> Iterator[dict[str, Any]]:
    from heed.checks.records import ImportReport, read_csv

    yield from read_csv(csv_path, ImportReport())


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--lookups", type=int, default=500, help="look-ups per kind")
    parser.add_argument("--workdir", default="benchmarks/out")
    parser.add_argument("--pg", action="store_true", help="also load and time the PostgreSQL person index")
    parser.add_argument("--pg-dsn", default=pg_reference.DEFAULT_DSN)
    args = parser.parse_args()
    from heed.checks import open_index

    work = Path(args.workdir) / f"scale-{args.records}-{args.seed}"
    work.mkdir(parents=True, exist_ok=True)
    print(
        f"SYNTHETIC identifier look-ups: {args.records} records, seed {args.seed}, workdir {work}", flush=True
    )
    if not (work / "index" / "manifest.json").exists():
        figures = checks_scale.build(work, args.records, args.seed)
        print(f"built the embedded index in {figures['build_s']}s", flush=True)
    groups = lookups(work, args.lookups, args.seed)
    with open_index(work / "index") as index:
        print(f"heed embedded index, {len(index)} records (warm)")
        run(index, groups)
    if args.pg:
        from heed.checks.pg import PgIndex

        pg_reference.ensure_database(args.pg_dsn)
        location = f"{args.pg_dsn}#schema=heed_holders_{uuid.uuid4().hex[:8]}"
        with PgIndex(location) as pg:
            try:
                started = time.perf_counter()
                pg.upsert(_records(work / "records.csv"))
                pg._db.execute("ANALYZE")
                took = time.perf_counter() - started
                print(f"heed PostgreSQL index, {len(pg)} records (loaded in {took:.0f}s)")
                run(pg, groups)
            finally:
                pg.drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

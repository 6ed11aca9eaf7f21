"""The look-back in one process against the PySpark job on ``local[2]``, over the same SYNTHETIC calls.

N closed calls (default 100,000) are made in a scratch SQLite database: narratives drawn from the SYNTHETIC
labelled sets in tests/risk/data (concerning and benign alike), each closed at a grade and with actions done
drawn at random. They are exported to Parquet (`heed guidance export`'s function), then judged twice under
the shipped pack: (a) one process, the records read from the database and ``judge`` called on each, as `heed
rescreen` does; (b) the Spark job over the export. Prints calls, seconds and calls/s side by side, the
findings of each, and whether they agree row for row (exits 1 if not). Never asserted in the suite.

    python benchmarks/bench_rescreen.py [--calls N] [--partitions N]   (make bench-rescreen; the spark extra)

The single process alone takes about a quarter of an hour at 100,000 calls on two cores.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1] / "tests" / "risk" / "data"
ACTIONS = ("person_check", "identifier_check", "specialist_advice", "safeguarding_referral")
RELATIONS = ("parent", "relative", "teacher", "professional", "child", "friend", "other")


def narratives() -> list[str]:
    """Every SYNTHETIC narrative of the labelled sets (concerning and benign)."""
    texts = []
    for path in sorted(DATA.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(str(json.loads(line)["text"]))
    return texts


def make_calls(n: int, seed: int = 12) -> Any:
    """N closed SYNTHETIC calls of force SYN in the scratch database; returns the force."""
    from heed.accounts.models import Force, User
    from heed.calls.models import ActionStatus, Call, CallStatus, NoteEntry, RequiredAction

    rng = random.Random(seed)
    texts = narratives()
    force = Force.objects.create(code="SYN", name="SYNTHETIC benchmark force")
    user = User.objects.create(username="syn.bench", force=force, role="handler")
    closed = datetime(2026, 6, 1, tzinfo=UTC)
    for start in range(0, n, 5000):
        calls = Call.objects.bulk_create(
            Call(
                force=force,
                reference=f"SYN-BENCH-{i:07d}",
                status=CallStatus.CLOSED,
                created_by=user,
                created_at=closed - timedelta(minutes=i + 30),
                updated_at=closed - timedelta(minutes=i),
                caller_relation=rng.choice(RELATIONS),
                child_age=rng.choice([None, *range(8, 18)]),
                answers={"contact_age": rng.choice(["adult", "same_age", "unknown"])} if i % 10 == 0 else {},
                risk=rng.choice(["standard", "standard", "medium", "high"]),
                pack_version="national@2025.1.0",
            )
            for i in range(start, min(n, start + 5000))
        )
        NoteEntry.objects.bulk_create(
            NoteEntry(call=c, entry_no=1, text=rng.choice(texts), author=user, created_at=c.created_at)
            for c in calls
        )
        RequiredAction.objects.bulk_create(
            RequiredAction(call=c, code=code, status=ActionStatus.DONE, created_at=c.updated_at)
            for c in calls
            for code in ACTIONS
            if rng.random() < 0.5
        )
    return force


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100_000, help="how many SYNTHETIC closed calls")
    parser.add_argument("--partitions", type=int, default=0, help="the Spark job's pieces (0: its choice)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database, export and findings")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="heed-bench-rescreen-"))
    os.environ.update({"HEED_VAR_DIR": str(scratch), "HEED_INDEX_DIR": str(scratch / "index")})
    os.environ.pop("HEED_DATABASE_URL", None)
    os.environ.pop("HEED_GUIDANCE", None)
    from heed.config import setup_django

    setup_django()
    from django.core.management import call_command

    from heed.commands.guidance import since_midnight
    from heed.guidance.export import write_export
    from heed.guidance.lookback import judge
    from heed.guidance.spark_job import PackSource, run
    from heed.lookback.records import call_records, closed_calls
    from heed.risk import default_pack

    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    force = make_calls(args.calls)
    print(f"{args.calls} SYNTHETIC closed calls made in {time.perf_counter() - t:.1f} s (SQLite, {scratch})")
    since = since_midnight(date(2020, 1, 1))
    export = scratch / "export.parquet"
    t = time.perf_counter()
    exported = write_export(call_records(closed_calls(force, since)), export)
    print(
        f"exported {exported} calls in {time.perf_counter() - t:.1f} s: {export.stat().st_size / 1e6:.1f} MB"
    )

    pack = default_pack()
    judge(call_records(closed_calls(force, since)).__next__(), pack)  # the learned tables, loaded once
    t = time.perf_counter()
    alone = [
        f.to_row() for r in call_records(closed_calls(force, since)) if (f := judge(r, pack)) is not None
    ]
    one_s = time.perf_counter() - t
    # And `heed rescreen` itself: the same reading, a chunk of calls per transaction, the queue written.
    from heed.lookback.models import LookBackItem
    from heed.lookback.services import lookback_start, run_to_end

    t = time.perf_counter()
    look = lookback_start(actor=None, force=force, since=since, actor_label="bench", run=False)
    run_to_end("lookback", look.pk)
    rescreen_s = time.perf_counter() - t
    queued = set(LookBackItem.objects.filter(run=look).values_list("call_id", flat=True))

    os.environ["PYSPARK_PYTHON"] = sys.executable  # the executors' Python: heed installed, as on a node
    from pyspark.sql import SparkSession

    t = time.perf_counter()
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("heed-bench-rescreen")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    start_s = time.perf_counter() - t
    t = time.perf_counter()
    summary = run(spark, str(export), str(scratch / "findings"), PackSource(), partitions=args.partitions)
    spark_s = time.perf_counter() - t
    on_spark = sorted((r.asDict() for r in spark.read.parquet(str(scratch / "findings")).collect()), key=_id)
    # Again, warm: the Python workers have heed, the pack and the learned tables loaded, as a long job's
    # executors have after their first minute.
    t = time.perf_counter()
    run(spark, str(export), str(scratch / "findings-warm"), PackSource(), partitions=args.partitions)
    warm_s = time.perf_counter() - t
    spark.stop()

    agree = sorted(alone, key=_id) == on_spark and queued == {_id(r) for r in on_spark}
    print(f"pack {pack.version}; machine: {os.cpu_count()} cores")
    print(f"{'':<34}{'calls':>9}{'seconds':>10}{'calls/s':>10}{'findings':>10}")
    print(
        f"{'one process (DB, judge)':<34}{exported:>9}{one_s:>10.1f}{exported / one_s:>10.1f}{len(alone):>10}"
    )
    print(
        f"{'heed rescreen (queue written)':<34}{exported:>9}{rescreen_s:>10.1f}"
        f"{exported / rescreen_s:>10.1f}{len(queued):>10}"
    )
    print(
        f"{'Spark local[2] (export, same judge)':<34}{summary.calls:>9}{spark_s:>10.1f}"
        f"{summary.calls / spark_s:>10.1f}{summary.findings:>10}"
    )
    warm = summary.calls / warm_s
    print(f"{'Spark local[2], run again warm':<34}{summary.calls:>9}{warm_s:>10.1f}{warm:>10.1f}")
    print(f"(Spark session start, not counted above: {start_s:.1f} s; load average {_load()})")
    print(f"findings agree row for row: {'yes' if agree else 'NO'}")
    if not args.keep:
        shutil.rmtree(scratch)  # about 100 MB at 100,000 calls
    return 0 if agree else 1


def _load() -> str:
    """The machine's load average: the figures mean little on a machine busy with other work."""
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _id(row: dict[str, Any]) -> int:
    return int(row["call_id"])


if __name__ == "__main__":
    sys.exit(main())

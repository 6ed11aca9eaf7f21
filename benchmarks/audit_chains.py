"""What one chain per force buys: audited writes from several forces at once, all into one chain (as every
event went before, and as one force's changes still do) against each force into its own chain.

Each writer records an event and then holds its transaction open for ``--hold`` ms, standing for the rest of a
service's transaction (the engine reassessing a call, the other rows written) before commit: the chain head
stays locked that long. Prints events/s and the p50/p95 time from BEGIN to COMMIT per event; never asserted.
A third run times view events (a GET: ``audit_record_now``) of another force and of the writer's own force
while the writer holds its head: views go into the access chain, so neither waits for the write.

PostgreSQL is where this shows (row locks); SQLite has one writer for the whole database, so every run there
is serialised however the chains are cut, and the figures say so.

    python benchmarks/audit_chains.py --database-url postgresql://postgres@127.0.0.1:5432/heed_bench_audit
    python benchmarks/audit_chains.py            # SQLite in a temporary directory
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path


def run(
    writers: int, events: int, force_of: Callable[[int], str], hold_ms: float
) -> tuple[float, list[float]]:
    """``writers`` threads each record ``events`` events (force ``force_of(i)``): (events/s, ms each)."""
    from django.db import connection, transaction

    from heed.audit.events import EventType
    from heed.audit.services import audit_record

    barrier = threading.Barrier(writers + 1)
    times: list[float] = []
    lock = threading.Lock()

    def work(i: int) -> None:
        mine: list[float] = []
        barrier.wait()
        for n in range(events):
            t = time.perf_counter()
            with transaction.atomic():
                audit_record(
                    event_type=EventType.NOTE_ADDED,
                    actor=None,
                    actor_label="bench",
                    force_code=force_of(i),
                    after={"writer": i, "n": n},
                )
                time.sleep(hold_ms / 1000)  # the rest of the service's transaction, head still locked
            mine.append((time.perf_counter() - t) * 1000)
        with lock:
            times.extend(mine)
        connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(writers)]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    return writers * events / elapsed, times


def views_while_held(hold_ms: float, views: int, view_force: str) -> list[float]:
    """View events of ``view_force`` while a writer of force A01 keeps A01's head locked; ms per view."""
    from django.db import connection, transaction

    from heed.audit.events import EventType
    from heed.audit.services import audit_record, audit_record_now

    held = threading.Event()
    done = threading.Event()

    def writer() -> None:
        while not done.is_set():
            with transaction.atomic():
                audit_record(
                    event_type=EventType.NOTE_ADDED, actor=None, actor_label="bench", force_code="A01"
                )
                held.set()
                time.sleep(hold_ms / 1000)
        connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    held.wait()
    out = []
    for _ in range(views):
        t = time.perf_counter()
        audit_record_now(
            event_type=EventType.CALL_VIEWED, actor=None, actor_label="bench", force_code=view_force
        )
        out.append((time.perf_counter() - t) * 1000)
    done.set()
    thread.join()
    return out


def pct(ms: list[float], q: float) -> float:
    ms = sorted(ms)
    return ms[min(len(ms) - 1, int(len(ms) * q))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="an empty postgresql:// database (default: SQLite, temporary)")
    parser.add_argument("--writers", type=int, default=8, help="writer threads, one force each (default 8)")
    parser.add_argument("--events", type=int, default=40, help="events per writer (default 40)")
    parser.add_argument("--hold", type=float, default=5.0, help="ms a transaction stays open after its event")
    args = parser.parse_args()
    var = Path(tempfile.mkdtemp(prefix="heed-bench-audit-"))
    os.environ.update({"HEED_VAR_DIR": str(var), "HEED_INDEX_DIR": str(var / "index")})
    os.environ.pop("HEED_DATABASE_URL", None)
    if args.database_url:
        os.environ["HEED_DATABASE_URL"] = args.database_url
    from heed.config import setup_django

    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from heed.audit.services import audit_verify

    call_command("migrate", verbosity=0)
    print(
        f"{connection.vendor}: {args.writers} writers x {args.events} events, each transaction held "
        f"{args.hold:g} ms after its event (SYNTHETIC events)"
    )
    for name, force_of in (
        ("one chain for all writers", lambda i: "ALL"),
        ("one chain per writer's force", lambda i: f"F{i:02d}"),
    ):
        rate, ms = run(args.writers, args.events, force_of, args.hold)
        print(
            f"  {name:<30} {rate:7.0f} events/s   p50 {statistics.median(ms):6.1f} ms   "
            f"p95 {pct(ms, 0.95):6.1f} ms"
        )
    if connection.vendor == "postgresql":
        print(f"  views (GET) while a writer of force A holds A's head {args.hold * 10:g} ms at a time:")
        for label, force in (("another force's", "B01"), ("force A's own", "A01")):
            views = views_while_held(args.hold * 10, 30, force)
            print(f"    {label:<16} p50 {statistics.median(views):6.1f} ms   p95 {pct(views, 0.95):6.1f} ms")
    else:
        print("  views during a held write: not measured (SQLite: one writer, every view waits for it)")
    result = audit_verify()
    print(f"  {result.summary()}")
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""The simulated caller and the training pages: how long a trainee waits. On a fresh SQLite database with the
SYNTHETIC demo data, the demo handler starts attempts at every handler scenario of the library and asks, per
scenario, every guided decisive question, then every fact's example questions in their own words (the first
free-text question of a process loads all-MiniLM-L6-v2; the first of a scenario encodes its examples), then
finishes. Prints p50/p99 and throughput for each kind of request, the cold first question beside the warm
ones, through the same pages a trainee uses. Never asserted; figures to compare before and after a change.

    python benchmarks/bench_training.py [--scenarios N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from typing import Any

from demo_client import demo_handler_call


def figures(name: str, ms: list[float]) -> str:
    ms = sorted(ms)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    rate = 1000 * len(ms) / sum(ms) if ms else 0.0
    return f"{name:<34} n={len(ms):>4}  p50 {statistics.median(ms):7.1f} ms  p99 {p99:7.1f} ms  {rate:6.1f}/s"


def timed(ms: list[float], call: Any) -> Any:
    t = time.perf_counter()
    out = call()
    ms.append((time.perf_counter() - t) * 1000)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=0, help="how many handler scenarios (0: all)")
    args = parser.parse_args()
    client, _, _ = demo_handler_call("heed-bench-training-")
    from heed.risk import default_pack
    from heed.training.library import national_library
    from heed.training.models import Attempt

    decisive = [q.id for q in default_pack().questions.values() if q.decisive]
    scenarios = [s for s in national_library().values() if s.role == "handler"]
    scenarios = scenarios[: args.scenarios] if args.scenarios else scenarios
    start: list[float] = []
    page: list[float] = []
    guided: list[float] = []
    first_free: list[float] = []
    free: list[float] = []
    finish: list[float] = []
    process_first: float | None = None
    for s in scenarios:
        timed(start, lambda s=s: client.post("/training/start", {"scenario": s.id, "mode": "assisted"}))
        attempt = Attempt.objects.latest("id")
        timed(page, lambda a=attempt: client.get(f"/calls/{a.call_id}/"))
        for q in decisive:
            timed(guided, lambda q=q, a=attempt: client.post(f"/training/attempts/{a.pk}/ask", {"guided": q}))
        examples = [e for f in s.facts for e in f.examples]
        for i, e in enumerate(examples):
            bucket = first_free if i == 0 else free
            timed(
                bucket, lambda e=e, a=attempt: client.post(f"/training/attempts/{a.pk}/ask", {"question": e})
            )
            if process_first is None:
                process_first = bucket[-1]
        timed(finish, lambda a=attempt: client.post(f"/training/attempts/{a.pk}/finish"))
    print(f"{len(scenarios)} handler scenarios, SQLite, one process (in-process test client)")
    print(f"first free-text question of the process (loads MiniLM): {process_first:.0f} ms")
    for name, ms in (
        ("start an attempt", start),
        ("training call page", page),
        ("ask: guided question", guided),
        ("ask: first free text of a scenario", first_free),
        ("ask: free text, warm", free),
        ("finish and score", finish),
    ):
        print(figures(name, ms))
    return 0


if __name__ == "__main__":
    sys.exit(main())

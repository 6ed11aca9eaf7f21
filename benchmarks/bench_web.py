"""How fast the handler's screen answers (``make bench-web``).

The live panel (draft autosave: save, assess the log plus the draft, render the panel), the call page, adding
to the log, and a person check, through Django's test client on a fresh SQLite database with the SYNTHETIC
demo data. Prints p50/p99; never asserted.

    python benchmarks/bench_web.py [--runs 300]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable

from demo_client import demo_handler_call


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def report(name: str, ms: list[float]) -> None:
    ms = sorted(ms)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    print(f"{name:<34} n={len(ms):<5} p50 {statistics.median(ms):7.1f} ms   p99 {p99:7.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    client, url, narrative = demo_handler_call("heed-bench-web-")
    words = narrative.split()
    drafts = [" ".join(words[: 10 + (i * 7) % len(words)]) for i in range(args.runs)]
    it = iter(drafts * 2)
    print(
        f"SYNTHETIC demo data; machine load {os.getloadavg()[0]:.2f} (2 cores, shared); "
        f"Python {sys.version.split()[0]}"
    )
    report(
        "live panel (draft autosave)",
        timed(lambda: client.post(url + "draft", {"text": next(it)}), args.runs),
    )
    report("call page (GET)", timed(lambda: client.get(url), max(50, args.runs // 3)))
    report(
        "add to the log (POST, reassess)", timed(lambda: client.post(url + "notes", {"text": next(it)}), 50)
    )
    query = {"subject": "Kai", "given_name": "Kai", "age": "19", "town": "Maidstone", "phone": "07700 900123"}
    report("person check (POST)", timed(lambda: client.post(url + "person-check", query), 50))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Where a handler's request spends its time (a companion to ``bench_load.py``).

Runs each request type of the load test through Django's test client on a fresh SQLite database with the
SYNTHETIC demo data (a call with a few log entries, as a call has mid-way), and prints, per request type, the
CPU time per request (without and with the profiler), the SQL queries per request, and the functions that
take the most time (cProfile, cumulative, Heed's own code and the main library calls).

    python benchmarks/profile_web.py [--runs 40] [--top 18] [--only view]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import os
import pstats
import sys
import time
from collections.abc import Callable

from demo_client import demo_handler_call

TYPED = (
    "CLR says Kai messaged SAM again last night and asked for a photo. SAM felt he had to keep it secret. "
    "Kai asked when mum works late and said he could meet SAM at the station on Saturday."
)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--top", type=int, default=18)
    parser.add_argument("--only", default="", help="one request type (list, view, live, note, answer, check)")
    args = parser.parse_args()
    client, url, _ = demo_handler_call("heed-profile-web-")
    from django.db import connection, reset_queries
    from django.test.utils import override_settings

    for sentence in TYPED.split(". ")[:3]:
        client.post(url + "notes", {"text": sentence})
    answers = itertools.cycle(["safe", "unknown"])
    requests: dict[str, Callable[[], object]] = {
        "list": lambda: client.get("/calls/"),
        "view": lambda: client.get(url),
        "live": lambda: client.post(url + "draft", {"text": TYPED}),
        "note": lambda: client.post(url + "notes", {"text": "SAM is at home and safe."}),
        "answer": lambda: client.post(url + "answers", {"q_whereabouts_now": next(answers)}),
        "check": lambda: client.post(
            url + "person-check", {"subject": "Kai", "given_name": "Kai", "age": "19"}
        ),
    }
    print(f"SYNTHETIC demo data; SQLite; machine load {os.getloadavg()[0]:.2f} (2 cores, shared)")
    for name, run in requests.items():
        if args.only and name != args.only:
            continue
        run()  # warm
        with override_settings(DEBUG=True):
            reset_queries()
            run()
            queries = len(connection.queries)
        cpu = time.process_time()
        for _ in range(args.runs):
            run()
        plain = (time.process_time() - cpu) * 1000 / args.runs
        profiler = cProfile.Profile(time.process_time)
        cpu = time.process_time()
        profiler.enable()
        for _ in range(args.runs):
            run()
        profiler.disable()
        per = (time.process_time() - cpu) * 1000 / args.runs
        print(
            f"\n=== {name}: {plain:.1f} ms CPU per request ({per:.1f} under the profiler), "
            f"{queries} SQL queries"
        )
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
        stats.print_stats(
            r"heed/|django/(template/base|db/backends/utils|contrib/sessions)|weasyprint", args.top
        )
        lines = [line for line in out.getvalue().splitlines() if "/" in line or "ncalls" in line]
        print("\n".join(lines[: args.top + 1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

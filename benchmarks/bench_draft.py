"""The live panel's autosave with a huge draft (issue 10: a 900 KB draft took 17.5 s a pause and sent back
3.1 MB). Posts drafts of the given size to the draft endpoint through Django's test client on a fresh SQLite
database with the SYNTHETIC demo data, and prints p50/p99 time, the response's size and its status. Never
asserted; a figure to compare before and after a change.

    python benchmarks/bench_draft.py [--kb 900] [--runs 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

from demo_client import demo_handler_call


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=int, default=900, help="size of the draft in KB (of text)")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    client, url, narrative = demo_handler_call("heed-bench-draft-")
    size = args.kb * 1000
    # The demo narrative pasted again and again (SYNTHETIC), so the engine has words and signs to read.
    base = (narrative + "\n") * (size // (len(narrative) + 1) + 1)
    ms: list[float] = []
    sizes: list[int] = []
    statuses: set[int] = set()
    for i in range(args.runs):
        text = base[: size - 8] + f" run {i:03d}"  # a new text each pause, as typing makes
        t = time.perf_counter()
        response = client.post(url + "draft", {"text": text}, HTTP_HX_REQUEST="true")
        ms.append((time.perf_counter() - t) * 1000)
        sizes.append(len(response.content))
        statuses.add(response.status_code)
    ms.sort()
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    print(
        f"SYNTHETIC demo data; draft {len(text):,} characters; machine load {os.getloadavg()[0]:.2f} "
        f"(2 cores, shared); Python {sys.version.split()[0]}"
    )
    print(
        f"draft autosave  n={len(ms)}  p50 {statistics.median(ms):8.1f} ms  p99 {p99:8.1f} ms  "
        f"response {statistics.median(sizes):,.0f} bytes  status {sorted(statuses)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

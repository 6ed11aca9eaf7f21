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
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=int, default=900, help="size of the draft in KB (of text)")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    var = Path(tempfile.mkdtemp(prefix="heed-bench-draft-"))
    os.environ.update({"HEED_VAR_DIR": str(var), "HEED_INDEX_DIR": str(var / "index")})
    os.environ.pop("HEED_DATABASE_URL", None)
    from heed.config import setup_django

    setup_django()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from heed.accounts.models import User
    from heed.demo import NARRATIVE, seed_demo

    setup_test_environment()
    call_command("migrate", verbosity=0)
    seed_demo()
    client = Client()
    client.force_login(User.objects.get(username="demo.handler"))
    narrative = NARRATIVE.read_text(encoding="utf-8")
    created = client.post("/calls/new", {"narrative": narrative, "child_name": "SAM", "child_age": "14"})
    url = created["Location"]
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

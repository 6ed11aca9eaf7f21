"""Latency and batch throughput of ``heed.risk.assess`` (``make bench``). Prints figures beside the targets.

- Latency: ``assess`` on ~300-word narratives built from the SYNTHETIC development sets, pinned to one core,
  after a warm-up; p50 / p99 / mean over a few thousand runs. Target: p99 <= 20 ms.
- Throughput: ``heed assess --batch`` (the real command, its process pool) over >= 5,000 narratives on 2
  cores, output to /dev/null, for the development-set narratives as written and for ~300-word ones.
  Target: >= 500 narratives/s. Wall-clock and CPU-time rates are both printed: the machine is shared, so the
  CPU-time rate says what two free cores would do.

Figures are printed, never asserted: the machine is shared and timings vary.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from heed.risk import assess, default_pack

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "risk" / "data"
P99_TARGET_MS = 20.0
THROUGHPUT_TARGET = 500.0


def narratives(words: int, count: int, seed: int = 7) -> list[str]:
    """``count`` SYNTHETIC narratives of about ``words`` words, each a shuffle of development-set texts."""
    texts = [
        json.loads(line)["text"]
        for path in sorted(DATA.glob("*.jsonl"))
        if path.name != "holdout.jsonl"
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        parts: list[str] = []
        n = 0
        while n < words:
            t = rng.choice(texts)
            parts.append(t)
            n += len(t.split())
        out.append("\n".join(parts))
    return out


def percentile(sorted_values: list[float], q: float) -> float:
    """The q-th percentile (0..100) of already sorted values, nearest rank."""
    k = max(0, min(len(sorted_values) - 1, round(q / 100 * len(sorted_values)) - 1))
    return sorted_values[k]


def bench_latency(runs: int, warmup: int) -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    pack = default_pack()
    texts = narratives(300, 200)
    mean_words = statistics.mean(len(t.split()) for t in texts)
    for i in range(warmup):
        assess(texts[i % len(texts)], pack=pack)
    times = []
    for i in range(runs):
        t = texts[i % len(texts)]
        start = time.perf_counter()
        assess(t, pack=pack)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p50, p99 = percentile(times, 50), percentile(times, 99)
    print(f"latency: assess on ~{mean_words:.0f}-word narratives, 1 core, {runs} runs after {warmup} warm-up")
    mean = statistics.mean(times)
    print(f"  p50 {p50:6.2f} ms   p99 {p99:6.2f} ms   mean {mean:6.2f} ms   max {times[-1]:6.2f} ms")
    verdict = "meets" if p99 <= P99_TARGET_MS else "MISSES"
    print(f"  target p99 <= {P99_TARGET_MS:.0f} ms: {verdict}")


def dev_narratives() -> list[str]:
    """The development-set narratives as handlers wrote them (15 to 200 words)."""
    return [
        json.loads(line)["text"]
        for path in sorted(DATA.glob("*.jsonl"))
        if path.name != "holdout.jsonl"
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def bench_batch(count: int, workers: int, texts: list[str], label: str) -> None:
    heed = Path(sys.executable).with_name("heed")
    words = statistics.mean(len(texts[i % len(texts)].split()) for i in range(count))
    with tempfile.TemporaryDirectory() as tmp:
        batch = Path(tmp) / "batch.jsonl"
        with batch.open("w", encoding="utf-8") as fh:
            for i in range(count):
                fh.write(json.dumps({"id": i, "text": texts[i % len(texts)]}) + "\n")
        cmd = [str(heed), "assess", "--batch", str(batch), "--workers", str(workers)]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        print(f"batch: heed assess --batch failed (exit {done.returncode}): {done.stderr[-500:]}")
        return
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    rate = count / elapsed
    print(f"throughput: heed assess --batch, {count} {label} (mean {words:.0f} words), {workers} workers")
    print(f"  wall {elapsed:6.2f} s -> {rate:6.0f} narratives/s (process start included)")
    print(f"  cpu  {cpu:6.2f} s -> {count / cpu * workers:6.0f} narratives/s on {workers} fully free cores")
    verdict = "meets" if rate >= THROUGHPUT_TARGET else "MISSES"
    print(f"  target >= {THROUGHPUT_TARGET:.0f} narratives/s on 2 cores (wall clock): {verdict}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3000, help="timed assess calls (default 3000)")
    parser.add_argument("--warmup", type=int, default=300, help="untimed calls first (default 300)")
    parser.add_argument("--batch", type=int, default=6000, help="narratives in the batch run (default 6000)")
    parser.add_argument("--workers", type=int, default=2, help="batch worker processes (default 2)")
    args = parser.parse_args(argv)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"cpu cores visible: {os.cpu_count()}   load average {load}   python {sys.version.split()[0]}")
    print("(the machine is shared: a load above 0 means other jobs take some of the 2 cores)")
    bench_batch(args.batch, args.workers, dev_narratives(), "development-set narratives as written")
    bench_batch(args.batch, args.workers, narratives(300, 400, seed=11), "~300-word narratives")
    bench_latency(args.runs, args.warmup)
    return 0


if __name__ == "__main__":
    sys.exit(main())

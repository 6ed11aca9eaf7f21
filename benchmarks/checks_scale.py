"""Scale benchmark for the person check on SYNTHETIC nominal records (printed figures, never asserted).

Generates N SYNTHETIC records, builds the embedded index (in a child process, so its peak memory is its own),
then times caller-style queries and measures recall against the synthetic person. With ``--reference pg`` the
same queries run against a PostgreSQL trigram look-up (the kind of fuzzy name search a force would otherwise
use) loaded with the same records, side by side.

    python benchmarks/checks_scale.py --records 1000000 --queries 300 --reference pg
    python benchmarks/checks_scale.py --records 13000000 --reference pg --reference-queries 50
    python benchmarks/checks_scale.py --records 13000000 --stage build     # then --stage query

Figures: generation and build time, index size on disk, peak RSS of the build and of the query process
(split into private and mapped-index pages), query latency p50/p95/p99 per query style, recall@10 (and @50
for first name + age + town), the top result's score against how often it is the person, and the
reference/heed ratio on identical queries.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import pg_reference
import synthetic_nominals as sn

STYLES = ("full_record", "names_dob", "names_age_town", "first_age_town", "handle", "phone")


def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def build(work: Path, records: int, seed: int) -> dict[str, Any]:
    """Generate the CSV (if missing) and build the index in a child process; return the figures."""
    csv_path, samples, index_dir = work / "records.csv", work / "samples.jsonl", work / "index"
    figures: dict[str, Any] = {"records": records, "seed": seed}
    if not csv_path.exists():
        started = time.perf_counter()
        sn.write_csv(csv_path, records, seed, samples, every=max(1, records // 5000))
        figures["generate_s"] = round(time.perf_counter() - started, 1)
        print(f"generated {records} SYNTHETIC rows in {figures['generate_s']}s", flush=True)
    code = (
        "import json, resource, sys, time\n"
        "from heed.checks import import_csv\n"
        "t = time.perf_counter()\n"
        f"r = import_csv({str(csv_path)!r}, {str(index_dir)!r})\n"
        "print(json.dumps({'loaded': r.loaded, 'refused': r.refused, 'seconds': time.perf_counter() - t,"
        " 'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))\n"
    )
    if index_dir.exists():
        subprocess.run(["rm", "-rf", str(index_dir)], check=True)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    figures |= {
        "build_s": round(result["seconds"], 1),
        "loaded": result["loaded"],
        "refused": result["refused"],
        "build_peak_rss_mb": round(result["peak_rss_mb"]),
        "index_mb": round(_dir_size(index_dir) / 2**20),
        "csv_mb": round(csv_path.stat().st_size / 2**20),
    }
    (work / "build.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return figures


def make_queries(work: Path, per_style: int, seed: int) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """Caller-style queries per style from the sampled records: (person, query)."""
    samples = [json.loads(line) for line in (work / "samples.jsonl").open(encoding="utf-8")]
    rng = random.Random(seed)
    rng.shuffle(samples)
    out: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for style in STYLES:
        chosen: list[tuple[str, dict[str, Any]]] = []
        for row in samples:
            query = sn.caller_query(row, style, rng)
            if query is not None:
                chosen.append((row["record_id"], query))
            if len(chosen) >= per_style:
                break
        out[style] = chosen
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def run_heed(
    index_dir: Path, queries: dict[str, list[tuple[str, dict[str, Any]]]], *, reliability: bool = True
) -> dict[str, dict[str, float]]:
    """Time heed's search per style; recall@10 (and @50) against the synthetic person."""
    from heed.checks import open_index

    stats: dict[str, dict[str, float]] = {}
    tops: list[tuple[float, str, bool]] = []
    with open_index(index_dir) as index:
        warm = [q for items in queries.values() for _, q in items[:20]]
        for query in warm:  # the first look-ups fault pages in from disk; a serving process is warm
            index.search(query, 10, reference_date=sn.REFERENCE_DATE)
        for style, items in queries.items():
            k = 50 if style == "first_age_town" else 10
            latencies, at10, at50 = [], 0, 0
            for person, query in items:
                started = time.perf_counter()
                result = index.search(query, k, reference_date=sn.REFERENCE_DATE)
                latencies.append((time.perf_counter() - started) * 1000)
                found = [sn.person_of(r["record_id"]) for r in result["results"]]
                at10 += person in found[:10]
                at50 += person in found[:50]
                if result["results"]:
                    first = result["results"][0]
                    tops.append((first["score"], first["band"], found[0] == person))
            stats[style] = _summary(latencies, at10, at50, len(items), k)
    if reliability:
        print_reliability(tops)
    stats["_rss"] = {"query_process_peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    stats["_rss"] |= _memory_split()
    return stats


def _memory_split() -> dict[str, float]:
    """Resident memory now, split into private (anonymous) pages and pages of the memory-mapped index files.

    The mapped pages are the kernel's page cache, shared between processes and dropped under pressure; the
    private pages are what the search itself holds.
    """
    fields = {"RssAnon": "private_mb", "RssFile": "mapped_files_mb"}
    out: dict[str, float] = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in fields:
                out[fields[name]] = int(value.split()[0]) / 1024
    return out


def print_reliability(tops: list[tuple[float, str, bool]]) -> None:
    """Is the score calibrated at this size? The top result's score against how often it is the person.

    Calibration was fitted at one index size; at another the prior shifts, and this table shows by how much.
    """
    print("\nreliability of the top result (all styles): score bin / band -> how often it is the person")
    bins = ((0.0, 0.1), (0.1, 0.5), (0.5, 0.9), (0.9, 1.01))
    for lo, hi in bins:
        chosen = [(score, right) for score, _, right in tops if lo <= score < hi]
        if chosen:
            mean = sum(score for score, _ in chosen) / len(chosen)
            right = sum(right for _, right in chosen) / len(chosen)
            print(
                f"  score {lo:.1f}-{min(hi, 1.0):.1f}  n={len(chosen):>5}  "
                f"mean score {mean:.3f}  right {right:.3f}"
            )
    for name in ("strong", "possible", "weak"):
        chosen_band = [right for _, band, right in tops if band == name]
        if chosen_band:
            share = sum(chosen_band) / len(chosen_band)
            print(f"  band {name:8}   n={len(chosen_band):>5}  right {share:.3f}")


def _summary(latencies: list[float], at10: int, at50: int, n: int, k: int) -> dict[str, float]:
    return {
        "n": n,
        "k": k,
        "p50_ms": percentile(latencies, 0.50),
        "p95_ms": percentile(latencies, 0.95),
        "p99_ms": percentile(latencies, 0.99),
        "recall10": at10 / n if n else float("nan"),
        "recall50": at50 / n if n and k >= 50 else float("nan"),
    }


def print_table(title: str, stats: dict[str, dict[str, float]]) -> None:
    print(f"\n{title}")
    header = f"  {'style':16} {'n':>5} {'k':>3} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
    print(f"{header} {'recall@10':>10} {'@50':>6}")
    for style in STYLES:
        s = stats.get(style)
        if not s:
            continue
        at50 = f"{s['recall50']:.3f}" if s["recall50"] == s["recall50"] else "-"
        print(
            f"  {style:16} {int(s['n']):>5} {int(s['k']):>3} {s['p50_ms']:>8.1f} {s['p95_ms']:>8.1f} "
            f"{s['p99_ms']:>8.1f} {s['recall10']:>10.3f} {at50:>6}"
        )


def print_ratio(
    styles: tuple[str, ...], heed: dict[str, dict[str, float]], ref: dict[str, dict[str, float]]
) -> None:
    """The same queries side by side: how many times slower the reference is, and both recalls."""
    print(
        "\n  same queries, reference / heed   p50 x   p95 x   recall@10 ref vs heed   recall@50 ref vs heed"
    )
    for style in styles:
        h, r = heed.get(style), ref.get(style)
        if not h or not r or not h["n"]:
            continue
        at50 = f"{r['recall50']:.3f} vs {h['recall50']:.3f}" if h["recall50"] == h["recall50"] else "-"
        print(
            f"  {style:30} {r['p50_ms'] / h['p50_ms']:>6.1f} {r['p95_ms'] / h['p95_ms']:>7.1f} "
            f"{r['recall10']:>11.3f} vs {h['recall10']:.3f} {at50:>23}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--queries", type=int, default=300, help="queries per style")
    parser.add_argument("--workdir", default="benchmarks/out")
    parser.add_argument("--stage", choices=("all", "build", "query"), default="all")
    parser.add_argument("--reference", choices=("none", "pg"), default="none")
    parser.add_argument("--pg-dsn", default=pg_reference.DEFAULT_DSN)
    parser.add_argument(
        "--reference-queries",
        type=int,
        default=0,
        help="run only the first N queries of each style against the reference, and heed again on the same "
        "N for the ratio (0: all). At 13 M a trigram name query takes seconds: 300 a style would take hours",
    )
    args = parser.parse_args()
    work = Path(args.workdir) / f"scale-{args.records}-{args.seed}"
    work.mkdir(parents=True, exist_ok=True)
    print(f"SYNTHETIC scale benchmark: {args.records} records, seed {args.seed}, workdir {work}", flush=True)
    if args.stage in ("all", "build"):
        figures = build(work, args.records, args.seed)
    else:
        figures = json.loads((work / "build.json").read_text(encoding="utf-8"))
    print(
        f"build: {figures['build_s']}s for {figures['loaded']} records ({figures['refused']} refused); "
        f"index {figures['index_mb']} MB on disk (CSV {figures['csv_mb']} MB); "
        f"build peak RSS {figures['build_peak_rss_mb']} MB",
        flush=True,
    )
    if args.stage == "build":
        return 0
    queries = make_queries(work, args.queries, args.seed)
    heed_stats = run_heed(work / "index", queries)
    print_table("heed embedded index (warm)", heed_stats)
    rss = heed_stats["_rss"]
    print(
        f"  query process peak RSS {rss['query_process_peak_rss_mb']:.0f} MB; at the end "
        f"{rss.get('private_mb', float('nan')):.0f} MB private + "
        f"{rss.get('mapped_files_mb', float('nan')):.0f} MB of mapped index pages (page cache, shared)"
    )
    if args.reference == "pg":
        from pg_reference import run_reference

        n = args.reference_queries
        subset = {style: items[:n] for style, items in queries.items()} if n else queries
        ref_stats, load_s = run_reference(
            args.pg_dsn,
            work / "records.csv",
            subset,
            sn.person_of,
            sn.REFERENCE_DATE.year,
            warm=5 if n else 20,
        )
        print_table(f"reference: PostgreSQL pg_trgm look-up (load + index {load_s:.0f}s)", ref_stats)
        same = heed_stats
        if n:
            same = run_heed(work / "index", subset, reliability=False)
            print_table(f"heed on the same first {n} queries of each style, run after the reference", same)
        print_ratio(STYLES, same, ref_stats)
    return 0


if __name__ == "__main__":
    sys.exit(main())

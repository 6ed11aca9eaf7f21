"""Leave-one-writer-out figures for the whole engine: ``python -m heed.risk.learned.cv``.

``python -m heed.risk.evaluate`` reads the development sets with heads trained on those very sets, so its
figures flatter the learned layer. Here each development set (one writer's voice) is assessed by the whole
engine with heads trained on every *other* set and the pack's examples, and the same summary table as
``evaluate`` is printed (one row per left-out set, then all of them together). The thresholds are the
shipped heads' (themselves chosen by leave-one-writer-out cross-validation in ``build``). The held-out sets
(``holdout*.jsonl``) are never opened.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from unittest import mock

import numpy as np

from heed.risk import engine
from heed.risk.evaluate import Report, development_sets, evaluate_cases, load_cases, summary
from heed.risk.learned.build import (
    DATA_DIR,
    example_labels,
    load_narratives,
    segment_labels,
    sentence_labels,
    train,
)
from heed.risk.learned.heads import Heads, Reader, default_heads
from heed.risk.learned.static import default_encoder
from heed.risk.pack import default_pack


def main(argv: Sequence[str] | None = None) -> int:
    """Print the leave-one-writer-out summary table."""
    ap = argparse.ArgumentParser(prog="python -m heed.risk.learned.cv", description=__doc__)
    ap.add_argument("--data", type=Path, default=DATA_DIR)
    ap.add_argument("--errors", action="store_true", help="list the disagreeing cases of each left-out set")
    args = ap.parse_args(argv)
    pack = default_pack()
    codes = tuple(pack.indicators)
    shipped = default_heads()
    encoder = default_encoder()
    narratives = load_narratives(args.data)
    seg_texts, seg_y, owner = segment_labels(narratives, codes)
    ex_texts, ex_y = example_labels(pack, codes)
    sen_texts, sen_y = sentence_labels(codes, args.data / "sentences")
    ex_texts, ex_y = ex_texts + sen_texts, np.concatenate([ex_y, sen_y])
    x_seg = np.stack([encoder.encode(t).vector for t in seg_texts])
    x_ex = np.stack([encoder.encode(t).vector for t in ex_texts])
    seg_source = np.asarray([narratives[i].source for i in owner])
    rows: list[tuple[str, Report]] = []
    for path in development_sets(args.data):
        keep = seg_source != path.stem
        weights = train(np.concatenate([x_seg[keep], x_ex]), np.concatenate([seg_y[keep], ex_y]))
        heads = Heads(
            codes, *weights, shipped.accept, shipped.ask, shipped.veto, shipped.stamp, shipped.examples
        )
        reader = Reader(heads, encoder)
        with mock.patch.object(engine, "default_reader", lambda r=reader: r):
            rep = evaluate_cases(load_cases(path), pack)
        rows.append((path.stem, rep))
        if args.errors:
            print(f"== {path.stem} (left out)")
            print("\n".join(rep.errors))
        print(f"  {path.stem}: done", file=sys.stderr)
    total = Report()
    for _, rep in rows:
        total.merge(rep)
    rows.append(("all (CV)", total))
    print(summary(rows))
    print(f"\nguidance pack: {pack.version}; each set read by heads trained without it")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

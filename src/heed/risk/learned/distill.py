"""Distil all-MiniLM-L6-v2 into a static token table (the model2vec recipe): every vocabulary piece is run
through the encoder on its own, the vectors are reduced by PCA, and each is scaled by log(rank) so that
frequent pieces weigh less in a sentence's mean. ``python -m heed.risk.learned.distill`` (``make heads``)
writes ``data/static_minilm.npz`` and ``data/vocab.txt``; deterministic for a given model and numpy.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np

from heed.risk.learned.minilm import MiniLM

DATA = Path(__file__).parent / "data"
DIMS = 256
_UNUSED = re.compile(r"^\[unused\d+\]$")


def distil(dims: int = DIMS, batch: int = 1024, progress: bool = True) -> tuple[list[str], np.ndarray]:
    """The vocabulary and its (V, dims) float32 table."""
    model = MiniLM()
    vocab = model.vocab
    out = np.zeros((len(vocab), 384), dtype=np.float32)
    keep = [
        i
        for i, t in enumerate(vocab)
        if not _UNUSED.match(t) and t not in ("[PAD]", "[CLS]", "[SEP]", "[MASK]")
    ]
    started = time.monotonic()
    for n in range(0, len(keep), batch):
        ids = keep[n : n + batch]
        out[ids] = model.encode_ids([[i] for i in ids])
        if progress:
            print(
                f"  distil {n + len(ids)}/{len(keep)} pieces, {time.monotonic() - started:.0f} s",
                file=sys.stderr,
            )
    kept = out[keep].astype(np.float64)
    mean = kept.mean(0)
    # PCA by SVD of the centred table: the leading directions keep most of the variance.
    _, _, vt = np.linalg.svd(kept - mean, full_matrices=False)
    comps = vt[:dims]
    # Fix each component's sign so that the result does not depend on the SVD routine's choice.
    comps *= np.sign(comps[np.arange(dims), np.abs(comps).argmax(1)])[:, None]
    reduced = np.zeros((len(vocab), dims), dtype=np.float64)
    reduced[keep] = (kept - mean) @ comps.T
    # Zipf weighting: BERT's vocabulary is (roughly) in order of frequency after its special pieces.
    ranks = np.arange(len(vocab), dtype=np.float64)
    reduced *= np.log(2.0 + ranks)[:, None] / np.log(2.0 + len(vocab))
    return vocab, reduced.astype(np.float32)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dims", type=int, default=DIMS)
    ap.add_argument("--out", type=Path, default=DATA)
    args = ap.parse_args(argv)
    vocab, table = distil(args.dims)
    args.out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out / "static_minilm.npz", vectors=table.astype(np.float16))
    (args.out / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    print(f"wrote {args.out / 'static_minilm.npz'} ({table.shape[0]} x {table.shape[1]})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

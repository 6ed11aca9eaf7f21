"""Sentence vectors at run time: the static token table distilled from all-MiniLM-L6-v2 (distill.py).

A segment's vector is the mean of its pieces' rows, L2-normalised. Being a mean, a linear head's score splits
exactly into each word's share, which is how a learned hit finds the word to look back from for negation and
hypotheticals (the rules' scope) and the words to show. Vectors are cached by segment text, so the live panel
re-reads only the sentence being typed.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from heed.risk.errors import PackError
from heed.risk.learned.tokenizer import WordPiece

DATA = Path(__file__).parent / "data"
F32 = npt.NDArray[np.float32]
CACHE_SIZE = 4096


@dataclass(frozen=True)
class Encoded:
    """One segment: its unit vector, its pieces' rows (scaled as in the mean) and their word positions."""

    vector: F32
    rows: F32  # (n, dims): row i / (n * norm), so that rows.sum(0) == vector
    starts: tuple[int, ...]  # relative to the segment
    ends: tuple[int, ...]


class StaticEncoder:
    """The distilled table and its tokenizer, with a per-segment cache."""

    def __init__(self, directory: Path = DATA) -> None:
        table = directory / "static_minilm.npz"
        vocab_file = directory / "vocab.txt"
        if not table.exists() or not vocab_file.exists():
            raise PackError(f"{directory}: the static token table is missing; run `make heads` to build it")
        with np.load(table) as z:
            self.table: F32 = z["vectors"].astype(np.float32)
        vocab = vocab_file.read_text(encoding="utf-8").split("\n")[: self.table.shape[0]]
        self.tokenizer = WordPiece(vocab)
        self.dims = int(self.table.shape[1])
        self._cache: OrderedDict[str, Encoded] = OrderedDict()

    def clear_cache(self) -> None:
        """Forget every cached segment (benchmarks measure the uncached cost with it)."""
        self._cache.clear()

    def encode(self, segment: str) -> Encoded:
        """The segment's vector and per-piece shares (cached)."""
        hit = self._cache.get(segment)
        if hit is not None:
            self._cache.move_to_end(segment)
            return hit
        pieces = self.tokenizer.pieces(segment)
        if not pieces:
            zero = np.zeros(self.dims, dtype=np.float32)
            enc = Encoded(zero, np.zeros((0, self.dims), dtype=np.float32), (), ())
        else:
            rows = self.table[[p.id for p in pieces]]
            mean = rows.mean(0)
            norm = float(np.linalg.norm(mean)) or 1.0
            enc = Encoded(
                (mean / norm).astype(np.float32),
                (rows / (len(pieces) * norm)).astype(np.float32),
                tuple(p.start for p in pieces),
                tuple(p.end for p in pieces),
            )
        self._cache[segment] = enc
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return enc


@functools.lru_cache(maxsize=1)
def default_encoder() -> StaticEncoder:
    """The shipped table, loaded once per process."""
    return StaticEncoder()

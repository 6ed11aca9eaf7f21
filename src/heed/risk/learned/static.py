"""Sentence vectors at run time: the static token table distilled from all-MiniLM-L6-v2 (distill.py).

A segment's vector is the mean of its pieces' rows, L2-normalised. Being a mean, a linear head's score splits
exactly into each word's share, which is how a learned hit finds the word to look back from for negation and
hypotheticals (the rules' scope) and the words to show. Vectors are cached by segment text, so the live panel
re-reads only the sentence being typed.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from heed.risk.errors import PackError
from heed.risk.learned.tokenizer import WordPiece

DATA = Path(__file__).parent / "data"
F32 = npt.NDArray[np.float32]
CACHE_SIZE = 4096


class Encoded:
    """One segment: its unit vector, its pieces' rows (scaled as in the mean) and their word positions.

    The rows and positions are wanted only for the few segments a head scores high, so they are taken from
    the table and the pieces when first asked for.
    """

    __slots__ = ("_ids", "_pieces", "_rows", "_scale", "_table", "vector")

    def __init__(
        self,
        vector: F32,
        pieces: Sequence[tuple[int, int, int]],
        table: F32,
        ids: list[int],
        scale: float,
    ) -> None:
        self.vector = vector
        self._pieces = pieces  # (id, start, end), positions relative to the segment
        self._table, self._ids, self._scale = table, ids, scale
        self._rows: F32 | None = None

    @property
    def starts(self) -> tuple[int, ...]:
        """Where each piece's word starts in the segment."""
        return tuple(s for _, s, _ in self._pieces)

    @property
    def ends(self) -> tuple[int, ...]:
        """Where each piece's word ends in the segment."""
        return tuple(e for _, _, e in self._pieces)

    @property
    def rows(self) -> F32:
        """(n, dims): row i / (n * norm), so that rows.sum(0) == vector."""
        if self._rows is None:
            self._rows = (self._table[self._ids] / self._scale).astype(np.float32)
        return self._rows


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
        return self.encode_many([segment])[0]

    def encode_many(self, segments: Sequence[str]) -> list[Encoded]:
        """``encode`` for each segment; the ones not cached are read from the table together.

        Each segment's rows are summed in order on their own (``reduceat``), divided by their number, then by
        the norm in float32: the same arithmetic whatever else is in the batch, so a segment's vector never
        depends on its neighbours (a test compares the two).
        """
        cache = self._cache
        todo = {seg: self.tokenizer.positioned_ids(seg) for seg in segments if seg not in cache}
        cache.update(self._encode_fresh(todo))
        out = []
        for seg in segments:
            cache.move_to_end(seg)
            out.append(cache[seg])
        while len(cache) > CACHE_SIZE:
            cache.popitem(last=False)
        return out

    def _encode_fresh(self, todo: Mapping[str, list[tuple[int, int, int]]]) -> dict[str, Encoded]:
        fresh = {
            seg: Encoded(np.zeros(self.dims, dtype=np.float32), (), self.table, [], 1.0)
            for seg, pieces in todo.items()
            if not pieces
        }
        sized = [(seg, pieces) for seg, pieces in todo.items() if pieces]
        if not sized:
            return fresh
        ids = [[i for i, _, _ in pieces] for _, pieces in sized]
        counts = np.array([len(x) for x in ids])
        offsets = np.concatenate(([0], np.cumsum(counts)[:-1]))
        sums = np.add.reduceat(self.table[[i for x in ids for i in x]], offsets, axis=0)
        means = sums / counts[:, None].astype(np.float32)
        for k, (seg, pieces) in enumerate(sized):
            mean = means[k]
            norm = float(np.linalg.norm(mean)) or 1.0
            fresh[seg] = Encoded(
                (mean / norm).astype(np.float32),
                pieces,
                self.table,
                ids[k],
                len(pieces) * norm,
            )
        return fresh


@functools.lru_cache(maxsize=1)
def default_encoder() -> StaticEncoder:
    """The shipped table, loaded once per process."""
    return StaticEncoder()

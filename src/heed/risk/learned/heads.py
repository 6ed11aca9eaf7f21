"""Per-indicator logistic heads over segment vectors, and how their hits become evidence or questions.

A head scores every segment. A score at or above the indicator's ``accept`` threshold is a sign found by the
learned layer; between ``ask`` and ``accept`` it is only a possible sign, which the engine turns into a
highlighted question (never a silent grade change). Either way the hit must pass the rules' own scope test:
the word that contributes most to the score is looked back from, exactly as a cue match is, so "he never asked
for photos", "if he asks to meet" and "Q: ANY PICS? A: NO" are not hits. Thresholds come from cross-validation
at build time (build.py), never from the held-out sets.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from heed.risk.detect import Scope
from heed.risk.errors import PackError
from heed.risk.learned.segments import segments
from heed.risk.learned.static import DATA, StaticEncoder, default_encoder

HEADS_FILE = DATA / "heads.json"
F32 = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Hit:
    """A segment the learned layer reads as a sign: where it is, how strongly, the word it rests on, and the
    nearest guidance example."""

    code: str
    start: int
    end: int
    score: float
    confirmed: bool  # at or above the accept threshold
    anchor_start: int
    anchor_end: int
    reads_like: str


@dataclass(frozen=True)
class Reading:
    """A text as the learned layer read it: its segments, every head's score for each, and the hits."""

    spans: list[tuple[int, int]]
    probs: F32  # (segments, codes)
    hits: list[Hit]

    def score_at(self, k: int, start: int, end: int) -> float:
        """Head ``k``'s best score over the segments that overlap ``[start, end)`` (0 when none does)."""
        best = 0.0
        for i, (s, e) in enumerate(self.spans):
            if s < end and start < e:
                best = max(best, float(self.probs[i, k]))
        return best


@dataclass(frozen=True)
class Heads:
    """A small network over segment vectors (one hidden ReLU layer shared by every indicator, one output per
    indicator), its thresholds, and the stamp of what it was built from."""

    codes: tuple[str, ...]
    w1: F32  # (dims, hidden)
    b1: F32  # (hidden,)
    w2: F32  # (hidden, k)
    b2: F32  # (k,)
    accept: Mapping[str, float]
    ask: Mapping[str, float]
    veto: Mapping[str, float]  # a rule's match in a segment scored below this is only a possible sign
    stamp: Mapping[str, Any]
    examples: Mapping[str, tuple[str, ...]]

    def logits(self, x: F32) -> F32:
        """(n, k) logits for (n, dims) vectors."""
        return np.maximum(x @ self.w1 + self.b1, 0.0) @ self.w2 + self.b2  # type: ignore[no-any-return]

    def direction(self, x: F32, k: int) -> F32:
        """The gradient of indicator ``k``'s logit at vector ``x``: which way in the vector space reads more
        like the sign here (the network is linear around ``x``)."""
        active = (x @ self.w1 + self.b1) > 0
        grad: F32 = self.w1 @ (self.w2[:, k] * active)
        return grad

    def meta(self) -> dict[str, Any]:
        """The readable part of the heads (heads.json); the weights go to heads.npz."""
        return {
            "stamp": dict(self.stamp),
            "codes": list(self.codes),
            "accept": {c: round(float(self.accept[c]), 4) for c in self.codes},
            "ask": {c: round(float(self.ask[c]), 4) for c in self.codes},
            "veto": {c: round(float(self.veto[c]), 4) for c in self.codes},
            "examples": {c: list(self.examples.get(c, ())) for c in self.codes},
        }

    def save(self, path: Path = HEADS_FILE) -> None:
        """Write heads.json (thresholds, stamp, examples) and heads.npz (weights) side by side."""
        path.write_text(json.dumps(self.meta(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        np.savez_compressed(
            path.with_suffix(".npz"),
            w1=self.w1.astype(np.float32),
            b1=self.b1.astype(np.float32),
            w2=self.w2.astype(np.float32),
            b2=self.b2.astype(np.float32),
        )


def examples_digest(examples: Mapping[str, Any], neutral: Sequence[str] = ()) -> str:
    """A digest of the pack's example sentences, so heads built from other examples are noticed."""
    canon = {c: [list(e.positive), list(e.negative)] for c, e in sorted(examples.items())}
    canon["(neutral)"] = [list(neutral)]
    return hashlib.sha256(json.dumps(canon, sort_keys=True).encode()).hexdigest()[:16]


def load_heads(path: Path = HEADS_FILE) -> Heads:
    """Read heads written by build.py (``path`` and its ``.npz``); PackError when missing or malformed."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        codes = tuple(raw["codes"])
        with np.load(path.with_suffix(".npz")) as z:
            w1, b1, w2, b2 = (z[n].astype(np.float32) for n in ("w1", "b1", "w2", "b2"))
        if w2.shape[1] != len(codes) or w1.shape[1] != w2.shape[0]:
            raise ValueError("weights do not match the codes")
        return Heads(
            codes=codes,
            w1=w1,
            b1=b1,
            w2=w2,
            b2=b2,
            accept={c: float(raw["accept"][c]) for c in codes},
            ask={c: float(raw["ask"][c]) for c in codes},
            veto={c: float(raw["veto"][c]) for c in codes},
            stamp=dict(raw["stamp"]),
            examples={c: tuple(raw["examples"].get(c, ())) for c in codes},
        )
    except FileNotFoundError:
        raise PackError(f"{path}: the learned heads are missing; run `make heads` to build them") from None
    except (ValueError, KeyError, TypeError, OSError) as exc:
        raise PackError(f"{path}: not heads written by `make heads` ({exc})") from None


@functools.lru_cache(maxsize=1)
def default_heads() -> Heads:
    """The shipped heads, loaded once per process."""
    return load_heads()


class Reader:
    """Applies heads to a text: segments, scores, the scope test, and the nearest example."""

    def __init__(self, heads: Heads, encoder: StaticEncoder) -> None:
        self.heads = heads
        self.encoder = encoder
        self._example_vectors: dict[str, tuple[tuple[str, ...], F32]] = {}
        for code, sentences in heads.examples.items():
            if sentences:
                vecs = np.stack([encoder.encode(s).vector for s in sentences])
                self._example_vectors[code] = (sentences, vecs)
        self._low = np.array([heads.ask[c] for c in heads.codes], dtype=np.float32)

    def scores(self, texts: Sequence[str]) -> F32:
        """Probabilities (n, k) for segment texts."""
        if not texts:
            return np.zeros((0, len(self.heads.codes)), dtype=np.float32)
        vecs = np.stack([enc.vector for enc in self.encoder.encode_many(texts)])
        return _sigmoid(self.heads.logits(vecs))

    def read(self, text: str, scope: Scope, suspicion: Mapping[str, bool]) -> Reading:
        """Score every segment and keep the hits (see ``hits``)."""
        spans = segments(text)
        probs = self.scores([text[s:e] for s, e in spans])
        return Reading(spans, probs, self._hits(text, spans, probs, scope, suspicion))

    def hits(self, text: str, scope: Scope, suspicion: Mapping[str, bool]) -> list[Hit]:
        """Every segment scored at or above a head's ``ask`` threshold that the scope test keeps."""
        return self.read(text, scope, suspicion).hits

    def _hits(
        self,
        text: str,
        spans: list[tuple[int, int]],
        probs: F32,
        scope: Scope,
        suspicion: Mapping[str, bool],
    ) -> list[Hit]:
        out: list[Hit] = []
        rows_i, cols_k = np.nonzero(probs >= self._low)
        for i, k in zip(rows_i.tolist(), cols_k.tolist(), strict=True):
            code = self.heads.codes[k]
            s, e = spans[i]
            enc = self.encoder.encode(text[s:e])
            starts = enc.starts
            if not starts:
                continue
            share = enc.rows @ self.heads.direction(enc.vector, k)
            j = int(np.argmax(share))
            a_s, a_e = s + starts[j], s + enc.ends[j]
            if not scope.keeps(code, a_s, a_e, suspicion_counts=suspicion.get(code, False)):
                continue
            score = float(probs[i, k])
            out.append(
                Hit(
                    code=code,
                    start=s,
                    end=e,
                    score=score,
                    confirmed=score >= self.heads.accept[code],
                    anchor_start=a_s,
                    anchor_end=a_e,
                    reads_like=self._nearest(code, enc.vector),
                )
            )
        return out

    def _nearest(self, code: str, vector: F32) -> str:
        found = self._example_vectors.get(code)
        if found is None:
            return ""
        sentences, vecs = found
        return sentences[int(np.argmax(vecs @ vector))]


@functools.lru_cache(maxsize=1)
def default_reader() -> Reader:
    """The shipped heads over the shipped table."""
    return Reader(default_heads(), default_encoder())


def _sigmoid(x: F32) -> F32:
    return (1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))).astype(np.float32)

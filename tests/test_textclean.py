"""The text rule by itself (heed.textclean): whatever comes in, what comes out is storable, shown as typed,
idempotent and within the limit; what cannot be kept is refused with the position."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heed.textclean import FORBIDDEN, TextRefused, TextRule, clean_text, first_unstorable, without_surrogates

SPECIAL = "\x00\x01\x07\x1b\x7f\x85\x9b\t\n\r\x0b\x0c\u2028\u2029\u202a\u202e\u2066\u2069\u200e\u200f\u061c"
ANY_CHAR = st.characters(codec=None, exclude_categories=())  # lone surrogates included
TEXT = st.text(st.one_of(ANY_CHAR, st.sampled_from(SPECIAL), st.sampled_from("ae\u0301 \u00e9")), max_size=60)
RULES = st.builds(TextRule, max_length=st.integers(0, 80), single_line=st.booleans(), strip=st.booleans())


@settings(max_examples=400)
@given(value=TEXT, rule=RULES)
def test_the_output_is_clean_nfc_idempotent_and_within_the_limit(value: str, rule: TextRule) -> None:
    try:
        out = clean_text(value, rule)
    except TextRefused as exc:
        if exc.kind == "unstorable":
            assert value[exc.position - 1] == "\x00" or 0xD800 <= ord(value[exc.position - 1]) < 0xE000
            assert first_unstorable(value[: exc.position - 1]) is None
        else:
            assert exc.kind == "too_long" and exc.length > rule.max_length == exc.limit
            assert first_unstorable(value) is None
        return
    assert first_unstorable(value) is None
    assert not set(out) & FORBIDDEN
    assert not (rule.single_line and set(out) & {"\t", "\n"})
    assert unicodedata.is_normalized("NFC", out)
    assert len(out) <= rule.max_length
    assert clean_text(out, rule) == out
    out.encode("utf-8")  # storable and showable


@given(
    words=st.lists(st.text(st.characters(categories=("L", "N")), min_size=1, max_size=8), max_size=6),
    sep=st.sampled_from([" ", "\n", "\t"]),
)
def test_ordinary_text_is_kept_as_typed(words: list[str], sep: str) -> None:
    value = unicodedata.normalize("NFC", sep.join(words))
    assert clean_text(value, TextRule(1000, single_line=False, strip=False)) == value


@pytest.mark.parametrize(
    ("value", "rule", "expected"),
    [
        ("Ring 07700\u202e900123\u202c back", TextRule(100), "Ring 07700900123 back"),
        ("a\u2066b\u2069c\u200fd", TextRule(100), "abcd"),
        (
            "line one\r\nline two\rthree\u2028four\x85five",
            TextRule(100, single_line=False),
            "line one\nline two\nthree\nfour\nfive",
        ),
        ("Kai\tSmith\nJones", TextRule(100, single_line=True), "Kai Smith Jones"),
        ("e\u0301", TextRule(100), "\u00e9"),
        ("bell\x07 and escape\x1b[31m", TextRule(100), "bell and escape[31m"),
        ("  padded  ", TextRule(100), "padded"),
        ("  padded\n", TextRule(100, single_line=False, strip=False), "  padded\n"),
        ("x" * 10, TextRule(10), "x" * 10),
    ],
)
def test_what_is_removed_and_what_is_changed(value: str, rule: TextRule, expected: str) -> None:
    assert clean_text(value, rule) == expected


@pytest.mark.parametrize(
    ("value", "kind", "position"),
    [("ab\ud800c", "unstorable", 3), ("\udfff", "unstorable", 1), ("NUL\x00here", "unstorable", 4)],
)
def test_what_cannot_be_stored_is_refused_with_its_position(value: str, kind: str, position: int) -> None:
    with pytest.raises(TextRefused) as caught:
        clean_text(value, TextRule(100))
    assert (caught.value.kind, caught.value.position) == (kind, position)
    assert caught.value.describe("The narrative") == (
        f"The narrative contains a character that cannot be stored (position {position}). "
        "Remove it and save again."
    )


def test_too_long_is_refused_not_cut_and_counted_after_cleaning() -> None:
    assert clean_text("x" * 10 + "\u202e" * 5, TextRule(10)) == "x" * 10
    with pytest.raises(TextRefused) as caught:
        clean_text("x" * 11, TextRule(10))
    assert caught.value.describe("The note", verb="send") == (
        "The note is 11 characters long; the limit is 10. Shorten it and send again."
    )
    with pytest.raises(TextRefused) as not_text:
        clean_text(b"bytes", TextRule(10))
    assert not_text.value.describe("The note") == "The note must be text."


def test_what_can_be_shown_again_of_a_refused_text() -> None:
    assert without_surrogates("a\ud800b\udc00") == "a\ufffdb\ufffd"

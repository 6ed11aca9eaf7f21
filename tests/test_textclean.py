"""The text rule by itself (heed.textclean): whatever comes in, what comes out is storable, shown as typed,
idempotent and within the limit; what cannot be kept is refused with the position. Invisible controls are kept
in free text (several lines) and removed from a one-line field; the engine reads each as a space in its place
(docs/adr/0015-controls-kept-as-typed.md)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heed.textclean import (
    FORBIDDEN,
    INVISIBLE,
    LIVE_READ,
    TextRefused,
    TextRule,
    clean_text,
    control_name,
    first_unstorable,
    for_engine,
    has_invisible,
    live_part,
    split_invisible,
    without_surrogates,
)

SPECIAL = (
    "\x00\x01\x07\x1b\x1f\x7f\x85\x9b\t\n\r\x0b\x0c\u2028\u2029\u202a\u202e\u2066\u2069\u200b\u200e\u200f\u061c\u2060"
    "\ufeff"
)
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
    if rule.single_line:
        assert not set(out) & INVISIBLE
    else:
        # Kept as typed, each in its order (trimming the ends may take those that are also white space).
        sent = value.strip() if rule.strip else value
        assert [c for c in out if c in INVISIBLE] == [c for c in sent if c in INVISIBLE]
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


ONE_LINE = TextRule(100, single_line=True)
LINES = TextRule(100, single_line=False)


@pytest.mark.parametrize(
    ("value", "rule", "expected"),
    [
        # A one-line field (a name, a number, a code) loses its invisible controls: it is looked up.
        ("Ring 07700\u202e900123\u202c back", ONE_LINE, "Ring 07700900123 back"),
        ("a\u2066b\u2069c\u200fd\u200be\ufefff", ONE_LINE, "abcdef"),
        ("bell\x07 and escape\x1b[31m", ONE_LINE, "bell and escape[31m"),
        # Free text keeps them as typed: the record is evidence.
        ("Ring 07700\u202e900123\u202c back", LINES, "Ring 07700\u202e900123\u202c back"),
        ("a\u2066b\u2069c\u200fd", LINES, "a\u2066b\u2069c\u200fd"),
        ("bell\x07 and escape\x1b[31m", LINES, "bell\x07 and escape\x1b[31m"),
        (
            "line one\r\nline two\rthree\u2028four\x85five",
            TextRule(100, single_line=False),
            "line one\nline two\nthree\nfour\nfive",
        ),
        ("Kai\tSmith\nJones", TextRule(100, single_line=True), "Kai Smith Jones"),
        ("e\u0301", TextRule(100), "\u00e9"),
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
    assert clean_text("x" * 10 + "\u202e" * 5, TextRule(10, single_line=True)) == "x" * 10
    # Kept in free text, a control counts as a character.
    with pytest.raises(TextRefused) as kept:
        clean_text("x" * 10 + "\u202e", TextRule(10, single_line=False))
    assert (kept.value.length, kept.value.limit) == (11, 10)
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


@settings(max_examples=300)
@given(value=TEXT)
def test_the_engine_reads_each_control_as_a_space_in_its_place(value: str) -> None:
    seen = for_engine(value)
    assert len(seen) == len(value)  # evidence offsets index the stored text
    assert not set(seen) & INVISIBLE
    for i, (a, b) in enumerate(zip(value, seen, strict=True)):
        assert b == (" " if a in INVISIBLE else a), i
    runs = split_invisible(value)
    assert "".join(run for run, _ in runs) == value
    assert all(len(run) == 1 and run in INVISIBLE for run, invisible in runs if invisible)
    assert all(not set(run) & INVISIBLE and run for run, invisible in runs if not invisible)
    assert has_invisible(value) == any(invisible for _, invisible in runs)


def test_each_invisible_character_has_a_mark_and_a_name() -> None:
    assert control_name("\u202e") == ("RLO", "right-to-left override, U+202E")
    assert control_name("\x01") == ("U+0001", "control character U+0001")
    assert control_name("\x1b") == ("ESC", "escape, U+001B")
    for char in INVISIBLE:
        short, name = control_name(char)
        assert short and f"U+{ord(char):04X}" in name
        assert not set(short + name) & INVISIBLE


def test_the_invisible_set_is_the_one_the_pattern_finds() -> None:
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    assert {c for c, invisible in split_invisible(every) if invisible} == INVISIBLE
    # Joiners and variation selectors shape scripts and emoji: they are words, not controls.
    assert not {"\u200c", "\u200d", "\ufe0f", "\t", "\n"} & INVISIBLE


def test_the_live_panel_reads_a_bounded_part_of_a_draft_cut_at_a_word() -> None:
    short = "SYNTHETIC " * 10
    assert live_part(short) == short
    exact = "y" * LIVE_READ
    assert live_part(exact) == exact
    words = "SYNTHETIC words " * (LIVE_READ // 8)
    part = live_part(words)
    assert len(part) <= LIVE_READ and words.startswith(part) and part.endswith("words")
    one_word = "z" * (LIVE_READ * 2)
    assert live_part(one_word) == "z" * LIVE_READ  # no space to cut at: the first LIVE_READ characters
    lines = ("a" * 99 + "\n") * 200
    assert live_part(lines, 250) == lines[:199]

"""Cue phrases (heed.risk.phrases): each piece of the syntax, read as the pack compiles it, and the errors."""

from __future__ import annotations

import re

import pytest

from heed.risk.phrases import PhraseError, phrase_to_pattern

LEXICON = {"S": r"[^\w.!?;\n]+", "W": r"[\w']+", "IMG": r"(?:pics?|photos?)"}


def compiled(phrase: str) -> re.Pattern[str]:
    source = phrase_to_pattern(phrase, frozenset(LEXICON))
    for name, body in LEXICON.items():
        source = source.replace(f"<<{name}>>", body)
    return re.compile(source, re.IGNORECASE)


def found(phrase: str, text: str) -> str | None:
    m = compiled(phrase).search(text)
    return m.group(0) if m else None


@pytest.mark.parametrize(
    ("phrase", "text", "expected"),
    [
        ("keep it secret", "He told her to keep it, secret.", "keep it, secret"),
        ("keep it secret", "keep it. Secret", None),  # never across a sentence
        ("keep it secret", "keep it; secret", None),
        ("keep it secret", "keep it\nsecret", None),
        ("keep it secret", "keep its secrets", None),  # whole words only
        ("asks|asked pics", "She asked, pics?", "asked, pics"),
        ("(you and me|u and me) only", "between u and me only", "u and me only"),
        ("our [little|big] secret", "our little secret", "our little secret"),
        ("our [little|big] secret", "our secret", "our secret"),
        ("our [little|big] secret", "our tiny secret", None),
        ("secret [between]", "a secret between them", "secret between"),
        ("secret [between]", "a secret.", "secret"),
        ("send ...2 pics", "send me some pics", "send me some pics"),
        ("send ...2 pics", "send me some more pics", None),
        ("send ...2 pics", "send pics", "send pics"),
        ("catfish*", "she was catfished", "catfished"),
        ("catfish*", "a noncatfish", None),
        ("send IMG", "send photos", "send photos"),
        ("£100", "he sent £100 by PayPal", "£100"),
        ("middle-aged", "a MIDDLE-AGED man", "MIDDLE-AGED"),
        ("don't tell", "Don't tell mum", "Don't tell"),
    ],
)
def test_phrase_finds_what_it_says(phrase: str, text: str, expected: str | None) -> None:
    assert found(phrase, text) == expected


def test_phrase_source_keeps_lexicon_entries_unexpanded() -> None:
    assert phrase_to_pattern("send IMG", frozenset(LEXICON)) == r"\bsend<<S>><<IMG>>\b"
    assert phrase_to_pattern("a [b] c") == r"\ba<<S>>(?:b<<S>>)?c\b"
    assert phrase_to_pattern("a ...3 b") == r"\ba<<S>>(?:<<W>><<S>>){0,3}?b\b"


@pytest.mark.parametrize(
    ("phrase", "message"),
    [
        ("", "expected at least one word"),
        ("keep [it secret", r"expected every \( or \[ to be closed"),
        ("keep it) secret", r"expected every \) or \] to close"),
        ("...3 secret", r"expected words before and after \.\.\.N"),
        ("secret ...3", r"expected words before and after \.\.\.N"),
        ("[secret]", "expected at least one word that is not optional"),
        ("keep [] secret", r"expected a word inside \[ \]"),
        ("keep [it all] secret", r"expected one word \(or word\|word\) inside \[ \]"),
        ("[you and|me] secret", r"expected one word \(or word\|word\) inside \[ \]"),
        ("keep it|| secret", r"expected a word on each side of \|"),
        ("keep sec.ret", "expected a word of letters"),
        ("ke*ep", "expected a word of letters"),
        ("keep PICZ", "expected 'PICZ' .* to be a name in lexicon.yaml"),
        ("keep ...2 [it]", r"expected a word just before a closing \[ \]"),
    ],
)
def test_bad_phrase_says_what_was_expected(phrase: str, message: str) -> None:
    with pytest.raises(PhraseError, match=message):
        phrase_to_pattern(phrase, frozenset(LEXICON))

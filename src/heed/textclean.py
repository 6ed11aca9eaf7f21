"""What any text typed into Heed must be before it is kept: one rule, used by every form field and every API
schema field (docs/adr/0009-text-input.md). Pure Python, no Django.

- Lone surrogates (U+D800–U+DFFF without a partner) and NUL are refused: neither can be stored (no database
  takes a lone surrogate, PostgreSQL takes no NUL), no page can show a lone surrogate, and NUL is the mark
  of binary data sent as text. Nobody can say what was meant, so nothing is guessed: the refusal gives the
  position, counted from 1 in what was sent.
- Other invisible control characters (C0 and C1 controls, DEL) but tab and line breaks are removed, as are
  the bidirectional embedding, override, isolate and mark characters (a pasted note once reversed a phone
  number on screen). Nobody can see them to remove them, and they carry no words.
- Line breaks become ``\\n`` (CRLF, CR, NEL, U+2028, U+2029, vertical tab, form feed); a one-line field turns
  them, and tabs, into spaces.
- The text is normalised to NFC, so the same words are the same characters however they were typed.
- Each field has a length limit in characters, counted after cleaning (``LIMITS``). Text over it is refused,
  never cut: the person shortens it themselves and loses nothing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# The limits, in characters, in one place. A narrative or log entry holds an hour's call typed word for word
# (about 9,000 words); a decision's rationale several paragraphs; a short note a paragraph.
NARRATIVE = 50_000
RATIONALE = 20_000
NDM_STAGE = 4_000
SHORT_NOTE = 2_000
NAME = 200
CONTACT = 200
EMAIL = 320
IDENTIFIER = 320
PART_NAME = 100
TOWN = 100
HANDLE = 100
REFERENCE = 80
PHONE = 40
PLATFORM = 40
DATE = 20
POSTCODE = 10
AGE = 3
CODE = 40  # a choice sent as text: an outcome, a status, an agency, a question id, an answer


@dataclass(frozen=True)
class TextRule:
    """How one field's text is cleaned: its limit, whether it is one line, whether edges are trimmed."""

    max_length: int
    single_line: bool = False
    strip: bool = True


class TextRefused(ValueError):
    """Text that cannot be kept as it is. ``kind`` is ``unstorable`` (a lone surrogate or NUL at
    ``position``), ``too_long`` or ``not_text``."""

    def __init__(self, kind: str, *, position: int = 0, length: int = 0, limit: int = 0) -> None:
        super().__init__(kind)
        self.kind = kind
        self.position = position
        self.length = length
        self.limit = limit

    def describe(self, noun: str, *, verb: str = "save") -> str:
        """The sentence to show: what is wrong with ``noun`` (e.g. "The narrative") and what to do."""
        if self.kind == "unstorable":
            return (
                f"{noun} contains a character that cannot be stored (position {self.position}). "
                f"Remove it and {verb} again."
            )
        if self.kind == "too_long":
            return (
                f"{noun} is {self.length:,} characters long; the limit is {self.limit:,}. "
                f"Shorten it and {verb} again."
            )
        return f"{noun} must be text."


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# C0 controls but NUL (refused), tab, LF, VT, FF, CR (line breaks are handled below); DEL; C1 controls but
# NEL; bidirectional marks, embeddings, overrides and isolates.
_INVISIBLE = re.compile(
    "[\x01-\x08\x0e-\x1f\x7f\x80-\x84\x86-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
_LINE_BREAK = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
_ONE_LINE = re.compile("[\t\n]")

FORBIDDEN = frozenset(
    [chr(c) for c in range(0xD800, 0xE000)]
    + [chr(c) for c in range(0x20) if chr(c) not in "\t\n"]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + ["\u061c", "\u200e", "\u200f", "\u2028", "\u2029"]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
)
"""Characters that never appear in cleaned text (a one-line field has no tab or newline either)."""


def first_unstorable(value: str) -> int | None:
    """The 1-based position of the first lone surrogate or NUL in ``value``, or None."""
    found = _UNSTORABLE.search(value)
    return found.start() + 1 if found else None


def without_surrogates(value: str) -> str:
    """``value`` with each lone surrogate shown as U+FFFD: what can be kept of it to show again."""
    return _SURROGATE.sub("\ufffd", value)


def clean_text(value: object, rule: TextRule) -> str:
    """``value`` as it will be kept under ``rule``, or TextRefused saying why it cannot be."""
    if not isinstance(value, str):
        raise TextRefused("not_text")
    position = first_unstorable(value)
    if position is not None:
        raise TextRefused("unstorable", position=position)
    text = _LINE_BREAK.sub("\n", _INVISIBLE.sub("", value))
    if rule.single_line:
        text = _ONE_LINE.sub(" ", text)
    text = unicodedata.normalize("NFC", text)
    if rule.strip:
        text = text.strip()
    if len(text) > rule.max_length:
        raise TextRefused("too_long", length=len(text), limit=rule.max_length)
    return text

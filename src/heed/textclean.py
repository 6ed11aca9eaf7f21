"""What any text typed into Heed must be before it is kept: one rule, used by every form field and every API
schema field (docs/adr/0009-text-input.md, amended by 0015-controls-kept-as-typed.md). Pure Python, no Django.

- Lone surrogates (U+D800–U+DFFF without a partner) and NUL are refused: neither can be stored (no database
  takes a lone surrogate, PostgreSQL takes no NUL), no page can show a lone surrogate, and NUL is the mark
  of binary data sent as text. Nobody can say what was meant, so nothing is guessed: the refusal gives the
  position, counted from 1 in what was sent.
- Invisible control characters (C0 and C1 controls but tab and line breaks, DEL, the bidirectional
  embedding, override, isolate and mark characters, zero-width space, word joiner, byte-order mark):
  in free text of several lines (a narrative, a log entry, a draft, a correction, a rationale, a note) they
  are **kept as typed** (the record is evidence: what was pasted is what is kept), and each is shown as a
  visible mark wherever the text is shown (``control_name``; the pages' ``visible`` filter) and read by the
  engine as a space (``for_engine``, same length, so evidence offsets index the stored text). In a one-line
  field (a name, an identifier, a code: something matched and looked up, not evidence) they are removed.
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
SCENARIO = 200_000  # a training scenario's YAML (heed.training.scenario)
GUIDANCE_FILE = 200_000  # one YAML file of a force's local additions to the guidance (as a scenario)
CODE = 40  # a choice sent as text: an outcome, a status, an agency, a question id, an answer

# Not a limit on what is kept: how much of a draft (what is being typed, up to NARRATIVE) the live panel reads
# on each pause. The engine reads roughly 100 characters a millisecond, so a draft at NARRATIVE held every
# pause for over half a second and sent back 190 KB (its whole text highlighted); reading this much, a pause
# took about 0.2 s and 55 KB (benchmarks/bench_draft.py, a shared 2-core machine under load). The panel says
# when a draft is longer; the whole entry is read when it is added to the log
# (docs/adr/0015-controls-kept-as-typed.md).
LIVE_READ = 10_000


def live_part(draft: str, limit: int = LIVE_READ) -> str:
    """The part of ``draft`` the live panel reads: all of it up to ``limit`` characters; past that the first
    ``limit``, cut back to the last space or line break in the last 200 characters so no word is read cut."""
    if len(draft) <= limit:
        return draft
    head = draft[:limit]
    cut = max(head.rfind(" ", limit - 200), head.rfind("\n", limit - 200))
    return head[:cut] if cut > 0 else head


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
# NEL; bidirectional marks, embeddings, overrides and isolates; zero-width space, word joiner and the
# invisible operators, byte-order mark. Zero-width (non-)joiners and variation selectors are not here: they
# shape scripts and emoji, and are part of the words.
_INVISIBLE_CLASS = (
    "\x01-\x08\x0e-\x1f\x7f\x80-\x84\x86-\x9f"  # C0 and C1 controls, DEL
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidirectional marks, embeddings, overrides, isolates
    "\u200b\u2060-\u2064\ufeff"  # zero-width space, word joiner, invisible operators, byte-order mark
)
_INVISIBLE = re.compile(f"[{_INVISIBLE_CLASS}]")
_LINE_BREAK = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
_ONE_LINE = re.compile("[\t\n]")

INVISIBLE = frozenset(
    [chr(c) for c in range(0x01, 0x20) if chr(c) not in "\t\n\x0b\x0c\r"]
    + [chr(c) for c in range(0x7F, 0xA0) if c != 0x85]
    + ["\u061c", "\u200b", "\u200e", "\u200f", "\ufeff"]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2060, 0x2065)]
    + [chr(c) for c in range(0x2066, 0x206A)]
)
"""Invisible controls: kept as typed in free text (shown as marks, read by the engine as spaces), removed
from a one-line field."""

FORBIDDEN = frozenset(
    [chr(c) for c in range(0xD800, 0xE000)] + ["\x00", "\r", "\x0b", "\x0c", "\x85", "\u2028", "\u2029"]
)
"""Characters that never appear in cleaned text of any field (a one-line field has no tab, newline or
``INVISIBLE`` character either)."""

# Names of the invisible characters that have one people use; the rest are shown by their code point.
_NAMES: dict[str, tuple[str, str]] = {
    "\u061c": ("ALM", "Arabic letter mark"),
    "\u200b": ("ZWSP", "zero-width space"),
    "\u200e": ("LRM", "left-to-right mark"),
    "\u200f": ("RLM", "right-to-left mark"),
    "\u202a": ("LRE", "left-to-right embedding"),
    "\u202b": ("RLE", "right-to-left embedding"),
    "\u202c": ("PDF", "pop directional formatting"),
    "\u202d": ("LRO", "left-to-right override"),
    "\u202e": ("RLO", "right-to-left override"),
    "\u2060": ("WJ", "word joiner"),
    "\u2066": ("LRI", "left-to-right isolate"),
    "\u2067": ("RLI", "right-to-left isolate"),
    "\u2068": ("FSI", "first strong isolate"),
    "\u2069": ("PDI", "pop directional isolate"),
    "\ufeff": ("BOM", "byte-order mark"),
    "\x07": ("BEL", "bell"),
    "\x08": ("BS", "backspace"),
    "\x1b": ("ESC", "escape"),
    "\x7f": ("DEL", "delete"),
}


def control_name(char: str) -> tuple[str, str]:
    """How an invisible character is shown: a short mark (``RLO``, ``U+0001``) and its name in words."""
    short, name = _NAMES.get(char, ("", ""))
    code = f"U+{ord(char):04X}"
    if not short:
        return code, f"control character {code}"
    return short, f"{name}, {code}"


def has_invisible(value: str) -> bool:
    """Whether ``value`` holds an invisible control (so it needs marks to be shown honestly)."""
    return _INVISIBLE.search(value) is not None


def split_invisible(value: str) -> list[tuple[str, bool]]:
    """``value`` as runs of ordinary text (``False``) and single invisible characters (``True``), in order:
    what a page shows, with each invisible character as a mark in its place."""
    out: list[tuple[str, bool]] = []
    last = 0
    for found in _INVISIBLE.finditer(value):
        if found.start() > last:
            out.append((value[last : found.start()], False))
        out.append((found.group(), True))
        last = found.end()
    if last < len(value):
        out.append((value[last:], False))
    return out


def for_engine(value: str) -> str:
    """``value`` as the engine reads it: each invisible control a space. Same length, so every offset of the
    engine's evidence indexes the stored text; the engine never sees an override (which once read as a
    person's name) and a number split by one reads as a number written with a space."""
    return _INVISIBLE.sub(" ", value) if _INVISIBLE.search(value) else value


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
    text = _LINE_BREAK.sub("\n", value)
    if rule.single_line:
        # A name or a code is matched and looked up: an invisible character in it only hides a mismatch.
        text = _ONE_LINE.sub(" ", _INVISIBLE.sub("", text))
    text = unicodedata.normalize("NFC", text)
    if rule.strip:
        text = text.strip()
    if len(text) > rule.max_length:
        raise TextRefused("too_long", length=len(text), limit=rule.max_length)
    return text

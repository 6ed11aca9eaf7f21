"""Where a cue pattern can possibly match: the letters every match must begin with, taken from the pattern.

Running ~260 cue patterns over every position of a narrative costs tens of milliseconds. Most cues begin at a
word boundary with a closed set of words (``\\b(?:asks?|asked|wants?) ...``), so at load time the pack reads
each pattern's parse tree and collects the lowercase first letters (up to three) that any match must start
with. At run time the narrative's word starts are indexed once, and a cue is tried only at the word starts
whose first letters it can begin with. A pattern whose beginning cannot be bounded this way (it may start
inside a word, or with a digit class or any character) is run over the whole text as before, so the result
is always exactly what a plain scan would find.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

# The standard library's own regular-expression parser (untyped, stable across 3.11+).
_c: Any = importlib.import_module("re._constants")
_p: Any = importlib.import_module("re._parser")

DEPTH = 3
_MAX_PREFIXES = 6000
_WORD_START = re.compile(r"\b\w|['£]")
_SYMBOL_STARTS = "'£"
_ZERO_WIDTH = (_c.AT, _c.ASSERT, _c.ASSERT_NOT)
_REPEATS = tuple(
    op for op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)) if op is not None
)


class _Unbounded(Exception):
    """The pattern's beginning cannot be bounded to a small set of word beginnings."""


@dataclass(frozen=True)
class Anchors:
    """The beginnings (lowercase, 1 to ``DEPTH`` letters) at which a pattern can match a word start."""

    prefixes: frozenset[str]


def anchors_of(pattern: re.Pattern[str]) -> Anchors | None:
    """The word beginnings every match of ``pattern`` starts with, or None to scan the whole text."""
    try:
        items = list(_p.parse(pattern.pattern, pattern.flags))
    except Exception:  # pragma: no cover - the pattern compiled, so it parses
        return None
    # Only a pattern that begins at a word boundary can be tried at word starts alone.
    i = 0
    boundary = False
    while i < len(items) and items[i][0] in _ZERO_WIDTH:
        op, av = items[i]
        if op is _c.AT and av is _c.AT_BOUNDARY:
            boundary = True
        i += 1
    try:
        found = _seq(items, i)
    except _Unbounded:
        return None
    prefixes = {s for s, _ext in found}
    if not prefixes or "" in prefixes:
        return None
    firsts = {p[0] for p in prefixes}
    # Word starts, apostrophes and pound signs are indexed; a match that may begin anywhere else, or begin
    # inside a word (no leading \b before a letter), has to be found by a full scan.
    if any(not (ch.isalnum() or ch == "_" or ch in _SYMBOL_STARTS) for ch in firsts):
        return None
    if not boundary and any(ch not in _SYMBOL_STARTS for ch in firsts):
        return None
    return Anchors(frozenset(prefixes))


def _seq(items: Sequence[Any], idx: int) -> set[tuple[str, bool]]:
    """Possible beginnings of ``items[idx:]``: (prefix, whether what follows may still extend it)."""
    if idx >= len(items):
        return {("", True)}
    op, av = items[idx]
    if op in _ZERO_WIDTH:
        return _seq(items, idx + 1)
    if op is _c.LITERAL:
        return _join({chr(av).lower()}, items, idx + 1)
    if op is _c.IN:
        chars = _class_chars(av)
        # A wide class (\w, a negated set) ends what can be known here: the prefix stops short.
        return {("", False)} if chars is None else _join(chars, items, idx + 1)
    if op is _c.SUBPATTERN:
        return _seq(list(av[-1]) + list(items[idx + 1 :]), 0)
    if op is _c.BRANCH:
        out: set[tuple[str, bool]] = set()
        rest = list(items[idx + 1 :])
        for alt in av[1]:
            out |= _seq(list(alt) + rest, 0)
            _check(out)
        return out
    if op in _REPEATS:
        low, _high, item = av
        once = {(s, False) for s, _ext in _seq(list(item), 0)}
        return once | _seq(items, idx + 1) if low == 0 else once
    return {("", False)}


def _join(heads: Iterable[str], items: Sequence[Any], idx: int) -> set[tuple[str, bool]]:
    tails: set[tuple[str, bool]] | None = None
    out: set[tuple[str, bool]] = set()
    for h in heads:
        if len(h) >= DEPTH:
            out.add((h[:DEPTH], False))
            continue
        if tails is None:
            tails = _seq(items, idx)
        for t, ext in tails:
            s = h + t
            out.add((s[:DEPTH], ext and len(s) < DEPTH))
    _check(out)
    return out


def _class_chars(av: Sequence[Any]) -> set[str] | None:
    chars: set[str] = set()
    for op, val in av:
        if op is _c.LITERAL:
            chars.add(chr(val).lower())
        elif op is _c.RANGE and val[1] - val[0] <= 40:
            chars.update(chr(x).lower() for x in range(val[0], val[1] + 1))
        elif op is _c.CATEGORY and val is _c.CATEGORY_DIGIT:
            chars.update("0123456789")
        else:  # a category (\w, \s), a negated class or a wide range
            return None
    return chars


def _check(found: set[tuple[str, bool]]) -> None:
    if len(found) > _MAX_PREFIXES:
        raise _Unbounded


class WordIndex:
    """The word starts (and apostrophes and pound signs) of a text, by their first one to ``DEPTH`` lowercase
    characters."""

    def __init__(self, text: str) -> None:
        low = text.lower()
        if len(low) != len(text):  # a few characters lower-case to two; keep positions aligned
            low = "".join(ch.lower()[:1] or ch for ch in text)
        self.by_prefix: dict[str, list[int]] = {}
        for m in _WORD_START.finditer(text):
            i = m.start()
            for n in range(1, DEPTH + 1):
                self.by_prefix.setdefault(low[i : i + n], []).append(i)
        self.keys = frozenset(self.by_prefix)

    def candidates(self, anchors: Anchors) -> list[int]:
        """Word starts where a pattern with these anchors could match, in order."""
        by_prefix = self.by_prefix
        out: list[int] = []
        for prefix in anchors.prefixes & self.keys:
            out.extend(by_prefix[prefix])
        out.sort()
        return out


def finditer(
    pattern: re.Pattern[str], anchors: Anchors | None, index: WordIndex | None, text: str
) -> Iterator[re.Match[str]]:
    """Exactly ``pattern.finditer(text)``, trying only the candidate starts when anchors are known."""
    if anchors is None or index is None:
        yield from pattern.finditer(text)
        return
    pos = 0
    for start in index.candidates(anchors):
        if start < pos:
            continue
        m = pattern.match(text, start)
        if m is not None:
            yield m
            pos = m.end() if m.end() > m.start() else m.start() + 1

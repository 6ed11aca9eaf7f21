"""Where a cue pattern can possibly match: how every match must begin, taken from the pattern.

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

DEPTH = 5
_MAX_PREFIXES = 4000
_WORD_START = re.compile(r"\b\w|['£]")
_TOKENS = re.compile(r"\w+|\W+")
_SYMBOL_STARTS = "'£"
_ZERO_WIDTH = (_c.AT, _c.ASSERT, _c.ASSERT_NOT)
_REPEATS = tuple(
    op for op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)) if op is not None
)
SEP = " "


class _Unbounded(Exception):
    """The pattern's beginning cannot be bounded to a small set of beginnings."""


@dataclass(frozen=True)
class Anchors:
    """The beginnings at which a pattern can match: lowercase, with every run of non-word characters read as
    one space (so "a man", "a  man" and "a, man" all begin "a man"), 1 to ``DEPTH`` characters long."""

    prefixes: frozenset[str]


def _canon(ch: str) -> str:
    return ch.lower() if (ch.isalnum() or ch == "_") else SEP


def anchors_of(pattern: re.Pattern[str]) -> Anchors | None:
    """The beginnings every match of ``pattern`` starts with, or None to scan the whole text."""
    try:
        items = _p.parse(pattern.pattern, pattern.flags).data
    except Exception:  # pragma: no cover - the pattern compiled, so it parses
        return None
    # Only a pattern that begins at a word boundary (or with an indexed symbol) can be tried at word starts.
    i = 0
    boundary = False
    while i < len(items) and items[i][0] in _ZERO_WIDTH:
        op, av = items[i]
        if op is _c.AT and av is _c.AT_BOUNDARY:
            boundary = True
        i += 1
    firsts = _Walk(1, canon=False).first(items, i)
    if firsts is None or any(not (ch.isalnum() or ch == "_" or ch in _SYMBOL_STARTS) for ch in firsts):
        return None
    if not boundary and any(ch not in _SYMBOL_STARTS for ch in firsts):
        return None
    for depth in range(DEPTH, 0, -1):
        prefixes = _Walk(depth, canon=True).first(items, i)
        if prefixes is not None:
            return Anchors(frozenset(prefixes))
    return None  # pragma: no cover - depth 1 is bounded whenever the first characters are


# A position in the parse tree: (items, index, what follows when these items end). Frames are interned so
# that each is walked once (memoised by identity): alternatives share the walk of what follows them.
_Frame = tuple[Any, int, Any]


class _Walk:
    """Possible beginnings of a parsed pattern, ``depth`` characters deep."""

    def __init__(self, depth: int, *, canon: bool) -> None:
        self.depth = depth
        self.canon = canon
        self.frames: dict[tuple[int, int, int], _Frame] = {}
        self.memo: dict[int, set[tuple[str, bool]]] = {}

    def first(self, items: Any, idx: int) -> set[str] | None:
        try:
            found = {p for p, _ext in self.seq(self.frame(items, idx, None))}
        except _Unbounded:
            return None
        if not found or "" in found:
            return None
        return found

    def frame(self, items: Any, idx: int, parent: _Frame | None) -> _Frame:
        key = (id(items), idx, id(parent))
        f = self.frames.get(key)
        if f is None:
            f = self.frames[key] = (items, idx, parent)
        return f

    def char(self, ch: str) -> str:
        return _canon(ch) if self.canon else ch.lower()

    def seq(self, f: _Frame | None) -> set[tuple[str, bool]]:
        """Beginnings from frame ``f`` on: (prefix, whether what follows may still extend it)."""
        if f is None:
            return {("", True)}
        done = self.memo.get(id(f))
        if done is not None:
            return done
        items, idx, parent = f
        if idx >= len(items):
            out = self.seq(parent)
        else:
            out = self.step(items[idx], self.frame(items, idx + 1, parent))
        self.memo[id(f)] = out
        return out

    def step(self, item: tuple[Any, Any], nxt: _Frame) -> set[tuple[str, bool]]:
        op, av = item
        if op in _ZERO_WIDTH:
            return self.seq(nxt)
        if op is _c.LITERAL:
            return self.join({self.char(chr(av))}, nxt)
        if op is _c.IN:
            chars = self.class_chars(av)
            # A wide class (\w, a negated set that can match letters) ends what can be known here.
            return {("", False)} if chars is None else self.join(chars, nxt)
        if op is _c.SUBPATTERN:
            return self.seq(self.frame(av[-1].data, 0, nxt))
        if op is _c.BRANCH:
            out: set[tuple[str, bool]] = set()
            for alt in av[1]:
                out |= self.seq(self.frame(alt.data, 0, nxt))
                _check(out)
            return out
        if op in _REPEATS:
            low, _high, sub = av
            inner = self.seq(self.frame(sub.data, 0, None))
            if self.canon and inner == {(SEP, True)}:
                # A run of separators reads as one space, and what follows it is still known.
                once = self.join({SEP}, nxt)
            else:
                once = {(s, False) for s, _ext in inner}
            return once | self.seq(nxt) if low == 0 else once
        return {("", False)}

    def join(self, heads: Iterable[str], nxt: _Frame) -> set[tuple[str, bool]]:
        tails: set[tuple[str, bool]] | None = None
        out: set[tuple[str, bool]] = set()
        for h in heads:
            if len(h) >= self.depth:
                out.add((h[: self.depth], False))
                continue
            if tails is None:
                tails = self.seq(nxt)
            for t, ext in tails:
                if self.canon and h.endswith(SEP) and t.startswith(SEP):
                    t = t[1:]
                joined = h + t
                out.add((joined[: self.depth], ext and len(joined) < self.depth))
        _check(out)
        return out

    def class_chars(self, av: Sequence[Any]) -> set[str] | None:
        chars: set[str] = set()
        negated = any(op is _c.NEGATE for op, _v in av)
        if negated:
            # [^\w...] matches only non-word characters: a separator. Any other negated class is unbounded.
            excludes_word = any(op is _c.CATEGORY and val is _c.CATEGORY_WORD for op, val in av)
            return {SEP} if self.canon and excludes_word else None
        for op, val in av:
            if op is _c.LITERAL:
                chars.add(self.char(chr(val)))
            elif op is _c.RANGE and val[1] - val[0] <= 40:
                chars.update(self.char(chr(x)) for x in range(val[0], val[1] + 1))
            elif op is _c.CATEGORY and val is _c.CATEGORY_DIGIT:
                chars.update("0123456789")
            elif op is _c.CATEGORY and val is _c.CATEGORY_SPACE and self.canon:
                chars.add(SEP)
            else:  # \w, a wide range
                return None
        return chars


def _check(found: set[tuple[str, bool]]) -> None:
    if len(found) > _MAX_PREFIXES:
        raise _Unbounded


class WordIndex:
    """The word starts (and apostrophes and pound signs) of a text, keyed by what follows them read the way
    anchors are (lowercase, separators as one space), 1 to ``DEPTH`` characters long."""

    def __init__(self, text: str) -> None:
        low = text.lower()
        if len(low) != len(text):  # a few characters lower-case to two; keep positions aligned
            low = "".join(ch.lower()[:1] or ch for ch in text)
        # The text with every run of non-word characters as one space, and where each position landed.
        parts: list[str] = []
        starts: list[tuple[int, int]] = []  # (position in text, position in the collapsed text)
        at = 0
        for m in _TOKENS.finditer(low):
            tok = m.group(0)
            if tok[0].isalnum() or tok[0] == "_":
                starts.append((m.start(), at))
                parts.append(tok)
                at += len(tok)
            else:
                starts.extend((m.start() + k, at) for k, ch in enumerate(tok) if ch in _SYMBOL_STARTS)
                parts.append(SEP)
                at += 1
        flat = "".join(parts)
        full: dict[str, list[int]] = {}
        add = full.setdefault
        for pos, j in starts:
            add(flat[j : j + DEPTH], []).append(pos)
        # Shorter keys are the beginnings of the full ones: built per distinct key, not per word.
        by_prefix: dict[str, list[int]] = {k: list(v) for k, v in full.items()}
        for key, positions in full.items():
            for n in range(1, len(key)):
                short = key[:n]
                hits = by_prefix.get(short)
                if hits is None:
                    by_prefix[short] = list(positions)
                else:
                    hits.extend(positions)
        self.by_prefix = by_prefix
        self.keys = frozenset(by_prefix)

    def candidates(self, anchors: Anchors) -> list[int]:
        """Positions where a pattern with these anchors could match, in order."""
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

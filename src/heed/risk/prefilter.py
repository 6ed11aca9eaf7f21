"""Where a pattern can possibly match, read from the pattern, so that it is tried only there.

Running ~420 cue patterns, the scope look-backs and the people patterns over every position of a narrative
cost ~6 ms for 300 words. What every match must look like is read at pack load from each pattern's parse
tree (the standard library's own parser), and each text is indexed once:

- **Beginnings** (``anchors_of``): most patterns begin at a word boundary with a closed set of words
  (``\\b(?:asks?|asked|wants?) ...``); their lowercase beginnings, up to ``DEPTH`` characters with separators
  read as one space, are matched against the text's word starts (``WordIndex``).
- **Later parts** (``later_parts_of``, ``rarest_later_part``): a part every match holds further on, at a word
  start (the object after a verb and a gap). A start is kept only if that part begins at or after it and,
  when nothing before the part can consume a full stop, semicolon or line break (``FENCES``), before the
  next of those.
- **Openings** (``openings_of``): for an alternation that also begins with punctuation (clause breaks), a
  probe finds the places its other alternatives can begin.

``StartTable`` holds all of a pack's patterns, so one walk over a text's word starts gives every pattern's
candidate starts; ``TextScan`` runs patterns at those starts only (whole texts, pos/endpos windows and
slices). A pattern whose beginning cannot be bounded is run over the whole text as before. Every answer is
a superset of the places a match can begin, so the results are always exactly those of a plain scan; the
tests compare both on every development narrative.
"""

from __future__ import annotations

import bisect
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
_WORD_RUN = re.compile(r"\w+")
_NON_WORD_RUN = re.compile(r"\W+")
_SYMBOLS = re.compile("['£]")
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
    return _Reader(pattern).anchors()


class _Reader:
    """One parsed pattern and the walks that read it, shared by its beginning and its later parts."""

    def __init__(self, pattern: re.Pattern[str] | None, items: Any = None) -> None:
        self.items = items if pattern is None else _p.parse(pattern.pattern, pattern.flags).data
        self._firsts = _Walk(1, canon=False)
        self._walks: dict[int, _Walk] = {}
        self._fences: list[bool] | None = None

    def firsts(self, k: int) -> set[str] | None:
        """The lowercase first characters of what matches from top-level item ``k`` on."""
        return self._firsts.first(self.items, k)

    def prefixes(self, k: int) -> set[str] | None:
        """Beginnings (see ``Anchors``) of what matches from top-level item ``k`` on, as deep as bounded."""
        for depth in range(DEPTH, 0, -1):
            walk = self._walks.get(depth)
            if walk is None:
                walk = self._walks[depth] = _Walk(depth, canon=True)
            found = walk.first(self.items, k)
            if found is not None:
                return found
        return None  # pragma: no cover - depth 1 is bounded whenever the first characters are

    def fenced(self, k: int) -> bool:
        """Whether nothing before top-level item ``k`` can consume one of ``FENCES``."""
        if self._fences is None:
            self._fences = [bool(_consumable([item], FENCES)) for item in self.items]
        return not any(self._fences[:k])

    def anchors(self) -> Anchors | None:
        # Only a pattern that begins at a word boundary (or with an indexed symbol) can be tried at word
        # starts.
        items = self.items
        i = 0
        boundary = False
        while i < len(items) and items[i][0] in _ZERO_WIDTH:
            op, av = items[i]
            if op is _c.AT and av is _c.AT_BOUNDARY:
                boundary = True
            i += 1
        firsts = self.firsts(i)
        if firsts is None or any(not (ch.isalnum() or ch == "_" or ch in _SYMBOL_STARTS) for ch in firsts):
            return None
        if not boundary and any(ch not in _SYMBOL_STARTS for ch in firsts):
            return None
        prefixes = self.prefixes(i)
        return None if prefixes is None else Anchors(frozenset(prefixes))

    def probe(self) -> str | None:
        """Regular-expression source matching the beginning of every match (a necessary condition), or
        None: the pattern's lowercase beginnings in any case, else its first one or two characters."""
        begins = _Walk(DEPTH, canon=False).first(self.items, 0)
        if begins is not None and all(b.isascii() for b in begins):
            # ASCII only: a character that lower-cases to two would not find itself here.
            return "(?i:" + "|".join(re.escape(b) for b in sorted(begins)) + ")"
        rendered: list[str] = []
        for op, av in self.items:
            if op in _ZERO_WIDTH:
                continue
            source = _render(op, av)
            if source is None:
                break
            rendered.append(source)
            if len(rendered) == 2:
                break
        return "".join(rendered) if rendered else None

    def later_parts(self) -> tuple[Later, ...]:
        items = self.items
        out: list[Later] = []
        consumed = False
        for k, item in enumerate(items):
            if consumed and _begins_a_word(items, k):
                firsts = self.firsts(k)
                if firsts is not None and all(
                    ch.isalnum() or ch == "_" or ch in _SYMBOL_STARTS for ch in firsts
                ):
                    prefixes = self.prefixes(k)
                    if prefixes is not None:
                        out.append(Later(Anchors(frozenset(prefixes)), self.fenced(k)))
            consumed = consumed or not _may_be_empty(item)
        return tuple(out)


@dataclass(frozen=True)
class Openings:
    """Where a pattern that the word index cannot bound by itself can begin: its alternatives that begin at
    word starts (``anchors``), and a zero-width ``probe`` that matches wherever one of the others can."""

    anchors: Anchors | None
    probe: re.Pattern[str] | None

    def starts(self, text: str, at_words: list[int] | None) -> list[int]:
        """The candidate starts in ``text``, given the word-start candidates of ``anchors``."""
        found = set(at_words or ())
        if self.probe is not None:
            found.update(m.start() for m in self.probe.finditer(text))
        return sorted(found)


def openings_of(pattern: re.Pattern[str]) -> Openings | None:
    """How to find every place ``pattern`` can begin without trying it everywhere, or None.

    Each top-level alternative either has anchors (it begins at a word start), or begins with characters
    that can be listed: the beginnings of what it matches (any case), or its first one or two characters
    when they are single characters or classes (``\\s[-–—]``). A probe built from those finds them.
    """
    reader = _Reader(pattern)
    items = reader.items
    alternatives = (
        [alt.data for alt in items[0][1][1]] if len(items) == 1 and items[0][0] is _c.BRANCH else [items]
    )
    prefixes: set[str] = set()
    probes: list[str] = []
    for alt in alternatives:
        part = _Reader(None, alt)
        anchors = part.anchors()
        if anchors is not None:
            prefixes |= anchors.prefixes
            continue
        probe = part.probe()
        if probe is None:
            return None
        probes.append(probe)
    probe_re = re.compile("(?=" + "|".join(probes) + ")", pattern.flags) if probes else None
    return Openings(Anchors(frozenset(prefixes)) if prefixes else None, probe_re)


@dataclass(frozen=True)
class Later:
    """A part every match of a pattern holds after its start (see ``later_parts_of``): where it can begin,
    and whether ``fenced``: no match crosses a sentence or clause end (any of ``FENCES``) before it."""

    anchors: Anchors
    fenced: bool


# The characters a cue's gap usually cannot cross ([^\w.!?;\n]), so that its later part must follow in the
# same stretch of text.
FENCES = ".!?;\n"


def later_parts_of(pattern: re.Pattern[str]) -> tuple[Later, ...]:
    """The parts every match of ``pattern`` holds after its start, each at a word start.

    A part counts when it is a top-level item that no match can skip, with something consumed before it, and
    it is bound to begin at an indexed position: right after ``\\b`` or after a part that always ends with a
    non-word character, with a word character first (or it begins with an indexed symbol). Its beginnings
    are read like ``anchors_of`` reads a pattern's. In ``\\b(?:asks?|wants?) +(?:\\w+ +){0,3}?(?:pics|nudes)``
    the part ``(?:pics|nudes)`` gives "pics" and "nudes": a narrative without them cannot match at all, and
    since nothing before the part can consume ``FENCES``, it must follow in the same stretch of text.
    """
    return _Reader(pattern).later_parts()


def rarest_later_part(pattern: re.Pattern[str]) -> Later | None:
    """The later part of ``pattern`` (see ``later_parts_of``) least likely to begin a word, if any is
    rare enough to be worth tracking.

    Any subset of the later parts gives the same results; this one is for speed. A part that may begin
    with "a" or "to" is in every narrative and costs more to track than it saves; the rarest part of a cue
    alone drops nearly as many starts as all of them. Rarity is judged from the beginnings alone: each
    counts as one word start in 27 to the power of its length. Fenced parts come first.
    """
    return _rarest(later_parts_of(pattern))


def plan(pattern: re.Pattern[str]) -> tuple[Anchors | None, Later | None]:
    """``anchors_of(pattern)`` and ``rarest_later_part(pattern)``, reading the pattern once."""
    reader = _Reader(pattern)
    return reader.anchors(), _rarest(reader.later_parts())


def _rarest(later: Sequence[Later]) -> Later | None:
    parts = [(not p.fenced, _commonness(p.anchors), i, p) for i, p in enumerate(later)]
    parts = [part for part in parts if part[1] <= _MAX_COMMONNESS]
    return min(parts)[3] if parts else None


_MAX_COMMONNESS = 0.01


def _commonness(anchors: Anchors) -> float:
    shortest = [p for p in anchors.prefixes if not any(p[:n] in anchors.prefixes for n in range(1, len(p)))]
    return sum(27.0 ** -len(p.strip()) for p in shortest)


def _consumable(items: Any, chars: str) -> set[str]:
    """Which of ``chars`` the items can consume (unknown kinds: all of them, the safe answer)."""
    found: set[str] = set()
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        if op is _c.LITERAL:
            if chr(av).lower() in chars:
                found.add(chr(av).lower())
        elif op in (_c.NOT_LITERAL, _c.ANY, _c.IN):
            found.update(ch for ch in chars if _leaf_may_match(op, av, ch))
        elif op in _REPEATS:
            found |= _consumable(av[2].data, chars)
        elif op is _c.SUBPATTERN:
            found |= _consumable(av[-1].data, chars)
        elif op is _c.BRANCH:
            for alt in av[1]:
                found |= _consumable(alt.data, chars)
        else:
            return set(chars)
        if len(found) == len(chars):
            break
    return found


_CATEGORIES = {
    _c.CATEGORY_DIGIT: re.compile(r"\d"),
    _c.CATEGORY_NOT_DIGIT: re.compile(r"\D"),
    _c.CATEGORY_SPACE: re.compile(r"\s"),
    _c.CATEGORY_NOT_SPACE: re.compile(r"\S"),
    _c.CATEGORY_WORD: re.compile(r"\w"),
    _c.CATEGORY_NOT_WORD: re.compile(r"\W"),
}


def _leaf_may_match(op: Any, av: Any, ch: str) -> bool:
    # Fences have no case, so comparing lower-cased literals covers IGNORECASE.
    if op is _c.LITERAL:
        return bool(chr(av).lower() == ch.lower())
    if op is _c.NOT_LITERAL:
        return bool(chr(av).lower() != ch.lower())
    if op is _c.ANY:
        return True
    negated = False
    hit = False
    for item_op, val in av:
        if item_op is _c.NEGATE:
            negated = True
        elif item_op is _c.LITERAL:
            hit = hit or chr(val).lower() == ch.lower()
        elif item_op is _c.RANGE:
            hit = hit or val[0] <= ord(ch) <= val[1]
        elif item_op is _c.CATEGORY and val in _CATEGORIES:
            hit = hit or bool(_CATEGORIES[val].match(ch))
        else:
            return True
    return hit != negated


_CATEGORY_SOURCES = {
    _c.CATEGORY_DIGIT: r"\d",
    _c.CATEGORY_NOT_DIGIT: r"\D",
    _c.CATEGORY_SPACE: r"\s",
    _c.CATEGORY_NOT_SPACE: r"\S",
    _c.CATEGORY_WORD: r"\w",
    _c.CATEGORY_NOT_WORD: r"\W",
}


def _render(op: Any, av: Any) -> str | None:
    """Source for one single-character item (a literal or a class), or None."""
    if op is _c.LITERAL:
        return re.escape(chr(av))
    if op is not _c.IN:
        return None
    parts: list[str] = []
    for item_op, val in av:
        if item_op is _c.NEGATE:
            parts.insert(0, "^")
        elif item_op is _c.LITERAL:
            parts.append(re.escape(chr(val)))
        elif item_op is _c.RANGE:
            parts.append(re.escape(chr(val[0])) + "-" + re.escape(chr(val[1])))
        elif item_op is _c.CATEGORY and val in _CATEGORY_SOURCES:
            parts.append(_CATEGORY_SOURCES[val])
        else:
            return None
    return "[" + "".join(parts) + "]"


def _begins_a_word(items: Any, k: int) -> bool:
    """Whether the character before ``items[k]`` is always a non-word one (or ``\\b`` is right before it, so
    a word character there begins a word)."""
    if k > 0 and items[k - 1][0] is _c.AT and items[k - 1][1] is _c.AT_BOUNDARY:
        return True
    return _ends_non_word(items, k)


def _ends_non_word(items: Any, k: int) -> bool:
    # Whether the items before index k always end by consuming a non-word character.
    j = k - 1
    while j >= 0:
        op, _av = items[j]
        if op is _c.AT:
            return False
        if op in _ZERO_WIDTH:  # look-arounds consume nothing
            j -= 1
            continue
        if not _item_ends_non_word(items[j]):
            return False
        if not _may_be_empty(items[j]):
            return True
        j -= 1
    return False


def _item_ends_non_word(item: tuple[Any, Any]) -> bool:
    op, av = item
    if op is _c.LITERAL:
        return not _is_word(chr(av))
    if op is _c.IN:
        return _class_is_non_word(av)
    if op is _c.SUBPATTERN:
        return _ends_non_word(av[-1].data, len(av[-1].data))
    if op is _c.BRANCH:
        return all(_ends_non_word(alt.data, len(alt.data)) for alt in av[1])
    if op in _REPEATS:
        return _ends_non_word(av[2].data, len(av[2].data))
    return False


def _class_is_non_word(av: Sequence[Any]) -> bool:
    if any(op is _c.NEGATE for op, _v in av):
        # [^\w...] can only match non-word characters.
        return any(op is _c.CATEGORY and val is _c.CATEGORY_WORD for op, val in av)
    for op, val in av:
        if op is _c.LITERAL:
            if _is_word(chr(val)):
                return False
        elif op is _c.RANGE and val[1] - val[0] <= 256:
            if any(_is_word(chr(x)) for x in range(val[0], val[1] + 1)):
                return False
        elif not (op is _c.CATEGORY and val in (_c.CATEGORY_SPACE, _c.CATEGORY_NOT_WORD)):
            return False
    return True


def _may_be_empty(item: tuple[Any, Any]) -> bool:
    # Whether the item can match without consuming anything (unknown kinds: yes, the safe answer).
    op, av = item
    if op in (_c.LITERAL, _c.NOT_LITERAL, _c.IN, _c.ANY):
        return False
    if op in _REPEATS:
        return bool(av[0] == 0 or all(_may_be_empty(i) for i in av[2].data))
    if op is _c.SUBPATTERN:
        return all(_may_be_empty(i) for i in av[-1].data)
    if op is _c.BRANCH:
        return any(all(_may_be_empty(i) for i in alt.data) for alt in av[1])
    return True


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


# A position in the parse tree: (items, index, what follows when these items end). Frames are interned so
# that each is walked once (memoised by identity): alternatives share the walk of what follows them.
_Frame = tuple[Any, int, Any]


class _Walk:
    """Possible beginnings of a parsed pattern, up to ``depth`` characters deep.

    A frame is walked only as deep as what comes before it leaves to be known (``need``): after four known
    characters, one more is enough. Results are remembered per frame and depth, so that one walk serves a
    pattern's beginning and every later part of it.
    """

    def __init__(self, depth: int, *, canon: bool) -> None:
        self.depth = depth
        self.canon = canon
        self.frames: dict[tuple[int, int, int], _Frame] = {}
        self.memo: dict[tuple[int, int], set[tuple[str, bool]]] = {}

    def first(self, items: Any, idx: int) -> set[str] | None:
        try:
            found = {p for p, _ext in self.seq(self.frame(items, idx, None), self.depth)}
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

    def seq(self, f: _Frame | None, need: int) -> set[tuple[str, bool]]:
        """Beginnings from frame ``f`` on, ``need`` characters deep: (prefix, whether what follows may
        still extend it)."""
        if f is None:
            return {("", True)}
        key = (id(f), need)
        done = self.memo.get(key)
        if done is not None:
            return done
        items, idx, parent = f
        if idx >= len(items):
            out = self.seq(parent, need)
        else:
            out = self.step(items[idx], self.frame(items, idx + 1, parent), need)
        self.memo[key] = out
        return out

    def step(self, item: tuple[Any, Any], nxt: _Frame, need: int) -> set[tuple[str, bool]]:
        op, av = item
        if op in _ZERO_WIDTH:
            return self.seq(nxt, need)
        if op is _c.LITERAL:
            return self.join({self.char(chr(av))}, nxt, need)
        if op is _c.IN:
            chars = self.class_chars(av)
            # A wide class (\w, a negated set that can match letters) ends what can be known here.
            return {("", False)} if chars is None else self.join(chars, nxt, need)
        if op is _c.SUBPATTERN:
            return self.seq(self.frame(av[-1].data, 0, nxt), need)
        if op is _c.BRANCH:
            out: set[tuple[str, bool]] = set()
            for alt in av[1]:
                out |= self.seq(self.frame(alt.data, 0, nxt), need)
                _check(out)
            return out
        if op in _REPEATS:
            low, _high, sub = av
            # Whether the repeat is a run of separators is judged at full depth, as the walk always did.
            inner = self.seq(self.frame(sub.data, 0, None), self.depth)
            if self.canon and inner == {(SEP, True)}:
                # A run of separators reads as one space, and what follows it is still known.
                once = self.join({SEP}, nxt, need)
            else:
                once = {(s[:need], False) for s, _ext in inner}
            return once | self.seq(nxt, need) if low == 0 else once
        return {("", False)}

    def join(self, heads: Iterable[str], nxt: _Frame, need: int) -> set[tuple[str, bool]]:
        out: set[tuple[str, bool]] = set()
        tails: dict[int, set[tuple[str, bool]]] = {}
        for h in heads:
            if len(h) >= need:
                out.add((h[:need], False))
                continue
            # A separator after a separator reads as one: the tail may then give one character less.
            more = need - len(h) + (1 if self.canon and h.endswith(SEP) else 0)
            if more not in tails:
                tails[more] = self.seq(nxt, more)
            for t, ext in tails[more]:
                if self.canon and h.endswith(SEP) and t.startswith(SEP):
                    t = t[1:]
                joined = h + t
                out.add((joined[:need], ext and len(joined) < need))
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
    """The word starts (and apostrophes and pound signs) of a text, each with what follows it read the way
    anchors are (lowercase, separators as one space), up to ``DEPTH`` characters: ``keys`` holds
    ``(position, key)`` in order of position."""

    def __init__(self, text: str) -> None:
        self.text = text
        low = text.lower()
        if len(low) != len(text):  # a few characters lower-case to two; keep positions aligned
            low = "".join(ch.lower()[:1] or ch for ch in text)
        # The text with every run of non-word characters as one space. Its word runs are the text's, in the
        # same order, so the n-th word start of one is the n-th of the other.
        flat = _NON_WORD_RUN.sub(SEP, low)
        starts = [m.start() for m in _WORD_RUN.finditer(low)]
        flat_starts = [m.start() for m in _WORD_RUN.finditer(flat)]
        keys = [(pos, flat[j : j + DEPTH]) for pos, j in zip(starts, flat_starts, strict=True)]
        symbols = [m.start() for m in _SYMBOLS.finditer(low)]
        if symbols:
            # A symbol sits in the separator run just before the next word: its key begins with that space.
            for pos in symbols:
                i = bisect.bisect_left(starts, pos)
                j = flat_starts[i] - 1 if i < len(flat_starts) else len(flat) - 1
                keys.append((pos, flat[j : j + DEPTH]))
            keys.sort()
        self.keys = keys
        self._starts: dict[int, tuple[StartTable, list[list[int] | None]]] = {}

    def starts(self, table: StartTable) -> list[list[int] | None]:
        """``table.starts(self)``, found once per table for this text (callers must not change it)."""
        known = self._starts.get(id(table))
        if known is None or known[0] is not table:
            known = self._starts[id(table)] = (table, table.starts(self))
        return known[1]

    def candidates(self, anchors: Anchors) -> list[int]:
        """Positions where a pattern with these anchors could match, in order."""
        found = StartTable((anchors,)).starts(self)[0]
        return found if found is not None else []


class StartTable:
    """Where each of a fixed list of patterns could match in a text, found in one pass over the text's word
    starts instead of one pass per pattern.

    Built once per pack: each beginning names the patterns it admits. A beginning that extends another of the
    same pattern ("ask" beside "as") admits nothing more, so it is left out and each position is listed at
    most once per pattern. What a whole key (a word start's first ``DEPTH`` characters) admits is remembered,
    since the same words recur in every narrative.

    A pattern may also have a ``later`` part (see ``rarest_later_part``) that every match holds further on.
    A start is kept only when that part begins somewhere at or after it, and, for a fenced part, before the
    next of ``FENCES``; a pattern whose later part appears nowhere is not tried at all (not even by a full
    scan). The word starts are walked from the end, so that the nearest later part and fence are known.
    """

    _MEMO_LIMIT = 200_000

    def __init__(
        self, anchors: Sequence[Anchors | None], later: Sequence[Later | None] | None = None
    ) -> None:
        self.size = len(anchors)
        self.unbounded = tuple(i for i, a in enumerate(anchors) if a is None)
        later = later if later is not None else [None] * self.size
        self.anchors, self.later = tuple(anchors), tuple(later)
        if len(later) != self.size:
            raise ValueError("a later part (or None) must be given for every pattern")
        parts = [part for part in later if part is not None]
        # For each pattern: the number of its later part (-1: none), and whether that part is fenced.
        numbers = iter(range(len(parts)))
        self._later_of = [-1 if part is None else next(numbers) for part in later]
        self._fenced = [part is not None and part.fenced for part in later]
        self._with_later = [i for i, k in enumerate(self._later_of) if k >= 0]
        self._by_prefix = [_minimal_prefixes(anchors), _minimal_prefixes([p.anchors for p in parts])]
        self._lengths = [tuple(sorted({len(k) for k in table})) for table in self._by_prefix]
        self._memo: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {}

    def _slots(self, key: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
        slots = self._memo.get(key)
        if slots is None:
            first, later = (
                tuple(slot for n in lengths if n <= len(key) for slot in by_prefix.get(key[:n], ()))
                for by_prefix, lengths in zip(self._by_prefix, self._lengths, strict=True)
            )
            slots = (first, later)
            if len(self._memo) >= self._MEMO_LIMIT:
                self._memo.clear()
            self._memo[key] = slots
        return slots

    def starts(self, index: WordIndex) -> list[list[int] | None]:
        """For each pattern: the positions where it could match, in order, or None to scan the whole text."""
        out: list[list[int] | None] = [[] for _ in range(self.size)]
        memo = self._memo
        if not self._with_later:
            for pos, key in index.keys:
                slots = memo.get(key) or self._slots(key)
                for slot in slots[0]:
                    out[slot].append(pos)  # type: ignore[union-attr]
        else:
            beyond = len(index.text) + 1
            nearest = [beyond] * len(self._with_later)  # where each later part next begins
            fences = [m.start() for m in _FENCE.finditer(index.text)]
            fence = beyond  # where the next fence is
            later_of, fenced = self._later_of, self._fenced
            for pos, key in reversed(index.keys):
                while fences and fences[-1] >= pos:
                    fence = fences.pop()
                slots = memo.get(key) or self._slots(key)
                for k in slots[1]:
                    nearest[k] = pos
                for slot in slots[0]:
                    k = later_of[slot]
                    if k < 0 or nearest[k] < (fence if fenced[slot] else beyond):
                        out[slot].append(pos)  # type: ignore[union-attr]
            for starts in out:
                if starts:
                    starts.reverse()
            for i in self._with_later:
                if i in self.unbounded and nearest[later_of[i]] < beyond:
                    out[i] = None  # a full scan, since the later part appears
        for i in self.unbounded:
            if i not in self._with_later:
                out[i] = None
        return out


_FENCE = re.compile("[" + re.escape(FENCES) + "]")


def _minimal_prefixes(anchors: Sequence[Anchors | None]) -> dict[str, tuple[int, ...]]:
    # Each slot under the beginnings of its anchors that do not merely extend another of its beginnings.
    by_prefix: dict[str, list[int]] = {}
    for slot, a in enumerate(anchors):
        if a is None:
            continue
        for prefix in a.prefixes:
            if not any(prefix[:n] in a.prefixes for n in range(1, len(prefix))):
                by_prefix.setdefault(prefix, []).append(slot)
    return {k: tuple(v) for k, v in by_prefix.items()}


class PatternScan:
    """A fixed list of patterns to run at their candidate starts only; ``over`` indexes one text for them.

    Built once (per pack, or per module for its own patterns). The patterns may be a run of slots of a larger
    ``table`` starting at ``offset``, so that a text is indexed once for all of them.
    """

    def __init__(
        self,
        patterns: Sequence[re.Pattern[str]],
        anchors: Sequence[Anchors | None] | None = None,
        *,
        table: StartTable | None = None,
        offset: int = 0,
    ) -> None:
        self.patterns = tuple(patterns)
        if table is None:
            table = StartTable(anchors if anchors is not None else [anchors_of(p) for p in self.patterns])
        elif not 0 <= offset <= table.size - len(self.patterns):
            raise ValueError("the patterns must be slots of the table")
        self.table = table
        # By identity: hashing a compiled pattern hashes its whole program, every time.
        self.slot = {id(p): offset + i for i, p in enumerate(self.patterns)}

    def over(self, text: str, index: WordIndex) -> TextScan:
        """The patterns' candidate starts in ``text`` (``index`` is the text's)."""
        return TextScan(text, ((self.slot, index.starts(self.table)),))


class TextScan:
    """One text and where the patterns of some ``PatternScan``s can begin in it. Its ``finditer``,
    ``search`` and ``finditer_in`` give exactly what the plain calls give; patterns it does not know are
    simply run over the text."""

    def __init__(
        self, text: str, parts: Iterable[tuple[dict[int, int], list[list[int] | None]]] = ()
    ) -> None:
        self.text = text
        self._starts: dict[int, list[int] | None] = {}
        for slot, starts in parts:
            for key, i in slot.items():
                self._starts[key] = starts[i]

    def join(self, other: TextScan) -> TextScan:
        """This scan with ``other``'s patterns too (same text)."""
        joined = TextScan(self.text)
        joined._starts = {**self._starts, **other._starts}
        return joined

    def finditer(
        self, pattern: re.Pattern[str], pos: int = 0, endpos: int | None = None
    ) -> Iterator[re.Match[str]]:
        """Exactly ``pattern.finditer(text, pos, endpos)``."""
        text = self.text
        end = len(text) if endpos is None else min(endpos, len(text))
        starts = self._starts.get(id(pattern))
        if starts is None:
            yield from pattern.finditer(text, pos, end)
            return
        # A pattern with anchors never matches the empty string, so matches never touch.
        last = pos
        for q in starts[bisect.bisect_left(starts, pos) :]:
            if q >= end:
                break
            if q < last:
                continue
            m = pattern.match(text, q, end)
            if m is not None:
                yield m
                last = m.end()

    def search(
        self, pattern: re.Pattern[str], pos: int = 0, endpos: int | None = None
    ) -> re.Match[str] | None:
        """Exactly ``pattern.search(text, pos, endpos)``."""
        return next(self.finditer(pattern, pos, endpos), None)

    def finditer_in(self, pattern: re.Pattern[str], lo: int, hi: int) -> Iterator[re.Match[str]]:
        """Exactly ``pattern.finditer(text[lo:hi])`` (the matches are of that slice).

        The slice's own first position is always tried: cut from the text it may begin a word the text's
        index does not know.
        """
        piece = self.text[lo:hi]
        starts = self._starts.get(id(pattern))
        if starts is None:
            yield from pattern.finditer(piece)
            return
        last = 0
        first = bisect.bisect_right(starts, lo)
        for q in (lo, *starts[first:]):
            if q >= hi:
                break
            if q - lo < last:
                continue
            m = pattern.match(piece, q - lo)
            if m is not None:
                yield m
                last = m.end()


def finditer(
    pattern: re.Pattern[str], anchors: Anchors | None, index: WordIndex | None, text: str
) -> Iterator[re.Match[str]]:
    """Exactly ``pattern.finditer(text)``, trying only the candidate starts when anchors are known."""
    if anchors is None or index is None:
        yield from pattern.finditer(text)
        return
    yield from finditer_at(pattern, index.candidates(anchors), text)


def finditer_at(pattern: re.Pattern[str], starts: list[int] | None, text: str) -> Iterator[re.Match[str]]:
    """Exactly ``pattern.finditer(text)`` given the only positions where it can match (None: anywhere)."""
    if starts is None:
        yield from pattern.finditer(text)
        return
    pos = 0
    for start in starts:
        if start < pos:
            continue
        m = pattern.match(text, start)
        if m is not None:
            yield m
            pos = m.end() if m.end() > m.start() else m.start() + 1

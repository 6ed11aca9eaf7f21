"""Indicator detection: run the pack's cue patterns over the text and keep only matches that report something.

A match is dropped when, looking back from it to the start of its clause (never further than the pack's
``window_words``), a denial or negative quantifier is found ("she denies any secrecy", "nothing sexual"),
when a negated verb is found within the last few words (``short_negation``: "he never asked for photos"), or a
hypothetical trigger is found ("worried he might ask to meet", "if he asks for pics") that is not
cancelled by a
reporting verb before it ("asked if he could meet"). Pseudo-negations ("doesn't know", "not only") are blanked
before the look-back. A short denial straight after the match ("asked to meet - no") and direct
questions without
a yes after them ("Has he asked for pics?") also drop it. Indicators marked ``suspicion_counts`` ignore
hypothetical triggers, since suspicion is enough for them.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from heed.risk.pack import WINDOW_PATTERNS, GuidancePack
from heed.risk.prefilter import Openings, StartTable, WordIndex, finditer_at

_WORD = re.compile(r"\S+")
_NEXT_WORD = re.compile(r"(?<!\w)\w")
_SENTENCE_END = re.compile(r"[.!?\n]+")
# A denial inside a match ("chats - nothing sexual"); "nobody" and "no one" are left to the cues that name
# them ("make sure nobody finds out"). A cue that opens on a negation is not undone by one inside it.
_INNER_DENIAL = re.compile(r"(?i)\b(?:nothing|none)\b")
_OPENS_NEGATED = re.compile(
    r"(?i)(?:don'?t|doesn'?t|didn'?t|won'?t|can'?t|cannot|isn'?t|wasn'?t|aren'?t|haven'?t|hasn'?t|hadn'?t|"
    r"shouldn'?t|mustn'?t|wouldn'?t|couldn'?t|not|never|no|nobody|nothing|none|noone|no1|nor|without|w/o)"
)
# How far from a match the schoolwork it is the subject of may be named (characters, either side).
_TOPIC_REACH = 60
_PSEUDO, _NEGATION, _WORRY, _HYPOTHETICAL = (
    WINDOW_PATTERNS.index(k) for k in ("pseudo_negation", "negation", "worry_before", "hypothetical")
)
# Same-length replacements only: spans found in the normalised text are exact slices of the original.
_NORMALISE = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2007": " ",
        "\u202f": " ",
        "\t": " ",
        "\r": "\n",
    }
)


# Whether a text holds anything to translate: most do not, and translating costs more than looking.
_TO_NORMALISE = re.compile("[" + "".join(re.escape(chr(c)) for c in _NORMALISE) + "]")
# A line break inside a sentence (wrapped prose: the next line goes on in lower case) reads as a space, while
# log entries that start a new line with a capital stay separate. The look-behind comes after the line
# break so that the search can jump from line break to line break.
_WRAPPED = re.compile(r"\n(?<=[\w,']\n)(?=[ \t]*[a-z])")


def normalise(text: str) -> str:
    """Curly quotes, dashes and odd spaces read as plain ones, wrapped lines as one; same length always."""
    if _TO_NORMALISE.search(text):
        text = text.translate(_NORMALISE)
    return _WRAPPED.sub(" ", text)


@dataclass(frozen=True)
class Span:
    """A half-open character range of the input."""

    start: int
    end: int


class Scope:
    """Decides whether a match at a position is reported as fact in its clause (see module docstring)."""

    def __init__(self, text: str, compiled: Mapping[str, Any], index: WordIndex | None = None) -> None:
        self.text = text
        # Where each look-back pattern could begin (see prefilter.py), to skip searching windows that
        # cannot hold it; None without an index.
        table: StartTable = compiled["text_table"]
        starts = None if index is None else index.starts(table)
        self._may_begin = None if starts is None else starts[compiled["window_slots"]]
        breaks: re.Pattern[str] = compiled["clause_breaks"]
        openings: Openings | None = compiled["breaks_openings"]
        if starts is None or openings is None:
            self.breaks = [m.end() for m in breaks.finditer(text)]
        else:
            # Tried only where a break can begin: the same breaks as a scan of every position.
            at = openings.starts(text, starts[compiled["breaks_slot"]])
            self.breaks = [m.end() for m in finditer_at(breaks, at, text)]
        self.sentences: list[tuple[int, int]] = []
        # A sentence ends at . ! ? or a line break, and a turn of a transcript begins one ("... anywhere else
        # Handler: Has he asked you for pictures? me: no"; scope.yaml ``turn_label``).
        ends = [m.end() for m in _SENTENCE_END.finditer(text)]
        label: re.Pattern[str] | None = compiled.get("turn_label")
        if label is not None:
            turns = [m.start() for m in label.finditer(text)]
            if turns:
                ends = sorted({*ends, *turns} - {0})
        start = 0
        for end in ends:
            self.sentences.append((start, end))
            start = end
        if start < len(text):
            self.sentences.append((start, len(text)))
        self.sentence_starts = [s for s, _ in self.sentences]
        self._question_cache: dict[int, bool] = {}
        # Looked up once here rather than per match: is_reported runs for every candidate match.
        self.window_words: int = compiled["window_words"]
        self._pseudo_negation: re.Pattern[str] = compiled["pseudo_negation"]
        self._negation: re.Pattern[str] = compiled["negation"]
        self._tail_negations: list[tuple[int, re.Pattern[str], int]] = [
            (compiled[count_key], compiled[pattern_key], WINDOW_PATTERNS.index(pattern_key))
            for count_key, pattern_key in (("short_words", "short_negation"), ("near_words", "near_negation"))
            if compiled[count_key]
        ]
        self._post_negation: re.Pattern[str] = compiled["post_negation"]
        self._worry_before: re.Pattern[str] = compiled["worry_before"]
        self._modal_after: re.Pattern[str] = compiled["modal_after"]
        self._hypothetical: re.Pattern[str] = compiled["hypothetical"]
        self._hypothetical_cancel: re.Pattern[str] = compiled["hypothetical_cancel"]
        self._question_start: re.Pattern[str] = compiled["question_start"]
        self._question_yes: re.Pattern[str] = compiled["question_yes"]
        family = compiled["family_actor"]
        self.family_codes: frozenset[str] = family["indicators"]
        self._family_before: re.Pattern[str] = family["before"]
        self._family_after: re.Pattern[str] = family["after"]
        self._family_after_codes: frozenset[str] = family["after_indicators"]
        self._occasion_codes: frozenset[str] = family["occasion_indicators"]
        self._occasion: re.Pattern[str] | None = family["occasion"]
        record: re.Pattern[str] | None = compiled["check_record"]
        # where each line recording a handler's check begins and ends
        self._records: list[tuple[int, int]] = []
        if record is not None:
            for m in record.finditer(text):
                end = text.find("\n", m.start())
                self._records.append((m.start(), len(text) if end < 0 else end))
        # what a reported question answered no asked about (scope.yaml ``asked_no``)
        self._asked_no: list[tuple[int, int]] = []
        asked_no: re.Pattern[str] | None = compiled.get("asked_no")
        unless: re.Pattern[str] | None = compiled.get("asked_no_unless")
        if asked_no is not None:
            groups = [g for g in ("q", "q2", "q3") if g in asked_no.groupindex]
            for m in asked_no.finditer(text):
                group = next((g for g in groups if m.group(g) is not None), None)
                if group is None:
                    continue
                if unless is not None and unless.search(m.group(group)):
                    continue
                self._asked_no.append(m.span(group))
        # the clause before a match sets it back in time, or names it as only feared (scope.yaml
        # ``past_before``, ``feared_before``): (indicators, pattern) for each that the pack gives
        self._set_back: dict[str, list[re.Pattern[str]]] = {}
        for frame in (compiled["past_before"], compiled["feared_before"]):
            if frame["pattern"] is not None:
                for code in frame["indicators"]:
                    self._set_back.setdefault(code, []).append(frame["pattern"])
        topic = compiled["topic"]
        self._topic_codes: frozenset[str] = topic["indicators"]
        self._topic_near: re.Pattern[str] | None = topic["near"]
        self._topic_unless: re.Pattern[str] | None = topic["unless"]

    def window(self, start: int) -> str:
        """The text from the start of the clause holding ``start`` up to it, cut to the last N words."""
        return self._window(start)[0]

    def _window(self, start: int) -> tuple[str, list[int], int]:
        # The window, where its words start, and where it starts in the text.
        i = bisect.bisect_right(self.breaks, start) - 1
        clause_start = self.breaks[i] if i >= 0 else 0
        window = self.text[clause_start:start]
        limit = self.window_words
        words = [m.start() for m in _WORD.finditer(window)]
        if len(words) > limit:
            cut = words[-limit]
            window = window[cut:]
            words = [w - cut for w in words[-limit:]]
            clause_start += cut
        return window, words, clause_start

    def _absent(self, which: int, lo: int, hi: int) -> bool:
        # No match of look-back pattern ``which`` can begin in text[lo:hi].
        assert self._may_begin is not None
        positions = self._may_begin[which]
        if positions is None:
            return False
        i = bisect.bisect_left(positions, lo)
        return i == len(positions) or positions[i] >= hi

    def is_reported(self, start: int, end: int, *, suspicion_counts: bool) -> bool:
        """Whether the match ``text[start:end]`` reports the indicator (not negated, denied or
        hypothetical)."""
        if self._in_unanswered_question(start):
            return False
        text = self.text
        window, words, at = self._window(start)
        # A pattern that can begin nowhere in the window cannot match it, so the search is skipped. That
        # holds while the window is a plain slice of the text whose first word begins where the text's does
        # (not cut mid-word), and stops holding once pseudo-negations are blanked.
        known = self._may_begin is not None and (
            at == 0 or not window or not _is_word(window[0]) or not _is_word(text[at - 1])
        )
        if not (known and self._absent(_PSEUDO, at, start)) and self._pseudo_negation.search(window):
            window = self._pseudo_negation.sub(_blank, window)
            words = [m.start() for m in _WORD.finditer(window)]
            known = False
        if not (known and self._absent(_NEGATION, at, start)) and self._negation.search(window):
            return False
        for n, pattern, which in self._tail_negations:
            cut = words[-n] if len(words) >= n else 0
            if not (known and self._absent(which, at + cut, start)) and pattern.search(window[cut:]):
                return False
        if self._post_negation.match(text, end, min(len(text), end + 40)):
            return False
        # A denial inside the match, after its first word: "chats - nothing sexual", "asked nothing about
        # where they live" (a cue that opens on its negation, "don't tell anyone", is meant).
        first = _WORD.match(text, start)
        if (
            first is not None
            and first.end() < end
            and not _OPENS_NEGATED.fullmatch(first.group(0))
            and _INNER_DENIAL.search(text, first.end(), end)
        ):
            return False
        if suspicion_counts:
            return True
        if (
            not (known and self._absent(_WORRY, at, start))
            and self._worry_before.search(window)
            and self._modal_after.match(text, end, min(len(text), end + 60))
        ):
            return False
        if known and self._absent(_HYPOTHETICAL, at, start):
            return True
        last_hyp = None
        for m in self._hypothetical.finditer(window):
            last_hyp = m
        return last_hyp is None or bool(self._hypothetical_cancel.search(window, 0, last_hyp.start()))

    def done_by_family(self, code: str, start: int, end: int) -> bool:
        """Whether the family or the caller does it ("Mum picks her up", "a lift from her dad")."""
        i = bisect.bisect_right(self.sentence_starts, start) - 1
        s_start = self.sentences[i][0] if i >= 0 else 0
        before = self.text[max(s_start, start - 60) : start]
        if self._family_before.search(before):
            return True
        if self._occasion is not None and code in self._occasion_codes:
            s_end = self.sentences[i][1] if i >= 0 else len(self.text)
            # matched from the sentence's start (its lookahead reads the whole sentence): linear, not a search
            if self._occasion.match(self.text, s_start, s_end):
                return True
        if code not in self._family_after_codes:
            return False
        return bool(self._family_after.match(self.text, end, min(len(self.text), end + 60)))

    def keeps(self, code: str, start: int, end: int, *, suspicion_counts: bool) -> bool:
        """Whether a match of ``code`` at ``[start, end)`` is evidence: reported (``is_reported``) and not
        set aside as the family's doing, a topic of schoolwork, a line recording a handler's check, a question
        reported asked and answered no, or set back as weeks or months past or as only feared. The one
        test the cues, the learned hits and the cue review all apply."""
        return (
            self.is_reported(start, end, suspicion_counts=suspicion_counts)
            and not (code in self.family_codes and self.done_by_family(code, start, end))
            and not self.named_as_topic(code, start)
            and not self.in_check_record(start)
            and not self.asked_and_answered_no(start)
            and not self.set_back(code, start)
        )

    def set_back(self, code: str, start: int) -> bool:
        """Whether the clause before ``start`` sets a match of ``code`` weeks or months back ("Three weeks ago
        he said he wanted to die"; scope.yaml ``past_before``) or names it as only feared or imagined ("I
        convinced myself it was some man online"; ``feared_before``)."""
        frames = self._set_back.get(code)
        if not frames:
            return False
        window = self.window(start)
        return any(pattern.search(window) is not None for pattern in frames)

    def same_clause(self, a: int, b: int) -> bool:
        """Whether no clause break ends after ``a`` and at or before ``b``."""
        i = bisect.bisect_right(self.breaks, a)
        return i == len(self.breaks) or self.breaks[i] > b

    def asked_and_answered_no(self, start: int) -> bool:
        """Whether ``start`` is inside a question the narrative reports asking and answered no (scope.yaml
        ``asked_no``)."""
        return any(a <= start < b for a, b in self._asked_no)

    def in_check_record(self, start: int) -> bool:
        """Whether ``start`` is in a line recording a check the handler ran (scope.yaml ``check_record``)."""
        return any(a <= start < b for a, b in self._records)

    def named_as_topic(self, code: str, start: int) -> bool:
        """Whether the match at ``start`` is the subject of schoolwork named within a few words of it, in a
        sentence with no approach, praise or intent, for an indicator that can be only a topic (scope.yaml
        ``topic``)."""
        if self._topic_near is None or code not in self._topic_codes:
            return False
        i = bisect.bisect_right(self.sentence_starts, start) - 1
        s, e = self.sentences[i] if i >= 0 else (0, len(self.text))
        if self._topic_unless is not None and self._topic_unless.search(self.text, s, e):
            return False
        return (
            self._topic_near.search(self.text, max(s, start - _TOPIC_REACH), min(e, start + _TOPIC_REACH))
            is not None
        )

    def _in_unanswered_question(self, pos: int) -> bool:
        i = bisect.bisect_right(self.sentence_starts, pos) - 1
        if i < 0:
            return False
        if i in self._question_cache:
            return self._question_cache[i]
        s, e = self.sentences[i]
        sentence = self.text[s:e]
        result = False
        if sentence.rstrip().endswith("?") and self._question_start.match(sentence):
            following = self.text[e : e + 60]
            result = not self._question_yes.match(following)
        self._question_cache[i] = result
        return result


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _blank(m: re.Match[str]) -> str:
    return " " * len(m.group(0))


def detect(
    text: str, pack: GuidancePack, index: WordIndex | None = None, scope: Scope | None = None
) -> dict[str, list[Span]]:
    """Find each indicator's evidence spans in ``text`` (already normalised), in order of position.

    A cue whose possible first letters are known (see prefilter.py) is tried only at the word starts that
    begin with them; the others scan the whole text. Both find exactly the matches a full scan would.
    """
    index = index if index is not None else WordIndex(text)
    scope = scope if scope is not None else Scope(text, pack.compiled, index)
    table: StartTable = pack.compiled["text_table"]
    starts_by_slot = iter(index.starts(table)[pack.compiled["cue_slots"]])
    found: dict[str, list[Span]] = {}
    for code, patterns in pack.cues.items():
        suspicion = pack.indicators[code].suspicion_counts
        spans: list[Span] = []
        dropped: list[Span] = []
        for pattern in patterns:
            starts = next(starts_by_slot)
            if starts is None:
                _scan(pattern, text, scope, code, suspicion, spans, dropped)
                continue
            pos = 0
            for start in starts:
                if start < pos:
                    continue
                m = pattern.match(text, start)
                if m is not None:
                    pos = _judge(m, text, scope, code, suspicion, spans, dropped)
                    if pos < 0:
                        break
        if dropped:
            # A shorter reading inside a longer one that was set aside, in the same clause, is part of the
            # same denied or hypothetical statement: "has never asked him to keep it a secret" holds "a
            # secret" (but "he didn't ask for pics but he sent her nudes" is two clauses). (The
            # learned layer is not held to them: where a cue's match is set aside wrongly, it is what reads
            # the sign, "... and she eventually sent him a topless photo".)
            spans = [
                sp
                for sp in spans
                if not any(
                    d.start <= sp.start and sp.end <= d.end and scope.same_clause(d.start, sp.start)
                    for d in dropped
                )
            ]
        if spans:
            found[code] = _merge(spans)
    return found


def _scan(
    pattern: re.Pattern[str],
    text: str,
    scope: Scope,
    code: str,
    suspicion: bool,
    spans: list[Span],
    dropped: list[Span],
) -> None:
    # A cue whose beginning the prefilter cannot bound: search the whole text.
    pos = 0
    while (m := pattern.search(text, pos)) is not None:
        pos = _judge(m, text, scope, code, suspicion, spans, dropped)
        if pos < 0:
            break


def _judge(
    m: re.Match[str],
    text: str,
    scope: Scope,
    code: str,
    suspicion: bool,
    spans: list[Span],
    dropped: list[Span],
) -> int:
    """Keep the match as evidence when it is reported (appended to ``spans``, else to ``dropped``); return
    where to look next (-1: nowhere)."""
    s, e = trimmed(text, *m.span())
    if e > s and scope.keeps(code, s, e, suspicion_counts=suspicion):
        spans.append(Span(s, e))
        return m.end()
    if e > s:
        dropped.append(Span(s, e))
    # A dropped match may hide a later one that starts inside it ("could go pro, and has invited him to a
    # camp"): look again from the next word.
    nxt = _NEXT_WORD.search(text, m.start() + 1)
    return -1 if nxt is None else nxt.start()


def trimmed(text: str, s: int, e: int) -> tuple[int, int]:
    """A match's span without the separators a pattern may have swallowed at its edges: evidence reads
    cleanly."""
    while e > s and not text[e - 1].isalnum() and text[e - 1] not in ")'":
        e -= 1
    while s < e and text[s].isspace():
        s += 1
    return s, e


def _merge(spans: list[Span]) -> list[Span]:
    spans.sort(key=lambda sp: (sp.start, -sp.end))
    out: list[Span] = []
    for sp in spans:
        if out and sp.start < out[-1].end:
            if sp.end > out[-1].end:
                out[-1] = Span(out[-1].start, sp.end)
            continue
        out.append(sp)
    return out

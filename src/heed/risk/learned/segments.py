"""Cut a narrative into the pieces the learned layer reads: sentences, and long run-on sentences into clauses.

Every segment is a half-open range of the text, so its evidence is an exact slice. Sentences end at . ! ? ;
and line breaks (log entries); a dash between spaces also ends one. A segment longer than ``MAX_WORDS`` words
is cut at its commas and joining words ("but", "and then") into pieces of at most that many words.
"""

from __future__ import annotations

import re

MAX_WORDS = 32
_END = re.compile(r"[.!?;\n]+|\s[-\u2013\u2014]\s")
_SOFT = re.compile(
    r",\s*|\s+(?=(?:but|and then|and now|then|so|because|cos|which|whereas|although|though)\b)", re.I
)
_WORD = re.compile(r"\S+")


def segments(text: str) -> list[tuple[int, int]]:
    """The segments of ``text`` as (start, end), in order, trimmed of surrounding space and punctuation."""
    out: list[tuple[int, int]] = []
    pos = 0
    for m in _END.finditer(text):
        _add(text, pos, m.end() if m.group(0).strip() in ".!?" else m.start(), out)
        pos = m.end()
    _add(text, pos, len(text), out)
    return out


def _add(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end <= start:
        return
    words = list(_WORD.finditer(text, start, end))
    if len(words) <= MAX_WORDS:
        out.append((start, end))
        return
    # A long run-on sentence: cut at soft breaks so that no piece is longer than MAX_WORDS words, or, with no
    # soft break in reach, after MAX_WORDS words.
    cuts = [m.end() for m in _SOFT.finditer(text, start, end)]
    piece_start = start
    while True:
        piece_words = [w for w in words if w.start() >= piece_start]
        if len(piece_words) <= MAX_WORDS:
            _append(text, piece_start, end, out)
            return
        limit = piece_words[MAX_WORDS].start()
        soft = [c for c in cuts if piece_start < c <= limit and len(text[piece_start:c].split()) >= 4]
        cut = soft[-1] if soft else limit
        _append(text, piece_start, cut, out)
        piece_start = cut


def _append(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    if end > start:
        out.append((start, end))

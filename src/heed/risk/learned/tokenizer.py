"""BERT's uncased WordPiece tokenizer (the one all-MiniLM-L6-v2 was trained with), in pure Python.

Normalise (drop control characters, lower-case, strip accents), split on whitespace and punctuation, then cut
each word into the longest pieces found in the vocabulary (later pieces prefixed ``##``); a word with no
such cutting is ``[UNK]``. Each piece remembers where its word sits in the text, so the learned layer can
point at the words that made a sentence read like a sign.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

MAX_WORD_CHARS = 100


@dataclass(frozen=True)
class Piece:
    """A vocabulary id and the character range of the word it came from."""

    id: int
    start: int
    end: int


def _is_punct(ch: str) -> bool:
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp: int) -> bool:
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x2A6DF
        or 0x2A700 <= cp <= 0x2B81F
        or 0xF900 <= cp <= 0xFAFF
        or 0x2F800 <= cp <= 0x2FA1F
    )


# Characters the normaliser drops without ending a word (control characters, some of them also whitespace):
# a text holding any of these (rare) is read character by character throughout.
_DROPPED_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_RUN = re.compile(r"\S+")
# In ASCII every printable character that is not a letter or digit is punctuation to BERT.
_ASCII_PIECE = re.compile(r"[A-Za-z0-9]+|[^A-Za-z0-9]")


def words(text: str) -> list[tuple[str, int, int]]:
    """The basic tokenizer: (normalised word, start, end) for each word and each punctuation mark.

    Runs between whitespace that are plain ASCII (nearly every run of a narrative) are cut by one regular
    expression; any other run is read character by character (``_words``), and so is a whole text holding a
    control character, which the normaliser drops without ending the word. Both give exactly what reading
    every character would (the tests compare them on arbitrary text).
    """
    if _DROPPED_CONTROLS.search(text):
        return _words(text)
    out: list[tuple[str, int, int]] = []
    for run in _RUN.finditer(text):
        piece, offset = run.group(), run.start()
        if piece.isascii():
            out.extend(
                (m.group().lower(), offset + m.start(), offset + m.end())
                for m in _ASCII_PIECE.finditer(piece)
            )
        else:
            out.extend((w, offset + s, offset + e) for w, s, e in _words(piece))
    return out


def _words(text: str) -> list[tuple[str, int, int]]:
    """``words``, reading every character."""
    out: list[tuple[str, int, int]] = []
    cur: list[str] = []
    cur_start = 0

    def flush(end: int) -> None:
        if cur:
            out.append(("".join(cur), cur_start, end))
            cur.clear()

    for i, ch in enumerate(text):
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or (unicodedata.category(ch).startswith("C") and ch not in "\t\n\r"):
            continue
        if ch.isspace():
            flush(i)
            continue
        if _is_punct(ch) or _is_cjk(cp):
            flush(i)
            out.append((ch.lower(), i, i + 1))
            continue
        # Lower-case and strip accents (NFD, drop combining marks), as BERT's uncased normaliser does.
        low = unicodedata.normalize("NFD", ch.lower())
        kept = "".join(c for c in low if unicodedata.category(c) != "Mn")
        if not kept:
            continue
        if not cur:
            cur_start = i
        cur.append(kept)
    flush(len(text))
    return out


class WordPiece:
    """Greedy longest-match-first WordPiece over a fixed vocabulary (index = id)."""

    def __init__(self, vocab: Sequence[str], unk: str = "[UNK]") -> None:
        self.vocab = {tok: i for i, tok in enumerate(vocab)}
        self.unk = self.vocab[unk]
        self._cache: dict[str, tuple[int, ...]] = {}
        # The pieces of each run between whitespace, placed relative to the run: a narrative is mostly runs
        # seen before ("her", "money,"), so most of it is read by one look-up per run.
        self._runs: dict[str, tuple[tuple[int, int, int], ...]] = {}

    def word_ids(self, word: str) -> tuple[int, ...]:
        """The pieces of one normalised word."""
        hit = self._cache.get(word)
        if hit is not None:
            return hit
        if len(word) > MAX_WORD_CHARS:
            return (self.unk,)
        ids: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                sub = word[start:end] if start == 0 else "##" + word[start:end]
                if sub in self.vocab:
                    found = self.vocab[sub]
                    break
                end -= 1
            if found is None:
                ids = [self.unk]
                break
            ids.append(found)
            start = end
        result = tuple(ids)
        if len(self._cache) < 200_000:
            self._cache[word] = result
        return result

    def pieces(self, text: str) -> list[Piece]:
        """Every piece of ``text`` with its word's position."""
        return [Piece(i, s, e) for i, s, e in self.positioned_ids(text)]

    def positioned_ids(self, text: str) -> list[tuple[int, int, int]]:
        """``pieces`` as plain (id, start, end) triples (the encoder's hot path).

        A run between whitespace is cut the same wherever it stands (``words`` reads each run on its own),
        so its pieces are looked up by the run's text; a text holding a control character, which ``words``
        reads whole, is cut whole. The tests compare both ways on arbitrary text.
        """
        if _DROPPED_CONTROLS.search(text):
            return self._positioned_ids(text)
        runs = self._runs
        out: list[tuple[int, int, int]] = []
        for run in _RUN.finditer(text):
            piece = run.group()
            cut = runs.get(piece)
            if cut is None:
                cut = tuple(self._positioned_ids(piece))
                if len(runs) < 200_000:
                    runs[piece] = cut
            offset = run.start()
            if offset:
                out.extend([(i, offset + s, offset + e) for i, s, e in cut])
            else:
                out.extend(cut)
        return out

    def _positioned_ids(self, text: str) -> list[tuple[int, int, int]]:
        """``positioned_ids``, cutting the whole text afresh."""
        word_ids = self.word_ids
        return [(i, s, e) for w, s, e in words(text) for i in word_ids(w)]

"""Cue phrases: the readable way to write a detection cue (``- phrase: ...`` in cues.yaml).

A safeguarding lead reviewing national guidance should be able to read what a cue looks for without knowing
regular expressions. A phrase is the words to find, in order, within one sentence:

- ``keep it secret`` — the words in this order, separated by spaces or punctuation (never by . ! ? ; or a new
  line);
- ``asks|asked|asking`` — any one of these words; ``(you and me|u and me)`` — any one of these word groups;
- ``[little]``, ``[little|special|big]`` — an optional word (or one of several);
- ``...3`` — up to three other words in between (the fewest that will do);
- ``catfish*`` — a word that begins so (catfish, catfished, catfishing);
- ``IMG``, ``ASKV`` — a word list from lexicon.yaml by its name in capitals (pictures, photos, pics ...).

Letters are matched whatever their case, curly quotes as straight ones, and a phrase only matches whole words.
A cue a phrase cannot say (a look-behind, a condition on what follows) stays a regular expression; the pack
accepts both. This module is pure: it turns a phrase into the regular-expression source the pack compiles,
with lexicon entries still written ``<<NAME>>`` so that both forms expand the same way.
"""

from __future__ import annotations

import re

__all__ = ["PhraseError", "phrase_to_pattern"]

_WORD = re.compile(r"[\w'£-]+\*?")
_NAME = re.compile(r"[A-Z][A-Z0-9_]*")
_GAP = re.compile(r"\.\.\.([1-9])")
_SEP = "<<S>>"


class PhraseError(ValueError):
    """A phrase that does not follow the syntax above; the message says what was expected and where."""


def _word(token: str, phrase: str) -> str:
    if not _WORD.fullmatch(token):
        raise PhraseError(
            f"expected a word of letters, digits, ' £ or - (and * only at its end) in {phrase!r}, "
            f"found {token!r}"
        )
    if token.endswith("*"):
        return token[:-1] + r"\w*"
    return token


def _alternatives(body: str, phrase: str) -> str:
    parts = body.split("|")
    if any(not p.strip() for p in parts):
        raise PhraseError(f"expected a word on each side of | in {phrase!r}")
    out = []
    for part in parts:
        words = part.split()
        out.append(" ".join(_word(w, phrase) for w in words))
    return out[0] if len(out) == 1 else "(?:" + "|".join(out) + ")"


def _item(token: str, phrase: str, lexicon: frozenset[str] | None) -> str:
    # A word of two or more capitals names a lexicon list ("I" and other single letters stay words).
    if _NAME.fullmatch(token) and len(token) > 1:
        if lexicon is not None and token not in lexicon:
            raise PhraseError(f"expected {token!r} in {phrase!r} to be a name in lexicon.yaml")
        return f"<<{token}>>"
    if token.startswith("(") and token.endswith(")"):
        return _alternatives(token[1:-1], phrase)
    return _alternatives(token, phrase)


def _tokens(phrase: str) -> list[str]:
    """Split on spaces outside ( ) and [ ]."""
    out: list[str] = []
    depth = 0
    cur = ""
    for ch in phrase:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
            if depth < 0:
                raise PhraseError(f"expected every ) or ] to close an earlier ( or [ in {phrase!r}")
        if ch.isspace() and depth == 0:
            if cur:
                out.append(cur)
            cur = ""
        else:
            cur += ch
    if depth:
        raise PhraseError(f"expected every ( or [ to be closed in {phrase!r}")
    if cur:
        out.append(cur)
    return out


def phrase_to_pattern(phrase: str, lexicon: frozenset[str] | None = None) -> str:
    """The regular-expression source (``<<NAME>>`` entries unexpanded) that a phrase stands for.

    ``lexicon``, when given, is the set of lexicon names: a capitalised word that is not one of them is an
    error, so a misspelt list name is reported rather than read as a word."""
    tokens = _tokens(phrase.strip())
    if not tokens:
        raise PhraseError("expected at least one word in the phrase")
    items: list[tuple[str, str]] = []  # (kind, regex): kind is word | opt | gap
    for token in tokens:
        gap = _GAP.fullmatch(token)
        if gap:
            items.append(("gap", f"(?:<<W>>{_SEP}){{0,{gap.group(1)}}}?"))
        elif token.startswith("[") and token.endswith("]"):
            inner = token[1:-1].strip()
            if not inner:
                raise PhraseError(f"expected a word inside [ ] in {phrase!r}")
            inner_tokens = _tokens(inner)
            if len(inner_tokens) != 1:
                raise PhraseError(f"expected one word (or word|word) inside [ ] in {phrase!r}: {token!r}")
            items.append(("opt", _item(inner_tokens[0], phrase, lexicon)))
        else:
            items.append(("word", _item(token, phrase, lexicon)))
    if items[0][0] == "gap" or items[-1][0] == "gap":
        raise PhraseError(f"expected words before and after ...N in {phrase!r}")
    if all(kind == "opt" for kind, _ in items):
        raise PhraseError(f"expected at least one word that is not optional in {phrase!r}")
    if len(items) > 1 and items[-1][0] == "opt" and items[-2][0] != "word":
        raise PhraseError(f"expected a word just before a closing [ ] in {phrase!r}")
    out = ""
    for i, (kind, rx) in enumerate(items):
        if kind == "opt":
            out += f"(?:{_SEP}{rx})?" if i == len(items) - 1 else f"(?:{rx}{_SEP})?"
        elif kind == "gap":
            out += rx
        else:
            out += rx
            closing_opt = i + 2 == len(items) and items[-1][0] == "opt"
            if i + 1 < len(items) and not closing_opt:
                out += _SEP
    start = "" if out.startswith("£") else r"\b"
    end = "" if out.endswith(r"\w*") else r"\b"
    return start + out + end

"""Name normalisation: folding, Mc/Mac and O' forms, phonetic codes and nickname expansion.

Phonetic codes come from ``jellyfish`` (Rust-backed, maintained): Metaphone for blocking keys and Metaphone or
NYSIIS agreement for scoring. Double Metaphone would add a second code per name; at 13 million records every
extra key costs index size, and Metaphone plus NYSIIS catch the same British spelling variants in our tests.
"""

from __future__ import annotations

import re
import unicodedata

import jellyfish

from heed.checks.data_files import nickname_table
from heed.checks.memo import memo

_NON_NAME = re.compile(r"[^a-z\s]+")
_SPACES = re.compile(r"\s+")


@memo(200_000)
def fold(text: str) -> str:
    """Lower-case ASCII letters and single spaces: accents stripped, apostrophes dropped, hyphens split.

    ``O'Brien`` → ``obrien``; ``Smith-Jones`` → ``smith jones``; ``Zoë`` → ``zoe``.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    ascii_only = ascii_only.replace("'", "").replace("\u2019", "").replace("`", "")
    ascii_only = _NON_NAME.sub(" ", ascii_only)
    return _SPACES.sub(" ", ascii_only).strip()


def _mac(token: str) -> str:
    # Mac and Mc spellings of one surname are the same name; "mace"/"macey" are too short to be Mac- names.
    if token.startswith("mac") and len(token) > 5:
        return "mc" + token[3:]
    return token


@memo(200_000)
def family_tokens(text: str) -> tuple[str, ...]:
    """Folded family-name parts with Mac→Mc applied (``MacDonald-Smith`` → ``('mcdonald', 'smith')``)."""
    return tuple(_mac(t) for t in fold(text).split())


@memo(200_000)
def family_key(text: str) -> str:
    """The family name as one comparable string (parts joined without spaces)."""
    return "".join(family_tokens(text))


@memo(200_000)
def given_key(text: str) -> str:
    """The first given name, folded (middle names are compared separately)."""
    parts = fold(text).split()
    return parts[0] if parts else ""


@memo(200_000)
def phonetic(token: str) -> str:
    """Metaphone code of a folded token ('' for empty input)."""
    return jellyfish.metaphone(token) if token else ""


@memo(200_000)
def nysiis(token: str) -> str:
    """NYSIIS code of a folded token ('' for empty input)."""
    return jellyfish.nysiis(token) if token else ""


@memo(200_000)
def given_forms(name: str) -> tuple[str, ...]:
    """The folded given name and every formal name it may be short for (``gaz`` → gaz, gareth, gary)."""
    if not name:
        return ()
    forms = {name, *nickname_table().get(name, ())}
    return tuple(sorted(forms))


def is_nickname_pair(a: str, b: str) -> bool:
    """True when two folded given names share a formal name (Gaz/Gary, Alfie/Alf, Ste/Stephen)."""
    return bool(set(given_forms(a)) & set(given_forms(b)))


def typo_close(a: str, b: str) -> bool:
    """One edit apart (two for long names), transpositions counting as one, or very close by Jaro-Winkler."""
    if not a or not b:
        return False
    limit = 2 if min(len(a), len(b)) >= 8 else 1
    if min(len(a), len(b)) >= 4 and jellyfish.damerau_levenshtein_distance(a, b) <= limit:
        return True
    return len(a) >= 4 and len(b) >= 4 and jellyfish.jaro_winkler_similarity(a, b) >= 0.93


def phonetic_match(a: str, b: str) -> bool:
    """Both tokens sound alike by Metaphone or NYSIIS."""
    return bool(a and b) and (phonetic(a) == phonetic(b) or nysiis(a) == nysiis(b))

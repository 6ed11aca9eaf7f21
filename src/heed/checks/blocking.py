"""Blocking keys: the cheap look-ups that turn a query into a short list of candidate records.

A record is filed under keys built from what callers know (phonetic name codes combined with a birth year, a
town or a postcode district; the full date of birth; each identifier's strong and weak keys). A query builds
the same keys from every reading of what it was told (nickname forms, given/family swapped, the alias, a year
either side of the date of birth, every birth year an approximate age allows, the day/month swap), so those
variations are found by exact look-ups. Each key type carries a weight: candidates hit by several specific
keys
are scored first.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from heed.checks.dates import birth_years_for_ages, parse_partial_date
from heed.checks.identifiers import email_keys, handle_keys
from heed.checks.memo import memo
from heed.checks.names import family_key, family_tokens, given_forms, given_key, phonetic
from heed.checks.places import normalise_postcode, normalise_town, postcode_district
from heed.checks.query import Query

HASH_BITS = 38
"""Bits of a key hash kept; with record numbers in the other 26 bits one uint64 holds a (key, record) pair."""
RECORD_BITS = 26
MAX_RECORDS = 1 << RECORD_BITS

KEY_WEIGHTS: dict[str, float] = {
    "n": 4.0,  # family + given phonetic
    "fy": 2.5,  # family + birth year
    "gy": 2.0,  # given + birth year
    "ft": 1.5,  # family + town
    "gt": 1.2,  # given + town
    "fd": 1.5,  # family + postcode district
    "gd": 1.2,  # given + postcode district
    "d": 2.5,  # full date of birth
    "f": 0.5,  # family alone (only for wide queries)
    "g": 0.3,  # given alone (only for wide queries)
    "i": 6.0,  # identifier, strong key
    "iw": 2.0,  # identifier, weak key
}


KEY_BYTES = 64
"""Bytes of a key's UTF-8 text that are hashed; longer keys share a hash with their prefix (only costing a few
extra candidates, since every candidate is scored)."""
_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)


def hash_keys(texts: Sequence[str]) -> npt.NDArray[np.uint64]:
    """Stable 38-bit hashes of key texts, vectorised (FNV-1a over the bytes, then a SplitMix64 finaliser).

    Hashing one key at a time in Python cost more than a third of a 13-million-record build; this does a
    column of bytes for every key at once. The same in every process and on every backend.
    """
    if not texts:
        return np.zeros(0, dtype=np.uint64)
    encoded = [t.encode("utf-8") for t in texts]
    # Only as wide as the longest key present: padding bytes are skipped anyway, so the hash is unchanged.
    raw = np.array(encoded, dtype=f"S{max(1, min(KEY_BYTES, max(map(len, encoded))))}")
    width = raw.dtype.itemsize
    columns = np.asfortranarray(raw.view(np.uint8).reshape(len(texts), width))
    h = np.full(len(texts), _FNV_OFFSET, dtype=np.uint64)
    for j in range(width):
        byte = columns[:, j].astype(np.uint64)
        # Zero bytes are padding: skipping them keeps a key's hash independent of the batch it is in.
        h = np.where(byte != 0, (h ^ byte) * _FNV_PRIME, h)
    h ^= h >> np.uint64(30)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    h ^= h >> np.uint64(27)
    h *= np.uint64(0x94D049BB133111EB)
    h ^= h >> np.uint64(31)
    result: npt.NDArray[np.uint64] = h >> np.uint64(64 - HASH_BITS)
    return result


def key_hash(key: str) -> int:
    """Stable 38-bit hash of one key."""
    return int(hash_keys([key])[0])


@dataclass(frozen=True, slots=True)
class QueryKey:
    """One look-up a query makes: the key text, its hash and how much a hit on it counts."""

    text: str
    kind: str

    @property
    def weight(self) -> float:
        return KEY_WEIGHTS[self.kind]


def _name_codes(given: str, family: str) -> tuple[list[str], list[str]]:
    gps = sorted({phonetic(form) for form in given_forms(given)} - {""}) if given else []
    tokens = family_tokens(family) if family else ()
    fps = {phonetic("".join(tokens))} if tokens else set()
    if len(tokens) > 1:
        fps.update(phonetic(t) for t in tokens)
    return gps, sorted(fps - {""})


def record_key_texts(record: dict[str, Any]) -> Iterator[str]:
    """Every key a stored record is filed under (duplicates possible; callers de-duplicate)."""
    variants = [(given_key(record["given_name"]), record["family_name"])]
    for alias in record.get("aliases", ()):
        parts = alias.split()
        if parts:
            variants.append((given_key(parts[0]), " ".join(parts[1:])))
    dob_text = record.get("date_of_birth") or ""
    year = dob_text[:4]
    town = normalise_town(record.get("town") or "")
    district = postcode_district(normalise_postcode(record.get("postcode") or ""))
    for given, family in variants:
        gps, fps = _name_codes(given, family)
        for fp in fps:
            yield f"f|{fp}"
            if year:
                yield f"fy|{fp}|{year}"
            if town:
                yield f"ft|{fp}|{town}"
            if district:
                yield f"fd|{fp}|{district}"
            for gp in gps:
                yield f"n|{fp}|{gp}"
        for gp in gps:
            yield f"g|{gp}"
            if year:
                yield f"gy|{gp}|{year}"
            if town:
                yield f"gt|{gp}|{town}"
            if district:
                yield f"gd|{gp}|{district}"
    if len(dob_text) == 10:
        yield f"d|{dob_text}"
    for phone in record.get("phones", ()):
        yield f"i|phone:{phone}"
    for email in record.get("emails", ()):
        keys = email_keys(email)
        yield f"i|{keys.strong}"
        for weak in keys.weak:
            yield f"iw|{weak}"
    for online in record.get("online_ids", ()):
        keys = handle_keys(online["handle"], online.get("platform"))
        yield f"i|{keys.strong}"
        yield f"i|handle:?:{keys.strong.split(':', 2)[2]}"
        for weak in keys.weak:
            yield f"iw|{weak}"


@memo(200_000)
def _bigram_bits(name: str) -> int:
    # Letter pairs of the name with its ends marked, each set as one of 64 bits (stable across processes).
    bits = 0
    padded = f"^{name}$"
    for first, second in itertools.pairwise(padded):
        bits |= 1 << ((ord(first) * 31 + ord(second)) % 64)
    return bits


def name_signature(given: str, family: str) -> tuple[int, int]:
    """64-bit letter-pair sets of a folded given and family name, for ranking candidates by name likeness.

    Phonetic keys miss a typo that changes a name's code ("Thopson" is 0PSN, "Thompson" 0MPSN); with only
    the given name, birth year and town left to find him, a common name at 13 million people ties hundreds
    of candidates. Comparing these bit sets (vectorised) tells the near spelling apart from the rest.
    """
    return _bigram_bits(given) if given else 0, _bigram_bits(family) if family else 0


def record_signature(record: dict[str, Any]) -> tuple[int, int]:
    """The name signature of a stored record's own name (aliases are found by their keys)."""
    return name_signature(given_key(record["given_name"]), family_key(record["family_name"]))


def record_key_hashes(record: dict[str, Any]) -> list[int]:
    """The distinct key hashes of a record."""
    return sorted({int(h) for h in hash_keys(sorted(set(record_key_texts(record))))})


def query_keys(q: Query) -> list[QueryKey]:
    """Every look-up worth making for a query, most specific kinds first."""
    keys: dict[str, QueryKey] = {}

    def add(kind: str, text: str) -> None:
        keys.setdefault(f"{kind}|{text}", QueryKey(f"{kind}|{text}", kind))

    years: list[int] = []
    if q.dob is not None:
        years = [q.dob.year - 1, q.dob.year, q.dob.year + 1]
    elif q.age_min is not None and q.age_max is not None:
        span = birth_years_for_ages(q.age_min, q.age_max, q.reference_date)
        years = list(span)[-12:]  # an open range ("over 18") would be every year; the youngest dozen suffice
    district = postcode_district(q.postcode)
    variants = []
    if q.given or q.family:
        variants.append((q.given, q.family))
        if q.given and q.family:
            variants.append((given_key(q.family), q.given))
    if q.alias_given:
        variants.append((q.alias_given, q.alias_family))
    for given, family in variants:
        gps, fps = _name_codes(given, family)
        for fp in fps:
            for gp in gps:
                add("n", f"{fp}|{gp}")
            for year in years:
                add("fy", f"{fp}|{year}")
            if q.town:
                add("ft", f"{fp}|{q.town}")
            if district:
                add("fd", f"{fp}|{district}")
            add("f", fp)
        for gp in gps:
            for year in years:
                add("gy", f"{gp}|{year}")
            if q.town:
                add("gt", f"{gp}|{q.town}")
            if district:
                add("gd", f"{gp}|{district}")
            add("g", gp)
    if q.dob is not None and q.dob.is_full:
        assert q.dob.month is not None and q.dob.day is not None
        add("d", q.dob.iso())
        if q.dob.day <= 12 and q.dob.day != q.dob.month:
            add("d", f"{q.dob.year:04d}-{q.dob.day:02d}-{q.dob.month:02d}")
        for year in (q.dob.year - 1, q.dob.year + 1):
            with contextlib.suppress(ValueError):  # 29 February in a year without one
                add("d", parse_partial_date(f"{year:04d}-{q.dob.month:02d}-{q.dob.day:02d}").iso())
    for ident in (q.phone, q.email, q.handle):
        if ident is None:
            continue
        add("i", ident.strong)
        for weak in ident.weak:
            add("iw", weak)
    if q.handle is not None and q.handle_platform is None:
        # No platform given: the handle may be on any platform, so look up the platform-free weak form.
        add("iw", "handle:*:~" + q.handle.strong.split(":", 2)[2])
    return list(keys.values())


def family_variants(record: dict[str, Any]) -> list[tuple[str, str]]:
    """(given, family) readings of a record: its own name then each alias, folded."""
    out = [(given_key(record["given_name"]), family_key(record["family_name"]))]
    for alias in record.get("aliases", ()):
        parts = alias.split()
        if parts:
            out.append((given_key(parts[0]), family_key(" ".join(parts[1:]))))
    return out

"""SYNTHETIC nominal-record generator and caller-style query maker for the person-check benchmarks.

Every person here is invented. Names are drawn from the approximate tables in ``synthetic_tables.py`` plus a
long tail of made-up family names; records carry nicknames as aliases, typos, day/month-swapped dates and
duplicate records of one person (record ids ``SYN<person>-D<n>``), so recall is measured against the person.
Output is deterministic for a seed, chunk by chunk, so 13 million rows stream in bounded memory.

    python benchmarks/synthetic_nominals.py OUT.csv --records 100000 --seed 7
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from heed.checks.data_files import nickname_table
from synthetic_tables import (
    FAMILY,
    FEMALE_GIVEN,
    MALE_GIVEN,
    MARKERS,
    PLATFORMS,
    TAIL_PREFIXES,
    TAIL_SUFFIXES,
    TOWNS,
)

REFERENCE_DATE = date(2026, 11, 24)
HEADER = [
    "record_id",
    "given_name",
    "family_name",
    "aliases",
    "date_of_birth",
    "sex",
    "town",
    "postcode",
    "phones",
    "emails",
    "online_ids",
    "markers",
    "synthetic",
]
CHUNK = 100_000
DUPLICATE_RATE = 0.03
_MIDDLES = ("", "", "", "er", "en", "ing", "s", "ow", "el")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_KEYBOARD = {
    "a": "qsz",
    "b": "vgn",
    "c": "xdv",
    "d": "sfe",
    "e": "wrd",
    "f": "dgr",
    "g": "fht",
    "h": "gjy",
    "i": "uok",
    "j": "hku",
    "k": "jli",
    "l": "kop",
    "m": "nj",
    "n": "bmh",
    "o": "ipl",
    "p": "ol",
    "q": "wa",
    "r": "etf",
    "s": "adw",
    "t": "ryg",
    "u": "yij",
    "v": "cfb",
    "w": "qes",
    "x": "zsc",
    "y": "tuh",
    "z": "xa",
}


def _tail_names() -> list[str]:
    names = []
    for prefix in TAIL_PREFIXES:
        for middle in _MIDDLES[2:]:
            for suffix in TAIL_SUFFIXES:
                names.append(f"{prefix}{middle}{suffix}".capitalize())
        for suffix in TAIL_SUFFIXES:
            names.append(f"{prefix}{suffix}".capitalize())
    return sorted(set(names))


@dataclass(frozen=True)
class Tables:
    """Name and town tables with their sampling probabilities."""

    male: list[str]
    male_p: np.ndarray[Any, np.dtype[np.float64]]
    female: list[str]
    female_p: np.ndarray[Any, np.dtype[np.float64]]
    family: list[str]
    family_p: np.ndarray[Any, np.dtype[np.float64]]
    towns: list[tuple[str, int, str, int]]
    town_p: np.ndarray[Any, np.dtype[np.float64]]
    shorts: dict[str, list[str]]


def tables() -> Tables:
    """Build sampling tables: top family names share 30% of people, the Zipf-shaped synthetic tail 70%."""

    def probs(weights: list[float]) -> np.ndarray[Any, np.dtype[np.float64]]:
        array = np.asarray(weights, dtype=np.float64)
        return array / array.sum()

    tail = _tail_names()
    rng = random.Random(12345)
    rng.shuffle(tail)
    top_p = probs([w for _, w in FAMILY]) * 0.30
    tail_p = probs([1.0 / (rank + 20) for rank in range(len(tail))]) * 0.70
    shorts: dict[str, list[str]] = {}
    for short, formals in nickname_table().items():
        for formal in formals:
            if short != formal:
                shorts.setdefault(formal, []).append(short)
    return Tables(
        male=[n for n, _ in MALE_GIVEN],
        male_p=probs([w for _, w in MALE_GIVEN]),
        female=[n for n, _ in FEMALE_GIVEN],
        female_p=probs([w for _, w in FEMALE_GIVEN]),
        family=[n for n, _ in FAMILY] + tail,
        family_p=np.concatenate([top_p, tail_p]),
        towns=TOWNS,
        town_p=probs([t[1] for t in TOWNS]),
        shorts={k: sorted(v) for k, v in shorts.items()},
    )


def typo(name: str, rng: random.Random) -> str:
    """One keyboard slip: a neighbouring key, a dropped or doubled letter, or two letters swapped."""
    if len(name) < 4:
        return name
    lower = name.lower()
    i = rng.randrange(1, len(lower) - 1)
    kind = rng.random()
    if kind < 0.35 and lower[i] in _KEYBOARD:
        lower = lower[:i] + rng.choice(_KEYBOARD[lower[i]]) + lower[i + 1 :]
    elif kind < 0.55:
        lower = lower[:i] + lower[i + 1 :]
    elif kind < 0.75:
        lower = lower[:i] + lower[i] + lower[i:]
    else:
        lower = lower[:i] + lower[i + 1] + lower[i] + lower[i + 2 :]
    return lower.capitalize() if name[:1].isupper() else lower


def nickname(name: str, t: Tables, rng: random.Random) -> str:
    """A short form of a formal name (or the name itself when it has none)."""
    options = t.shorts.get(name.lower())
    return rng.choice(options).capitalize() if options else name


def _phone(rng: random.Random) -> str:
    digits = f"7{rng.randrange(100, 999)}{rng.randrange(100000, 999999)}"
    style = rng.random()
    if style < 0.5:
        return f"0{digits[:4]} {digits[4:]}"
    if style < 0.8:
        return f"+44 {digits[:4]} {digits[4:]}"
    return f"0{digits}"


def _handle(given: str, family: str, rng: random.Random) -> str:
    base = rng.choice([given, given + family[:1], family, given[:3] + family[:3], "Night" + given[:4]])
    style = rng.random()
    if style < 0.3:
        return f"{base}{rng.randrange(1, 999)}"
    if style < 0.45:
        return f"xX{base}Xx"
    if style < 0.6:
        return f"{base.lower()}_{rng.randrange(1, 99)}"
    return base


def _dob(age_days: int, precision: float) -> str:
    born = REFERENCE_DATE - timedelta(days=age_days)
    if precision < 0.95:
        return born.isoformat()
    if precision < 0.98:
        return born.isoformat()[:7]
    return born.isoformat()[:4]


def _swap_day_month(dob: str) -> str:
    if len(dob) != 10:
        return dob
    year, month, day = dob.split("-")
    if int(day) > 12 or day == month:
        return dob
    return f"{year}-{day}-{month}"


def rows(total: int, seed: int) -> Iterator[dict[str, str]]:
    """Yield ``total`` synthetic CSV rows (dicts keyed by HEADER), deterministic for ``seed``."""
    t = _TABLES
    person = 0
    for chunk_start in range(0, total, CHUNK):
        n = min(CHUNK, total - chunk_start)
        gen = np.random.default_rng([seed, chunk_start])
        rng = random.Random(seed * 1_000_003 + chunk_start)
        male = gen.random(n) < 0.5
        male_idx = gen.choice(len(t.male), size=n, p=t.male_p)
        female_idx = gen.choice(len(t.female), size=n, p=t.female_p)
        family_idx = gen.choice(len(t.family), size=n, p=t.family_p)
        town_idx = gen.choice(len(t.towns), size=n, p=t.town_p)
        # Ages 10-95, fewer at the old end; exact day of birth uniform within the year.
        ages = np.clip(gen.gamma(4.0, 9.0, size=n) + 10, 10, 95).astype(np.int64)
        age_days = ages * 365 + gen.integers(0, 365, size=n)
        extras = gen.random((n, 8))
        produced: list[dict[str, str]] = []
        copies: dict[str, int] = {}
        for i in range(n):
            e = extras[i]
            is_dup = bool(produced) and e[0] < DUPLICATE_RATE
            if is_dup:
                source = produced[rng.randrange(max(0, len(produced) - 5000), len(produced))]
                row = dict(source)
                origin = person_of(source["record_id"])
                copies[origin] = copies.get(origin, 0) + 1
                row["record_id"] = f"{origin}-D{copies[origin]}"
                change = rng.random()
                if change < 0.3:
                    row["given_name"] = nickname(row["given_name"], t, rng)
                elif change < 0.55:
                    row["family_name"] = typo(row["family_name"], rng)
                elif change < 0.75:
                    row["date_of_birth"] = _swap_day_month(row["date_of_birth"])
                else:
                    town = t.towns[int(gen.integers(0, len(t.towns)))]
                    row["town"], row["postcode"] = town[0], f"{town[2]}{rng.randint(1, town[3])} 1AA"
                row["markers"] = ""
                produced.append(row)
                continue
            given = t.male[male_idx[i]] if male[i] else t.female[female_idx[i]]
            family = t.family[family_idx[i]]
            town, _, area, districts = t.towns[town_idx[i]]
            aliases = []
            if e[1] < 0.05:
                other = t.family[int(gen.integers(0, len(t.family)))]
                aliases.append(f"{nickname(given, t, rng)} {family}" if e[1] < 0.025 else f"{given} {other}")
            online = ""
            if e[4] < 0.15:
                online = f"{rng.choice(PLATFORMS)}:{_handle(given, family, rng)}"
            markers = ""
            if e[5] < 0.03:
                code, text = MARKERS[rng.randrange(len(MARKERS))]
                markers = f"{code}|{text}|{rng.randint(2000, 2026)}"
            row = {
                "record_id": f"SYN{person:09d}",
                "given_name": given,
                "family_name": family,
                "aliases": ";".join(aliases),
                "date_of_birth": _dob(int(age_days[i]), float(e[6])),
                "sex": "M" if male[i] else "F",
                "town": town,
                "postcode": f"{area}{rng.randint(1, districts)} {rng.randint(1, 9)}"
                f"{rng.choice(_LETTERS).upper()}{rng.choice(_LETTERS).upper()}",
                "phones": _phone(rng) if e[2] < 0.4 else "",
                "emails": f"{given}.{family}{rng.randrange(1, 99)}@example.com".lower().replace("'", "")
                if e[3] < 0.2
                else "",
                "online_ids": online,
                "markers": markers,
                "synthetic": "SYNTHETIC",
            }
            person += 1
            produced.append(row)
        yield from produced


def write_csv(
    path: str | Path, total: int, seed: int, sample_path: str | Path | None = None, every: int = 0
) -> int:
    """Write ``total`` rows to ``path``; optionally keep every ``every``-th original row as query seeds."""
    written = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=HEADER)
        writer.writeheader()
        samples = open(sample_path, "w", encoding="utf-8") if sample_path else None  # noqa: SIM115
        try:
            for row in rows(total, seed):
                writer.writerow(row)
                written += 1
                if samples and every and written % every == 0 and "-D" not in row["record_id"]:
                    samples.write(json.dumps(row) + "\n")
        finally:
            if samples:
                samples.close()
    return written


def person_of(record_id: str) -> str:
    """The synthetic person a record belongs to (duplicates share it)."""
    return record_id.split("-")[0]


def _age(dob: str) -> int:
    year, month, day = (int(x) for x in (dob + "-07-01")[:10].split("-"))
    born = date(year, month, day)
    return (
        REFERENCE_DATE.year
        - born.year
        - ((REFERENCE_DATE.month, REFERENCE_DATE.day) < (born.month, born.day))
    )


def caller_query(row: dict[str, str], style: str, rng: random.Random) -> dict[str, Any] | None:
    """A query as a caller might give it for ``row``: names varied (nickname, typo), ages approximate.

    Styles: ``full_record``, ``names_dob``, ``names_age_town``, ``first_age_town``, ``handle``, ``phone``.
    """
    t = _TABLES
    given, family = row["given_name"], row["family_name"]
    roll = rng.random()
    if roll < 0.2:
        given = nickname(given, t, rng)
    elif roll < 0.3:
        given = typo(given, rng)
    roll = rng.random()
    if roll < 0.15:
        family = typo(family, rng)
    elif roll < 0.2:
        family = family.lower()
    dob = row["date_of_birth"]
    if style == "full_record":
        # Everything the record holds about the person as a handler would key it: names varied as above.
        full = {"given_name": given, "family_name": family, "sex": row["sex"], "town": row["town"]}
        if row["postcode"]:
            full["postcode"] = row["postcode"]
        if dob:
            full["date_of_birth"] = dob
        return full
    if style == "names_dob":
        if len(dob) != 10:
            return None
        roll = rng.random()
        if roll < 0.07:
            dob = _swap_day_month(dob)
        elif roll < 0.12:
            dob = f"{int(dob[:4]) + rng.choice((-1, 1))}{dob[4:]}"
            if dob[5:] == "02-29":
                dob = dob[:8] + "28"
        return {"given_name": given, "family_name": family, "date_of_birth": dob}
    age = _age(dob) + rng.choice((0, 0, 0, 0, 0, 0, 1, -1, 1, -1, 2, -2))
    if style == "names_age_town":
        return {"given_name": given, "family_name": family, "age": max(age, 0), "town": row["town"]}
    if style == "first_age_town":
        return {"given_name": given, "age": max(age, 0), "town": row["town"]}
    if style == "handle":
        if not row["online_ids"]:
            return None
        platform, handle = row["online_ids"].split(";")[0].split(":", 1)
        variant = rng.choice([handle.upper(), f"xX{handle}Xx", handle.lower(), "".join(handle.split("_"))])
        return {"handle": variant, "platform": platform}
    if style == "phone":
        if not row["phones"]:
            return None
        digits = "".join(ch for ch in row["phones"] if ch.isdigit())
        national = "0" + digits[-10:]
        return {"phone": rng.choice([national, f"+44{national[1:]}", f"{national[:5]}-{national[5:]}"])}
    raise ValueError(f"unknown query style {style!r}")


_TABLES = tables()


def main() -> int:
    parser = argparse.ArgumentParser(description="Write SYNTHETIC nominal records as CSV.")
    parser.add_argument("out")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--samples", help="also write every --every-th original row here (JSONL)")
    parser.add_argument("--every", type=int, default=1000)
    args = parser.parse_args()
    written = write_csv(args.out, args.records, args.seed, args.samples, args.every)
    print(f"wrote {written} SYNTHETIC rows to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The small data tables shipped with ``heed.checks``: nicknames, look-alike letters, platforms."""

from __future__ import annotations

from functools import cache
from importlib import resources


def _lines(name: str) -> list[str]:
    text = resources.files("heed.checks").joinpath("data", name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


@cache
def nickname_table() -> dict[str, tuple[str, ...]]:
    """Map each short form or variant to the formal names it can stand for (a formal name maps to itself)."""
    table: dict[str, set[str]] = {}
    for line in _lines("nicknames.txt"):
        formal, _, shorts = line.partition(":")
        formal = formal.strip()
        table.setdefault(formal, set()).add(formal)
        for short in shorts.split(","):
            if short.strip():
                table.setdefault(short.strip(), set()).add(formal)
    return {name: tuple(sorted(forms)) for name, forms in table.items()}


@cache
def char_table(name: str) -> dict[str, str]:
    """A two-column ``source target`` character table (confusables, leetspeak)."""
    table: dict[str, str] = {}
    for line in _lines(name):
        source, target = line.split()
        table[source] = target
    return table


@cache
def platform_table() -> dict[str, str]:
    """Map each way a caller may name a platform to one platform code."""
    table: dict[str, str] = {}
    for line in _lines("platforms.txt"):
        code, _, aliases = line.partition(":")
        table[code.strip()] = code.strip()
        for alias in aliases.split(","):
            if alias.strip():
                table[alias.strip()] = code.strip()
    return table

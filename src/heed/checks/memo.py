"""Bounded memo tables for the pure normalisation and comparison functions on the search path.

``functools.lru_cache`` keeps its entries in GC-tracked list nodes, so every full garbage collection walks
every cached entry: with a few hundred thousand cached names that walk took 80-180 ms, and it landed inside
whichever search happened to trigger it (it was the whole of the p99 latency). A plain dict whose keys are
strings and whose values are numbers, strings or tuples of strings is untracked by the collector after one
pass, so it costs nothing afterwards. When a table is full it is emptied and refills with what is in use
now. A hit costs about what an ``lru_cache`` hit does (the build calls these a dozen times a record).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
_MISSING = object()


def memo(maxsize: int) -> Callable[[Callable[[str], T]], Callable[[str], T]]:
    """Cache a pure function of one string. Exceptions are not cached (a refusal is raised every time)."""

    def decorate(fn: Callable[[str], T]) -> Callable[[str], T]:
        table: dict[str, T] = {}
        get = table.get

        @functools.wraps(fn)
        def cached(text: str) -> T:
            value = get(text, _MISSING)
            if value is _MISSING:
                value = fn(text)
                if len(table) >= maxsize:
                    table.clear()
                table[text] = value
            return value  # type: ignore[return-value]

        return cached

    return decorate


def memo2(maxsize: int) -> Callable[[Callable[[str, str], T]], Callable[[str, str], T]]:
    """Cache a pure function of two strings, keyed by one string (a tuple key is tracked by the collector)."""

    def decorate(fn: Callable[[str, str], T]) -> Callable[[str, str], T]:
        table: dict[str, T] = {}
        get = table.get

        @functools.wraps(fn)
        def cached(first: str, second: str) -> T:
            key = f"{first}\x1f{second}"
            value = get(key, _MISSING)
            if value is _MISSING:
                value = fn(first, second)
                if len(table) >= maxsize:
                    table.clear()
                table[key] = value
            return value  # type: ignore[return-value]

        return cached

    return decorate

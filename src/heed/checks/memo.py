"""Bounded memo tables for the pure normalisation and comparison functions on the search path.

``functools.lru_cache`` keeps its entries in GC-tracked list nodes, so every full garbage collection walks
every cached entry: with a few hundred thousand cached names that walk took 80-180 ms, and it landed inside
whichever search happened to trigger it (it was the whole of the p99 latency). A plain dict whose keys and
values are strings or tuples of strings is untracked by the collector after one pass, so it costs nothing
afterwards. When a table is full it is emptied and refills with what is in use now.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


def memo(maxsize: int) -> Callable[[Callable[P, T]], Callable[P, T]]:
    """Cache a pure function of string arguments whose results are numbers, strings or tuples of strings.

    Exceptions are not cached (a bad phone number is refused again each time).
    """

    def decorate(fn: Callable[P, T]) -> Callable[P, T]:
        table: dict[Hashable, T] = {}

        @functools.wraps(fn)
        def cached(*args: P.args, **kwargs: P.kwargs) -> T:
            if kwargs:
                return fn(*args, **kwargs)
            # One string key (not a tuple, which the collector tracks until its next pass over it).
            key: Hashable = args[0] if len(args) == 1 else "\x1f".join(map(str, args))
            try:
                return table[key]
            except KeyError:
                pass
            value = fn(*args, **kwargs)
            if len(table) >= maxsize:
                table.clear()
            table[key] = value
            return value

        return cached

    return decorate

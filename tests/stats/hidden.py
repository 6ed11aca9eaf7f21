"""What the statistics tests share about a published file's lines."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from heed.stats.suppress import PRIMARY, SECONDARY, Line, Published


def wholly_hidden_around(key: Any, lines: Sequence[Line[Any]], published: Mapping[Any, Published]) -> bool:
    """Every entry tied to ``key`` through lines is hidden: nothing is left that could be withheld."""
    seen, todo = {key}, [key]
    while todo:
        k = todo.pop()
        for cells, total in lines:
            if k in (*cells, total):
                for other in (*cells, total):
                    if other not in seen:
                        seen.add(other)
                        todo.append(other)
    return all(published[k] in (PRIMARY, SECONDARY) for k in seen)

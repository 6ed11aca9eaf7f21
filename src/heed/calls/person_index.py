"""The person index the web app searches: opened once per process, reopened when a re-import replaces it."""

from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings

from heed.checks import IndexUnavailable, PersonIndex, index_location, open_index
from heed.checks.api import is_postgres

_lock = threading.Lock()
_cache: dict[str, tuple[float, PersonIndex]] = {}


def configured_location() -> str:
    return index_location(getattr(settings, "HEED_INDEX_DIR", None))


def _stamp(location: str) -> float:
    if is_postgres(location):
        return 0.0
    manifest = Path(location) / "manifest.json"
    if not manifest.exists():
        raise IndexUnavailable(
            f"no person index at {location}: load nominal records first (heed records import FILE.csv)"
        )
    return manifest.stat().st_mtime


def get_person_index() -> tuple[str, PersonIndex]:
    """The configured index and its location; raises IndexUnavailable with a clear message when missing."""
    location = configured_location()
    stamp = _stamp(location)
    with _lock:
        cached = _cache.get(location)
        if cached is not None and cached[0] == stamp:
            return location, cached[1]
        # The replaced index is not closed here: a request in another thread may still be reading it.
        index = open_index(location)
        _cache[location] = (stamp, index)
        return location, index


def reset() -> None:
    """Forget open indexes (tests; after an import in the same process)."""
    with _lock:
        for _, index in _cache.values():
            index.close()
        _cache.clear()

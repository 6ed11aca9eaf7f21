"""The person index the web app searches: opened once per process, reopened when a re-import replaces it."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from heed.checks import IndexUnavailable, PersonIndex, index_location, open_index
from heed.checks.api import is_postgres
from heed.checks.embedded import build, index_exists
from heed.checks.records import record_from_row

_lock = threading.Lock()
# user:password@ in a PostgreSQL location: never kept with a check or shown on a page.
_CREDENTIALS = re.compile(r"(postgres(?:ql)?://)[^@/\s]*@")
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


def training_index(rows: Sequence[dict[str, Any]]) -> tuple[str, PersonIndex]:
    """The index of a training scenario's own SYNTHETIC nominal records (never the force's): built once per
    distinct set of records under ``var/training-index/`` and opened like any other."""
    blob = json.dumps(list(rows), sort_keys=True, ensure_ascii=False).encode("utf-8")
    digest = hashlib.sha256(blob).hexdigest()[:32]
    root = Path(settings.VAR_DIR) / "training-index"
    location = root / digest
    key = str(location)
    with _lock:
        cached = _cache.get(key)
    if cached is not None:
        return "training records", cached[1]
    if not index_exists(location):
        root.mkdir(parents=True, exist_ok=True)
        # Built aside, outside the lock (a live check never waits for it), and moved into place whole: another
        # thread or process building the same records at the same time loses the race harmlessly.
        tmp = Path(tempfile.mkdtemp(prefix=f".{digest}-", dir=root))
        build((record_from_row(r) for r in rows), tmp)
        try:
            os.rename(tmp, location)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
    with _lock:
        cached = _cache.get(key)
        if cached is None:
            cached = _cache[key] = (0.0, open_index(key))
        return "training records", cached[1]


def reset() -> None:
    """Forget open indexes (tests; after an import in the same process)."""
    with _lock:
        for _, index in _cache.values():
            index.close()
        _cache.clear()


@dataclass(frozen=True)
class RecordSearch:
    """What the nominal index said about one identifier: the records holding it (strong first), whether more
    hold it than are listed, and how many records were searched; or, when it could not be searched, why."""

    hits: list[dict[str, Any]] = field(default_factory=list)
    more: bool = False
    searched: int | None = None
    error: str = ""

    @property
    def sources(self) -> str:
        return sources_text(self.searched)

    @property
    def marker_alert(self) -> bool:
        """A record holding the identifier itself (not a look-alike) carries a warning marker."""
        return any(h["markers"] and h["strength"] == "strong" for h in self.hits)


def sources_text(records_searched: int | None) -> str:
    """Which sources an identifier check searched, in the words the call page, the API and the CLI use."""
    if records_searched is None:
        return "Searched earlier reports in this force; nominal records not searched"
    n = records_searched
    return f"Searched earlier reports in this force and nominal records ({n} record{'' if n == 1 else 's'})"


def records_holding(
    kind: str, value: str, platform: str | None, training_records: Sequence[dict[str, Any]] | None = None
) -> RecordSearch:
    """The nominal records holding an identifier, from the configured index (or, for a training call, its
    scenario's records); an index that cannot be opened or read is reported in ``error`` (never as "no
    record"). A value that is not such an identifier raises the index's QueryError."""
    try:
        if training_records is not None:
            _, index = training_index(training_records)
        else:
            _, index = get_person_index()
        found = index.holders(kind, value, platform)
        searched = len(index)
    except IndexUnavailable as exc:
        return RecordSearch(error=_CREDENTIALS.sub(r"\1", str(exc))[:500])
    return RecordSearch(hits=found["hits"], more=found["more"], searched=searched)

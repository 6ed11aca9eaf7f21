"""Entry points: import a CSV, open an index by location, search (the backend is chosen by configuration).

A location is a directory (the embedded index) or a ``postgresql://`` URL (the PostgreSQL index; an optional
``#schema=NAME`` fragment picks the schema, default ``heed_checks``). Configuration, in order: the location
passed in; ``HEED_CHECKS_DSN`` when ``HEED_CHECKS_BACKEND=pg``; ``HEED_INDEX_DIR``; ``$HEED_VAR_DIR/index``;
``./var/index``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from heed.checks import embedded
from heed.checks.index import PersonIndex
from heed.checks.records import ImportReport, Record, read_csv

DEFAULT_INDEX_DIR = "./var/index"


def index_location(explicit: str | os.PathLike[str] | None = None) -> str:
    """Where the person index is, from the argument or the environment (see module docstring)."""
    if explicit is not None and str(explicit):
        return str(explicit)
    backend = os.environ.get("HEED_CHECKS_BACKEND", "embedded").strip().lower()
    if backend == "pg":
        dsn = os.environ.get("HEED_CHECKS_DSN", "").strip()
        if not dsn:
            raise ValueError("HEED_CHECKS_BACKEND=pg needs HEED_CHECKS_DSN (a postgresql:// URL)")
        return dsn
    if backend not in ("embedded", ""):
        raise ValueError(f"HEED_CHECKS_BACKEND={backend!r} is not 'embedded' or 'pg'")
    if os.environ.get("HEED_VAR_DIR"):
        # The same default as the web application's: the index lives in Heed's var directory.
        return os.environ.get("HEED_INDEX_DIR") or str(Path(os.environ["HEED_VAR_DIR"]) / "index")
    return os.environ.get("HEED_INDEX_DIR") or DEFAULT_INDEX_DIR


def is_postgres(location: str) -> bool:
    """True for a ``postgresql://`` or ``postgres://`` location."""
    return location.startswith(("postgresql://", "postgres://"))


def open_index(index_dir: str | os.PathLike[str] | None = None) -> PersonIndex:
    """Open the index at a directory or PostgreSQL URL (``None``: from configuration)."""
    location = index_location(index_dir)
    if is_postgres(location):
        from heed.checks.pg import PgIndex

        return PgIndex(location)
    return embedded.EmbeddedIndex(location)


def import_csv(
    csv_path: str | os.PathLike[str], index_dir: str | os.PathLike[str] | None = None
) -> ImportReport:
    """Load a nominal-record CSV into the index, creating it or replacing records with the same record_id.

    Bad rows are refused with their line number and reason; the rest load. Raises CsvLayoutError when the
    file cannot be read as a nominal-record CSV at all, and OSError when it cannot be opened.
    """
    location = index_location(index_dir)
    report = ImportReport()
    if is_postgres(location):
        from heed.checks.pg import PgIndex

        with PgIndex(location) as index:
            index.upsert(read_csv(csv_path, report))
        return report
    root = Path(location)
    if not embedded.index_exists(root):
        embedded.build(read_csv(csv_path, report), root)
        return report
    # Updating: first learn which ids the file replaces, then stream old records that stay, then the file.
    replaced = {record["record_id"] for record in read_csv(csv_path, ImportReport())}
    with embedded.EmbeddedIndex(root) as old:

        def merged() -> Iterator[Record]:
            for record in old.records():
                if record["record_id"] not in replaced:
                    yield record
            yield from read_csv(csv_path, report)

        embedded.build(merged(), root)
    return report


def search(
    query: Mapping[str, object],
    k: int = 10,
    index: PersonIndex | str | os.PathLike[str] | None = None,
    *,
    reference_date: date | None = None,
) -> dict[str, Any]:
    """Search the given index, or the configured one (``HEED_INDEX_DIR``) when ``index`` is None."""
    if isinstance(index, PersonIndex):
        return index.search(query, k, reference_date=reference_date)
    with open_index(index) as opened:
        return opened.search(query, k, reference_date=reference_date)

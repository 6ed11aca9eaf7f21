"""Person and online-identity checks: find the nominal record a caller means, and link repeat reports.

Pure Python (no Django). Public interface:

- ``import_csv(csv_path, index_dir) -> ImportReport``
- ``open_index(index_dir) -> PersonIndex`` (a directory, or ``postgresql://...`` for the PostgreSQL backend)
- ``PersonIndex.search(query, k=10) -> {"results": [...], "advice": [...]}``
- ``search(query, k=10, index=None)`` (``HEED_INDEX_DIR`` when ``index`` is None)
- ``QueryError`` (``.field`` names the field at fault)
- ``identifier_keys(kind, value, platform) -> IdentifierKeys(strong, weak, display)``
- ``Sighting``, ``link``: earlier reports of an identifier, strong or weak, in reading order
"""

from __future__ import annotations

from heed.checks.api import import_csv, index_location, open_index, search
from heed.checks.embedded import EmbeddedIndex, IndexUnavailable
from heed.checks.identifiers import IdentifierKeys, identifier_keys
from heed.checks.index import PersonIndex
from heed.checks.query import QueryError
from heed.checks.records import CsvLayoutError, ImportReport
from heed.checks.register import Sighting, link

__all__ = [
    "CsvLayoutError",
    "EmbeddedIndex",
    "IdentifierKeys",
    "ImportReport",
    "IndexUnavailable",
    "PersonIndex",
    "QueryError",
    "Sighting",
    "identifier_keys",
    "import_csv",
    "index_location",
    "link",
    "open_index",
    "search",
]

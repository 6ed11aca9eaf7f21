"""A force's closed calls written as the look-back's export: one Parquet file of ``EXPORT_COLUMNS`` (one row a
call, the columns in that order), which the PySpark job (``heed.guidance.spark_job``) reads. Pure Python (no
Django): the caller reads the records (``heed.lookback.records``), this writes them, a row group at a time, so
an export of any size needs only one chunk of calls in memory.

The export carries each call's narrative text: it is the force's own data, written readable by its owner only,
and never left half-written (it is written beside the target and renamed into place when complete).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from heed.guidance.lookback import EXPORT_COLUMNS, CallRecord

_ARROW_TYPES = {"long": pa.int64(), "int": pa.int32(), "string": pa.string(), "boolean": pa.bool_()}

EXPORT_SCHEMA = pa.schema([pa.field(name, _ARROW_TYPES[kind]) for name, kind in EXPORT_COLUMNS])


def write_export(records: Iterable[CallRecord], path: Path, *, chunk: int = 10_000) -> int:
    """Write ``records`` to ``path`` as Parquet (a row group every ``chunk`` calls); return how many calls.
    Refuses to overwrite a file (FileExistsError): an export is made once, for one purpose."""
    if path.exists():
        raise FileExistsError(f"{path} exists already")
    part = path.with_name(path.name + ".part")
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    count = 0
    try:
        with os.fdopen(fd, "wb") as out, pq.ParquetWriter(out, EXPORT_SCHEMA, compression="zstd") as writer:
            rows: list[dict[str, Any]] = []
            for record in records:
                rows.append(record.to_row())
                if len(rows) >= chunk:
                    writer.write_table(pa.Table.from_pylist(rows, schema=EXPORT_SCHEMA))
                    count += len(rows)
                    rows = []
            # Always one row group at least, so an export of no calls is still a file with the columns.
            writer.write_table(pa.Table.from_pylist(rows, schema=EXPORT_SCHEMA))
            count += len(rows)
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return count

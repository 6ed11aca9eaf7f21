"""The look-back's export of a force's closed calls (``heed guidance export``, for Spark: docs/adr/0020). It
holds each call's narrative text, so it is personal data: every export is recorded in the force's audit
chain with who made it, the force, the period, how many calls, where it went and its digest; a file whose
export could not be recorded is removed, never left behind."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from heed.accounts.models import Force, User
from heed.audit.events import EventType
from heed.audit.services import audit_record
from heed.guidance.lookback import CallRecord
from heed.lookback.records import call_records, closed_calls

Writer = Callable[[Iterable[CallRecord], Path], int]


@dataclass(frozen=True)
class Exported:
    path: Path
    calls: int
    digest: str  # SHA-256 of the file as written


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def lookback_export(
    *,
    force: Force,
    since: dt.datetime,
    path: Path,
    write: Writer,
    actor: User | None = None,
    actor_label: str = "command line",
) -> Exported:
    """Write the force's live calls closed since ``since`` to ``path`` with ``write`` (Parquet:
    ``heed.guidance.export.write_export``, which never writes over a file and removes its own part-written
    file on failure), then record the export. The file is written before the audit transaction so that a
    long export never holds the force's chain; should the record fail, the file is deleted."""
    count = write(call_records(closed_calls(force, since)), path)
    try:
        digest = file_digest(path)
        with transaction.atomic():
            audit_record(
                event_type=EventType.LOOKBACK_EXPORTED,
                actor=actor,
                actor_label=actor.username if actor is not None else actor_label,
                force_code=force.code,
                object_type="lookback.export",
                object_id=since.date().isoformat(),
                after={
                    "since": since.isoformat(),
                    "calls": count,
                    "file": str(path.resolve()),
                    "digest": digest,
                    "personal_data": True,
                },
            )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Exported(path=path, calls=count, digest=digest)

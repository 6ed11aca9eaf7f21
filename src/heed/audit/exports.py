"""A download that names people (staff beside their figures) is built in memory and recorded in the access
chain with who, the period, how much it holds and the SHA-256 of exactly what was sent; nothing is kept."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from heed.audit.events import EventType
from heed.audit.services import audit_record_now

if TYPE_CHECKING:  # the actor is any user; this package sits below accounts and never imports it
    from heed.accounts.models import User


def recorded_csv(
    *,
    actor: User,
    event_type: EventType,
    object_type: str,
    name: str,
    start: date,
    end: date,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    force_code: str | None = None,
    **counts: Any,
) -> bytes:
    """``header`` and ``rows`` as CSV bytes; the download recorded (the period, the number of rows, the
    digest, the file's name and ``counts``: how many people it names, and what else says what it held)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    data = out.getvalue().encode("utf-8")
    audit_record_now(
        event_type=event_type,
        actor=actor,
        force_code=force_code,
        object_type=object_type,
        object_id=f"{start.isoformat()}/{end.isoformat()}",
        after={
            "period_start": start.isoformat(),
            "period_end": end.isoformat(),
            "digest": hashlib.sha256(data).hexdigest(),
            "rows": len(rows),
            **counts,
            "file": name,
        },
    )
    return data

"""The trainer's cohort CSV (``/training/cohort.csv``): each person's name and user name beside their
results, personal data about staff, so every download is recorded in the force's access chain with who,
the period, how many people and the digest of exactly what was sent. Built in memory; nothing is kept."""

from __future__ import annotations

import csv
import hashlib
import io

from heed.accounts.models import User
from heed.audit.events import EventType
from heed.audit.services import audit_record_now
from heed.training import dashboard
from heed.training.dashboard import Period


def cohort_csv(*, actor: User, period: Period) -> tuple[str, bytes]:
    """The cohort's figures for ``period`` as CSV: a file name and its bytes; the download recorded."""
    figures = dashboard.cohort(actor, period)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(dashboard.CSV_COLUMNS)
    rows = dashboard.cohort_csv_rows(figures)
    writer.writerows(rows)
    data = out.getvalue().encode("utf-8")
    name = f"training-cohort-{period.start.isoformat()}-to-{period.end.isoformat()}.csv"
    audit_record_now(
        event_type=EventType.TRAINING_COHORT_EXPORTED,
        actor=actor,
        object_type="training.cohort_csv",
        object_id=f"{period.start.isoformat()}/{period.end.isoformat()}",
        after={
            "period_start": period.start.isoformat(),
            "period_end": period.end.isoformat(),
            "digest": hashlib.sha256(data).hexdigest(),
            "rows": len(rows),
            "people": len({p.user.pk for p in figures.per_person}),
            "file": name,
        },
    )
    return name, data

"""The trainer's cohort CSV (``/training/cohort.csv``): each person's name and user name beside their
results, personal data about staff, so every download is recorded in the force's access chain with who,
the period, how many people and the digest of exactly what was sent. Built in memory; nothing is kept."""

from __future__ import annotations

from heed.accounts.models import User
from heed.audit.events import EventType
from heed.audit.exports import recorded_csv
from heed.training import dashboard
from heed.training.dashboard import Period


def cohort_csv(*, actor: User, period: Period) -> tuple[str, bytes]:
    """The cohort's figures for ``period`` as CSV: a file name and its bytes; the download recorded."""
    figures = dashboard.cohort(actor, period)
    name = f"training-cohort-{period.start.isoformat()}-to-{period.end.isoformat()}.csv"
    data = recorded_csv(
        actor=actor,
        event_type=EventType.TRAINING_COHORT_EXPORTED,
        object_type="training.cohort_csv",
        name=name,
        start=period.start,
        end=period.end,
        header=dashboard.CSV_COLUMNS,
        rows=dashboard.cohort_csv_rows(figures),
        people=len({p.user.pk for p in figures.per_person}),
    )
    return name, data

"""A force's calls as the look-back and the shadow run read them (``heed.guidance.lookback.CallRecord``):
one reader for `heed rescreen`, the web look-back and the export the PySpark job reads, so all three judge
the same rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Prefetch, QuerySet

from heed.accounts.models import Force
from heed.calls.models import ActionStatus, Call, CallStatus, NoteEntry, RequiredAction
from heed.calls.selectors import ENTRY_SEPARATOR
from heed.guidance.lookback import CallRecord
from heed.support.models import AdviceRecord
from heed.textclean import for_engine


def recent_calls(force: Force, since: dt.datetime, *, after_id: int = 0) -> QuerySet[Call]:
    """The force's live calls taken since ``since``, whatever their state (a shadow run reads them all), in id
    order from ``after_id``."""
    return (
        Call.objects.filter(force=force, training=False, created_at__gte=since, id__gt=after_id)
        .select_related("force")
        .order_by("id")
    )


def closed_calls(force: Force, since: dt.datetime, *, after_id: int = 0) -> QuerySet[Call]:
    """The force's live calls closed since ``since`` (a closed call is never edited again, so the time it was
    last changed is the time it closed), in id order from ``after_id`` (to resume)."""
    return (
        Call.objects.filter(
            force=force, training=False, status=CallStatus.CLOSED, updated_at__gte=since, id__gt=after_id
        )
        .select_related("force")
        .order_by("id")
    )


def _record(call: Call) -> CallRecord:
    latest: dict[int, NoteEntry] = {}
    for entry in call.notes_for_lookback:  # type: ignore[attr-defined]
        latest[entry.entry_no] = entry  # ordered by entry, then version: the last is the current one
    text = for_engine(ENTRY_SEPARATOR.join(latest[n].text for n in sorted(latest)))
    done = frozenset(
        a.code
        for a in call.actions_for_lookback  # type: ignore[attr-defined]
        if a.status in (ActionStatus.DONE, ActionStatus.NOT_APPLICABLE)
    )
    return CallRecord(
        call_id=call.pk,
        reference=call.reference,
        force=call.force.code,
        closed_at=call.updated_at.isoformat(),
        text=text,
        answers={str(k): str(v) for k, v in (call.answers or {}).items()},
        child_age=call.child_age,
        caller_relation=call.caller_relation,
        risk=call.risk,
        pack_version=call.pack_version,
        done=done,
        advised=frozenset(
            str(code)
            for r in call.advice_for_lookback  # type: ignore[attr-defined]
            for code in (r.agencies or [])
        ),
    )


def call_records(calls: QuerySet[Call], *, chunk: int = 500) -> Iterator[CallRecord]:
    """Each call as a record, reading notes and actions a chunk of calls at a time (three queries a chunk)."""
    last = 0
    while True:
        batch = list(
            calls.filter(id__gt=last).prefetch_related(
                Prefetch(
                    "note_entries",
                    queryset=NoteEntry.objects.order_by("entry_no", "version"),
                    to_attr="notes_for_lookback",
                ),
                Prefetch(
                    "required_actions", queryset=RequiredAction.objects.all(), to_attr="actions_for_lookback"
                ),
                Prefetch(
                    "advice_records", queryset=AdviceRecord.objects.all(), to_attr="advice_for_lookback"
                ),
            )[:chunk]
        )
        if not batch:
            return
        for call in batch:
            yield _record(call)
        last = batch[-1].pk

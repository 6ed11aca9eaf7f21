"""The lock every change to a call begins with (below the services, so tasks can take it too)."""

from __future__ import annotations

from django.db import transaction

from heed.calls.errors import CallError
from heed.calls.models import Call, TrainingSetting

TRAINING_FINISHED = (
    "This training attempt is finished and scored: its call is kept as it was scored. Start a new attempt to "
    "try again."
)


def ensure_training_open(call: Call) -> None:
    """A training call changes only until its attempt is finished (a scored call never drifts)."""
    if call.training and TrainingSetting.objects.filter(call_id=call.pk, finished_at__isnull=False).exists():
        raise CallError(TRAINING_FINISHED, None, "finished")


def lock_call(call: Call) -> Call:
    """Lock the call's row until the current transaction ends and bring ``call`` up to date with it.

    Every change to a call runs in one transaction that begins here (decisions through ``locked``, which also
    checks the version the person saw): two people acting on one call at once are served one after the other,
    and nothing is written from a copy read before the other's change (a version bumped from a stale copy, an
    entry numbered from a stale count).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_call must run inside the transaction that changes the call")
    fresh = Call.objects.select_for_update(no_key=True).get(pk=call.pk)
    for f in Call._meta.concrete_fields:
        setattr(call, f.attname, getattr(fresh, f.attname))
    # Under the lock, so work sent while the attempt was being finished never lands on the scored call.
    ensure_training_open(call)
    return call

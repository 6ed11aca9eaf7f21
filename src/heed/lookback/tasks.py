"""The task worker carries shadow runs and look-backs forward (enqueued when one is started or resumed)."""

from __future__ import annotations

from django_tasks import task

from heed.lookback.services import run_to_end


@task()
def run_continue(kind: str, run_id: int) -> None:
    run_to_end(kind, run_id)

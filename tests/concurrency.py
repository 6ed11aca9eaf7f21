"""Real concurrent work for the concurrency tests: threads, each on its own database connection, released
together by a barrier (no sleeps)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection

WORKERS = 6


def at_once(work: Callable[[int], Any], workers: int = WORKERS) -> list[Any]:
    """Run ``work(i)`` in ``workers`` threads released together; return each result or exception raised."""
    barrier = threading.Barrier(workers)
    results: list[Any] = [None] * workers

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # the refusals are what is being counted
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results

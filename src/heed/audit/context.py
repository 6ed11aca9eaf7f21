"""Who and what an event belongs to, beyond the actor: the request or job id, kept per thread/task."""

from __future__ import annotations

import contextvars
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("heed_request_id", default="")
_VALID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


def new_request_id(incoming: str | None = None) -> str:
    """Keep a well-formed id from a proxy (X-Request-ID), else make a new one."""
    if incoming and _VALID.match(incoming):
        return incoming
    return uuid.uuid4().hex


def current_request_id() -> str:
    """The id of the request or job being served ("" outside either)."""
    return _request_id.get()


@contextmanager
def request_context(request_id: str) -> Iterator[str]:
    """Run a block (a request, a CLI command, a batch job) under ``request_id``."""
    token = _request_id.set(request_id)
    try:
        yield request_id
    finally:
        _request_id.reset(token)


def job_id(name: str) -> str:
    """An id for work outside a web request: ``cli:<name>:<random>``."""
    return f"{name}:{uuid.uuid4().hex[:16]}"

"""The error every refused change to a call raises (below the lock and the services, which both raise it)."""

from __future__ import annotations


class CallError(ValueError):
    """A change to a call that cannot be made as asked. ``field`` names the input at fault (or None)."""

    def __init__(self, message: str, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(message)
        self.field = field
        self.code = code

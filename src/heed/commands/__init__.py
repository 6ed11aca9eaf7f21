"""Sub-commands of the `heed` console command.

Each module here exposes ``register(subparsers)`` which adds one or more sub-commands whose handler is
stored as ``func`` on the parsed namespace. Handlers are thin: parse input, call one service, print.
"""

from __future__ import annotations


class CommandError(Exception):
    """A problem the user can fix (bad input, missing file). Printed as one clear line, never a traceback."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code

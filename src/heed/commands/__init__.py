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


def django_setup(job: str) -> str:
    """Configure Django for a command that needs the database; returns the job id its audit events carry."""
    from django.core.exceptions import ImproperlyConfigured

    from heed.config import setup_django

    try:
        setup_django()
    except ImproperlyConfigured as exc:
        raise CommandError(f"configuration: {exc}") from None
    from heed.audit.context import job_id

    return job_id(f"cli:{job}")


def database_ready() -> None:
    """Bring the database's tables up to date (quick when they are), or say why it could not be done."""
    from django.core.management import call_command
    from django.db import DatabaseError

    try:
        call_command("migrate", interactive=False, verbosity=0)
    except DatabaseError as exc:
        raise CommandError(f"the database could not be prepared: {exc}") from None

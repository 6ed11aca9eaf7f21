"""Sub-commands of the `heed` console command.

Each module here exposes ``register(subparsers)`` which adds one or more sub-commands whose handler is
stored as ``func`` on the parsed namespace. Handlers are thin: parse input, call one service, print.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


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


def database_job(job: str) -> str:
    """Django set up and the database's tables up to date, for a command that needs them; its job id."""
    rid = django_setup(job)
    database_ready()
    return rid


def command_actor() -> str:
    """Who did it, for the audit trail, when a command (not a signed-in person) acts."""
    import getpass

    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "unknown"
    return f"command line ({who})"


def force_by_code(code: str) -> Any:
    """The force with this code, or CommandError naming it."""
    from heed.accounts.models import Force

    force = Force.objects.filter(code=code.strip().upper()).first()
    if force is None:
        raise CommandError(f"no force with code {code!r}")
    return force


def trusted_keys(given: Path | None, env: str, whose: str) -> dict[str, Any]:
    """The trusted public keys in ``given`` (``--keys``) or the file ``env`` names, or CommandError saying
    what to set (one line)."""
    from heed.guidance import packfile as pf

    configured = os.environ.get(env)
    path = given or (Path(configured) if configured else None)
    if path is None:
        raise CommandError(f"no trusted keys: set {env} to a file of {whose} public keys, or --keys")
    try:
        return dict(pf.load_trusted_keys(path))
    except OSError as exc:
        raise CommandError(f"{path}: cannot be read ({exc.strerror})") from None
    except pf.PackFileRefused as exc:
        raise CommandError(str(exc)) from None

"""SYNTHETIC demonstration data: a demo force, one user per role, nominal records and an earlier report.

Every person, record and call here is invented. Seeding is idempotent: running it again adds nothing that is
already there.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from heed.accounts.models import Force, User
from heed.accounts.roles import NATIONAL_ROLES, Role
from heed.accounts.services import force_get_or_create, user_create
from heed.audit.events import EventType
from heed.audit.services import audit_record
from heed.calls.models import Call
from heed.calls.person_index import configured_location, reset
from heed.calls.services import call_create

DEMO_FORCE = "DEMO"
NOMINALS = Path(__file__).with_name("nominals.csv")
NARRATIVE = Path(__file__).with_name("narrative.txt")
EARLIER_REPORT = (
    "SYNTHETIC DEMO EARLIER REPORT. CLR is a teacher. A Year 9 pupil told staff an older lad who plays as "
    "xX_N1GHTHAWK_Xx on Xbox keeps sending her game credit and asked her to keep it between them. "
    "He asked which school she goes to."
)
DEMO_PASSWORD = "Heed-2026-SYNTHETIC-only"  # noqa: S105 - a published demo password
# Demo passwords are printed on the console and are for SYNTHETIC demo data only.
DEMO_USERS: tuple[tuple[str, str, str], ...] = (
    ("demo.handler", Role.HANDLER, DEMO_PASSWORD),
    ("demo.handler2", Role.HANDLER, DEMO_PASSWORD),
    ("demo.supervisor", Role.SUPERVISOR, DEMO_PASSWORD),
    ("demo.supervisor2", Role.SUPERVISOR, DEMO_PASSWORD),
    ("demo.safeguarding", Role.SAFEGUARDING_OFFICER, DEMO_PASSWORD),
    ("demo.auditor", Role.AUDITOR, DEMO_PASSWORD),
    ("demo.admin", Role.FORCE_ADMIN, DEMO_PASSWORD),
    ("demo.trainer", Role.TRAINER, DEMO_PASSWORD),
    ("demo.national", Role.NATIONAL_ADMIN, DEMO_PASSWORD),
    ("demo.guidance", Role.NATIONAL_OWNER, DEMO_PASSWORD),
)


@dataclass(frozen=True)
class SeedReport:
    users: tuple[tuple[str, str, str], ...]
    records_loaded: int
    index: str
    earlier_call: str


def _usable(location: str) -> bool:
    from heed.checks import IndexUnavailable, open_index
    from heed.checks.embedded import index_exists

    try:
        if not index_exists(location):
            return False
        with open_index(location):
            return True
    except IndexUnavailable:
        return False


def seed_demo() -> SeedReport:
    """Create (once) the demo force, its users, the SYNTHETIC nominal index and one earlier report."""
    from heed.checks import import_csv

    with transaction.atomic():
        created = not Force.objects.filter(code=DEMO_FORCE).exists()
        force = force_get_or_create(code=DEMO_FORCE, name="Demo Constabulary (SYNTHETIC)")
        if created:
            audit_record(
                event_type=EventType.DEMO_SEEDED,
                actor=None,
                actor_label="demo-seed",
                force_code=force.code,
                after={"force": force.code},
            )
    for username, role, password in DEMO_USERS:
        if not User.objects.filter(username=username).exists():
            user_create(
                username=username,
                force_code=None if role in NATIONAL_ROLES else DEMO_FORCE,
                role=role,
                password=password,
                actor_label="demo-seed",
            )
    location = configured_location()
    loaded = 0
    if location.startswith(("postgres://", "postgresql://")) or not _usable(location):
        if (Path(location) / "manifest.json").exists():
            # An index in an older format (or damaged): the demo index is rebuilt from the shipped file.
            shutil.rmtree(location, ignore_errors=True)
        loaded = import_csv(NOMINALS, location).loaded
        reset()
    earlier = Call.objects.filter(force=force, caller_name="SYNTHETIC demo teacher").first()
    if earlier is None:
        handler = User.objects.get(username="demo.handler2")
        earlier = call_create(
            actor=handler,
            narrative=EARLIER_REPORT,
            caller_name="SYNTHETIC demo teacher",
            caller_relation="teacher",
            child_name="SYNTHETIC pupil",
            child_age=13,
        )
    return SeedReport(DEMO_USERS, loaded, location, earlier.reference)

"""SYNTHETIC demonstration data: a demo force, one user per role, nominal records, an earlier report, and
last month's calls for the compliance dashboard and the dip sample (heed.compliance.synthetic, with the demo
handlers and supervisors in two teams).

Every person, record and call here is invented. Seeding is idempotent: running it again adds nothing that is
already there.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from heed.accounts.models import Force, User
from heed.accounts.roles import NATIONAL_ROLES, Role
from heed.accounts.services import force_get_or_create, user_create
from heed.audit.events import EventType
from heed.audit.services import audit_record
from heed.calls.models import Call
from heed.calls.person_index import configured_location, reset
from heed.calls.services import call_create
from heed.compliance.figures import add_months, month_period, month_start, period_calls
from heed.compliance.synthetic import MIX, generate_month

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


# Last month's SYNTHETIC calls: one of each kind per demo handler (quick to make on every `make run`; enough
# closed calls for a dip sample of three per handler), the referrals answered as the generator's default mix.
DEMO_MIX: tuple[tuple[str, int], ...] = tuple((kind, 1) for kind, _ in MIX)
DEMO_TEAMS: dict[str, tuple[str, ...]] = {
    "SYNTHETIC Blue watch": ("demo.handler", "demo.supervisor"),
    "SYNTHETIC Red watch": ("demo.handler2", "demo.supervisor2"),
}


@dataclass(frozen=True)
class SeedReport:
    users: tuple[tuple[str, str, str], ...]
    records_loaded: int
    index: str
    earlier_call: str
    month: str = ""  # the compliance month seeded, YYYY-MM
    month_calls: int = 0  # SYNTHETIC calls made in it this time (0 when it already had calls)


def seed_compliance_month(force: Force) -> tuple[str, int]:
    """Last month's SYNTHETIC calls for the demo force, worked through the real services, and its teams. A
    month that already holds a live call of the force is left as it is (so seeding twice adds nothing)."""
    month = add_months(month_start(timezone.localdate()), -1)
    if period_calls(force, month_period(month)).exists():
        return f"{month:%Y-%m}", 0
    people = {u.username: u for u in User.objects.filter(force=force, username__startswith="demo.")}
    with transaction.atomic():  # all of the month or none of it
        made = generate_month(
            force=force,
            month=month,
            seed=1,
            handlers=[people["demo.handler"], people["demo.handler2"]],
            supervisors=[people["demo.supervisor"], people["demo.supervisor2"]],
            mix=DEMO_MIX,
            teams={name: [people[u] for u in members] for name, members in DEMO_TEAMS.items()},
        )
    return f"{month:%Y-%m}", len(made.kinds)


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
    month, made = seed_compliance_month(force)
    return SeedReport(DEMO_USERS, loaded, location, earlier.reference, month, made)

"""Roles and what each may do. One table: a role not listed for an action may not do it."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    HANDLER = "handler", "Call handler"
    SUPERVISOR = "supervisor", "Supervisor"
    SAFEGUARDING_OFFICER = "safeguarding_officer", "Safeguarding officer"
    AUDITOR = "auditor", "Auditor"
    FORCE_ADMIN = "force_admin", "Force administrator"
    TRAINER = "trainer", "Trainer"
    # Belongs to no force: creates forces (and, from the command line, their first administrators).
    NATIONAL_ADMIN = "national_admin", "National administrator"
    # Belongs to no force: publishes signed national guidance packs (and, later, lessons notices).
    NATIONAL_OWNER = "national_owner", "National guidance owner"


# Roles of no force (every other role belongs to exactly one).
NATIONAL_ROLES: frozenset[str] = frozenset({Role.NATIONAL_ADMIN, Role.NATIONAL_OWNER})


# The roles a force administrator may give (every role but the national ones, which belong to no force).
FORCE_ROLES: tuple[str, ...] = tuple(r for r in Role.values if r not in NATIONAL_ROLES)

# Roles that must prove a second factor (TOTP, or a recovery code) before they reach anything. A handler may
# choose to enrol; once enrolled, they too must verify at every sign-in.
MFA_REQUIRED_ROLES: frozenset[str] = frozenset(
    {
        Role.SUPERVISOR,
        Role.SAFEGUARDING_OFFICER,
        Role.AUDITOR,
        Role.FORCE_ADMIN,
        Role.NATIONAL_ADMIN,
        Role.NATIONAL_OWNER,
        # A trainer reads every colleague's training record and writes what the whole force trains on.
        Role.TRAINER,
    }
)


class Action(models.TextChoices):
    """What a user may do in their own force (to its calls, or to its users)."""

    VIEW = "view", "Read the call"
    CREATE = "create", "Take a new call"
    EDIT = "edit", "Add notes, answers and checks"
    TIMELINE = "timeline", "Read the call's audit timeline"
    REVIEW = "review", "Decide a supervisor review"
    REFERRALS = "referrals", "Answer referrals (accept or return)"
    QUEUE = "queue", "See the supervisor's queue"
    USERS = "users", "Manage the users of the force"
    TRAIN = "train", "Train on scenarios (own attempts and records)"
    TRAINING_TEAM = "training_team", "See the training status of the force's staff"
    TRAINING_AUTHOR = "training_author", "Write and publish training scenarios; see the cohort's results"
    GUIDANCE = "guidance", "Install, shadow-run and adopt guidance; sign the force's local additions"
    LOOKBACK = (
        "lookback",
        "Work the look-back queue (closed calls the guidance in force now reads differently)",
    )
    NOTICES = "notices", "Acknowledge lessons notices, record the force's actions, assign training"
    COMPLIANCE = "compliance", "See the force's compliance figures and its dip sample"
    DIP_SAMPLE = "dip_sample", "Draw the monthly dip sample and review the calls drawn"


PERMISSIONS: dict[str, frozenset[str]] = {
    Action.VIEW: frozenset({Role.HANDLER, Role.SUPERVISOR, Role.SAFEGUARDING_OFFICER, Role.AUDITOR}),
    Action.CREATE: frozenset({Role.HANDLER, Role.SUPERVISOR}),
    Action.EDIT: frozenset({Role.HANDLER, Role.SUPERVISOR}),
    Action.TIMELINE: frozenset({Role.SUPERVISOR, Role.AUDITOR}),
    Action.REVIEW: frozenset({Role.SUPERVISOR}),
    Action.REFERRALS: frozenset({Role.SAFEGUARDING_OFFICER, Role.SUPERVISOR}),
    Action.QUEUE: frozenset({Role.SUPERVISOR, Role.AUDITOR}),
    Action.USERS: frozenset({Role.FORCE_ADMIN}),
    # Everyone in a force trains; a training call is then reached in the part its scenario gives (selectors).
    Action.TRAIN: frozenset(FORCE_ROLES),
    Action.TRAINING_TEAM: frozenset({Role.SUPERVISOR, Role.TRAINER}),
    Action.TRAINING_AUTHOR: frozenset({Role.TRAINER}),
    Action.GUIDANCE: frozenset({Role.FORCE_ADMIN}),
    # Safeguarding officers work the queue; a force administrator sees its progress (and starts a look-back).
    Action.LOOKBACK: frozenset({Role.SAFEGUARDING_OFFICER}),
    Action.NOTICES: frozenset({Role.FORCE_ADMIN}),
    # Supervisors answer for their handlers' work; auditors inspect it. A force administrator manages
    # accounts, not calls, so sees neither the figures nor the calls behind them.
    Action.COMPLIANCE: frozenset({Role.SUPERVISOR, Role.AUDITOR}),
    Action.DIP_SAMPLE: frozenset({Role.SUPERVISOR}),
}


def role_may(role: str, action: str) -> bool:
    """Whether ``role`` may do ``action`` (to a call of the same force)."""
    return role in PERMISSIONS.get(action, frozenset())

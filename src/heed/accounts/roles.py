"""Roles and what each may do. One table: a role not listed for an action may not do it."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    HANDLER = "handler", "Call handler"
    SUPERVISOR = "supervisor", "Supervisor"
    SAFEGUARDING_OFFICER = "safeguarding_officer", "Safeguarding officer"
    AUDITOR = "auditor", "Auditor"
    FORCE_ADMIN = "force_admin", "Force administrator"


class Action(models.TextChoices):
    """What a user may do to a call of their own force."""

    VIEW = "view", "Read the call"
    CREATE = "create", "Take a new call"
    EDIT = "edit", "Add notes, answers and checks"
    TIMELINE = "timeline", "Read the call's audit timeline"
    REVIEW = "review", "Decide a supervisor review"
    REFERRALS = "referrals", "Answer referrals (accept or return)"
    QUEUE = "queue", "See the supervisor's queue"


PERMISSIONS: dict[str, frozenset[str]] = {
    Action.VIEW: frozenset({Role.HANDLER, Role.SUPERVISOR, Role.SAFEGUARDING_OFFICER, Role.AUDITOR}),
    Action.CREATE: frozenset({Role.HANDLER, Role.SUPERVISOR}),
    Action.EDIT: frozenset({Role.HANDLER, Role.SUPERVISOR}),
    Action.TIMELINE: frozenset({Role.SUPERVISOR, Role.AUDITOR}),
    Action.REVIEW: frozenset({Role.SUPERVISOR}),
    Action.REFERRALS: frozenset({Role.SAFEGUARDING_OFFICER, Role.SUPERVISOR}),
    Action.QUEUE: frozenset({Role.SUPERVISOR, Role.AUDITOR}),
}


def role_may(role: str, action: str) -> bool:
    """Whether ``role`` may do ``action`` (to a call of the same force)."""
    return role in PERMISSIONS.get(action, frozenset())

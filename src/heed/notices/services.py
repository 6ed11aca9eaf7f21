"""Publishing a notice, a force's acknowledgement and actions, and training assigned because of a notice:
each one transaction with its audit event. A force's response is locked and carries the version the person
saw; an older view is refused rather than overwriting what a colleague recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone

from heed.accounts.access import may, may_publish_guidance
from heed.accounts.models import User
from heed.accounts.roles import FORCE_ROLES, Action, Role
from heed.audit.events import EventType
from heed.audit.services import audit_record
from heed.notices.models import Notice, NoticeResponse, TrainingAssignment
from heed.notices.selectors import access_notice
from heed.packstore.selectors import GuidanceUnavailable, kept_version
from heed.training.library import force_library


class NoticeError(ValueError):
    def __init__(self, message: str, field: str = "", status: int = 400) -> None:
        super().__init__(message)
        self.field = field
        self.status = status


def notice_publish(
    *,
    actor: User,
    title: str,
    what_happened: str,
    what_must_change: str,
    forces_must: str,
    due: dt.date,
    pack_version: str = "",
    scenarios: Sequence[str] = (),
) -> Notice:
    """Publish a notice: national when the national guidance owner publishes it, else the administrator's own
    force's. The texts are cleaned by the page's form; here each is checked to say something."""
    if may_publish_guidance(actor):
        force = None
    elif may(actor, Action.NOTICES):
        force = actor.force
    else:
        raise NoticeError("you may not publish notices", status=404)
    for field, text in (
        ("title", title),
        ("what_happened", what_happened),
        ("what_must_change", what_must_change),
        ("forces_must", forces_must),
    ):
        if not text.strip():
            raise NoticeError(f"{field.replace('_', ' ')}: say it (the notice is read by every force)", field)
    if due < timezone.localdate():
        raise NoticeError(f"due: {due} has passed; give a date from today on", "due")
    if pack_version.strip():
        try:
            kept_version(pack_version)
        except GuidanceUnavailable as exc:
            raise NoticeError(f"pack version: {exc}", "pack_version") from None
    library = force_library(force)
    unknown = [s for s in scenarios if s not in library]
    if unknown:
        raise NoticeError(f"scenarios: not in the training library: {', '.join(unknown)}", "scenarios")
    with transaction.atomic():
        notice = Notice.objects.create(
            force=force,
            title=title.strip(),
            what_happened=what_happened,
            what_must_change=what_must_change,
            forces_must=forces_must,
            pack_version=pack_version.strip(),
            scenarios=list(dict.fromkeys(scenarios)),
            due=due,
            published_by=actor,
            published_at=timezone.now(),
        )
        audit_record(
            event_type=EventType.NOTICE_PUBLISHED,
            actor=actor,
            obj=notice,
            after={"title": notice.title, "force": force.code if force else "national", "due": str(due)},
        )
    return notice


def notice_respond(
    *,
    actor: User,
    notice_id: object,
    acknowledge: bool,
    actions_taken: str = "",
    expected_version: object = None,
) -> NoticeResponse:
    """The force's acknowledgement (once) and what it did (recorded, and changed later as more is done)."""
    if not may(actor, Action.NOTICES) or actor.force is None:
        raise NoticeError("no such notice", status=404)
    notice = access_notice(actor, notice_id)
    with transaction.atomic():
        NoticeResponse.objects.get_or_create(notice=notice, force=actor.force)
        row = NoticeResponse.objects.select_for_update().get(notice=notice, force=actor.force)
        if expected_version is not None and str(expected_version) != str(row.version):
            raise NoticeError(
                "someone in your force recorded a response since you opened this page: nothing was saved; "
                "read it again",
                status=409,
            )
        before = {"acknowledged": row.acknowledged_at is not None, "actions_taken": row.actions_taken}
        now = timezone.now()
        if acknowledge and row.acknowledged_at is None:
            row.acknowledged_by, row.acknowledged_at = actor, now
        if actions_taken.strip() and actions_taken != row.actions_taken:
            if row.acknowledged_at is None:
                row.acknowledged_by, row.acknowledged_at = actor, now  # acting on it acknowledges it
            row.actions_taken, row.actions_by, row.actions_at = actions_taken, actor, now
        after = {"acknowledged": row.acknowledged_at is not None, "actions_taken": row.actions_taken}
        if after == before:
            raise NoticeError("nothing to record: acknowledge it, or say what was done", "actions_taken")
        row.version += 1
        row.save()
        audit_record(
            event_type=EventType.NOTICE_RESPONDED,
            actor=actor,
            obj=row,
            before=before,
            after=after | {"notice": notice.pk},
        )
    return row


def training_assign(
    *, actor: User, notice_id: object, role: str, scenario_id: str, due: dt.date
) -> TrainingAssignment:
    """Assign training because of a notice: every active member of ``role`` in the actor's force to pass
    ``scenario_id`` by ``due``."""
    if not may(actor, Action.NOTICES) or actor.force is None:
        raise NoticeError("no such notice", status=404)
    notice = access_notice(actor, notice_id)
    if role not in FORCE_ROLES:
        raise NoticeError(f"role: choose one of {', '.join(FORCE_ROLES)}", "role")
    if scenario_id not in force_library(actor.force):
        raise NoticeError(f"scenario: {scenario_id!r} is not in the force's training library", "scenario")
    if due < timezone.localdate():
        raise NoticeError(f"due: {due} has passed; give a date from today on", "due")
    try:
        with transaction.atomic():
            row = TrainingAssignment.objects.create(
                notice=notice,
                force=actor.force,
                role=role,
                scenario_id=scenario_id,
                due=due,
                assigned_by=actor,
                assigned_at=timezone.now(),
            )
            audit_record(
                event_type=EventType.TRAINING_ASSIGNED,
                actor=actor,
                obj=row,
                after={"notice": notice.pk, "role": role, "scenario": scenario_id, "due": str(due)},
            )
    except IntegrityError:
        raise NoticeError(
            f"{Role(role).label} is already assigned {scenario_id} for this notice", "scenario", 409
        ) from None
    return row

"""Reading notices, each force's response and the progress of training assigned, through the access rules:
the national guidance owner reads national notices and every force's response to them (counts of training
progress, never names); a force administrator reads national notices and the force's own, and the force's
response, with who has not yet passed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from heed.accounts.access import CallNotFound, may, may_publish_guidance
from heed.accounts.models import Force, User
from heed.accounts.roles import Action
from heed.notices.models import Notice, NoticeResponse, TrainingAssignment
from heed.training.models import Attempt


def may_read_notices(user: Any) -> bool:
    return may_publish_guidance(user) or may(user, Action.NOTICES)


def notices_for(user: User) -> QuerySet[Notice]:
    if may_publish_guidance(user):
        return Notice.objects.filter(force__isnull=True)
    if may(user, Action.NOTICES):
        return Notice.objects.filter(Q(force__isnull=True) | Q(force_id=user.force_id or 0))
    return Notice.objects.none()


def access_notice(user: User, notice_id: object) -> Notice:
    try:
        pk = int(str(notice_id))
    except ValueError:
        raise CallNotFound(notice_id) from None
    row = notices_for(user).filter(pk=pk).first()
    if row is None:
        raise CallNotFound(notice_id)
    return row


@dataclass(frozen=True)
class Progress:
    assignment: TrainingAssignment
    staff: int
    passed: int
    not_passed: tuple[str, ...]  # user names: shown to the force's own administrator only

    @property
    def overdue(self) -> bool:
        return self.passed < self.staff and self.assignment.due < timezone.localdate()


def progress(assignment: TrainingAssignment) -> Progress:
    """Who of the role (active staff of the force now) has passed the scenario since it was assigned."""
    staff = list(
        User.objects.filter(force=assignment.force, role=assignment.role, is_active=True).order_by("username")
    )
    passed = set(
        Attempt.objects.filter(
            force=assignment.force,
            trainee__in=staff,
            scenario_id=assignment.scenario_id,
            passed=True,
            finished_at__gte=assignment.assigned_at,
        ).values_list("trainee_id", flat=True)
    )
    return Progress(
        assignment=assignment,
        staff=len(staff),
        passed=len(passed),
        not_passed=tuple(u.username for u in staff if u.pk not in passed),
    )


@dataclass(frozen=True)
class ForceStanding:
    force: Force
    response: NoticeResponse | None
    progress: tuple[Progress, ...]

    @property
    def acknowledged(self) -> bool:
        return self.response is not None and self.response.acknowledged_at is not None

    @property
    def acted(self) -> bool:
        return self.response is not None and bool(self.response.actions_taken)


def standing(notice: Notice, force: Force) -> ForceStanding:
    return ForceStanding(
        force=force,
        response=NoticeResponse.objects.filter(notice=notice, force=force).first(),
        progress=tuple(
            progress(a)
            for a in TrainingAssignment.objects.filter(notice=notice, force=force).select_related("force")
        ),
    )


def standings(notice: Notice) -> list[ForceStanding]:
    """Each force the notice is for, and where it stands (a national notice: every force)."""
    forces = [notice.force] if notice.force is not None else list(Force.objects.order_by("code"))
    return [standing(notice, f) for f in forces if f is not None]


def assigned_to(user: User) -> list[Progress]:
    """Training assigned to the user's role in their force that they have not yet passed."""
    if user.force_id is None:
        return []
    out = []
    for a in TrainingAssignment.objects.filter(force_id=user.force_id, role=user.role).select_related(
        "force"
    ):
        if not Attempt.objects.filter(
            trainee=user, scenario_id=a.scenario_id, passed=True, finished_at__gte=a.assigned_at
        ).exists():
            out.append(Progress(assignment=a, staff=1, passed=0, not_passed=(user.username,)))
    return out

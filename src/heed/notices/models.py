"""Lessons notices, each force's response to one, and training assigned because of one. Changed only through
``heed.notices.services``."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from heed.accounts.models import Force


class Notice(models.Model):
    """A lesson to act on: national (``force`` None, from the national guidance owner, for every force) or a
    force's own (from its administrator, for that force only). Never edited once published."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    title = models.CharField(max_length=200)
    what_happened = models.TextField()
    what_must_change = models.TextField()
    forces_must = models.TextField()  # what each force must do
    pack_version = models.CharField(max_length=200, blank=True)  # the guidance version it relates to
    scenarios = models.JSONField(default=list, blank=True)  # training scenario ids it relates to
    due = models.DateField()
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title


class NoticeResponse(models.Model):
    """One force's acknowledgement of a notice and what it did about it. ``version`` is what the person saw:
    a change made on an older view is refused."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="responses")
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    actions_taken = models.TextField(blank=True)
    actions_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    actions_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notice", "force"], name="notice_response_once")]

    def __str__(self) -> str:
        return f"response of {self.force_id} to {self.notice_id}"


class TrainingAssignment(models.Model):
    """Training a force assigned because of a notice: every active member of ``role`` in the force to pass
    ``scenario_id`` by ``due`` (a pass finished on or after the assignment counts)."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="assignments")
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=32)
    scenario_id = models.CharField(max_length=80)
    due = models.DateField()
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField()

    class Meta:
        ordering = ["due", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "force", "role", "scenario_id"], name="training_assignment_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.role} to pass {self.scenario_id} by {self.due}"

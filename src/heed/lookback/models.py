"""Shadow runs, adoptions and look-backs of a force, and the look-back queue. A run re-reads past calls under
guidance and keeps only its own results: no call and no assessment is ever changed by it. Rows change only
through ``heed.lookback.services`` (and the tasks that carry a run forward)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from heed.accounts.access import RestrictedQuerySet
from heed.accounts.models import Force
from heed.calls.models import Call
from heed.packstore.models import InstalledPack


class RunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"
    FAILED = "failed", "Stopped by an error (it can be resumed)"


class ShadowRun(models.Model):
    """A candidate version run beside the one in force over the force's calls of the last ``days`` days:
    what would change (grades up and down, new required actions, new agencies), with examples."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey(InstalledPack, on_delete=models.PROTECT, related_name="+")
    baseline = models.CharField(max_length=200)  # the stamp of the guidance in force when it ran
    candidate_stamp = models.CharField(max_length=200, blank=True)
    days = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    cursor = models.PositiveBigIntegerField(
        default=0
    )  # the last call id read (a resumed run starts after it)
    summary = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=500, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    started_by_label = models.CharField(max_length=150)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"shadow {self.candidate_id} for {self.force_id}"


class Adoption(models.Model):
    """A force administrator's decision to put a national version in force (for new assessments), with the
    shadow run it was decided on and why."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    pack = models.ForeignKey(InstalledPack, on_delete=models.PROTECT, related_name="+")
    previous = models.CharField(max_length=200)  # the stamp in force before
    shadow_run = models.ForeignKey(
        ShadowRun, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    rationale = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_by_label = models.CharField(max_length=150)
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"adopted {self.pack_id} in {self.force_id}"


class LookBackRun(models.Model):
    """Closed calls since ``since`` read again under the guidance in force (``stamp``); each call that now
    grades higher, or needs a check, advice or referral it did not have, becomes a LookBackItem."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    stamp = models.CharField(max_length=200)
    since = models.DateTimeField()
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    found = models.PositiveIntegerField(default=0)
    cursor = models.PositiveBigIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    adoption = models.ForeignKey(Adoption, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    started_by_label = models.CharField(max_length=150)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"look-back {self.pk} of {self.force_id}"


class LookBackItemQuerySet(RestrictedQuerySet["LookBackItem"]):
    """Findings, reached through ``restrict(user, Action.LOOKBACK)``: the user's force's only."""


class LookBackItem(models.Model):
    """One closed call the guidance now reads differently, for a safeguarding officer to act on and record.
    One per call and guidance version: a resumed or repeated run never queues a call twice."""

    class Status(models.TextChoices):
        OPEN = "open", "To do"
        DONE = "done", "Done"

    class Outcome(models.TextChoices):
        ACTION_TAKEN = "action_taken", "Action taken (checks, advice, referral or contact made)"
        REFERRED = "referred", "Referred to the child protection team or MASH"
        NO_FURTHER_ACTION = "no_further_action", "No further action: the call was dealt with properly"

    objects = LookBackItemQuerySet.as_manager()

    run = models.ForeignKey(LookBackRun, on_delete=models.PROTECT, related_name="items")
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="+")
    stamp = models.CharField(max_length=200)
    old_risk = models.CharField(max_length=10)
    new_risk = models.CharField(max_length=10)
    risk_rose = models.BooleanField()
    missing = models.JSONField(default=list)
    reasons = models.JSONField(default=list)
    old_pack_version = models.CharField(max_length=200, blank=True)
    found_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["status", "-risk_rose", "found_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["call", "stamp"], name="lookback_item_once_per_version"),
        ]

    def __str__(self) -> str:
        return f"look-back {self.call_id}: {self.status}"

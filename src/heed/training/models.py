"""Training: scenarios a force's trainers author, attempts at scenarios (each on its own training call),
what the trainee asked the simulated caller, results, and the records that follow a person (competencies,
refreshers, certificates). Rows change only through ``heed.training.services``."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from heed.accounts.models import Force
from heed.calls.models import Call


class AuthoredScenario(models.Model):
    """A scenario written by a force's trainer (YAML text, as a file would hold it), one row per version. A
    draft can be previewed; once published it is in the force's library and never changes again (a change is a
    new version)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    scenario_id = models.CharField(max_length=80)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    text = models.TextField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    saved_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["scenario_id", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["force", "scenario_id", "version"], name="authored_scenario_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scenario_id} v{self.version} ({self.status})"


class Attempt(models.Model):
    """One trainee's attempt at one scenario, worked on its own training call. The scenario is kept as it was
    when the attempt began (its text and digest), so a later version never changes a past result."""

    class Mode(models.TextChoices):
        ASSISTED = "assisted", "Assisted (the live panel shows the danger signs and actions)"
        UNASSISTED = "unassisted", "Unassisted (signs and actions hidden until the end)"

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    trainee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    call = models.OneToOneField(Call, on_delete=models.PROTECT, related_name="training_attempt")
    scenario_id = models.CharField(max_length=80)
    scenario_version = models.PositiveIntegerField()
    scenario_title = models.CharField(max_length=300)
    scenario_digest = models.CharField(max_length=64)
    scenario_text = models.TextField()
    role = models.CharField(max_length=20)
    mode = models.CharField(max_length=12, choices=Mode.choices)
    started_at = models.DateTimeField()
    signs = models.JSONField(null=True, blank=True)  # unassisted: the indicator codes the trainee named
    signs_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    fatal = models.JSONField(default=list, blank=True)
    items = models.JSONField(default=list, blank=True)
    timings = models.JSONField(default=dict, blank=True)
    # The danger signs the call's assessment showed when it was scored (what assisted recognition counted).
    found = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["trainee", "scenario_id", "finished_at"]),
            models.Index(fields=["force", "finished_at"]),
        ]

    def __str__(self) -> str:
        return f"attempt {self.pk} at {self.scenario_id} by {self.trainee_id}"

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


class Question(models.Model):
    """A question the trainee put to the simulated caller and what the caller said (and how it was found)."""

    attempt = models.ForeignKey(Attempt, on_delete=models.PROTECT, related_name="questions")
    asked_at = models.DateTimeField()
    text = models.TextField()
    guided = models.CharField(max_length=40, blank=True)  # the guided question's id, when one was asked
    fact = models.CharField(max_length=80, blank=True)  # the fact drawn out ("" the caller couldn't answer)
    how = models.CharField(max_length=10)  # guided | words | meaning | unknown
    answer = models.TextField()

    class Meta:
        ordering = ["asked_at", "id"]

    def __str__(self) -> str:
        return f"{self.attempt_id}: {self.text[:40]}"


class CompetencyRecord(models.Model):
    """A person's standing in one competency: the latest result, how many attempts scored it, when it was last
    met."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    competency = models.CharField(max_length=40)
    latest_met = models.BooleanField()
    latest_at = models.DateTimeField()
    latest_attempt = models.ForeignKey(Attempt, on_delete=models.PROTECT, related_name="+")
    attempts = models.PositiveIntegerField(default=0)
    met_count = models.PositiveIntegerField(default=0)
    last_met_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["competency"]
        constraints = [
            models.UniqueConstraint(fields=["user", "competency"], name="competency_record_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.competency}: {'met' if self.latest_met else 'not met'}"


class ScenarioStanding(models.Model):
    """A person's passes of one scenario and when it is next due as a refresher (expanding intervals)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scenario_id = models.CharField(max_length=80)
    attempts = models.PositiveIntegerField(default=0)
    passes = models.PositiveIntegerField(default=0)
    first_score = models.PositiveSmallIntegerField(null=True, blank=True)
    latest_score = models.PositiveSmallIntegerField(null=True, blank=True)
    last_passed_at = models.DateTimeField(null=True, blank=True)
    refresher_due = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["scenario_id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "scenario_id"], name="scenario_standing_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.scenario_id}: {self.passes} pass(es)"


class Certificate(models.Model):
    """Issued when every scenario of a curriculum has been passed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    curriculum = models.CharField(max_length=80)
    title = models.CharField(max_length=300)
    issued_at = models.DateTimeField()
    attempts = models.JSONField(default=list)  # the passing attempt of each scenario

    class Meta:
        ordering = ["-issued_at"]
        constraints = [models.UniqueConstraint(fields=["user", "curriculum"], name="certificate_unique")]

    def __str__(self) -> str:
        return f"{self.title} for {self.user_id}"

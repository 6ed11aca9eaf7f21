"""The dip sample: closed calls drawn at random each month for a supervisor's quality review, and the reviews.
Rows change only through ``heed.compliance.services``."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from heed import textclean as tc
from heed.accounts.models import Force
from heed.calls.models import Call, text_limit


class Answer(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"


# The reviewer's short fixed checklist: (field, question). A "yes" passes the item; "partly" and "no" do not.
CHECKLIST: tuple[tuple[str, str], ...] = (
    ("signs_recognised", "Were the danger signs in what the caller said recognised?"),
    ("checks_done", "Were the person and identifier checks done, on the right people?"),
    ("advice_recorded", "Was the right advice given to the caller, and recorded?"),
    ("grade_right", "Was the risk and grade right for what was known?"),
    ("rationale_adequate", "Does the closing rationale explain the decision on what was known?"),
)


class DipSample(models.Model):
    """One closed call drawn for a handler's monthly dip sample. A (force, month) is drawn once: drawing
    again adds nothing, so the sample cannot be redrawn until it looks better."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    month = models.DateField()  # the first day of the month drawn
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField()
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["month", "handler_id", "call_id"]
        constraints = [
            models.UniqueConstraint(fields=["force", "month", "call"], name="dip_sample_call_once"),
        ]

    def __str__(self) -> str:
        return f"dip {self.month:%Y-%m} call {self.call_id}"


class DipDraw(models.Model):
    """That a force's month has been drawn, with how many per handler: the row locked (and unique) so two
    draws at once make one sample set."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    per_handler = models.PositiveSmallIntegerField()
    seed = models.CharField(max_length=80)
    drawn_at = models.DateTimeField()
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["force", "month"], name="dip_draw_once_per_month")]

    def __str__(self) -> str:
        return f"dip draw {self.force_id} {self.month:%Y-%m}"


class DipReview(models.Model):
    """A reviewer's answers to the checklist on one sampled call. ``version`` rises with each change; a form
    carrying an older version is refused rather than overwriting another reviewer's answers."""

    sample = models.OneToOneField(DipSample, on_delete=models.PROTECT, related_name="review")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signs_recognised = models.CharField(max_length=6, choices=Answer.choices)
    checks_done = models.CharField(max_length=6, choices=Answer.choices)
    advice_recorded = models.CharField(max_length=6, choices=Answer.choices)
    grade_right = models.CharField(max_length=6, choices=Answer.choices)
    rationale_adequate = models.CharField(max_length=6, choices=Answer.choices)
    note = models.TextField(blank=True)
    reviewed_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [text_limit("dip_review", "note", tc.RATIONALE)]

    def __str__(self) -> str:
        return f"dip review of {self.sample_id}"

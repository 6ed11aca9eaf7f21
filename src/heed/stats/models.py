"""Forces' statistics files as the national owner imported them. Rows are never edited or deleted: a newer
file for a force's month is a new row, and the newest is the one read (``heed.stats.selectors``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ForceStats(models.Model):
    """One verified statistics file of one force for one month: its document exactly as signed (allow-listed
    keys only, small numbers suppressed), the keys that signed it, who imported it and when. The force is
    a code, not a row: a national install need not hold every force that sends figures."""

    force_code = models.CharField(max_length=10)
    period = models.CharField(max_length=7)  # YYYY-MM
    generated_at = models.DateTimeField()
    digest = models.CharField(max_length=64, unique=True)  # SHA-256 of the file as received
    data = models.JSONField()
    signed_by = models.JSONField(default=list)
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    imported_by_label = models.CharField(max_length=150)

    class Meta:
        ordering = ["force_code", "period", "generated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["force_code", "period", "generated_at"], name="force_stats_one_per_generation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.force_code} {self.period}"

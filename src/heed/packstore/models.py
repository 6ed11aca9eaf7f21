"""Installed national guidance packs, forces' local additions (overlays) and what is in force. Rows are never
edited or deleted: a new version, a new overlay, a new adoption is a new row. Changed only through
``heed.packstore.services`` (and adoption, ``heed.guidance.services``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from heed.accounts.models import Force


class InstalledPack(models.Model):
    """One national guidance version, kept for ever as the file that was verified (or, for the version shipped
    with the software, as built from it), so any assessment can be explained with the guidance of its day."""

    class Source(models.TextChoices):
        SHIPPED = "shipped", "Shipped with Heed"
        IMPORTED = "imported", "Imported, signed"

    name = models.CharField(max_length=64)
    version = models.CharField(max_length=40, unique=True)
    digest = models.CharField(max_length=64, unique=True)  # SHA-256 of the file
    data = models.BinaryField()
    manifest = models.JSONField()
    source = models.CharField(max_length=10, choices=Source.choices)
    signed_by = models.JSONField(default=list, blank=True)  # the trusted key ids whose signatures verified
    installed_at = models.DateTimeField()
    installed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    installed_by_label = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["installed_at", "id"]

    def __str__(self) -> str:
        return f"{self.name}@{self.version}"


class ForceOverlay(models.Model):
    """One signed version of a force's local additions: YAML files laid out like the national pack's, checked
    against the national floor. Never edited: a change, or clearing an override, is the next number."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()
    files = models.JSONField(default=dict, blank=True)  # {"agencies.yaml": "...", ...}; {} = no additions
    digest = models.CharField(max_length=64)  # SHA-256 of the files as canonical JSON
    statement = models.TextField()  # what changed and why, in the signer's words
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    signed_by_label = models.CharField(max_length=150)
    signed_at = models.DateTimeField()

    class Meta:
        ordering = ["force", "number"]
        constraints = [
            models.UniqueConstraint(fields=["force", "number"], name="force_overlay_number_unique")
        ]

    def __str__(self) -> str:
        return f"force-{self.force_id}@{self.number}"


class ForceGuidance(models.Model):
    """What is in force for one force now: a national version (None: the version shipped with the running
    software) and its local additions (None: none). One row per force, locked by every change to it; its
    ``version`` is what a person saw, so a decision made on an older view is refused."""

    force = models.OneToOneField(Force, on_delete=models.PROTECT, related_name="+")
    pack = models.ForeignKey(InstalledPack, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    overlay = models.ForeignKey(
        ForceOverlay, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    version = models.PositiveIntegerField(default=1)
    changed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"guidance of {self.force_id}"

"""Advice given to the caller and referrals made from a call; changed only by ``heed.support.services``."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from heed import textclean as tc
from heed.accounts.access import RestrictedQuerySet
from heed.calls.models import Call, text_limit


class AdviceMethod(models.TextChoices):
    READ_OUT = "read_out", "Read out on the call"
    SMS = "sms", "Sent by text message"
    EMAIL = "email", "Sent by e-mail"
    PRINTED = "printed", "Printed advice sheet"


class AdviceRecord(models.Model):
    """Which agencies the caller was told about, how, by whom, when, and whether evidence advice was given."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="advice_records")
    agencies = models.JSONField()
    method = models.CharField(max_length=10, choices=AdviceMethod.choices)
    evidence_advice = models.BooleanField(default=True)
    pack_version = models.CharField(max_length=200)
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField()

    class Meta:
        ordering = ["given_at", "id"]

    def __str__(self) -> str:
        return f"advice {self.agencies} by {self.method}"


class ReferralStatus(models.TextChoices):
    SENT = "sent", "Sent"
    ACCEPTED = "accepted", "Accepted"
    RETURNED = "returned", "Returned"


class ReferralQuerySet(RestrictedQuerySet["Referral"]):
    """Referrals, reached through ``restrict(user, action)``: only those on the user's force's calls."""

    force_lookup = "call__force_id"
    live_lookup = "call__training"


class Referral(models.Model):
    """A referral to the force's child-protection team or the MASH, with its due time and where it stands."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="referrals")
    objects = ReferralQuerySet.as_manager()
    target = models.CharField(max_length=40)
    reason = models.TextField()
    status = models.CharField(max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.SENT)
    due_at = models.DateTimeField(null=True, blank=True)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField()
    status_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    status_at = models.DateTimeField(null=True, blank=True)
    status_note = models.TextField(blank=True)

    class Meta:
        ordering = ["made_at", "id"]
        constraints = [
            text_limit("referral", "reason", tc.RATIONALE),
            text_limit("referral", "status_note", tc.SHORT_NOTE),
        ]

    def __str__(self) -> str:
        return f"referral to {self.target}: {self.status}"

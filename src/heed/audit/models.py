"""The audit event table and its chain head.

Events carry no foreign keys: the trail must never be changed or removed by what happens to the records it
describes. The database refuses UPDATE and DELETE on ``audit_event`` (triggers, migration 0002).
"""

from __future__ import annotations

from django.db import models

from heed.audit.events import EventType


class AuditEvent(models.Model):
    """One typed event: who did what to which record, when, in which request, with before/after values.

    ``hash`` = SHA-256 of the previous event's hash and this event's canonical content, so changing, removing
    or re-ordering any event breaks every hash after it (``heed audit verify``).
    """

    seq = models.PositiveBigIntegerField(primary_key=True)
    occurred_at = models.DateTimeField()
    event_type = models.CharField(max_length=40, choices=EventType.choices)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=150)
    actor_role = models.CharField(max_length=32, blank=True)
    force_code = models.CharField(max_length=16, blank=True, db_index=True)
    call_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    request_id = models.CharField(max_length=80, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        db_table = "audit_event"
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["call_id", "seq"]),
            models.Index(fields=["event_type", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.event_type} by {self.actor_label}"


class AuditChainHead(models.Model):
    """The last event's number and hash: locked while an event is appended so the chain never forks, and
    compared at verification so a removed tail is noticed."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        db_table = "audit_chain_head"

    def __str__(self) -> str:
        return f"head #{self.seq}"

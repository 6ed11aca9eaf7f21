"""The audit event table and the head of each hash chain in it.

Events carry no foreign keys: the trail must never be changed or removed by what happens to the records it
describes. The database refuses UPDATE and DELETE on ``audit_event``, lets a chain head only step forward onto
an event that exists, and keeps a head while its chain has events (triggers, migrations 0002 and 0006).
"""

from __future__ import annotations

from django.db import models

from heed.audit.chain import GENESIS, LEGACY
from heed.audit.events import EventType


class AuditEvent(models.Model):
    """One typed event: who did what to which record, when, in which request, with before/after values.

    Each event belongs to one chain (``chain``: its force's, or its force's access chain for reads and
    sign-ins, the national ones, the anchor chain, or ``legacy``, the single chain written before chains were
    per force) at position ``chain_seq``; ``hash`` =
    SHA-256 of the previous event's hash in that chain and this event's canonical content, so changing,
    removing or re-ordering any event breaks every hash after it (``heed audit verify``). ``seq`` numbers
    events across all chains in the order they were written, for timelines; the chains do not rest on it.
    """

    seq = models.BigAutoField(primary_key=True)
    chain = models.CharField(max_length=40)
    # Null only in the legacy chain, whose position is ``seq`` (its events were numbered before chains split).
    chain_seq = models.PositiveBigIntegerField(null=True, blank=True)
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
        constraints = [
            models.UniqueConstraint(fields=["chain", "chain_seq"], name="audit_event_chain_position_unique"),
            models.CheckConstraint(
                condition=models.Q(chain=LEGACY) | models.Q(chain_seq__isnull=False),
                name="audit_event_chain_position_set",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.chain} #{self.chain_seq or self.seq} {self.event_type} by {self.actor_label}"


class AuditChain(models.Model):
    """The head of one chain: its last event's position and hash. Locked (``select_for_update``) while an
    event is appended to that chain only, so the chain never forks and no other force waits; compared at
    verification so a removed tail is noticed, and recorded in anchors so it cannot quietly be wound back."""

    key = models.CharField(max_length=40, primary_key=True)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)

    class Meta:
        db_table = "audit_chain"

    def __str__(self) -> str:
        return f"{self.key} head #{self.seq}"

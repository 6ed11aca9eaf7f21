"""A grooming-concern call and everything recorded on it. Rows change only through ``heed.calls.services``.

Notes are append-only: an edit adds a version, nothing typed is ever overwritten. Checks keep the query and
the results exactly as shown to the handler.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

from heed import textclean as tc
from heed.accounts.access import RestrictedQuerySet
from heed.accounts.models import Force
from heed.calls.person_index import sources_text


def text_limit(model: str, field: str, limit: int) -> models.CheckConstraint:
    """The database's own refusal of text over the limit its forms and schemas hold it to (heed.textclean):
    a text column has no length of its own, and a path that skips the edge must not store megabytes."""
    return models.CheckConstraint(
        condition=LessThanOrEqual(Length(field), limit), name=f"{model}_{field}_length"
    )


class CallStatus(models.TextChoices):
    OPEN = "open", "Open"
    AWAITING_REVIEW = "awaiting_review", "Awaiting supervisor review"
    RETURNED = "returned", "Returned to handler"
    CLOSED = "closed", "Closed"


class CallerRelation(models.TextChoices):
    PARENT = "parent", "Parent or carer"
    RELATIVE = "relative", "Other relative"
    TEACHER = "teacher", "Teacher or school staff"
    PROFESSIONAL = "professional", "Social worker or other professional"
    CHILD = "child", "The child"
    FRIEND = "friend", "Friend"
    OTHER = "other", "Other"


class Risk(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    STANDARD = "standard", "Standard"


RISK_ORDER = {"": 0, Risk.STANDARD: 1, Risk.MEDIUM: 2, Risk.HIGH: 3}


class CallQuerySet(RestrictedQuerySet["Call"]):
    """Calls, reached through ``restrict(user, action)``: only the user's force's live calls (a training call
    is reached only by its trainee, through ``heed.calls.selectors.access_call_by_id``)."""

    live_lookup = "training"


class Call(models.Model):
    """One call about a child: who rang, about whom, what was said, how it is graded, where it stands.

    ``version`` rises with every change to the call's decisions; a form or request carrying an older version
    is refused rather than overwriting a newer decision (no last-write-wins on risk).
    """

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="calls")
    objects = CallQuerySet.as_manager()
    reference = models.CharField(max_length=40, unique=True)
    status = models.CharField(max_length=20, choices=CallStatus.choices, default=CallStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)
    caller_name = models.CharField(max_length=200, blank=True)
    caller_relation = models.CharField(max_length=20, choices=CallerRelation.choices, blank=True)
    caller_contact = models.CharField(max_length=200, blank=True)
    child_name = models.CharField(max_length=200, blank=True)
    child_age = models.PositiveSmallIntegerField(null=True, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    risk = models.CharField(max_length=10, choices=Risk.choices, blank=True)
    engine_risk = models.CharField(max_length=10, choices=Risk.choices, blank=True)
    response = models.CharField(max_length=40, blank=True)
    pack_version = models.CharField(max_length=200, blank=True)
    assessment = models.JSONField(default=dict, blank=True)
    assessed_at = models.DateTimeField(null=True, blank=True)
    # A training call (heed.training): worked on the same page by its trainee alone, never in live lists,
    # queues, statistics, the identifier register or the live nominal index (docs/adr/0018).
    training = models.BooleanField(default=False, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["force", "status", "created_at"])]

    def __str__(self) -> str:
        return self.reference


class TrainingSetting(models.Model):
    """What a training call carries with it: whose it is, the part they play (``handler`` takes the call,
    ``supervisor`` reviews it), and the scenario's own SYNTHETIC nominal records and earlier reports, which
    its checks search instead of the force's."""

    call = models.OneToOneField(Call, on_delete=models.PROTECT, related_name="training_setting")
    trainee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20)
    records = models.JSONField(default=list, blank=True)  # nominal-record rows (heed records import columns)
    sightings = models.JSONField(default=list, blank=True)  # [{kind, value, platform, reference, seen}]
    # When the attempt was finished and scored: from then on the call is kept as it was scored.
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"training {self.call_id} ({self.role})"


class NoteEntry(models.Model):
    """One version of one entry in the handler's log. Entry N's current text is its highest version."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="note_entries")
    entry_no = models.PositiveIntegerField()
    version = models.PositiveIntegerField(default=1)
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["entry_no", "version"]
        constraints = [
            models.UniqueConstraint(fields=["call", "entry_no", "version"], name="note_entry_version_unique"),
            text_limit("note_entry", "text", tc.NARRATIVE),
        ]

    def __str__(self) -> str:
        return f"{self.call_id} entry {self.entry_no} v{self.version}"


class NoteDraft(models.Model):
    """What a handler has typed but not yet added to the log, saved as they type so nothing is lost."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="drafts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["call", "author"], name="note_draft_one_per_author"),
            text_limit("note_draft", "text", tc.NARRATIVE),
        ]

    def __str__(self) -> str:
        return f"draft {self.call_id}/{self.author_id}"


class ActionStatus(models.TextChoices):
    OUTSTANDING = "outstanding", "Outstanding"
    DONE = "done", "Done"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class RequiredAction(models.Model):
    """An action the guidance requires on this call, and its state (who did it, when, with what record)."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="required_actions")
    code = models.CharField(max_length=40)
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.OUTSTANDING)
    rule = models.CharField(max_length=80, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    done_at = models.DateTimeField(null=True, blank=True)
    record_type = models.CharField(max_length=40, blank=True)
    record_id = models.CharField(max_length=64, blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["call", "code"], name="required_action_unique"),
            text_limit("required_action", "reason", tc.RATIONALE),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.status}"


class PersonCheck(models.Model):
    """A search of nominal records run from the call: the query, the results exactly as shown, who, when."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="person_checks")
    subject = models.CharField(max_length=200, blank=True)
    query = models.JSONField()
    results = models.JSONField()
    advice = models.JSONField(default=list)
    top_band = models.CharField(max_length=10, blank=True)
    marker_alert = models.BooleanField(default=False)
    index_location = models.CharField(max_length=500)
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    run_at = models.DateTimeField()

    class Meta:
        ordering = ["-run_at", "-id"]

    def __str__(self) -> str:
        return f"person check {self.pk} on {self.call_id}"


class IdentifierSighting(models.Model):
    """An online identity, phone or e-mail named on a report: the register that links repeat reports. The
    report is a call (``call`` set, ``report_ref`` its reference) or one added from the CLI (``report_ref``
    alone)."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    call = models.ForeignKey(
        Call, on_delete=models.PROTECT, related_name="identifier_sightings", null=True, blank=True
    )
    report_ref = models.CharField(max_length=80)
    kind = models.CharField(max_length=10)
    value = models.CharField(max_length=320)
    platform = models.CharField(max_length=40, blank=True)
    display = models.CharField(max_length=320)
    strong_key = models.CharField(max_length=400)
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["force", "report_ref", "kind", "strong_key"], name="sighting_once_per_report"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.display} on {self.report_ref}"


class IdentifierKey(models.Model):
    """A strong or weak key of a sighting (``heed.checks.identifier_keys``), indexed for look-up."""

    sighting = models.ForeignKey(IdentifierSighting, on_delete=models.PROTECT, related_name="keys")
    key = models.CharField(max_length=400, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sighting", "key"], name="sighting_key_unique")]

    def __str__(self) -> str:
        return self.key


class IdentifierCheck(models.Model):
    """A look-up of one identifier against earlier reports in the force and against the nominal records:
    what each source gave, as shown, who, when. ``records_searched`` is the number of nominal records the
    look-up searched, or None when the index could not be searched (``records_error`` says why)."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="identifier_checks")
    kind = models.CharField(max_length=10)
    value = models.CharField(max_length=320)
    platform = models.CharField(max_length=40, blank=True)
    display = models.CharField(max_length=320)
    strong_key = models.CharField(max_length=400)
    earlier = models.JSONField(default=list)
    record_hits = models.JSONField(default=list)
    records_more = models.BooleanField(default=False)
    records_searched = models.PositiveBigIntegerField(null=True, blank=True)
    records_error = models.CharField(max_length=500, blank=True)
    marker_alert = models.BooleanField(default=False)
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    run_at = models.DateTimeField()

    class Meta:
        ordering = ["-run_at", "-id"]

    def __str__(self) -> str:
        return f"identifier check {self.kind} {self.display}"

    @property
    def sources(self) -> str:
        """Which sources the check searched, in the words the call page and the API use."""
        return sources_text(self.records_searched)


class Deployment(models.Model):
    """Officers sent to an emergency: the incident or dispatch reference, who recorded it, when."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="deployments")
    reference = models.CharField(max_length=80)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [text_limit("deployment", "note", tc.SHORT_NOTE)]

    def __str__(self) -> str:
        return f"deployment {self.reference}"


class VulnerabilityFlag(models.Model):
    """A vulnerability flag placed on the child, so later calls and checks see the concern."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="vulnerability_flags")
    child_name = models.CharField(max_length=200, blank=True)
    reason = models.TextField()
    flagged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    flagged_at = models.DateTimeField()

    class Meta:
        ordering = ["flagged_at", "id"]
        constraints = [text_limit("vulnerability_flag", "reason", tc.RATIONALE)]

    def __str__(self) -> str:
        return f"vulnerability flag on {self.call_id}"


class RiskDecision(models.Model):
    """A person's decision to change the recorded risk, with the reason: risk is never lowered silently."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="risk_decisions")
    from_risk = models.CharField(max_length=10)
    to_risk = models.CharField(max_length=10)
    engine_risk = models.CharField(max_length=10)
    rationale = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [text_limit("risk_decision", "rationale", tc.RATIONALE)]

    def __str__(self) -> str:
        return f"risk {self.from_risk} -> {self.to_risk}"


class ClosureRequest(models.Model):
    """A handler's request to close the call with an outcome and rationale, and what became of it."""

    class State(models.TextChoices):
        PENDING = "pending", "Awaiting review"
        CLOSED = "closed", "Closed"
        RETURNED = "returned", "Returned"

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="closure_requests")
    outcome = models.CharField(max_length=40)
    rationale = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [text_limit("closure_request", "rationale", tc.RATIONALE)]

    def __str__(self) -> str:
        return f"closure {self.outcome}: {self.state}"


class ReviewDecision(models.Model):
    """A supervisor's decision on a closure request, with an NDM-style rationale."""

    class Decision(models.TextChoices):
        APPROVE = "approve", "Approve closure"
        RETURN = "return", "Return to the handler"

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="review_decisions")
    request = models.ForeignKey(ClosureRequest, on_delete=models.PROTECT, related_name="decisions")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    rationale = models.TextField()
    ndm = models.JSONField(default=dict, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [text_limit("review_decision", "rationale", tc.RATIONALE)]

    def __str__(self) -> str:
        return f"review {self.decision}"


class Reminder(models.Model):
    """A reminder raised by a background task when an action or a referral passes its due time."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="reminders")
    kind = models.CharField(max_length=20)  # "action" or "referral"
    subject = models.CharField(max_length=80)  # the action code or the referral id
    due_at = models.DateTimeField()
    raised_at = models.DateTimeField()
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [models.UniqueConstraint(fields=["call", "kind", "subject"], name="reminder_once")]

    def __str__(self) -> str:
        return f"reminder {self.kind} {self.subject}"

"""Every kind of event the audit trail records. Free text is never the only record of an action."""

from __future__ import annotations

from django.db import models


class EventType(models.TextChoices):
    CALL_CREATED = "call.created", "Call created"
    CALL_VIEWED = "call.viewed", "Call viewed"
    CALL_UPDATED = "call.updated", "Call details changed"
    NOTE_ADDED = "note.added", "Note added"
    NOTE_EDITED = "note.edited", "Note edited (new version)"
    ANSWERS_RECORDED = "answers.recorded", "Guided answers recorded"
    CALL_ASSESSED = "call.assessed", "Call assessed"
    ACTION_UPDATED = "action.updated", "Required action changed"
    CHECK_PERSON = "check.person", "Person check run"
    CHECK_IDENTIFIER = "check.identifier", "Identifier check run"
    ADVICE_RECORDED = "advice.recorded", "Advice given recorded"
    REFERRAL_MADE = "referral.made", "Referral made"
    REFERRAL_UPDATED = "referral.updated", "Referral status changed"
    CLOSURE_REQUESTED = "closure.requested", "Closure requested"
    CLOSURE_REFUSED = "closure.refused", "Closure refused"
    REVIEW_DECIDED = "review.decided", "Review decided"
    TRANSITION_REFUSED = "transition.refused", "Change refused"
    STALE_EDIT_REFUSED = "edit.stale_refused", "Edit refused: the call had changed"
    RISK_CHANGED = "risk.changed", "Risk changed by a person"
    DEPLOYMENT_RECORDED = "deployment.recorded", "Deployment recorded"
    VULNERABILITY_FLAGGED = "vulnerability.flagged", "Child flagged as vulnerable"
    REMINDER_RAISED = "reminder.raised", "Reminder raised (overdue)"
    TIMELINE_VIEWED = "timeline.viewed", "Timeline viewed"
    LOGIN = "auth.login", "Logged in"
    LOGIN_FAILED = "auth.login_failed", "Login failed"
    LOCKED_OUT = "auth.locked_out", "Sign-in locked for a user name from an address"
    LOGOUT = "auth.logout", "Logged out"
    MFA_ENROLLED = "auth.mfa_enrolled", "Authenticator app enrolled"
    MFA_VERIFIED = "auth.mfa_verified", "Second factor verified"
    MFA_FAILED = "auth.mfa_failed", "Second factor refused"
    MFA_RECOVERY_USED = "auth.mfa_recovery_used", "Recovery code used"
    MFA_RECOVERY_ISSUED = "auth.mfa_recovery_issued", "Recovery codes issued"
    USER_CREATED = "user.created", "User created"
    USER_DISABLED = "user.disabled", "User disabled"
    USER_ENABLED = "user.enabled", "User enabled"
    USER_ROLE_CHANGED = "user.role_changed", "User's role changed"
    USER_MFA_RESET = "user.mfa_reset", "User's second factor reset"
    USER_PASSWORD_LINK = "user.password_link", "Set-password link issued"
    USER_PASSWORD_SET = "user.password_set", "Password set from a link"
    USER_TEAM_CHANGED = "user.team_changed", "User's team changed"
    TEAM_CREATED = "team.created", "Team created"
    FORCE_CREATED = "force.created", "Force created"
    TOKEN_CREATED = "token.created", "API token created"
    TOKEN_REVOKED = "token.revoked", "API token revoked"
    RECORDS_IMPORTED = "records.imported", "Nominal records imported"
    REGISTER_SIGHTING_ADDED = "register.sighting_added", "Identifier recorded against a report (CLI)"
    DEMO_SEEDED = "demo.seeded", "Demo data seeded"
    AUDIT_ANCHORED = "audit.anchored", "Audit chain heads anchored"
    # Training: an attempt's events go into the force's training chain (they are about a training call);
    # a trainer's authoring is work of the force and goes into its chain.
    TRAINING_STARTED = "training.started", "Training attempt started"
    TRAINING_ASKED = "training.asked", "Question put to the simulated caller"
    TRAINING_SIGNS = "training.signs", "Danger signs named by the trainee"
    TRAINING_FINISHED = "training.finished", "Training attempt finished and scored"
    TRAINING_CERTIFICATE = "training.certificate", "Training certificate issued"
    SCENARIO_SAVED = "scenario.saved", "Training scenario saved"
    SCENARIO_PUBLISHED = "scenario.published", "Training scenario published"
    SCENARIO_WITHDRAWN = "scenario.withdrawn", "Training scenario withdrawn"
    TRAINING_COHORT_EXPORTED = (
        "training.cohort_exported",
        "Training cohort figures downloaded (CSV, staff named)",
    )
    # National guidance: installing a version is recorded in the installer's chain (the national chain for the
    # national owner); what a force decides about its guidance, in the force's.
    GUIDANCE_INSTALLED = "guidance.installed", "Guidance version installed"
    GUIDANCE_REFUSED = "guidance.refused", "Guidance pack file refused"
    GUIDANCE_OVERLAY_SIGNED = "guidance.overlay_signed", "Force's local additions to the guidance signed"
    GUIDANCE_SHADOW_RUN = "guidance.shadow_run", "Shadow run of a guidance version started"
    GUIDANCE_ADOPTED = "guidance.adopted", "Guidance version adopted"
    LOOKBACK_STARTED = "lookback.started", "Look-back at closed calls started"
    LOOKBACK_FINISHED = "lookback.finished", "Look-back at closed calls finished"
    LOOKBACK_RECORDED = "lookback.recorded", "What was done about a look-back finding recorded"
    NOTICE_PUBLISHED = "notice.published", "Lessons notice published"
    NOTICE_RESPONDED = "notice.responded", "Lessons notice acknowledged or its actions recorded"
    TRAINING_ASSIGNED = "training.assigned", "Training assigned because of a lessons notice"
    # Compliance: the monthly dip sample drawn for quality review, and a sampled call's review.
    DIP_DRAWN = "dip.drawn", "Dip sample drawn for quality review"
    DIP_REVIEWED = "dip.reviewed", "Dip-sampled call reviewed"
    COMPLIANCE_EXPORTED = "compliance.exported", "Compliance figures downloaded (CSV, handlers named)"
    # The look-back's export of closed calls (narrative text included) for Spark: the force's chain.
    LOOKBACK_EXPORTED = "lookback.exported", "Closed calls exported for the look-back (Parquet)"
    # National statistics: a force's export goes into its chain; an import (or its refusal), the national's.
    STATS_EXPORTED = "stats.exported", "Force statistics file exported"
    STATS_IMPORTED = "stats.imported", "Force statistics file imported"
    STATS_REFUSED = "stats.refused", "Force statistics file refused"


# Reading and signing in: each force's go into its access chain, so a GET never waits for the force's writes
# (whose chain head stays locked until their transaction commits, engine run included).
ACCESS_EVENTS: frozenset[str] = frozenset(
    {
        EventType.CALL_VIEWED,
        EventType.TIMELINE_VIEWED,
        EventType.LOGIN,
        EventType.LOGIN_FAILED,
        EventType.LOCKED_OUT,
        EventType.LOGOUT,
        # The second step of signing in (enrolling, new recovery codes and resets are changes: force chain).
        EventType.MFA_VERIFIED,
        EventType.MFA_FAILED,
        EventType.MFA_RECOVERY_USED,
        # A download of figures is a read, like viewing a call.
        EventType.COMPLIANCE_EXPORTED,
        EventType.TRAINING_COHORT_EXPORTED,
    }
)

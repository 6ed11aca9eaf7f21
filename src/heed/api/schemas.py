"""Request and response shapes of the API (kept apart from models and endpoints)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class FieldError(Schema):
    field: str = Field(description="Where the problem is, e.g. 'narrative' or 'query.date_of_birth'")
    reason: str = Field(description="What is wrong, in plain words")


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError] = Field(default_factory=list)


class CallerIn(Strict):
    name: str = ""
    relation: str = Field("", description="parent, relative, teacher, professional, child, friend or other")
    contact: str = ""


class ChildIn(Strict):
    name: str = ""
    age: int | None = Field(None, ge=0, le=17)


class CallIn(Strict):
    narrative: str = Field(description="What the caller said, as typed by the handler (up to 1 MB)")
    caller: CallerIn | None = None
    child: ChildIn | None = None
    answers: dict[str, str] | None = Field(None, description="Guided answers: question id to answer value")


class NoteIn(Strict):
    text: str


class AnswersIn(Strict):
    answers: dict[str, str] = Field(
        description="Guided answers: question id to answer value (merged over earlier)"
    )
    version: int | None = Field(None, description="The call version you saw; a newer call refuses with 409")


class PersonQueryIn(Strict):
    given_name: str | None = None
    family_name: str | None = None
    alias: str | None = None
    date_of_birth: str | None = Field(None, description="YYYY-MM-DD, YYYY-MM or YYYY")
    age: int | None = None
    age_min: int | None = None
    age_max: int | None = None
    sex: str | None = None
    town: str | None = None
    postcode: str | None = None
    phone: str | None = None
    email: str | None = None
    handle: str | None = None
    platform: str | None = None
    subject: str | None = Field(None, description="Which person named on the call this check is for")
    limit: int = Field(10, ge=1, le=50)


class IdentifierCheckIn(Strict):
    kind: Literal["handle", "phone", "email"] | None = None
    value: str | None = None
    platform: str | None = None
    all: bool = Field(False, description="Check every identifier named on the call")


class ActionOut(Schema):
    code: str
    status: str
    rule: str
    due_at: datetime | None
    done_by: str | None
    done_at: datetime | None
    record: str | None
    reason: str


class DecisiveQuestionOut(Schema):
    id: str
    text: str
    indicator: str | None = Field(description="The danger sign the question informs")
    answer: str | None = Field(
        description="The answer recorded on the call ('unknown' is an answer); null: not yet"
    )
    answers: list[str] = Field(description="The answers the question allows")


class EvidenceOut(Schema):
    start: int | None = None
    end: int | None = None
    text: str


class PossibleSignOut(Schema):
    indicator: str
    label: str
    question: str | None = Field(description="The guided question to ask about it (answer it at .../answers)")
    text: str = Field(description="The question's text")
    answer: str | None = Field(description="The answer recorded to that question, if any")
    evidence: EvidenceOut | None = Field(description="What was said that reads like the sign")
    reads_like: str = Field(description="The nearest guidance example")


class CallOut(Schema):
    id: int
    reference: str
    status: str
    version: int
    created_at: datetime
    created_by: str
    caller: dict[str, Any]
    child: dict[str, Any]
    answers: dict[str, str]
    risk: str
    engine_risk: str
    response: str
    pack_version: str
    indicators: list[dict[str, Any]]
    subjects: list[dict[str, Any]]
    required_actions: list[ActionOut]
    reasons: list[dict[str, Any]]
    follow_up_questions: list[dict[str, Any]]
    decisive_questions: list[DecisiveQuestionOut] = Field(
        description="Asked on every call; it cannot close at standard risk, or with no further action, until "
        "each is answered"
    )
    possible_signs: list[PossibleSignOut] = Field(
        description="Signs the learned model reads that the rules do not confirm: to ask about, not a grade"
    )
    vulnerability: list[dict[str, Any]] = Field(
        description="The child's vulnerabilities, with their evidence"
    )
    suggested_agencies: list[str]
    notes: list[dict[str, Any]]


class PersonCheckOut(Schema):
    id: int
    subject: str
    query: dict[str, Any]
    results: list[dict[str, Any]]
    advice: list[str]
    top_band: str
    marker_alert: bool
    run_by: str
    run_at: datetime
    required_actions: list[ActionOut]


class IdentifierCheckOut(Schema):
    id: int
    kind: str
    value: str
    display: str
    earlier: list[dict[str, Any]]
    run_by: str
    run_at: datetime


class IdentifierChecksOut(Schema):
    checks: list[IdentifierCheckOut]
    required_actions: list[ActionOut]


class EventOut(Schema):
    seq: int
    occurred_at: datetime
    event_type: str
    actor: str
    actor_role: str
    request_id: str
    object_type: str
    object_id: str
    before: Any
    after: Any
    hash: str


class AdviceIn(Strict):
    agencies: list[str] = Field(description="Agency codes from the guidance pack, e.g. ceop, nspcc")
    method: Literal["read_out", "sms", "email", "printed"]
    evidence_advice: bool = True


class AdviceOut(Schema):
    id: int
    agencies: list[str]
    method: str
    evidence_advice: bool
    given_by: str
    given_at: datetime
    missing_agencies: list[str] = Field(description="Required agencies the caller has still not been given")
    required_actions: list[ActionOut]


class ReferralIn(Strict):
    to: str = Field(description="child_protection_team or mash (the pack's referral targets)")
    reason: str


class ReferralOut(Schema):
    id: int
    call_id: int
    to: str
    reason: str
    status: str
    due_at: datetime | None
    made_by: str
    made_at: datetime
    status_note: str


class ReferralStatusIn(Strict):
    status: Literal["accepted", "returned"]
    note: str = ""


class ActionIn(Strict):
    status: Literal["not_applicable"]
    reason: str
    version: int | None = Field(None, description="The call version you saw; a newer call refuses with 409")


class CloseIn(Strict):
    outcome: str = Field(description="referred, advice_given, crime_recorded, deployed or no_further_action")
    rationale: str
    version: int | None = None


class ReviewIn(Strict):
    decision: Literal["approve", "return"]
    rationale: str
    ndm: dict[str, str] | None = Field(
        None, description="Optional NDM stages: information, assessment, powers_policy, options, decision"
    )
    version: int | None = None


class RiskIn(Strict):
    risk: Literal["high", "medium", "standard"]
    rationale: str
    version: int | None = None


class DeploymentIn(Strict):
    reference: str
    note: str = ""


class FlagIn(Strict):
    reason: str


class RefusedOut(Schema):
    detail: str
    outstanding: list[str] = Field(description="Required actions (codes) still outstanding")
    errors: list[FieldError] = Field(default_factory=list)


class QueueOut(Schema):
    awaiting_review: list[dict[str, Any]]
    returned: list[dict[str, Any]]
    overdue_actions: list[dict[str, Any]]
    overdue_referrals: list[dict[str, Any]]

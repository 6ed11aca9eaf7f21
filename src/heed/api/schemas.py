"""Request and response shapes of the API (kept apart from models and endpoints)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from heed import textclean as tc

TEXT_ERROR = "heed_text"


@dataclass(frozen=True)
class CleanText:
    """The rule of ``heed.textclean`` on a string field of a request: the cleaned text, or a 422 whose
    reason names the field (``api._validation`` puts the field's path into the sentence)."""

    rule: tc.TextRule
    prefix: str = ""  # where the field is reported, when the services name it so (``query.given_name``)

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.with_info_after_validator_function(self.clean, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        out = handler(schema)
        out["maxLength"] = self.rule.max_length
        return out

    def clean(self, value: str, info: core_schema.ValidationInfo) -> str:
        try:
            return tc.clean_text(value, self.rule)
        except tc.TextRefused as exc:
            raise PydanticCustomError(
                TEXT_ERROR,
                exc.describe("{field}", verb="send"),
                {
                    "field": info.field_name or "The text",
                    "kind": exc.kind,
                    "position": exc.position,
                    "length": exc.length,
                    "limit": exc.limit,
                    "prefix": self.prefix,
                },
            ) from None


def text_reason(path: str, ctx: dict[str, Any]) -> str:
    """The sentence for a refusal by the text rule, naming the field by its whole path."""
    refused = tc.TextRefused(
        str(ctx.get("kind", "")),
        position=int(ctx.get("position", 0)),
        length=int(ctx.get("length", 0)),
        limit=int(ctx.get("limit", 0)),
    )
    return refused.describe(path, verb="send")


def _rule(limit: int, *, lines: bool = False, strip: bool = True, prefix: str = "") -> CleanText:
    return CleanText(tc.TextRule(limit, single_line=not lines, strip=strip), prefix)


# Every string a request carries is one of these (a test fails for a plain ``str``); limits in heed.textclean.
Code = Annotated[str, _rule(tc.CODE)]
Name = Annotated[str, _rule(tc.NAME)]
PartName = Annotated[str, _rule(tc.PART_NAME)]
Contact = Annotated[str, _rule(tc.CONTACT)]
DateText = Annotated[str, _rule(tc.DATE)]
Town = Annotated[str, _rule(tc.TOWN)]
Postcode = Annotated[str, _rule(tc.POSTCODE)]
Phone = Annotated[str, _rule(tc.PHONE)]
Email = Annotated[str, _rule(tc.EMAIL)]
Handle = Annotated[str, _rule(tc.HANDLE)]
Platform = Annotated[str, _rule(tc.PLATFORM)]
Identifier = Annotated[str, _rule(tc.IDENTIFIER)]
Reference = Annotated[str, _rule(tc.REFERENCE)]
Narrative = Annotated[str, _rule(tc.NARRATIVE, lines=True)]
Note = Annotated[str, _rule(tc.NARRATIVE, lines=True, strip=False)]
Rationale = Annotated[str, _rule(tc.RATIONALE, lines=True)]
ShortNote = Annotated[str, _rule(tc.SHORT_NOTE, lines=True)]
NdmStage = Annotated[str, _rule(tc.NDM_STAGE, lines=True)]


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class FieldError(Schema):
    field: str = Field(description="Where the problem is, e.g. 'narrative' or 'query.date_of_birth'")
    reason: str = Field(description="What is wrong, in plain words")


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError] = Field(default_factory=list)


class CallerIn(Strict):
    name: Name = ""
    relation: Code = Field("", description="parent, relative, teacher, professional, child, friend or other")
    contact: Contact = ""


class ChildIn(Strict):
    name: Name = ""
    age: int | None = Field(None, ge=0, le=17)


class CallIn(Strict):
    narrative: Narrative = Field(
        description=f"What the caller said, as typed by the handler (up to {tc.NARRATIVE:,} characters)"
    )
    caller: CallerIn | None = None
    child: ChildIn | None = None
    answers: dict[Code, Code] | None = Field(None, description="Guided answers: question id to answer value")


class NoteIn(Strict):
    text: Note


class AnswersIn(Strict):
    answers: dict[Code, Code] = Field(
        description="Guided answers: question id to answer value (merged over earlier)"
    )
    version: int | None = Field(None, description="The call version you saw; a newer call refuses with 409")


class PersonQueryIn(Strict):
    given_name: Annotated[str, _rule(tc.PART_NAME, prefix="query")] | None = None
    family_name: Annotated[str, _rule(tc.PART_NAME, prefix="query")] | None = None
    alias: Annotated[str, _rule(tc.NAME, prefix="query")] | None = None
    date_of_birth: Annotated[str, _rule(tc.DATE, prefix="query")] | None = Field(
        None, description="YYYY-MM-DD, YYYY-MM or YYYY"
    )
    age: int | None = None
    age_min: int | None = None
    age_max: int | None = None
    sex: Annotated[str, _rule(tc.CODE, prefix="query")] | None = None
    town: Annotated[str, _rule(tc.TOWN, prefix="query")] | None = None
    postcode: Annotated[str, _rule(tc.POSTCODE, prefix="query")] | None = None
    phone: Annotated[str, _rule(tc.PHONE, prefix="query")] | None = None
    email: Annotated[str, _rule(tc.EMAIL, prefix="query")] | None = None
    handle: Annotated[str, _rule(tc.HANDLE, prefix="query")] | None = None
    platform: Annotated[str, _rule(tc.PLATFORM, prefix="query")] | None = None
    subject: Name | None = Field(None, description="Which person named on the call this check is for")
    limit: int = Field(10, ge=1, le=50)


class IdentifierCheckIn(Strict):
    kind: Literal["handle", "phone", "email"] | None = None
    value: Identifier | None = None
    platform: Platform | None = None
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
    concealed: bool = Field(
        description="An unassisted training attempt not yet finished: the grade, danger signs, actions and "
        "agencies are left out until it is finished"
    )
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


class RecordHitsOut(Schema):
    searched: bool = Field(description="False when the nominal index could not be searched (see error)")
    record_count: int | None = Field(description="How many nominal records were searched")
    error: str = Field(description="Why the nominal records were not searched, when they were not")
    hits: list[dict[str, Any]] = Field(
        description="Records holding the identifier: record_id, strength (strong: the same identifier; weak: "
        "a look-alike to judge), matched, markers, record"
    )
    more: bool = Field(description="More records hold it than are listed")


class IdentifierCheckOut(Schema):
    id: int
    kind: str
    value: str
    display: str
    earlier: list[dict[str, Any]]
    records: RecordHitsOut
    marker_alert: bool = Field(description="A record holding this identifier carries a warning marker")
    sources: str
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
    agencies: list[Code] = Field(description="Agency codes from the guidance pack, e.g. ceop, nspcc")
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
    to: Code = Field(description="child_protection_team or mash (the pack's referral targets)")
    reason: Rationale


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
    note: ShortNote = ""


class ActionIn(Strict):
    status: Literal["not_applicable"]
    reason: Rationale
    version: int | None = Field(None, description="The call version you saw; a newer call refuses with 409")


class CloseIn(Strict):
    outcome: Code = Field(description="referred, advice_given, crime_recorded, deployed or no_further_action")
    rationale: Rationale
    version: int | None = None


class ReviewIn(Strict):
    decision: Literal["approve", "return"]
    rationale: Rationale
    ndm: dict[Code, NdmStage] | None = Field(
        None, description="Optional NDM stages: information, assessment, powers_policy, options, decision"
    )
    version: int | None = None


class RiskIn(Strict):
    risk: Literal["high", "medium", "standard"]
    rationale: Rationale
    version: int | None = None


class DeploymentIn(Strict):
    reference: Reference
    note: ShortNote = ""


class FlagIn(Strict):
    reason: Rationale


class RefusedOut(Schema):
    detail: str
    outstanding: list[str] = Field(description="Required actions (codes) still outstanding")
    errors: list[FieldError] = Field(default_factory=list)


class QueueOut(Schema):
    awaiting_review: list[dict[str, Any]]
    returned: list[dict[str, Any]]
    overdue_actions: list[dict[str, Any]]
    overdue_referrals: list[dict[str, Any]]


# ------------------------------------------------------------------------------------------------- training


class ScenarioOut(Schema):
    id: str
    version: int
    title: str
    role: str = Field(description="handler (take the call) or supervisor (review a call sent for review)")
    level: str
    tags: list[str]
    source: str = Field(
        description="national (shipped with Heed) or force (published by the force's trainer)"
    )


class AttemptIn(Strict):
    scenario: Code = Field(description="a scenario id from GET /training/scenarios")
    mode: Literal["assisted", "unassisted"]


class AttemptStartOut(Schema):
    id: int
    call_id: int
    role: str
    mode: str
    opening: str = Field(description="the caller's first words (for a supervisor scenario, the recording's)")
    caller: dict[str, str]


class AskIn(Strict):
    question: Annotated[str, _rule(tc.RATIONALE)] = Field(
        description="a guided question's id (questions.yaml), or the question in your own words"
    )


class AskOut(Schema):
    answer: str
    understood: bool = Field(description="false when the caller could not answer (said they don't know)")


class SignsIn(Strict):
    indicators: list[Code] = Field(description="indicator codes of the guidance pack")


class SignsOut(Schema):
    indicators: list[str]


class ResultItemOut(Schema):
    competency: str
    met: bool
    feedback: str
    rule: str


class FinishOut(Schema):
    passed: bool
    score: int
    fatal: list[str]
    items: list[ResultItemOut]
    timings: dict[str, int | None]

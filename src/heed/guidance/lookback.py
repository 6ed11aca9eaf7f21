"""The look-back's judgement of one closed call under a guidance pack: pure Python, so that `heed rescreen`
(one process, over a force's database) and the PySpark job (any cluster, over an export) decide alike from the
same row. A row is the call as it was closed: the text the engine read, the answers, the child's age, who
rang, the grade it closed at and which required actions were done. Nothing here changes a call."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from heed.risk import GuidancePack, assess
from heed.risk.engine import readable_part
from heed.risk.grading import RISK_ORDER, caller_audience, known_answers

# What the look-back looks for beyond a higher grade: a check, advice or referral the pack would now require
# and the call did not have (done, or recorded as not applicable with a reason).
LOOKBACK_ACTIONS: tuple[str, ...] = (
    "person_check",
    "identifier_check",
    "specialist_advice",
    "safeguarding_referral",
)

# The export's columns, in order (Parquet, one row per closed call). ``answers`` is JSON text; ``done`` the
# action codes done or marked not applicable, comma-separated. Nothing else about the call leaves the force.
EXPORT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("call_id", "long"),
    ("reference", "string"),
    ("force", "string"),
    ("closed_at", "string"),
    ("text", "string"),
    ("answers", "string"),
    ("child_age", "int"),
    ("caller_relation", "string"),
    ("risk", "string"),
    ("pack_version", "string"),
    ("done", "string"),
    ("advised", "string"),
)

# The findings' columns (what the Spark job writes and the single-process look-back keeps).
FINDING_COLUMNS: tuple[tuple[str, str], ...] = (
    ("call_id", "long"),
    ("reference", "string"),
    ("force", "string"),
    ("old_risk", "string"),
    ("new_risk", "string"),
    ("risk_rose", "boolean"),
    ("missing", "string"),
    ("reasons", "string"),
    ("old_pack_version", "string"),
    ("new_pack_version", "string"),
)


@dataclass(frozen=True)
class CallRecord:
    """One closed call as the look-back reads it."""

    call_id: int
    reference: str
    force: str
    closed_at: str
    text: str
    answers: Mapping[str, str]
    child_age: int | None
    caller_relation: str
    risk: str
    pack_version: str
    done: frozenset[str]
    advised: frozenset[str] = frozenset()  # agencies the caller was told of (advice records)

    def to_row(self) -> dict[str, Any]:
        return {
            "call_id": self.call_id,
            "reference": self.reference,
            "force": self.force,
            "closed_at": self.closed_at,
            "text": self.text,
            "answers": json.dumps(dict(self.answers), sort_keys=True),
            "child_age": self.child_age,
            "caller_relation": self.caller_relation,
            "risk": self.risk,
            "pack_version": self.pack_version,
            "done": ",".join(sorted(self.done)),
            "advised": ",".join(sorted(self.advised)),
        }

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> CallRecord:
        answers = json.loads(row.get("answers") or "{}")
        if not isinstance(answers, dict):
            raise ValueError(f"call {row.get('call_id')}: answers: expected a JSON object")
        age = row.get("child_age")
        return cls(
            call_id=int(row["call_id"]),
            reference=str(row.get("reference") or ""),
            force=str(row.get("force") or ""),
            closed_at=str(row.get("closed_at") or ""),
            text=str(row.get("text") or ""),
            answers={str(k): str(v) for k, v in answers.items()},
            child_age=None if age is None else int(age),
            caller_relation=str(row.get("caller_relation") or ""),
            risk=str(row.get("risk") or ""),
            pack_version=str(row.get("pack_version") or ""),
            done=frozenset(c for c in str(row.get("done") or "").split(",") if c),
            advised=frozenset(c for c in str(row.get("advised") or "").split(",") if c),
        )


@dataclass(frozen=True)
class Finding:
    """Why a closed call goes to the look-back queue: its grade rose, or actions it did not have are now
    required (or both), with the rules of the new pack that said so."""

    call_id: int
    reference: str
    force: str
    old_risk: str
    new_risk: str
    risk_rose: bool
    missing: tuple[str, ...]
    reasons: tuple[str, ...]
    old_pack_version: str
    new_pack_version: str

    def to_row(self) -> dict[str, Any]:
        return {
            "call_id": self.call_id,
            "reference": self.reference,
            "force": self.force,
            "old_risk": self.old_risk,
            "new_risk": self.new_risk,
            "risk_rose": self.risk_rose,
            "missing": ",".join(self.missing),
            "reasons": ",".join(self.reasons),
            "old_pack_version": self.old_pack_version,
            "new_pack_version": self.new_pack_version,
        }


@dataclass(frozen=True)
class Reading:
    """What a pack makes of one call: its grade, the actions it requires and the agencies it suggests."""

    risk: str
    actions: tuple[str, ...]
    agencies: tuple[str, ...]
    required_agencies: tuple[str, ...]
    reasons: tuple[str, ...]
    pack_version: str


def read_call(record: CallRecord, pack: GuidancePack) -> Reading | None:
    """The pack's reading of a call (None when the call has neither text nor answers to read)."""
    text = record.text if record.text.strip() else ("." if record.answers else "")
    if not text:
        return None
    text = readable_part(text)
    result = assess(text, known_answers(record.answers, pack), pack=pack, child_age=record.child_age)
    required = list(result.required_actions)
    # Advice is required where the pack marks an agency required for this caller (as the live call does).
    advice = pack.advice_for(list(result.indicators), result.risk, caller_audience(record.caller_relation))
    if any(req for _, req in advice) and "specialist_advice" not in required:
        required.append("specialist_advice")
    return Reading(
        risk=result.risk,
        actions=tuple(required),
        agencies=tuple(code for code, _ in advice),
        required_agencies=tuple(code for code, req in advice if req),
        reasons=tuple(dict.fromkeys(r.rule for r in result.reasons)),
        pack_version=result.pack_version,
    )


@dataclass(frozen=True)
class Change:
    """How a candidate pack's reading of a call differs from the pack in force's (a shadow run's row)."""

    call_id: int
    reference: str
    before: str
    after: str
    new_actions: tuple[str, ...]
    dropped_actions: tuple[str, ...]
    new_agencies: tuple[str, ...]

    @property
    def direction(self) -> str:
        d = _rank(self.after) - _rank(self.before)
        return "up" if d > 0 else "down" if d < 0 else "same"


def compare(record: CallRecord, in_force: GuidancePack, candidate: GuidancePack) -> Change | None:
    """The change a candidate makes to a call's reading, or None when it reads the call alike."""
    a, b = read_call(record, in_force), read_call(record, candidate)
    if a is None or b is None:
        return None
    change = Change(
        call_id=record.call_id,
        reference=record.reference,
        before=a.risk,
        after=b.risk,
        new_actions=tuple(x for x in b.actions if x not in a.actions),
        dropped_actions=tuple(x for x in a.actions if x not in b.actions),
        new_agencies=tuple(x for x in b.agencies if x not in a.agencies),
    )
    if change.before == change.after and not (
        change.new_actions or change.dropped_actions or change.new_agencies
    ):
        return None
    return change


def _rank(risk: str) -> int:
    return RISK_ORDER.get(risk, -1)


def judge(record: CallRecord, pack: GuidancePack) -> Finding | None:
    """The finding for one closed call under ``pack``, or None when the pack asks nothing more of it.

    A call whose text the engine cannot read (empty, or answers the pack no longer knows) is judged on what it
    can read; one with neither text nor answers has nothing to re-read and gives no finding.
    """
    reading = read_call(record, pack)
    if reading is None:
        return None
    required = reading.actions
    # Advice counts as not done when an agency the pack now requires for this caller was never named to them,
    # even if the call's advice action was done (for the agencies of its day).
    unadvised = [a for a in reading.required_agencies if a not in record.advised]
    missing = tuple(
        a
        for a in LOOKBACK_ACTIONS
        if a in required and (a not in record.done or (a == "specialist_advice" and unadvised))
    )
    rose = _rank(reading.risk) > _rank(record.risk)
    if not rose and not missing:
        return None
    return Finding(
        call_id=record.call_id,
        reference=record.reference,
        force=record.force,
        old_risk=record.risk,
        new_risk=reading.risk,
        risk_rose=rose,
        missing=missing,
        reasons=reading.reasons,
        old_pack_version=record.pack_version,
        new_pack_version=reading.pack_version,
    )

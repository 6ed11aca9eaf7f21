"""The look-back's judgement of one closed call under a guidance pack: pure Python, so that `heed rescreen`
(one process, over a force's database) and the PySpark job (any cluster, over an export) decide alike from the
same row. A row is the call as it was closed: the text the engine read, the answers, the child's age, who
rang, the grade it closed at and which required actions were done. Nothing here changes a call."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from heed.risk import GuidancePack, InputError, assess
from heed.risk.grading import RISK_ORDER, caller_audience

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


def _rank(risk: str) -> int:
    return RISK_ORDER.get(risk, -1)


def judge(record: CallRecord, pack: GuidancePack) -> Finding | None:
    """The finding for one closed call under ``pack``, or None when the pack asks nothing more of it.

    A call whose text the engine cannot read (empty, or answers the pack no longer knows) is judged on what it
    can read; one with neither text nor answers has nothing to re-read and gives no finding.
    """
    text = record.text if record.text.strip() else ("." if record.answers else "")
    if not text:
        return None
    answers = {k: v for k, v in record.answers.items() if k in pack.questions}
    try:
        result = assess(text, answers, pack=pack, child_age=record.child_age)
    except InputError:
        # An answer value the new pack no longer offers: read the text alone rather than skip the call.
        result = assess(text, None, pack=pack, child_age=record.child_age)
    required = list(result.required_actions)
    # Advice is required where the pack marks an agency required for this caller (as the live call does).
    codes = list(result.indicators)
    advice = pack.advice_for(codes, result.risk, caller_audience(record.caller_relation))
    if any(req for _, req in advice) and "specialist_advice" not in required:
        required.append("specialist_advice")
    missing = tuple(a for a in LOOKBACK_ACTIONS if a in required and a not in record.done)
    rose = _rank(result.risk) > _rank(record.risk)
    if not rose and not missing:
        return None
    return Finding(
        call_id=record.call_id,
        reference=record.reference,
        force=record.force,
        old_risk=record.risk,
        new_risk=result.risk,
        risk_rose=rose,
        missing=missing,
        reasons=tuple(dict.fromkeys(r.rule for r in result.reasons)),
        old_pack_version=record.pack_version,
        new_pack_version=result.pack_version,
    )

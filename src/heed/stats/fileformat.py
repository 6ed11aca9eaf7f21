"""A force's statistics file: what it may hold (an allow-list of keys and vocabularies, nothing else), how
it is built from counts (small numbers suppressed, ``heed.stats.suppress``), signed and verified (Ed25519,
with the guidance pack files' canonical JSON and keys: ``heed.guidance.packfile``). Pure Python: the force
that writes it and the national owner who reads it use the same checks.

The file is one JSON object::

    {"format": "heed-force-stats/1", "force": "TST", "period": "2026-11",
     "generated_at": "2026-12-01T02:00:00+00:00", "packs": ["national@2026.12.1"],
     "calls": 37,
     "tables": {"grade": {"cells": {"high": 9, "medium": "<5", ...}, "total": 37}, ...},
     "compliance": {"checks_before_close":
                    {"cells": {"yes": 12, "no": "*"}, "total": 14}, ...},
     "signatures": [{"key_id": "...", "signature": "..."}]}

Every count is 0, 5 or more, ``"<5"`` (1 to 4) or ``"*"`` (withheld so a small number cannot be worked out).
No name, reference, identifier or free text has a place in it: every key and every label is from a fixed
vocabulary or a lower-case code, and reading a file refuses anything else.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from heed.calls.workflow import OUTCOMES
from heed.checks.data_files import platform_table
from heed.guidance import packfile as pf
from heed.risk.pack import RESPONSES
from heed.stats.suppress import MARKERS, SECONDARY, THRESHOLD, Published, suppress_counts

FORMAT = "heed-force-stats/1"
MAX_BYTES = 2_000_000

# The allow-list: the only keys a file may hold, at each depth.
TOP_KEYS = frozenset(
    {"format", "force", "period", "generated_at", "packs", "calls", "tables", "compliance", "signatures"}
)
TABLE_KEYS = frozenset({"cells", "total"})
SIGNATURE_KEYS = frozenset({"key_id", "signature"})

GRADES = ("high", "medium", "standard", "not_graded")
AGE_BANDS = ("0-9", "10-12", "13-15", "16-17", "unknown")  # Heed records ages 0 to 17
OTHER = "other"  # a value outside the table's vocabulary (a platform no one has named before)
LOCAL = "local"  # an indicator of a force's own local additions, not of the national guidance
CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")


def platforms() -> tuple[str, ...]:
    return tuple(sorted(set(platform_table().values())))


def _fixed(*values: str) -> frozenset[str]:
    return frozenset(values)


def vocabulary(spec: frozenset[str] | re.Pattern[str]) -> tuple[str, ...]:
    """A fixed vocabulary's labels, sorted (none for a table of codes, whose labels are those counted)."""
    return tuple(sorted(spec)) if isinstance(spec, frozenset) else ()


# Each table, and the labels its cells may have (a set, or a pattern for indicator codes).
TABLES: dict[str, frozenset[str] | re.Pattern[str]] = {
    "indicator": CODE,
    "grade": _fixed(*GRADES),
    "response": _fixed(*RESPONSES, "none", OTHER),
    "outcome": _fixed(*OUTCOMES, "open", OTHER),
    "platform": _fixed(*platforms(), OTHER),
    "age_band": _fixed(*AGE_BANDS),
}
# Tables whose total is the number of calls (every call in exactly one cell): their totals and ``calls`` are
# one number, published alike or withheld alike.
CALL_TABLES = ("grade", "response", "outcome", "age_band")
# The compliance dashboard's figures (heed.compliance.figures, where each is defined), each as the calls it
# counts ("yes") and the rest of its base ("no"); and close requests refused, by the action outstanding.
COMPLIANCE_FIGURES = (
    "needed_checks",
    "checks_before_close",
    "advice_recorded",
    "closed_outstanding",
    "closure_refused",
    "risk_lowered",
    "referrals_overdue",
    "nfa_two_supervisors",
    "nfa_one_supervisor",
    "returned",
    "lookback",
    "lookback_open",
)
COMPLIANCE: dict[str, frozenset[str] | re.Pattern[str]] = {
    **{name: _fixed("yes", "no") for name in COMPLIANCE_FIGURES},
    "closure_refusals": CODE,  # by the action that was outstanding
}
_FORCE = re.compile(r"[A-Z0-9]{2,10}")
_PERIOD = re.compile(r"20\d\d-(0[1-9]|1[0-2])")
STAMP = re.compile(r"[a-z0-9][a-z0-9_.-]*@[0-9.]+(\+force-[a-z0-9]+@[0-9]+)?")


class StatsFileRefused(ValueError):
    """A statistics file that must not be trusted or cannot be read; the message is one line saying why."""


def _table(counts: Mapping[str, int]) -> dict[str, Any]:
    out = suppress_counts(counts)
    return {"cells": out.cells, "total": out.total}


def _one(n: int) -> Published:
    return suppress_counts({"n": n}).total


def build(
    *,
    force: str,
    period: str,
    generated_at: datetime,
    packs: list[str],
    calls: int,
    tables: Mapping[str, Mapping[str, int]],
    compliance: Mapping[str, Mapping[str, int]],
) -> dict[str, Any]:
    """The (unsigned) document for raw counts: each table suppressed on its own; then, should any table of
    calls have had to withhold its total, the number of calls is withheld everywhere it appears (else the
    other tables would give it back)."""
    if generated_at.tzinfo is None:
        raise StatsFileRefused("generated_at must say its time zone")
    doc: dict[str, Any] = {
        "format": FORMAT,
        "force": force,
        "period": period,
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "packs": sorted(set(packs)),
        "calls": _one(calls),
        "tables": {name: _table(tables.get(name, {})) for name in TABLES},
        "compliance": {name: _table(compliance.get(name, {})) for name in COMPLIANCE},
    }
    if any(doc["tables"][t]["total"] == SECONDARY for t in CALL_TABLES):
        doc["calls"] = SECONDARY
        for t in CALL_TABLES:
            if doc["tables"][t]["total"] not in MARKERS:
                doc["tables"][t]["total"] = SECONDARY
    check(doc, signed=False)
    return doc


def sign(document: Mapping[str, Any], private: Ed25519PrivateKey) -> bytes:
    """The file's bytes: ``document`` signed (its canonical JSON) and written as readable, sorted JSON."""
    check(document, signed=False)
    signed = pf.sign_document(document, private)
    return (json.dumps(signed, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def read(data: bytes) -> dict[str, Any]:
    """The document in a file, checked against the allow-list (its signature is not yet checked)."""
    if len(data) > MAX_BYTES:
        raise StatsFileRefused(f"larger than {MAX_BYTES // 1_000_000} MB: not a statistics file")
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise StatsFileRefused("not a statistics file (not JSON)") from None
    if not isinstance(doc, dict):
        raise StatsFileRefused("not a statistics file (not a JSON object)")
    check(doc, signed=True)
    return doc


def verify(data: bytes, trusted: Mapping[str, Ed25519PublicKey]) -> tuple[dict[str, Any], list[str]]:
    """The document and the trusted keys that signed it; StatsFileRefused saying why in one line when it
    holds anything outside the allow-list, is unsigned, tampered with, or signed by no trusted key."""
    doc = read(data)
    try:
        signers = pf.verified_signers(doc, trusted)
    except pf.PackFileRefused as exc:
        raise StatsFileRefused(str(exc)) from None
    return doc, signers


# --------------------------------------------------------------------------------------------- allow-list


def _count(where: str, value: Any) -> None:
    if isinstance(value, str) and value in MARKERS:
        return
    if not isinstance(value, int) or isinstance(value, bool):
        raise StatsFileRefused(f"{where}: {value!r} is not a count")
    if 0 < value < THRESHOLD or value < 0:
        raise StatsFileRefused(f"{where}: an unsuppressed small number ({value}); counts of 1 to 4 are '<5'")


def _keys(where: str, obj: Any, allowed: frozenset[str]) -> None:
    if not isinstance(obj, dict):
        raise StatsFileRefused(f"{where}: not a JSON object")
    extra = sorted(set(obj) - allowed)
    if extra:
        raise StatsFileRefused(f"{where}: keys outside the allow-list: {', '.join(map(repr, extra))}")
    missing = sorted(allowed - set(obj))
    if missing:
        raise StatsFileRefused(f"{where}: no {', '.join(missing)}")


def _tables(where: str, obj: Any, spec: Mapping[str, frozenset[str] | re.Pattern[str]]) -> None:
    _keys(where, obj, frozenset(spec))
    for name, labels in spec.items():
        table = obj[name]
        _keys(f"{where}.{name}", table, TABLE_KEYS)
        if not isinstance(table["cells"], dict):
            raise StatsFileRefused(f"{where}.{name}.cells: not a JSON object")
        for label, value in table["cells"].items():
            ok = label in labels if isinstance(labels, frozenset) else bool(labels.fullmatch(label))
            if not ok:
                raise StatsFileRefused(f"{where}.{name}: a label outside its vocabulary: {label!r}")
            _count(f"{where}.{name}.{label}", value)
        _count(f"{where}.{name}.total", table["total"])


def check(doc: Mapping[str, Any], *, signed: bool) -> None:
    """Refuse (StatsFileRefused) a document with any key outside the allow-list, at any depth, any label
    outside its table's vocabulary, any count from 1 to 4, or a field not of its form."""
    if signed and "signatures" not in doc:
        raise StatsFileRefused("unsigned: no signature on it")
    _keys("the file", dict(doc), TOP_KEYS if signed else TOP_KEYS - {"signatures"})
    if doc["format"] != FORMAT:
        raise StatsFileRefused(f"not a {FORMAT} file (format {doc['format']!r})")
    for field, pattern in (("force", _FORCE), ("period", _PERIOD)):
        if not isinstance(doc[field], str) or not pattern.fullmatch(doc[field]):
            raise StatsFileRefused(f"{field}: {doc[field]!r} is not of its form")
    try:
        stamp = datetime.fromisoformat(str(doc["generated_at"]))
    except ValueError:
        raise StatsFileRefused("generated_at: not a date and time") from None
    if stamp.tzinfo is None:
        raise StatsFileRefused("generated_at: no time zone")
    packs = doc["packs"]
    if not isinstance(packs, list) or not all(isinstance(p, str) and STAMP.fullmatch(p) for p in packs):
        raise StatsFileRefused("packs: not a list of guidance versions")
    _count("calls", doc["calls"])
    _tables("tables", doc["tables"], TABLES)
    _tables("compliance", doc["compliance"], COMPLIANCE)
    if signed:
        signatures = doc["signatures"]
        if not isinstance(signatures, list):
            raise StatsFileRefused("signatures: not a list")
        for s in signatures:
            _keys("a signature", s, SIGNATURE_KEYS)

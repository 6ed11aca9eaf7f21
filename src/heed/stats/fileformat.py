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
from heed.stats.suppress import (
    MARKERS,
    SECONDARY,
    THRESHOLD,
    Line,
    Published,
    Slack,
    feasible,
    suppress_lines,
)

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
# The figures whose base is every call of the month: their totals are the number of calls too.
CALL_COMPLIANCE = (
    "needed_checks",
    "closure_refused",
    "risk_lowered",
    "referrals_overdue",
    "returned",
    "lookback",
    "lookback_open",
)
# Two figures that are one split of one base, seen from either side ("yes" of one is "no" of the other).
MIRRORED = ("nfa_two_supervisors", "nfa_one_supervisor")
COMPLIANCE: dict[str, frozenset[str] | re.Pattern[str]] = {
    **{name: _fixed("yes", "no") for name in COMPLIANCE_FIGURES},
    "closure_refusals": CODE,  # by the action that was outstanding
}
_FORCE = re.compile(r"[A-Z0-9]{2,10}")
_PERIOD = re.compile(r"20\d\d-(0[1-9]|1[0-2])")
STAMP = re.compile(r"[a-z0-9][a-z0-9_.-]*@[0-9.]+(\+force-[a-z0-9]+@[0-9]+)?")


class StatsFileRefused(ValueError):
    """A statistics file that must not be trusted or cannot be read; the message is one line saying why."""


Key = tuple[str, ...] | Slack  # an entry of the file, or the slack of an inequality between two


def _cell(section: str, name: str, label: str) -> Key:
    return (section, name, "cell", label)


def _total(section: str, name: str) -> Key:
    return (section, name, "total")


CALLS: Key = ("calls",)


def _relations(
    labels: Mapping[tuple[str, str], list[str]],
) -> tuple[list[Line[Key]], list[tuple[Slack, Line[Key]]]]:
    """The relations between tables that the definitions make, for tables with these labels: equations,
    and inequalities each as an equation with a ``Slack`` (``small <= large`` is ``small + slack = large``).

    Equations: the totals of the tables of calls and of the compliance figures over every call are the number
    of calls; the mirrored figures are one split seen from either side; the outcomes other than "open" are
    the closed calls that ``closed_outstanding`` splits.

    Inequalities (heed.compliance.figures; a closed call is never reopened and keeps its last request's
    outcome): the calls closed "no further action" at medium or high risk (the base of ``nfa_*``) are at
    most the outcome ``no_further_action`` and at most the calls graded high or medium; the calls with a
    look-back finding still open are at most those with a finding; the calls asked to close that needed
    checks (the base of ``checks_before_close``) are at most those that needed checks; the calls graded
    standard are at most those that needed advice (the base of ``advice_recorded``); the closed calls with
    an outcome are at most the closed calls."""

    def cells(section: str, name: str) -> list[str]:
        return labels.get((section, name), [])

    equations: list[Line[Key]] = [([_total("tables", name)], CALLS) for name in CALL_TABLES]
    equations += [([_total("compliance", name)], CALLS) for name in CALL_COMPLIANCE]
    one, other = (("compliance", name) for name in MIRRORED)
    closed = [_cell("tables", "outcome", label) for label in cells("tables", "outcome") if label != "open"]
    equations += [
        ([_total(*one)], _total(*other)),
        ([_cell(*one, "yes")], _cell(*other, "no")),
        ([_cell(*one, "no")], _cell(*other, "yes")),
        (closed, _total("compliance", "closed_outstanding")),
    ]
    not_reviewed = [
        _cell("tables", "grade", g) for g in cells("tables", "grade") if g not in ("high", "medium")
    ]
    inequalities: list[tuple[str, list[Key], Key]] = [
        ("nfa_outcome", [_total(*one)], _cell("tables", "outcome", "no_further_action")),
        # high + medium >= nfa, written over the grade total: nfa + the other grades <= the total.
        ("nfa_grade", [_total(*one), *not_reviewed], _total("tables", "grade")),
        (
            "lookback_open",
            [_cell("compliance", "lookback_open", "yes")],
            _cell("compliance", "lookback", "yes"),
        ),
        (
            "checks_before_close",
            [_total("compliance", "checks_before_close")],
            _cell("compliance", "needed_checks", "yes"),
        ),
        ("advice_standard", [_cell("tables", "grade", "standard")], _total("compliance", "advice_recorded")),
        ("closed_outcome", closed, _total("compliance", "closed_outstanding")),
    ]
    return equations, [(Slack(name), ([*small, Slack(name)], large)) for name, small, large in inequalities]


def _system(
    calls: int,
    tables: Mapping[str, Mapping[str, int]],
    compliance: Mapping[str, Mapping[str, int]],
) -> tuple[dict[Key, int], list[Line[Key]]]:
    """Every count of the file and every equation a reader knows between them: each table's cells add up to
    its total, and the relations between tables that the definitions make (``_relations``), each only when
    it holds for these counts (else a reader could not use it either); an inequality's ``Slack`` is the
    difference of its two sides."""
    values: dict[Key, int] = {CALLS: calls}
    lines: list[Line[Key]] = []
    labels: dict[tuple[str, str], list[str]] = {}
    for section, spec, given in (("tables", TABLES, tables), ("compliance", COMPLIANCE, compliance)):
        for name in spec:
            counts = given.get(name, {})
            labels[(section, name)] = list(counts)
            table_cells = [_cell(section, name, label) for label in counts]
            values.update({_cell(section, name, label): n for label, n in counts.items()})
            values[_total(section, name)] = sum(counts.values())
            lines.append((table_cells, _total(section, name)))
    equations, inequalities = _relations(labels)
    for cells, total in equations:
        if (
            all(c in values for c in cells)
            and total in values
            and sum(values[c] for c in cells) == values[total]
        ):
            lines.append((cells, total))
    for slack, (cells, total) in inequalities:
        small = [c for c in cells if c != slack]
        if (
            all(c in values for c in small)
            and total in values
            and sum(values[c] for c in small) <= values[total]
        ):
            values[slack] = values[total] - sum(values[c] for c in small)
            lines.append((cells, total))
    return values, lines


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
    """The (unsigned) document for raw counts, suppressed as one system (``heed.stats.suppress``): every
    table with its total and the relations between tables (``_system``), so that no hidden entry can be
    worked out from any combination of what the file publishes (an entry shared by several tables, such as
    the number of calls, is published alike or withheld alike)."""
    if generated_at.tzinfo is None:
        raise StatsFileRefused("generated_at must say its time zone")
    values, lines = _system(calls, tables, compliance)
    out = suppress_lines(values, lines)

    def table(section: str, name: str, counts: Mapping[str, int]) -> dict[str, Any]:
        return {
            "cells": {label: out[_cell(section, name, label)] for label in counts},
            "total": out[_total(section, name)],
        }

    doc: dict[str, Any] = {
        "format": FORMAT,
        "force": force,
        "period": period,
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "packs": sorted(set(packs)),
        "calls": out[CALLS],
        "tables": {name: table("tables", name, tables.get(name, {})) for name in TABLES},
        "compliance": {name: table("compliance", name, compliance.get(name, {})) for name in COMPLIANCE},
    }
    check(doc, signed=False)
    return doc


def published_system(doc: Mapping[str, Any]) -> tuple[dict[Key, Published], list[Line[Key]]]:
    """A document's published entries and the equations a reader knows between them, keyed as ``build``
    keys them, for ``suppress.disclosed``: each table's line, then each relation of ``_relations`` (an
    inequality with its ``Slack``, published ``"*"``) kept only when the lines kept so far and it can hold
    together under the published entries (a relation the month's counts did not keep, and the file shows,
    is left out, as ``build`` left it out)."""
    entries: dict[Key, Published] = {CALLS: doc["calls"]}
    lines: list[Line[Key]] = []
    labels: dict[tuple[str, str], list[str]] = {}
    for section in ("tables", "compliance"):
        for name, table in doc[section].items():
            labels[(section, name)] = list(table["cells"])
            entries.update({_cell(section, name, label): v for label, v in table["cells"].items()})
            entries[_total(section, name)] = table["total"]
            lines.append(([_cell(section, name, label) for label in table["cells"]], _total(section, name)))
    equations, inequalities = _relations(labels)
    relations = [(None, line) for line in equations] + [(slack, line) for slack, line in inequalities]
    for slack, (cells, total) in relations:
        if not all(c in entries or c == slack for c in (*cells, total)):
            continue
        trial = {**entries, slack: SECONDARY} if slack is not None else entries
        # The lines so far can hold together; only the parts the relation joins need a look.
        if feasible([*lines, (cells, total)], trial, among=[*cells, total]):
            entries, lines = trial, [*lines, (cells, total)]
    return entries, lines


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

"""Scoring a candidate record against a query: per-field agreement levels, Fellegi-Sunter weights, a
calibrated probability, a band, and an explanation a call handler can read.

Each field comparison yields an agreement level (``exact``, ``nickname``, ``phonetic``, ``typo``,
``day_month_swap``...). Each level has a weight log2(m/u) estimated on synthetic labelled pairs
(``benchmarks/checks_calibrate.py`` writes ``data/weights.json``). The summed weight plus the prior is a
log-likelihood ratio; a logistic curve fitted on held-out pairs (Platt scaling) maps it to a probability.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from importlib import resources
from typing import Any

from heed.checks.dates import age_range, compare_dob, parse_partial_date
from heed.checks.identifiers import email_keys, handle_keys
from heed.checks.memo import memo2
from heed.checks.names import is_nickname_pair, phonetic_match, typo_close
from heed.checks.places import normalise_postcode, normalise_town, postcode_area, postcode_district
from heed.checks.query import Query

BAND_ORDER = {"": 0, "weak": 1, "possible": 2, "strong": 3}


def strongest_band(results: list[dict[str, Any]]) -> str:
    """The best band among search results ("" when there are none)."""
    return max((str(r["band"]) for r in results), key=lambda b: BAND_ORDER.get(b, 0), default="")


def marker_alert(results: list[dict[str, Any]]) -> bool:
    """Whether a strong or possible match carries a warning marker: the handler must see it at once."""
    return any(r["markers"] and r["band"] in ("strong", "possible") for r in results)


# Levels that identify a person rather than describe many people.
DISCRIMINATING = {
    "family_name": {"exact", "phonetic", "typo", "part"},
    "date_of_birth": {"exact", "day_month_swap", "year_off"},
    "phone": {"exact"},
    "email": {"exact"},
    "handle": {"exact"},
    "postcode": {"full"},
}
_DISPLAY_FIELDS = (
    "record_id",
    "given_name",
    "family_name",
    "aliases",
    "date_of_birth",
    "sex",
    "town",
    "postcode",
    "phones",
    "emails",
    "online_ids",
)


@dataclass(frozen=True)
class Weights:
    """Per-field, per-level weights (log2 m/u), prior, logistic calibration and band thresholds."""

    levels: dict[str, dict[str, float]]
    prior: float
    slope: float
    intercept: float
    strong: float
    possible: float
    source: str

    def level_weight(self, field_name: str, level: str) -> float:
        return self.levels[field_name][level]

    def probability(self, total: float) -> float:
        z = self.slope * (total + self.prior) + self.intercept
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


@cache
def default_weights() -> Weights:
    """The weights shipped in ``heed/checks/data/weights.json``."""
    text = resources.files("heed.checks").joinpath("data", "weights.json").read_text(encoding="utf-8")
    return weights_from_dict(json.loads(text))


def weights_from_dict(data: dict[str, Any]) -> Weights:
    """Build Weights from the JSON layout of ``weights.json``."""
    return Weights(
        levels={f: {k: float(v) for k, v in lv.items()} for f, lv in data["levels"].items()},
        prior=float(data["prior"]),
        slope=float(data["calibration"]["slope"]),
        intercept=float(data["calibration"]["intercept"]),
        strong=float(data["bands"]["strong"]),
        possible=float(data["bands"]["possible"]),
        source=str(data.get("source", "")),
    )


@dataclass
class Comparison:
    """The outcome of comparing one record with one query."""

    levels: dict[str, str] = field(default_factory=dict)
    explanation: dict[str, dict[str, Any]] = field(default_factory=dict)
    total: float = 0.0


# Levels are pure functions of two folded names; candidates repeat the same names (many a James Smith), and
# caching them roughly halves the Python time spent scoring a query's candidates.
@memo2(200_000)
def _given_level(q: str, r: str) -> str:
    if not q or not r:
        return "missing"
    if q == r:
        return "exact"
    if is_nickname_pair(q, r):
        return "nickname"
    if phonetic_match(q, r):
        return "phonetic"
    if typo_close(q, r):
        return "typo"
    if len(q) == 1 and r.startswith(q):
        return "initial"
    return "disagree"


@memo2(200_000)
def _family_level(q: str, r: str) -> str:
    if not q or not r:
        return "missing"
    if q == r:
        return "exact"
    if phonetic_match(q, r):
        return "phonetic"
    if typo_close(q, r):
        return "typo"
    # One half of a double-barrelled name (Smith v Smith-Jones), folded without the space.
    if min(len(q), len(r)) >= 4 and (r.startswith(q) or r.endswith(q) or q.startswith(r) or q.endswith(r)):
        return "part"
    return "disagree"


def _names(q: Query, variants: list[tuple[str, str]], w: Weights, out: Comparison) -> None:
    readings: list[tuple[str, str, str]] = []
    if q.given or q.family:
        readings.append((q.given, q.family, "name"))
        if q.given and q.family:
            readings.append((q.family, q.given, "swapped"))
    if q.alias_given:
        readings.append((q.alias_given, q.alias_family, "alias"))
    best: tuple[float, str, str, str, str, str, str, str] | None = None
    for index, (rg, rf) in enumerate(variants):
        for qg, qf, how in readings:
            gl, fl = _given_level(qg, rg), _family_level(qf, rf)
            score = (w.level_weight("given_name", gl) if gl != "missing" else 0.0) + (
                w.level_weight("family_name", fl) if fl != "missing" else 0.0
            )
            via = "record_alias" if index > 0 else how
            if best is None or score > best[0]:
                best = (score, gl, fl, via, rg, rf, qg, qf)
    if best is None:
        return
    _, gl, fl, via, rg, rf, qg, qf = best
    if gl != "missing":
        out.levels["given_name"] = gl
        out.explanation["given_name"] = {"level": gl, "via": via, "query_form": qg, "record_form": rg}
    if fl != "missing":
        out.levels["family_name"] = fl
        out.explanation["family_name"] = {"level": fl, "via": via, "query_form": qf, "record_form": rf}


def _dob(q: Query, record: dict[str, Any], out: Comparison) -> None:
    text = record.get("date_of_birth") or ""
    if not text or (q.dob is None and q.age_min is None):
        return
    rdob = parse_partial_date(text)
    if q.dob is not None:
        level = compare_dob(q.dob, rdob)
        out.levels["date_of_birth"] = level
        out.explanation["date_of_birth"] = {"level": level, "record": text, "query": q.dob.iso()}
        return
    assert q.age_min is not None and q.age_max is not None
    young, old = age_range(rdob, q.reference_date)
    stated = q.raw.get("age")
    if isinstance(stated, int) and young <= stated <= old:
        level = "age_exact"
    elif young <= q.age_max and old >= q.age_min:
        level = "age_near" if q.age_exact else "age_in_range"
    elif young <= q.age_max + 1 and old >= q.age_min - 1:
        level = "age_near"
    else:
        level = "disagree"
    out.levels["date_of_birth"] = level
    out.explanation["date_of_birth"] = {
        "level": level,
        "record": text,
        "record_age": young if young == old else f"{young}-{old}",
        "query_age": stated if isinstance(stated, int) else f"{q.age_min}-{q.age_max}",
    }


@memo2(50_000)
def _town_level(q: str, r: str) -> str:
    return "exact" if q == r else "typo" if typo_close(q, r) else "disagree"


def _place(q: Query, record: dict[str, Any], out: Comparison) -> None:
    rtown = normalise_town(record.get("town") or "")
    if q.town and rtown:
        level = _town_level(q.town, rtown)
        out.levels["town"] = level
        out.explanation["town"] = {"level": level, "record": record.get("town")}
    rpost = normalise_postcode(record.get("postcode") or "")
    if q.postcode and rpost:
        if " " in q.postcode and q.postcode == rpost:
            level = "full"
        elif postcode_district(q.postcode) == postcode_district(rpost):
            level = "district"
        elif postcode_area(q.postcode) == postcode_area(rpost):
            level = "area"
        else:
            level = "disagree"
        out.levels["postcode"] = level
        out.explanation["postcode"] = {"level": level, "record": record.get("postcode")}
    if q.sex and record.get("sex") in {"M", "F"} and q.sex in {"M", "F"}:
        level = "agree" if q.sex == record["sex"] else "disagree"
        out.levels["sex"] = level
        out.explanation["sex"] = {"level": level}


def _identifiers(q: Query, record: dict[str, Any], out: Comparison) -> None:
    phones = record.get("phones") or []
    if q.phone is not None and phones:
        level = "exact" if q.phone.display in phones else "disagree"
        out.levels["phone"] = level
        out.explanation["phone"] = {"level": level, "query": q.phone.display}
    emails = record.get("emails") or []
    if q.email is not None and emails:
        level = "disagree"
        for email in emails:
            keys = email_keys(email)
            if keys.strong == q.email.strong:
                level = "exact"
                break
            if set(keys.weak) & set(q.email.weak):
                level = "weak"
        out.levels["email"] = level
        out.explanation["email"] = {"level": level, "query": q.email.display}
    online = record.get("online_ids") or []
    if q.handle is not None and online:
        level, matched = "disagree", None
        rank = {"disagree": 0, "weak": 1, "other_platform": 2, "exact": 3}
        qskeleton = q.handle.strong.split(":", 2)[2]
        for item in online:
            keys = handle_keys(item["handle"], item.get("platform"))
            skeleton = keys.strong.split(":", 2)[2]
            if skeleton == qskeleton and (q.handle_platform in (None, item.get("platform"))):
                candidate = "exact"
            elif skeleton == qskeleton:
                candidate = "other_platform"
            elif set(keys.weak) & set(q.handle.weak) or {keys.strong, *keys.weak} & set(q.handle.weak):
                candidate = "weak"
            else:
                candidate = "disagree"
            if rank[candidate] > rank[level]:
                level, matched = candidate, item
        out.levels["handle"] = level
        out.explanation["handle"] = {"level": level, "query": q.handle.display}
        if matched is not None:
            out.explanation["handle"]["record"] = f"{matched['handle']} ({matched.get('platform')})"
            if level == "weak":
                out.explanation["handle"]["note"] = (
                    "look-alike only (leetspeak, digits or platform): weak evidence"
                )


def compare(q: Query, record: dict[str, Any], variants: list[tuple[str, str]], w: Weights) -> Comparison:
    """Compare a record (with its folded name variants) to a query field by field."""
    out = Comparison()
    _names(q, variants, w, out)
    _dob(q, record, out)
    _place(q, record, out)
    _identifiers(q, record, out)
    for name, level in out.levels.items():
        weight = w.level_weight(name, level)
        out.explanation[name]["weight"] = round(weight, 2)
        out.total += weight
    return out


def band(q: Query, comparison: Comparison, score: float, w: Weights) -> str:
    """strong / possible / weak: strong needs two identifying agreements and a name, never a first name."""
    levels = comparison.levels
    identifying = sum(1 for f, ok in DISCRIMINATING.items() if levels.get(f) in ok)
    name_agrees = levels.get("given_name", "disagree") != "disagree" or levels.get(
        "family_name", "disagree"
    ) not in ("disagree",)
    agreeing = [f for f, lv in levels.items() if lv not in ("disagree",)]
    if agreeing == ["given_name"] or q.given_only():
        return "weak"
    if score >= w.strong and identifying >= 2 and name_agrees:
        return "strong"
    if score >= w.possible:
        return "possible"
    return "weak"


def display_record(record: dict[str, Any]) -> dict[str, Any]:
    """The fields shown to a call handler for a result."""
    return {name: record.get(name) for name in _DISPLAY_FIELDS}


def advice(q: Query, results: list[dict[str, Any]]) -> list[str]:
    """What extra detail would narrow the search, most useful first."""
    lines: list[str] = []
    top = results[0]["band"] if results else None
    if top == "strong":
        close = [r for r in results[1:] if r["band"] == "strong"]
        if close:
            lines.append("more than one record matches strongly: compare the dates of birth and addresses")
        return lines
    if q.dob is None and q.age_min is None:
        lines.append("add a date of birth or approximate age")
    if not q.family:
        lines.append("add a family name, or any part of it the caller remembers")
    if not q.given:
        lines.append("add a given name or nickname")
    if not q.town and not q.postcode:
        lines.append("add a town or postcode district")
    if q.dob is not None and not q.dob.is_full:
        lines.append("add the full date of birth if the caller knows it")
    if not (q.phone or q.email or q.handle):
        lines.append("add a phone number, e-mail address or online handle if the caller has one")
    if not results:
        lines.insert(0, "no record matched: check the spelling with the caller, or try a nickname or alias")
    return lines


def today_utc() -> date:
    """Today's date in UTC, the default reference date for ages."""
    return datetime.now(UTC).date()

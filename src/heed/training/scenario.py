"""Training scenarios as data: read a scenario (YAML), check it against the guidance pack, and name each
mistake by its place. Pure Python (no Django), like ``heed.risk``: ``heed train validate``, the authoring page
and the library all read scenarios through ``scenario_from_text``. The format: docs/training-scenarios.md.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from heed import textclean as tc
from heed.checks.records import record_from_row
from heed.risk import GuidancePack

ROLES = ("handler", "supervisor")
LEVELS = ("foundation", "core", "advanced")
RISKS = ("high", "medium", "standard")
RELATIONS = ("parent", "relative", "teacher", "professional", "child", "friend", "other")
IDENTIFIER_KINDS = ("handle", "phone", "email")
# The outcomes a close request may have (heed.calls.workflow.OUTCOMES) and, for a supervisor, the decisions.
OUTCOMES = ("referred", "advice_given", "crime_recorded", "deployed", "no_further_action")
REVIEW_DECISIONS = ("approved", "returned")
ADVICE_METHODS = ("read_out", "sms", "email", "printed")  # heed.support.models.AdviceMethod
ADVICE_METHODS = ("read_out", "sms", "email", "printed")  # heed.support.models.AdviceMethod
FAULT_CODES = (
    "missing_person_check",
    "missing_identifier_check",
    "advice_not_recorded",
    "wrong_agency",
    "risk_under_graded",
    "signs_not_recorded",
    "decisive_unanswered",
    "missing_referral",
    "wrong_outcome",
    "weak_rationale",
)
COMPETENCIES = (
    "recognition",
    "decisive_questions",
    "person_check",
    "marker",
    "identifier_check",
    "advice",
    "grade",
    "response",
    "referral",
    "closure",
    "review",
)
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_BYTES = tc.SCENARIO  # (characters there, bytes here)
MAX_VERSION = 9999  # a version is stored in an integer column: a larger number would not fit


class ScenarioError(ValueError):
    """A scenario that cannot be used; ``problems`` lists every mistake as ``place: what is wrong``."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class Fact:
    id: str
    says: str
    question: str | None = None
    answer: str | None = None
    words: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class PersonKey:
    name: str
    record: str
    marker: bool = False


@dataclass(frozen=True)
class IdentifierKey:
    kind: str
    value: str
    platform: str | None = None


@dataclass(frozen=True)
class Teaching:
    competency: str
    rule: str
    point: str


@dataclass(frozen=True)
class Key:
    indicators: tuple[str, ...]
    risk: str
    response: str
    decisive: tuple[str, ...]
    persons: tuple[PersonKey, ...]
    identifiers: tuple[IdentifierKey, ...]
    agencies: tuple[str, ...]
    referral: bool
    vulnerability_flag: bool
    outcomes: tuple[str, ...]
    teaching: tuple[Teaching, ...]

    @property
    def emergency(self) -> bool:
        return self.response == "emergency"


@dataclass(frozen=True)
class Fault:
    code: str
    words: tuple[str, ...]
    point: str


@dataclass(frozen=True)
class PlantedCall:
    """How the SYNTHETIC handler worked the call a supervisor scenario sends for review."""

    notes: tuple[str, ...]
    answers: Mapping[str, str]
    persons_checked: tuple[Mapping[str, Any], ...]
    identifiers_checked: tuple[IdentifierKey, ...]
    not_applicable: tuple[Mapping[str, str], ...]
    advice: tuple[Mapping[str, Any], ...]
    referral: bool
    close_outcome: str
    close_rationale: str
    faults: tuple[Fault, ...]


@dataclass(frozen=True)
class Scenario:
    id: str
    version: int
    title: str
    role: str
    level: str
    tags: tuple[str, ...]
    summary: str
    caller: Mapping[str, str]
    child: Mapping[str, Any]
    opening: str
    facts: tuple[Fact, ...]
    unknown_reply: str
    records: tuple[Mapping[str, str], ...]
    sightings: tuple[Mapping[str, Any], ...]
    key: Key
    supervisor: PlantedCall | None
    source: str = field(repr=False, compare=False)  # the YAML text exactly as read

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.source.encode("utf-8")).hexdigest()

    def fact(self, fact_id: str) -> Fact | None:
        return next((f for f in self.facts if f.id == fact_id), None)

    def fact_for_question(self, question_id: str) -> Fact | None:
        return next((f for f in self.facts if f.question == question_id), None)


def unwrap(text: str) -> str:
    """Prose as a writer wraps it in a YAML block: single line breaks are spaces, blank lines paragraphs."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(" ".join(p.split()) for p in paragraphs)


class _Reader:
    """Reads one scenario, collecting every problem with its place instead of stopping at the first."""

    def __init__(self, pack: GuidancePack) -> None:
        self.pack = pack
        self.problems: list[str] = []
        self.rule_ids = _rule_ids(pack)

    def bad(self, where: str, what: str) -> None:
        self.problems.append(f"{where}: {what}")

    def clean(self, value: str, place: str, limit: int = tc.RATIONALE) -> str:
        """``value`` under the one text rule (heed.textclean), as a page would keep it: one line per
        paragraph, no invisible or reordering characters (YAML's escapes can write any of them); a character
        that cannot be stored, or text over ``limit``, is a problem at ``place``."""
        paragraphs = re.split(r"\n\s*\n", value.strip())
        try:
            return "\n\n".join(tc.clean_text(p, tc.TextRule(limit, single_line=True)) for p in paragraphs)
        except tc.TextRefused as exc:
            self.bad(place, exc.describe("This text")[len("This text ") :])
            return ""

    def text(
        self,
        data: Mapping[str, Any],
        name: str,
        where: str,
        *,
        required: bool = True,
        limit: int = tc.RATIONALE,
    ) -> str:
        value = data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.bad(f"{where}{name}", "is missing")
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.bad(f"{where}{name}", "must be text")
            return ""
        return self.clean(str(value), f"{where}{name}", limit)

    def words(
        self, data: Mapping[str, Any], name: str, where: str, limit: int = tc.SHORT_NOTE
    ) -> tuple[str, ...]:
        value = data.get(name, [])
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
            self.bad(f"{where}{name}", "must be a list of words or phrases")
            return ()
        return tuple(
            self.clean(str(v), f"{where}{name}[{i}]", limit) for i, v in enumerate(value) if str(v).strip()
        )

    def mapping(self, data: Any, where: str) -> Mapping[str, Any]:
        if not isinstance(data, Mapping):
            self.bad(where, "must be a mapping of fields")
            return {}
        return data

    def one_of(self, value: str, allowed: Sequence[str], where: str) -> None:
        if value and value not in allowed:
            self.bad(where, f"{value!r} is not one of {', '.join(allowed)}")

    # ------------------------------------------------------------------------------------------- the parts

    def facts(self, raw: Any) -> tuple[Fact, ...]:
        if not isinstance(raw, list) or not raw:
            self.bad("facts", "must be a non-empty list")
            return ()
        out: list[Fact] = []
        seen: set[str] = set()
        for i, item in enumerate(raw):
            where = f"facts[{i}]."
            data = self.mapping(item, f"facts[{i}]")
            fid = self.text(data, "id", where)
            if fid in seen:
                self.bad(f"{where}id", f"{fid!r} is used twice")
            seen.add(fid)
            question = self.text(data, "question", where, required=False) or None
            answer = self.text(data, "answer", where, required=False) or None
            if question is not None:
                q = self.pack.questions.get(question)
                if q is None:
                    self.bad(
                        f"{where}question", f"{question!r} is not a guided question of the guidance pack"
                    )
                elif answer is None:
                    self.bad(f"{where}answer", f"give the answer to {question!r} this fact supports")
                elif answer not in q.answers:
                    self.bad(f"{where}answer", f"{answer!r} is not one of {', '.join(q.answers)}")
            elif answer is not None:
                self.bad(f"{where}answer", "an answer needs the question it answers")
            out.append(
                Fact(
                    id=fid,
                    says=unwrap(self.text(data, "says", where)),
                    question=question,
                    answer=answer,
                    words=self.words(data, "words", where),
                    examples=self.words(data, "examples", where),
                )
            )
        questions = [f.question for f in out if f.question]
        for qid in sorted({q for q in questions if questions.count(q) > 1}):
            self.bad("facts", f"question {qid!r} is answered by more than one fact")
        return tuple(out)

    def records(self, raw: Any) -> tuple[Mapping[str, str], ...]:
        if raw in (None, []):
            return ()
        if not isinstance(raw, list):
            self.bad("records", "must be a list of nominal records")
            return ()
        out = []
        for i, item in enumerate(raw):
            data = self.mapping(item, f"records[{i}]")
            row = {
                str(k): "" if v is None else self.clean(str(v), f"records[{i}].{k}", tc.SHORT_NOTE)
                for k, v in data.items()
            }
            if row.get("synthetic") != "SYNTHETIC":
                self.bad(f"records[{i}].synthetic", "label every training record synthetic: SYNTHETIC")
            for name in ("given_name", "family_name"):
                if "SYNTHETIC" in row.get(name, "").upper():
                    self.bad(
                        f"records[{i}].{name}",
                        "keep SYNTHETIC out of a record's name (a check searches names): label the record "
                        "with synthetic: SYNTHETIC instead",
                    )
            try:
                record_from_row(row)
            except ValueError as exc:
                self.bad(f"records[{i}]", str(exc))
            out.append(row)
        ids = [r.get("record_id", "") for r in out]
        for rid in sorted({r for r in ids if ids.count(r) > 1}):
            self.bad("records", f"record_id {rid!r} is used twice")
        return tuple(out)

    def sightings(self, raw: Any) -> tuple[Mapping[str, Any], ...]:
        if raw in (None, []):
            return ()
        if not isinstance(raw, list):
            self.bad("sightings", "must be a list")
            return ()
        out = []
        for i, item in enumerate(raw):
            where = f"sightings[{i}]."
            data = self.mapping(item, f"sightings[{i}]")
            kind = self.text(data, "kind", where)
            self.one_of(kind, IDENTIFIER_KINDS, f"{where}kind")
            value = self.text(data, "value", where)
            reference = self.text(data, "reference", where)
            seen = data.get("seen")
            if isinstance(seen, str):
                try:
                    seen = date.fromisoformat(seen)
                except ValueError:
                    seen = None
            if not isinstance(seen, date):
                self.bad(f"{where}seen", "must be a date (YYYY-MM-DD)")
                seen = date(2000, 1, 1)
            out.append(
                {
                    "kind": kind,
                    "value": value,
                    "platform": self.text(data, "platform", where, required=False),
                    "reference": reference,
                    "seen": seen.isoformat(),
                }
            )
        return tuple(out)

    def identifiers(self, raw: Any, where: str) -> tuple[IdentifierKey, ...]:
        if raw in (None, []):
            return ()
        if not isinstance(raw, list):
            self.bad(where, "must be a list")
            return ()
        out = []
        for i, item in enumerate(raw):
            place = f"{where}[{i}]."
            data = self.mapping(item, f"{where}[{i}]")
            kind = self.text(data, "kind", place)
            self.one_of(kind, IDENTIFIER_KINDS, f"{place}kind")
            out.append(
                IdentifierKey(
                    kind=kind,
                    value=self.text(data, "value", place),
                    platform=self.text(data, "platform", place, required=False) or None,
                )
            )
        return tuple(out)

    def key(self, raw: Any, role: str, records: Sequence[Mapping[str, str]]) -> Key:
        data = self.mapping(raw, "key")
        indicators = self.words(data, "indicators", "key.")
        for code in indicators:
            if code not in self.pack.indicators:
                self.bad("key.indicators", f"{code!r} is not an indicator of the guidance pack")
        risk = self.text(data, "risk", "key.")
        self.one_of(risk, RISKS, "key.risk")
        response = self.text(data, "response", "key.")
        responses = sorted({str(r.value) for r in self.pack.response_rules})
        self.one_of(response, responses, "key.response")
        decisive_raw = data.get("decisive", "all")
        all_decisive = tuple(q.id for q in self.pack.questions.values() if q.decisive)
        if decisive_raw == "all":
            decisive = all_decisive
        else:
            decisive = self.words(data, "decisive", "key.")
            for q in decisive:
                if q not in self.pack.questions:
                    self.bad("key.decisive", f"{q!r} is not a guided question of the guidance pack")
        persons = []
        record_ids = {r.get("record_id") for r in records}
        raw_persons = data.get("persons") or []
        if not isinstance(raw_persons, list):
            self.bad("key.persons", "must be a list")
            raw_persons = []
        for i, item in enumerate(raw_persons):
            place = f"key.persons[{i}]."
            p = self.mapping(item, f"key.persons[{i}]")
            rid = self.text(p, "record", place, required=False)
            if rid and rid not in record_ids:
                self.bad(f"{place}record", f"{rid!r} is not one of the scenario's records")
            marker = p.get("marker", False)
            if not isinstance(marker, bool):
                self.bad(f"{place}marker", "must be true or false")
                marker = False
            if marker and rid:
                held = next((r for r in records if r.get("record_id") == rid), {})
                if not str(held.get("markers", "")).strip():
                    self.bad(f"{place}marker", f"record {rid!r} holds no marker")
            persons.append(PersonKey(name=self.text(p, "name", place), record=rid, marker=bool(marker)))
        agencies = self.words(data, "agencies", "key.")
        for code in agencies:
            if code not in self.pack.agencies:
                self.bad("key.agencies", f"{code!r} is not an agency of the guidance pack")
        outcomes = self.words(data, "outcomes", "key.")
        allowed = REVIEW_DECISIONS if role == "supervisor" else OUTCOMES
        if not outcomes:
            self.bad("key.outcomes", "is missing")
        for o in outcomes:
            self.one_of(o, allowed, "key.outcomes")
        teaching = []
        raw_teaching = data.get("teaching") or []
        if not isinstance(raw_teaching, list) or not raw_teaching:
            self.bad("key.teaching", "must be a non-empty list of teaching points")
            raw_teaching = []
        for i, item in enumerate(raw_teaching):
            place = f"key.teaching[{i}]."
            t = self.mapping(item, f"key.teaching[{i}]")
            comp = self.text(t, "competency", place)
            self.one_of(comp, COMPETENCIES, f"{place}competency")
            rule = self.text(t, "rule", place)
            if rule and rule not in self.rule_ids:
                self.bad(f"{place}rule", f"{rule!r} is not a rule of the guidance pack")
            teaching.append(Teaching(competency=comp, rule=rule, point=self.text(t, "point", place)))
        flags = {}
        for name in ("referral", "vulnerability_flag"):
            value = data.get(name, False)
            if not isinstance(value, bool):
                self.bad(f"key.{name}", "must be true or false")
                value = False
            flags[name] = value
        return Key(
            indicators=indicators,
            risk=risk,
            response=response,
            decisive=decisive,
            persons=tuple(persons),
            identifiers=self.identifiers(data.get("identifiers"), "key.identifiers"),
            agencies=agencies,
            referral=flags["referral"],
            vulnerability_flag=flags["vulnerability_flag"],
            outcomes=outcomes,
            teaching=tuple(teaching),
        )

    def planted(self, raw: Any) -> PlantedCall:
        data = self.mapping(raw, "supervisor")
        notes = self.words(data, "notes", "supervisor.", tc.NARRATIVE)
        if not notes:
            self.bad("supervisor.notes", "the planted handler's log needs at least one entry")
        answers_raw = self.mapping(data.get("answers") or {}, "supervisor.answers")
        answers = {}
        for qid, value in answers_raw.items():
            q = self.pack.questions.get(str(qid))
            if q is None:
                self.bad(f"supervisor.answers.{qid}", "is not a guided question of the guidance pack")
            elif str(value) not in q.answers:
                self.bad(f"supervisor.answers.{qid}", f"{value!r} is not one of {', '.join(q.answers)}")
            answers[str(qid)] = str(value)
        persons = []
        for i, item in enumerate(data.get("persons_checked") or []):
            p = self.mapping(item, f"supervisor.persons_checked[{i}]")
            query = self.mapping(p.get("query"), f"supervisor.persons_checked[{i}].query")
            persons.append({"subject": str(p.get("subject", "")), "query": dict(query)})
        not_applicable = []
        for i, item in enumerate(data.get("not_applicable") or []):
            place = f"supervisor.not_applicable[{i}]."
            n = self.mapping(item, f"supervisor.not_applicable[{i}]")
            action = self.text(n, "action", place)
            if action and (
                action not in self.pack.actions or not self.pack.actions[action].may_be_not_applicable
            ):
                self.bad(f"{place}action", f"{action!r} cannot be marked not applicable under the guidance")
            not_applicable.append({"action": action, "reason": self.text(n, "reason", place)})
        advice = []
        for i, item in enumerate(data.get("advice") or []):
            place = f"supervisor.advice[{i}]."
            a = self.mapping(item, f"supervisor.advice[{i}]")
            codes = self.words(a, "agencies", place)
            for code in codes:
                if code not in self.pack.agencies:
                    self.bad(f"{place}agencies", f"{code!r} is not an agency of the guidance pack")
            how = self.text(a, "how", place, required=False) or "read_out"
            self.one_of(how, ADVICE_METHODS, f"{place}how")
            advice.append({"agencies": list(codes), "how": how})
        close = self.mapping(data.get("close"), "supervisor.close")
        outcome = self.text(close, "outcome", "supervisor.close.")
        self.one_of(outcome, OUTCOMES, "supervisor.close.outcome")
        faults = []
        for i, item in enumerate(data.get("faults") or []):
            place = f"supervisor.faults[{i}]."
            f = self.mapping(item, f"supervisor.faults[{i}]")
            code = self.text(f, "code", place)
            self.one_of(code, FAULT_CODES, f"{place}code")
            words = self.words(f, "words", place)
            if not words:
                self.bad(f"{place}words", "name the words a supervisor's reason would use for this fault")
            faults.append(
                Fault(code=code, words=tuple(w.lower() for w in words), point=self.text(f, "point", place))
            )
        referral = data.get("referral", False)
        if not isinstance(referral, bool):
            self.bad("supervisor.referral", "must be true or false")
        return PlantedCall(
            notes=notes,
            answers=answers,
            persons_checked=tuple(persons),
            identifiers_checked=self.identifiers(
                data.get("identifiers_checked"), "supervisor.identifiers_checked"
            ),
            not_applicable=tuple(not_applicable),
            advice=tuple(advice),
            referral=bool(referral),
            close_outcome=outcome,
            close_rationale=self.text(close, "rationale", "supervisor.close."),
            faults=tuple(faults),
        )


def _rule_ids(pack: GuidancePack) -> frozenset[str]:
    rules = [
        *pack.advice_rules,
        *pack.response_rules,
        *pack.action_rules,
        *pack.raise_rules,
        pack.risk_default,
    ]
    for level in pack.risk_rules.values():
        rules.extend(level)
    return frozenset(r.id for r in rules)


def scenario_from_text(
    text: str, pack: GuidancePack, *, where: str = "scenario", strict: bool = True
) -> Scenario:
    """The scenario in ``text``, checked against ``pack``; ScenarioError lists every problem by its place.
    ``strict=False`` reads a scenario already accepted once (an attempt's own copy) without refusing it for
    what a later guidance pack no longer knows, so a past attempt can always be shown and finished."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise ScenarioError([f"{where}: larger than {MAX_BYTES // 1000} kB"])
    try:
        data = yaml.safe_load(text)
    except RecursionError:
        raise ScenarioError([f"{where}: nested too deeply to be a scenario"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise ScenarioError([f"{where}: not valid YAML{at}: {problem}"]) from None
    if not isinstance(data, Mapping):
        raise ScenarioError([f"{where}: must be a mapping of fields (id, title, caller, ...)"])
    r = _Reader(pack)
    sid = r.text(data, "id", "")
    if sid and not _ID.match(sid):
        r.bad("id", f"{sid!r} must be lowercase letters, digits and single hyphens")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= MAX_VERSION:
        r.bad("version", f"must be a whole number from 1 to {MAX_VERSION}")
        version = 1
    role = r.text(data, "role", "")
    r.one_of(role, ROLES, "role")
    level = r.text(data, "level", "", required=False) or "core"
    r.one_of(level, LEVELS, "level")
    caller = r.mapping(data.get("caller"), "caller")
    caller_out = {
        "name": r.text(caller, "name", "caller.", limit=tc.NAME),
        "relation": r.text(caller, "relation", "caller.", limit=tc.CODE),
        "contact": r.text(caller, "contact", "caller.", required=False, limit=tc.CONTACT),
        "manner": r.text(caller, "manner", "caller.", required=False),
    }
    r.one_of(caller_out["relation"], RELATIONS, "caller.relation")
    if caller_out["name"] and "SYNTHETIC" not in caller_out["name"]:
        r.bad("caller.name", "a training caller's name must contain SYNTHETIC")
    child = r.mapping(data.get("child") or {}, "child")
    age = child.get("age")
    if age is not None and (not isinstance(age, int) or isinstance(age, bool) or not 0 <= age <= 17):
        r.bad("child.age", "must be a whole number from 0 to 17")
        age = None
    child_name = r.text(child, "name", "child.", required=False, limit=tc.NAME)
    if child_name and "SYNTHETIC" not in child_name:
        r.bad("child.name", "a training child's name must contain SYNTHETIC")
    facts = r.facts(data.get("facts"))
    records = r.records(data.get("records"))
    key = r.key(data.get("key"), role, records)
    planted = r.planted(data.get("supervisor")) if role == "supervisor" else None
    if role == "handler":
        if "supervisor" in data:
            r.bad("supervisor", "only a supervisor scenario has a planted call")
        answered = {f.question for f in facts if f.question}
        for q in key.decisive:
            if q not in answered:
                r.bad("facts", f"no fact answers the decisive question {q!r}: the caller could not answer it")
    if role == "supervisor" and planted is not None:
        if "returned" in key.outcomes and not planted.faults:
            r.bad("supervisor.faults", "a call the supervisor must return needs the faults to be found")
        if "approved" in key.outcomes and planted.faults:
            r.bad("supervisor.faults", "a call the supervisor should approve has no faults")
    scenario = Scenario(
        id=sid,
        version=int(version),
        title=r.text(data, "title", ""),
        role=role,
        level=level,
        tags=r.words(data, "tags", ""),
        summary=unwrap(r.text(data, "summary", "")),
        caller=caller_out,
        child={"name": child_name, "age": age},
        opening=unwrap(r.text(data, "opening", "")),
        facts=facts,
        unknown_reply=r.text(data, "unknown_reply", ""),
        records=records,
        sightings=r.sightings(data.get("sightings")),
        key=key,
        supervisor=planted,
        source=text,
    )
    known = {
        "id", "version", "title", "role", "level", "tags", "summary", "caller", "child", "opening", "facts",
        "unknown_reply", "records", "sightings", "key", "supervisor",
    }  # fmt: skip
    for name in sorted(set(map(str, data)) - known):
        r.bad(name, "is not a field of a scenario (see docs/training-scenarios.md)")
    if r.problems and strict:
        raise ScenarioError(r.problems)
    return scenario


def scenario_from_file(path: str | Path, pack: GuidancePack) -> Scenario:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([f"{p}: cannot be read ({exc.__class__.__name__}: {exc})"]) from None
    return scenario_from_text(text, pack, where=str(p))


LIBRARY_DIR = Path(__file__).parent / "scenarios"


def library_files() -> list[Path]:
    """The national library's scenario files, in name order."""
    return sorted(LIBRARY_DIR.glob("*.yaml"))


def load_library(pack: GuidancePack) -> dict[str, Scenario]:
    """Every scenario of the national library by id; a broken file or a repeated id stops the load (the
    library is checked in CI, so a broken one never ships)."""
    out: dict[str, Scenario] = {}
    for path in library_files():
        s = scenario_from_file(path, pack)
        if s.id in out:
            raise ScenarioError([f"{path}: id {s.id!r} is used by another scenario"])
        out[s.id] = s
    return out

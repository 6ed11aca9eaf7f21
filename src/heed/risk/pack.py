"""The guidance pack: load, validate and overlay the YAML files that hold all guidance as data.

The national pack lives in ``packs/national``. A force pack (``HEED_GUIDANCE``) has the same layout,
every file optional; its entries extend or override the national ones by code or rule id, but may not lower
or remove what the national ``floor.yaml`` marks (``heed.risk.floor``). Everything is validated before a
``GuidancePack`` exists, and every regular expression is compiled then, so a bad pack never loads half-way and
matching never compiles anything at run time.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import functools
import hashlib
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from heed.risk.conditions import RISKS, Facts, check_condition, evaluate
from heed.risk.errors import PackError
from heed.risk.floor import FLOOR_FILE, FLOOR_KINDS, Floor, breaches, rule_section
from heed.risk.phrases import PhraseError, phrase_to_pattern
from heed.risk.prefilter import Anchors, Later, PatternScan, StartTable, anchors_of, openings_of, plan

NATIONAL_DIR = Path(__file__).parent / "packs" / "national"
PACK_FILES = (
    "pack.yaml",
    "indicators.yaml",
    "lexicon.yaml",
    "cues.yaml",
    "scope.yaml",
    "people.yaml",
    "questions.yaml",
    "rules.yaml",
    "actions.yaml",
    "agencies.yaml",
    "vulnerability.yaml",
    "examples.yaml",
)
NATIONAL_CODES = (
    "age_gap",
    "identity_deception",
    "secrecy",
    "gifts",
    "private_channel",
    "isolation",
    "flattery_promises",
    "supervision_probing",
    "sexual_content",
    "meeting",
    "coercion_threats",
    "extremism",
    "behaviour_change",
    "multiple_children",
    "immediate_danger",
)
ACTION_CODES = (
    "decisive_questions",
    "person_check",
    "identifier_check",
    "specialist_advice",
    "safeguarding_referral",
    "supervisor_review",
    "vulnerability_flag",
    "emergency_deployment",
)
# The look-back patterns of scope.yaml that detect.Scope searches in each match's window, in this order.
WINDOW_PATTERNS = (
    "pseudo_negation",
    "negation",
    "short_negation",
    "near_negation",
    "worry_before",
    "hypothetical",
)
VULNERABILITIES = ("under_13", "sen_disability", "in_care", "previously_missing", "mental_health")
RESPONSES = ("emergency", "priority", "scheduled", "resolution_without_deployment")
_MACRO = re.compile(r"<<([A-Z][A-Z0-9_]*)>>")
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Indicator:
    """One danger sign: its code, human label and definition, examples, grooming stage and how it counts."""

    code: str
    label: str
    definition: str
    examples: tuple[str, ...]
    stage: str
    grooming: bool
    suspicion_counts: bool
    # How much more a missed sign weighs than a false one when the learned layer's thresholds are chosen
    # (the beta of F-beta in heed.risk.learned.build; 1 weighs them alike).
    recall_weight: float = 1.0


@dataclass(frozen=True)
class AnswerEffect:
    """What one answer value does: indicators it adds and facts it sets."""

    adds: tuple[str, ...]
    fact: Mapping[str, str]
    adds_vulnerability: tuple[str, ...] = ()


@dataclass(frozen=True)
class Question:
    """A guided question: its text, the indicator it informs, when to suggest it, and its answer values."""

    id: str
    text: str
    informs: str | None  # an indicator code, or None for a question about the child's vulnerability
    ask_when: tuple[str, ...]
    answers: Mapping[str, AnswerEffect]
    decisive: bool = False
    informs_vulnerability: str | None = None  # a vulnerability code, or "any"


@dataclass(frozen=True)
class Action:
    """A required action the grading may demand."""

    code: str
    label: str
    description: str
    may_be_not_applicable: bool


AFTER_REQUIRED = "required"
AFTER_CLOSE_REQUEST = "close_request"


@dataclass(frozen=True)
class Due:
    """When a required action falls due: ``minutes`` after the action is required (``after="required"``: the
    assessment first asked for it, e.g. the person was named), or at the close request (``after=
    "close_request"``; ``minutes`` then counts from the request, None for "by the request itself")."""

    after: str
    minutes: int | None

    def no_later_than(self, other: Due) -> bool:
        """Whether this due time is at least as soon as ``other`` (the national floor's test): the same clock
        with no more minutes on it, or "by the close request itself" for one some minutes after it. A change
        of clock is never counted as sooner: the two clocks do not compare."""
        if self.after != other.after:
            return False
        if self.minutes is None or other.minutes is None:
            return self.minutes is None
        return self.minutes <= other.minutes

    def words(self) -> str:
        """This due time as a refusal says it ("15 minutes after it is required")."""
        if self.after == AFTER_CLOSE_REQUEST:
            if self.minutes is None:
                return "by the close request"
            return f"{self.minutes} minutes after the close request"
        return f"{self.minutes} minutes after it is required"


@dataclass(frozen=True)
class Agency:
    """A specialist agency the caller may be signposted to, with its public contact and review date."""

    code: str
    name: str
    purpose: str
    contact: Mapping[str, str]
    audience: tuple[str, ...]
    review_date: dt.date


@dataclass(frozen=True)
class Examples:
    """Readable example sentences of one indicator: what shows it, and what looks alike but does not."""

    positive: tuple[str, ...]
    negative: tuple[str, ...]


@dataclass(frozen=True)
class Vulnerability:
    """A vulnerability of the child that raises the grade: its code, label and narrative cues."""

    code: str
    label: str
    cues: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class Rule:
    """A rule of the pack: an id, a condition, the value it produces (risk, response, action or agencies)."""

    id: str
    when: Mapping[str, Any] | None
    value: str | tuple[str, ...]
    text: str
    required: bool = False  # advice rules only: the caller must be given these agencies


@dataclass(frozen=True)
class GuidancePack:
    """A validated, merged guidance pack (national, possibly overlaid by a force pack)."""

    version: str
    sources: tuple[str, ...]
    indicators: Mapping[str, Indicator]
    questions: Mapping[str, Question]
    actions: Mapping[str, Action]
    agencies: Mapping[str, Agency]
    advice_rules: tuple[Rule, ...]
    referral_targets: Mapping[str, str]
    due_times: Mapping[str, Mapping[str, Due]]
    evidence_advice: tuple[str, ...]
    risk_rules: Mapping[str, tuple[Rule, ...]]
    risk_default: Rule
    response_rules: tuple[Rule, ...]
    action_rules: tuple[Rule, ...]
    raise_rules: tuple[Rule, ...]
    vulnerabilities: Mapping[str, Vulnerability]
    examples: Mapping[str, Examples]
    neutral_examples: tuple[str, ...]
    cues: Mapping[str, tuple[re.Pattern[str], ...]]
    cue_sources: Mapping[str, tuple[str, ...]]
    scope: Mapping[str, Any]
    people: Mapping[str, Any]
    compiled: Mapping[str, Any] = field(repr=False, compare=False)
    # The national floor (floor.yaml) an overlay was checked against; empty for a pack built without one.
    floor: Floor = field(default_factory=Floor)

    @property
    def grooming_codes(self) -> frozenset[str]:
        """Codes that count as grooming indicators in the rules."""
        return frozenset(c for c, i in self.indicators.items() if i.grooming)

    def suggest_agencies(
        self, indicators: Sequence[str], risk: str, audience: str | None = None
    ) -> list[str]:
        """Agency codes the advice rules suggest for these indicators and risk, in first-seen order; with an
        ``audience`` (parent, child, professional), only the agencies meant for that caller."""
        return [code for code, _ in self.advice_for(indicators, risk, audience)]

    def advice_for(
        self, indicators: Sequence[str], risk: str, audience: str | None = None
    ) -> list[tuple[str, bool]]:
        """``(agency code, required)`` for every agency the advice rules give, in first-seen order. An
        agency is required when any rule marked ``required`` that holds names it."""
        facts = Facts(indicators=frozenset(indicators), grooming=self.grooming_codes, risk=risk)
        order: list[str] = []
        required: set[str] = set()
        for rule in self.advice_rules:
            if rule.when is None or not evaluate(rule.when, facts):
                continue
            for code in rule.value:
                if (
                    audience is not None
                    and self.agencies[code].audience
                    and audience not in self.agencies[code].audience
                ):
                    continue
                if code not in order:
                    order.append(code)
                if rule.required:
                    required.add(code)
        return [(code, code in required) for code in order]


# --------------------------------------------------------------------------------------------------- loading


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise PackError(f"{path}: expected UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise PackError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise PackError(f"{path}:{where}: expected valid YAML ({problem})") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise PackError(f"{path}: expected a mapping at the top level, got {type(data).__name__}")
    return data


def _read_dir(directory: Path, *, required: bool) -> dict[str, tuple[Path, dict[str, Any]]]:
    if not directory.is_dir():
        raise PackError(f"{directory}: expected a guidance pack directory")
    unknown = sorted(
        p.name
        for p in directory.iterdir()
        if p.suffix in (".yaml", ".yml") and p.name not in (*PACK_FILES, FLOOR_FILE)
    )
    if unknown:
        raise PackError(f"{directory / unknown[0]}: expected one of the pack files {', '.join(PACK_FILES)}")
    out: dict[str, tuple[Path, dict[str, Any]]] = {}
    for name in PACK_FILES:
        path = directory / name
        if path.exists():
            out[name] = (path, _read_yaml(path))
            if "floor" in out[name][1]:
                raise PackError(
                    f"{path}: floor: expected the national floor in the national {FLOOR_FILE} alone"
                )
        elif required:
            raise PackError(f"{path}: expected this file in the pack")
    if "pack.yaml" not in out:
        raise PackError(f"{directory / 'pack.yaml'}: expected this file (name and version of the pack)")
    return out


class _Merged:
    """Pack data merged from several files, remembering which file last wrote each entry (for messages)."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.origin: dict[tuple[str, ...], Path] = {}

    def where(self, *key: str) -> Path:
        for n in range(len(key), 0, -1):
            if key[:n] in self.origin:
                return self.origin[key[:n]]
        return self.origin[("",)]


def _deep_merge(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            out[k] = _deep_merge(base[k], v) if k in base else copy.deepcopy(v)
        return out
    if isinstance(base, list) and isinstance(over, list):
        if all(isinstance(x, dict) and "id" in x for x in [*base, *over]):
            by_id = {x["id"]: x for x in base}
            order = [x["id"] for x in base]
            for x in over:
                if x["id"] in by_id:
                    by_id[x["id"]] = _deep_merge(by_id[x["id"]], x)
                else:
                    by_id[x["id"]] = copy.deepcopy(x)
                    order.append(x["id"])
            return [by_id[i] for i in order]
        if all(isinstance(x, str) for x in [*base, *over]):
            return [*base, *(x for x in over if x not in base)]
        return copy.deepcopy(over)
    return copy.deepcopy(over)


def _merge_files(merged: _Merged, files: Mapping[str, tuple[Path, dict[str, Any]]]) -> None:
    for _name, (path, data) in files.items():
        merged.origin.setdefault(("",), path)
        for section, value in data.items():
            if section in ("name", "version", "title", "published", "owner"):
                continue
            if isinstance(value, dict) and isinstance(merged.data.get(section), dict):
                for code, entry in value.items():
                    old = merged.data[section].get(code)
                    merged.data[section][code] = entry if old is None else _deep_merge(old, entry)
                    merged.origin[(section, str(code))] = path
            else:
                old = merged.data.get(section)
                merged.data[section] = copy.deepcopy(value) if old is None else _deep_merge(old, value)
                if isinstance(value, dict):
                    for code in value:
                        merged.origin[(section, str(code))] = path
            merged.origin[(section,)] = path


# ------------------------------------------------------------------------------------------------ validation


class _V:
    """Small helpers that raise PackError naming the file, the key path and what was expected."""

    def __init__(self, merged: _Merged) -> None:
        self.m = merged

    def fail(self, key: Sequence[str], expected: str, got: object) -> None:
        path = ".".join(str(k) for k in key)
        shown = repr(got)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        raise PackError(f"{self.m.where(*[str(k) for k in key])}: {path}: expected {expected}, got {shown}")

    def section(self, name: str, kind: type) -> Any:
        if name not in self.m.data:
            raise PackError(f"{self.m.where('')}: {name}: expected this section in the pack, it is missing")
        value = self.m.data[name]
        if not isinstance(value, kind):
            self.fail([name], f"a {'mapping' if kind is dict else 'list'}", value)
        return value

    def text(self, entry: Mapping[str, Any], key: Sequence[str], field_: str) -> str:
        value = entry.get(field_)
        if not isinstance(value, str) or not value.strip():
            self.fail([*key, field_], "non-empty text", value)
        assert isinstance(value, str)
        return value

    def boolean(self, entry: Mapping[str, Any], key: Sequence[str], field_: str) -> bool:
        value = entry.get(field_)
        if not isinstance(value, bool):
            self.fail([*key, field_], "true or false", value)
        return bool(value)

    def mapping(self, value: Any, key: Sequence[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(key, "a mapping", value)
        return value  # type: ignore[no-any-return]

    def str_list(self, value: Any, key: Sequence[str], *, allowed: Sequence[str] | None = None) -> list[str]:
        if not isinstance(value, list):
            self.fail(key, "a list of text items", value)
        for i, x in enumerate(value):
            if not isinstance(x, str):
                self.fail([*key, f"[{i}]"], 'text (quote words YAML reads otherwise, e.g. "yes", "no")', x)
        for x in value:
            if allowed is not None and x not in allowed:
                self.fail(key, f"items among {', '.join(allowed)}", x)
        return list(value)


def _recall_weight(v: _V, entry: Mapping[str, Any], key: Sequence[str]) -> float:
    w = entry.get("recall_weight", 1.0)
    if isinstance(w, bool) or not isinstance(w, int | float) or not 0.5 <= w <= 3.0:
        v.fail(
            [*key, "recall_weight"], "a number from 0.5 to 3 (1 weighs a missed and a false sign alike)", w
        )
    return float(w)


_PHRASE = "phrase: "


def _cue_sources(v: _V, value: Any, key: Sequence[str]) -> list[str]:
    """An indicator's cues as written: a regular expression (text), or ``{phrase: ...}`` (phrases.py), kept as
    ``"phrase: ..."`` so a reviewer sees which form each cue takes."""
    if not isinstance(value, list):
        v.fail(key, "a list of cues", value)
    out = []
    for i, x in enumerate(value):
        if isinstance(x, dict) and set(x) == {"phrase"} and isinstance(x["phrase"], str):
            out.append(_PHRASE + x["phrase"])
        elif isinstance(x, str):
            out.append(x)
        else:
            v.fail([*key, f"[{i}]"], "a regular expression (text) or {phrase: words to find}", x)
    return out


_DUE_FORMS = (
    "a whole number of minutes >= 0 (after the action is required), close_request (due when the handler "
    "asks to close), or {after: close_request, minutes: N}"
)


def _minutes(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _due(v: _V, key: Sequence[str], when: Any) -> Due:
    """One action's due time in one of its three forms (see actions.yaml)."""
    if when == AFTER_CLOSE_REQUEST:
        return Due(AFTER_CLOSE_REQUEST, None)
    if isinstance(when, dict):
        minutes = _minutes(when.get("minutes"))
        if set(when) == {"after", "minutes"} and when["after"] == AFTER_CLOSE_REQUEST and minutes is not None:
            return Due(AFTER_CLOSE_REQUEST, minutes)
        v.fail(key, _DUE_FORMS, when)
    minutes = _minutes(when)
    if minutes is None:
        v.fail(key, _DUE_FORMS, when)
    return Due(AFTER_REQUIRED, minutes)


def _expand(pattern: str, lexicon: Mapping[str, str], where: str, depth: int = 0) -> str:
    if depth > 8:
        raise PackError(f"{where}: expected lexicon entries that do not refer to each other in a loop")

    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in lexicon:
            raise PackError(f"{where}: expected <<{name}>> to be defined in lexicon.yaml")
        return _expand(lexicon[name], lexicon, where, depth + 1)

    return _MACRO.sub(sub, pattern)


def _flexible_spaces(pattern: str) -> str:
    """A literal space in a pattern (outside a character class or a look-behind, which must keep a fixed
    width) matches one or more spaces: handlers type double spaces, and a pack author should not have to
    write [ ]+ between every two words."""
    out: list[str] = []
    groups: list[bool] = []  # for each open group: is it a look-behind?
    in_class = escaped = False
    for i, ch in enumerate(pattern):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            groups.append(pattern.startswith(("(?<=", "(?<!"), i))
        elif ch == ")" and groups:
            groups.pop()
        elif ch == " " and not any(groups):
            # Keep a quantifier's meaning: " ?" (an optional space) becomes "(?: +)?".
            out.append("(?: +)" if pattern[i + 1 : i + 2] in ("?", "*", "+", "{") else " +")
            continue
        out.append(ch)
    return "".join(out)


def _compile(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(_flexible_spaces(pattern), re.IGNORECASE)
    except re.error as exc:
        raise PackError(f"{where}: expected a valid regular expression ({exc})") from None


def _validate(m: _Merged, version: str, sources: tuple[str, ...]) -> GuidancePack:
    v = _V(m)
    # indicators
    raw_ind = v.section("indicators", dict)
    missing = [c for c in NATIONAL_CODES if c not in raw_ind]
    if missing:
        raise PackError(
            f"{m.where('indicators')}: indicators: expected all 15 national codes, missing {missing}"
        )
    indicators: dict[str, Indicator] = {}
    for code, entry in raw_ind.items():
        key = ["indicators", str(code)]
        if not isinstance(code, str) or not _NAME_RE.match(code):
            v.fail(key, "a lower_snake_case code", code)
        e = v.mapping(entry, key)
        indicators[code] = Indicator(
            code=code,
            label=v.text(e, key, "label"),
            definition=v.text(e, key, "definition"),
            examples=tuple(v.str_list(e.get("examples", []), [*key, "examples"])),
            stage=v.text(e, key, "stage"),
            grooming=v.boolean(e, key, "grooming"),
            suspicion_counts=v.boolean(e, key, "suspicion_counts"),
            recall_weight=_recall_weight(v, e, key),
        )
    codes = list(indicators)
    # lexicon and cues
    lexicon = v.mapping(v.section("lexicon", dict), ["lexicon"])
    for name, pat in lexicon.items():
        if not isinstance(pat, str) or not re.fullmatch(r"[A-Z][A-Z0-9_]*", str(name)):
            v.fail(["lexicon", str(name)], "an UPPER_CASE name mapped to a pattern (text)", pat)
    raw_cues = v.section("cues", dict)
    cues: dict[str, tuple[re.Pattern[str], ...]] = {}
    cue_sources: dict[str, tuple[str, ...]] = {}
    for code, pats in raw_cues.items():
        key = ["cues", str(code)]
        if code not in indicators:
            v.fail(key, "cues only for known indicator codes", code)
        pats_l = _cue_sources(v, pats, key)
        compiled = []
        for i, p in enumerate(pats_l):
            where = f"{m.where('cues', str(code))}: cues.{code}[{i}] {p!r}"
            source = p
            if p.startswith(_PHRASE):
                try:
                    source = phrase_to_pattern(p[len(_PHRASE) :], frozenset(lexicon))
                except PhraseError as exc:
                    raise PackError(f"{where}: {exc}") from None
            compiled.append(_compile(_expand(source, lexicon, where), where))
        cues[code] = tuple(compiled)
        cue_sources[code] = tuple(pats_l)
    no_cues = [c for c in codes if not cues.get(c)]
    if no_cues:
        raise PackError(
            f"{m.where('cues')}: cues: expected at least one cue per indicator, none for {no_cues}"
        )
    # scope and people: compile every pattern now
    scope = v.mapping(v.section("scope", dict), ["scope"])
    people = v.mapping(v.section("people", dict), ["people"])
    compiled_extra = _compile_scope_people(v, m, scope, people, lexicon, codes)
    plans = {code: [plan(p) for p in pats] for code, pats in cues.items()}
    compiled_extra["cue_anchors"] = MappingProxyType(
        {code: tuple(a for a, _ in ps) for code, ps in plans.items()}
    )
    # questions
    questions: dict[str, Question] = {}
    for qid, entry in v.section("questions", dict).items():
        key = ["questions", str(qid)]
        e = v.mapping(entry, key)
        informs: str | None = None
        informs_vul = e.get("informs_vulnerability")
        if informs_vul is None:
            informs = v.text(e, key, "informs")
            if informs not in indicators:
                v.fail([*key, "informs"], "a known indicator code", informs)
        elif informs_vul not in (*VULNERABILITIES, "any") or "informs" in e:
            v.fail(
                [*key, "informs_vulnerability"],
                f"one of {', '.join(VULNERABILITIES)} or any (and no 'informs')",
                informs_vul,
            )
        ask_when = v.str_list(e.get("ask_when", []), [*key, "ask_when"], allowed=[*codes, "any_grooming"])
        answers_raw = v.mapping(e.get("answers"), [*key, "answers"])
        if not answers_raw:
            v.fail([*key, "answers"], "at least one answer value", answers_raw)
        answers: dict[str, AnswerEffect] = {}
        for value, eff in answers_raw.items():
            akey = [*key, "answers", str(value)]
            eff = v.mapping(eff if eff is not None else {}, akey)
            extra = set(eff) - {"adds", "fact", "adds_vulnerability"}
            if extra:
                v.fail(akey, "only 'adds', 'fact' and 'adds_vulnerability'", sorted(extra))
            adds = v.str_list(eff.get("adds", []), [*akey, "adds"], allowed=codes)
            adds_vul = v.str_list(
                eff.get("adds_vulnerability", []), [*akey, "adds_vulnerability"], allowed=VULNERABILITIES
            )
            fact = v.mapping(eff.get("fact", {}), [*akey, "fact"])
            for fname, fval in fact.items():
                if fname != "contact_age" or fval not in ("adult", "older", "peer", "unknown"):
                    v.fail([*akey, "fact", str(fname)], "contact_age: adult|older|peer|unknown", fval)
            answers[str(value)] = AnswerEffect(
                adds=tuple(adds), fact=MappingProxyType(dict(fact)), adds_vulnerability=tuple(adds_vul)
            )
        questions[str(qid)] = Question(
            id=str(qid),
            text=v.text(e, key, "text"),
            informs=informs,
            ask_when=tuple(ask_when),
            answers=MappingProxyType(answers),
            decisive=v.boolean(e, key, "decisive") if "decisive" in e else False,
            informs_vulnerability=None if informs_vul is None else str(informs_vul),
        )
        if questions[str(qid)].decisive and "unknown" not in answers:
            v.fail(
                [*key, "answers"],
                "an 'unknown' answer (a decisive question may be answered don't know)",
                list(answers),
            )
    q_answers = {q.id: list(q.answers) for q in questions.values()}
    # actions, referral targets, due times, evidence advice
    actions: dict[str, Action] = {}
    for code, entry in v.section("actions", dict).items():
        key = ["actions", str(code)]
        e = v.mapping(entry, key)
        actions[code] = Action(
            code=code,
            label=v.text(e, key, "label"),
            description=v.text(e, key, "description"),
            may_be_not_applicable=v.boolean(e, key, "may_be_not_applicable"),
        )
    missing_a = [a for a in ACTION_CODES if a not in actions]
    if missing_a:
        raise PackError(
            f"{m.where('actions')}: actions: expected the national action codes, missing {missing_a}"
        )
    referral_targets = {}
    for code, name in v.section("referral_targets", dict).items():
        if not isinstance(name, str) or not name.strip():
            v.fail(["referral_targets", str(code)], "the target's name (text)", name)
        referral_targets[str(code)] = name
    for needed in ("child_protection_team", "mash"):
        if needed not in referral_targets:
            v.fail(["referral_targets"], f"a {needed} entry", sorted(referral_targets))
    due_times: dict[str, Mapping[str, Due]] = {}
    for level, per_action in v.section("due_times", dict).items():
        key = ["due_times", str(level)]
        if level not in RISKS:
            v.fail(key, f"a risk level among {', '.join(RISKS)}", level)
        pa = v.mapping(per_action, key)
        dues: dict[str, Due] = {}
        for a, when in pa.items():
            if a not in actions:
                v.fail([*key, str(a)], "a known action code", a)
            dues[str(a)] = _due(v, [*key, str(a)], when)
        due_times[level] = MappingProxyType(dues)
    evidence_advice = tuple(v.str_list(v.section("evidence_advice", list), ["evidence_advice"]))
    # agencies and advice rules
    agencies: dict[str, Agency] = {}
    for code, entry in v.section("agencies", dict).items():
        key = ["agencies", str(code)]
        e = v.mapping(entry, key)
        contact = v.mapping(e.get("contact"), [*key, "contact"])
        if not contact or set(contact) - {"phone", "url"}:
            v.fail([*key, "contact"], "a mapping with phone and/or url", contact)
        for ck, cv in contact.items():
            if not isinstance(cv, str) or not cv.strip():
                v.fail([*key, "contact", ck], "text (quote phone numbers)", cv)
        if "url" in contact and not str(contact["url"]).startswith("https://"):
            v.fail([*key, "contact", "url"], "an https:// address", contact["url"])
        rd = e.get("review_date")
        try:
            review = rd if isinstance(rd, dt.date) else dt.date.fromisoformat(str(rd))
        except ValueError:
            v.fail([*key, "review_date"], "a date YYYY-MM-DD", rd)
        agencies[code] = Agency(
            code=code,
            name=v.text(e, key, "name"),
            purpose=v.text(e, key, "purpose"),
            contact=MappingProxyType({str(k): str(x) for k, x in contact.items()}),
            audience=tuple(v.str_list(e.get("audience", []), [*key, "audience"])),
            review_date=review,
        )
    for needed in ("ceop", "nspcc", "childline", "report_remove", "iwf", "internet_matters", "act_early"):
        if needed not in agencies:
            v.fail(["agencies"], f"an entry for {needed}", sorted(agencies))
    if "emergency_999" not in agencies:
        v.fail(["agencies"], "an entry for emergency_999", sorted(agencies))

    def cond(c: Any, key: list[str], allow_risk: bool) -> Mapping[str, Any]:
        where = f"{m.where(*key[:2])}: {'.'.join(key)}.when"
        check_condition(c, where, indicators=codes, questions=q_answers, allow_risk=allow_risk)
        return c  # type: ignore[no-any-return]

    def rule_list(
        section: str, value_key: str, allowed: Sequence[str] | None, allow_risk: bool
    ) -> tuple[Rule, ...]:
        out = []
        seen: set[str] = set()
        for i, entry in enumerate(v.section(section, list)):
            key = [section, f"[{i}]"]
            e = v.mapping(entry, key)
            if isinstance(e.get("id"), str):
                key = [section, e["id"]]
            rid = v.text(e, key, "id")
            if rid in seen:
                v.fail([*key, "id"], "a rule id not used before in this section", rid)
            seen.add(rid)
            val = e.get(value_key)
            if isinstance(val, list):
                value: str | tuple[str, ...] = tuple(v.str_list(val, [*key, value_key], allowed=allowed))
            else:
                if not isinstance(val, str) or (allowed is not None and val not in allowed):
                    v.fail([*key, value_key], f"one of {', '.join(allowed or [])}", val)
                value = str(val)
            required = e.get("required", False)
            if not isinstance(required, bool) or (required and section != "advice_rules"):
                v.fail([*key, "required"], "true or false (advice rules only)", required)
            out.append(
                Rule(
                    id=rid,
                    when=cond(e.get("when"), key, allow_risk),
                    value=value,
                    text=e.get("text", ""),
                    required=required,
                )
            )
        return tuple(out)

    advice_rules = rule_list("advice_rules", "agencies", list(agencies), True)
    rr = v.mapping(v.section("risk_rules", dict), ["risk_rules"])
    risk_rules: dict[str, tuple[Rule, ...]] = {}
    for level in ("high", "medium"):
        rules = []
        for i, entry in enumerate(rr.get(level) or []):
            key = ["risk_rules", level, f"[{i}]"]
            e = v.mapping(entry, key)
            if isinstance(e.get("id"), str):
                key = ["risk_rules", level, e["id"]]
            rules.append(
                Rule(
                    id=v.text(e, key, "id"),
                    when=cond(e.get("when"), key, False),
                    value=level,
                    text=v.text(e, key, "text"),
                )
            )
        risk_rules[level] = tuple(rules)
    extra_levels = set(rr) - {"high", "medium", "default"}
    if extra_levels:
        v.fail(["risk_rules"], "only high, medium and default", sorted(extra_levels))
    d = v.mapping(rr.get("default"), ["risk_rules", "default"])
    risk_default = Rule(
        id=v.text(d, ["risk_rules", "default"], "id"),
        when=None,
        value="standard",
        text=v.text(d, ["risk_rules", "default"], "text"),
    )
    response_rules = rule_list("response_rules", "response", RESPONSES, True)
    raise_rules = rule_list("raise_rules", "to", ("medium", "high"), True)
    vulnerabilities: dict[str, Vulnerability] = {}
    for vcode, entry in v.section("vulnerability", dict).items():
        key = ["vulnerability", str(vcode)]
        if vcode not in VULNERABILITIES:
            v.fail(key, f"one of {', '.join(VULNERABILITIES)}", vcode)
        e = v.mapping(entry, key)
        vpats = []
        for i, p in enumerate(v.str_list(e.get("cues", []), [*key, "cues"])):
            where = f"{m.where('vulnerability', str(vcode))}: vulnerability.{vcode}.cues[{i}] {p!r}"
            vpats.append(_compile(_expand(p, lexicon, where), where))
        vulnerabilities[str(vcode)] = Vulnerability(
            code=str(vcode), label=v.text(e, key, "label"), cues=tuple(vpats)
        )
    examples: dict[str, Examples] = {}
    for ecode, entry in v.section("examples", dict).items():
        key = ["examples", str(ecode)]
        if ecode not in indicators:
            v.fail(key, "examples only for known indicator codes", ecode)
        e = v.mapping(entry, key)
        extra_e = set(e) - {"positive", "negative"}
        if extra_e:
            v.fail(key, "only 'positive' and 'negative' lists", sorted(extra_e))
        pos = v.str_list(e.get("positive", []), [*key, "positive"])
        if not pos:
            v.fail([*key, "positive"], "at least one example sentence", pos)
        examples[str(ecode)] = Examples(
            tuple(pos), tuple(v.str_list(e.get("negative", []), [*key, "negative"]))
        )
    neutral = tuple(v.str_list(m.data.get("neutral", []), ["neutral"]))
    missing_e = [c for c in codes if c not in examples]
    if missing_e:
        v.fail(["examples"], "positive examples for every indicator", missing_e)
    missing_v = [c for c in VULNERABILITIES if c not in vulnerabilities]
    if missing_v:
        v.fail(["vulnerability"], f"an entry for each of {', '.join(VULNERABILITIES)}", missing_v)
    action_rules = rule_list("action_rules", "action", list(actions), True)
    _index_patterns(
        compiled_extra,
        [p for ps in plans.values() for p in ps],
        [p for vul in vulnerabilities.values() for p in vul.cues],
    )
    return GuidancePack(
        version=version,
        sources=sources,
        indicators=MappingProxyType(indicators),
        questions=MappingProxyType(questions),
        actions=MappingProxyType(actions),
        agencies=MappingProxyType(agencies),
        advice_rules=advice_rules,
        referral_targets=MappingProxyType(referral_targets),
        due_times=MappingProxyType(due_times),
        evidence_advice=evidence_advice,
        risk_rules=MappingProxyType(risk_rules),
        risk_default=risk_default,
        response_rules=response_rules,
        action_rules=action_rules,
        raise_rules=raise_rules,
        vulnerabilities=MappingProxyType(vulnerabilities),
        examples=MappingProxyType(examples),
        neutral_examples=neutral,
        cues=MappingProxyType(cues),
        cue_sources=MappingProxyType(cue_sources),
        scope=MappingProxyType(scope),
        people=MappingProxyType(people),
        compiled=MappingProxyType(compiled_extra),
    )


def _compile_scope_people(
    v: _V,
    m: _Merged,
    scope: Mapping[str, Any],
    people: Mapping[str, Any],
    lexicon: Mapping[str, str],
    codes: Sequence[str],
) -> dict[str, Any]:
    out: dict[str, Any] = {}

    def alternation(section: str, data: Mapping[str, Any], key: str) -> re.Pattern[str]:
        pats = v.str_list(data.get(key), [section, key])
        if not pats:
            v.fail([section, key], "at least one pattern", pats)
        where = f"{m.where(section)}: {section}.{key}"
        for i, p in enumerate(pats):
            _compile(_expand(p, lexicon, f"{where}[{i}]"), f"{where}[{i}]")
        return _compile("|".join(f"(?:{_expand(p, lexicon, where)})" for p in pats), where)

    def single(section: str, data: Mapping[str, Any], key: str) -> re.Pattern[str]:
        p = data.get(key)
        if not isinstance(p, str):
            v.fail([section, key], "a pattern (text)", p)
        where = f"{m.where(section)}: {section}.{key}"
        return _compile(_expand(str(p), lexicon, where), where)

    for k in ("clause_breaks", "negation", "pseudo_negation", "hypothetical", "hypothetical_cancel"):
        out[k] = alternation("scope", scope, k)
    for k in ("post_negation", "question_start", "question_yes", "worry_before", "modal_after"):
        out[k] = single("scope", scope, k)
    ww = scope.get("window_words")
    if not isinstance(ww, int) or isinstance(ww, bool) or not 1 <= ww <= 40:
        v.fail(["scope", "window_words"], "a whole number from 1 to 40", ww)
    out["window_words"] = ww
    near = v.mapping(scope.get("near_negation"), ["scope", "near_negation"])
    nw = near.get("words")
    if not isinstance(nw, int) or isinstance(nw, bool) or not 0 <= nw <= 10:
        v.fail(["scope", "near_negation", "words"], "a whole number from 0 to 10", nw)
    out["near_words"] = nw
    out["near_negation"] = single("scope.near_negation", near, "pattern")
    short = v.mapping(scope.get("short_negation"), ["scope", "short_negation"])
    sw = short.get("words")
    if not isinstance(sw, int) or isinstance(sw, bool) or not 1 <= sw <= 20:
        v.fail(["scope", "short_negation", "words"], "a whole number from 1 to 20", sw)
    out["short_words"] = sw
    out["short_negation"] = alternation("scope.short_negation", short, "patterns")
    fam = v.mapping(scope.get("family_actor"), ["scope", "family_actor"])
    fam_codes = v.str_list(fam.get("indicators"), ["scope", "family_actor", "indicators"], allowed=codes)
    fam_after = v.str_list(
        fam.get("after_indicators"), ["scope", "family_actor", "after_indicators"], allowed=codes
    )
    out["family_actor"] = MappingProxyType(
        {
            "indicators": frozenset(fam_codes),
            "after_indicators": frozenset(fam_after),
            "before": single("scope.family_actor", fam, "before"),
            "after": single("scope.family_actor", fam, "after"),
            "occasion_indicators": frozenset(
                v.str_list(
                    fam.get("occasion_indicators", []),
                    ["scope", "family_actor", "occasion_indicators"],
                    allowed=codes,
                )
            ),
            "occasion": single("scope.family_actor", fam, "occasion") if "occasion" in fam else None,
        }
    )
    out["check_record"] = single("scope", scope, "check_record") if "check_record" in scope else None
    asked_no = single("scope", scope, "asked_no") if "asked_no" in scope else None
    if asked_no is not None and "q" not in asked_no.groupindex:
        v.fail(
            ["scope", "asked_no"],
            "a pattern with a named group (?P<q>...) for the question",
            scope["asked_no"],
        )
    out["asked_no"] = asked_no
    out["asked_no_unless"] = single("scope", scope, "asked_no_unless") if "asked_no_unless" in scope else None
    out["turn_label"] = single("scope", scope, "turn_label") if "turn_label" in scope else None
    said_absent = v.mapping(scope.get("said_absent", {}), ["scope", "said_absent"])
    unknown = [str(c) for c in said_absent if c not in codes]
    if unknown:
        v.fail(["scope", "said_absent"], "known indicator codes", unknown)
    out["said_absent"] = MappingProxyType(
        {str(code): single("scope.said_absent", said_absent, str(code)) for code in said_absent}
    )
    topic = v.mapping(scope.get("topic", {}), ["scope", "topic"])
    out["topic"] = MappingProxyType(
        {
            "indicators": frozenset(
                v.str_list(topic.get("indicators", []), ["scope", "topic", "indicators"], allowed=codes)
            ),
            "near": single("scope.topic", topic, "near") if "near" in topic else None,
            "unless": single("scope.topic", topic, "unless") if "unless" in topic else None,
        }
    )
    for key in ("past_before", "feared_before"):
        frame = v.mapping(scope.get(key, {}), ["scope", key])
        out[key] = MappingProxyType(
            {
                "indicators": frozenset(
                    v.str_list(frame.get("indicators", []), ["scope", key, "indicators"], allowed=codes)
                ),
                "pattern": single(f"scope.{key}", frame, "pattern") if "pattern" in frame else None,
            }
        )

    for k in (
        "child_words",
        "caller_words",
        "contact_words",
        "known_roles",
        "adult_roles",
        "towns",
        "not_names",
    ):
        v.str_list(people.get(k), ["people", k])
    older = v.mapping(people.get("older_by_years"), ["people", "older_by_years"])
    for k in ("always", "with_concern"):
        n = older.get(k)
        if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= 10:
            v.fail(["people", "older_by_years", k], "a whole number of years from 1 to 10", n)
    if older["with_concern"] > older["always"]:
        v.fail(["people", "older_by_years", "with_concern"], "no more than 'always'", older["with_concern"])
    out["older_by_years"] = (older["always"], older["with_concern"])
    out["peer_cues"] = alternation("people", people, "peer_cues")
    out["known_to_family_re"] = alternation("people", people, "known_to_family")
    no_child = v.mapping(people.get("no_child"), ["people", "no_child"])
    out["no_child"] = MappingProxyType(
        {
            "rule": v.text(no_child, ["people", "no_child"], "rule"),
            "text": v.text(no_child, ["people", "no_child"], "text"),
            "re": alternation("people.no_child", no_child, "patterns"),
        }
    )
    found_safe = v.mapping(people.get("found_safe", {}), ["people", "found_safe"])
    out["found_safe"] = (
        MappingProxyType(
            {
                "rule": v.text(found_safe, ["people", "found_safe"], "rule"),
                "text": v.text(found_safe, ["people", "found_safe"], "text"),
                "re": alternation("people.found_safe", found_safe, "patterns"),
                "not_after": single("people.found_safe", found_safe, "not_after"),
                "not_for": single("people.found_safe", found_safe, "not_for"),
            }
        )
        if found_safe
        else None
    )
    for k in ("age_patterns", "estimated_age_patterns"):
        pats = v.str_list(people.get(k), ["people", k])
        comp = []
        for i, p in enumerate(pats):
            where = f"{m.where('people')}: people.{k}[{i}]"
            c = _compile(_expand(p, lexicon, where), where)
            if "age" not in c.groupindex and "decade" not in c.groupindex:
                v.fail(
                    ["people", k, f"[{i}]"], "a pattern with a named group (?P<age>...) or (?P<decade>...)", p
                )
            comp.append(c)
        out[k] = tuple(comp)
        out[f"{k}_anchors"] = tuple(anchors_of(c) for c in comp)
    platforms = v.mapping(people.get("platforms"), ["people", "platforms"])
    for name, words in platforms.items():
        v.str_list(words, ["people", "platforms", str(name)])

    def words_re(words: Sequence[str]) -> re.Pattern[str]:
        alts = sorted((re.escape(w).replace(r"\ ", r"\s+") for w in words), key=len, reverse=True)
        return re.compile(r"(?<![\w@#])\b(?:" + "|".join(alts) + r")(?![\w@])", re.IGNORECASE)

    out["platform_of"] = {w.lower(): str(name) for name, ws in platforms.items() for w in ws}
    out["platform_re"] = words_re([w for ws in platforms.values() for w in ws])
    out["town_re"] = words_re(people["towns"])
    out["town_re_anchors"] = anchors_of(out["town_re"])
    out["child_re"] = words_re(people["child_words"])
    out["caller_re"] = words_re(people["caller_words"])
    out["contact_re"] = words_re(people["contact_words"])
    out["known_role_re"] = words_re(people["known_roles"])
    out["adult_role_re"] = words_re(people["adult_roles"])
    out["not_names"] = frozenset(w.lower() for w in people["not_names"])
    return out


def _index_patterns(
    out: dict[str, Any],
    cue_plans: Sequence[tuple[Anchors | None, Later | None]],
    vulnerability_cues: Sequence[re.Pattern[str]],
) -> None:
    """One table of where the pack's patterns can begin, so that each text is indexed once for all of them
    (see prefilter.py): the cues in the order detect() walks them (indicator by indicator), the look-back
    patterns of scope (``WINDOW_PATTERNS``), then the people patterns the extractor and the engine run over
    whole texts or windows of them, and the vulnerability cues."""
    window = [out[k] for k in WINDOW_PATTERNS]
    # Clause breaks begin with punctuation as often as with words: their word-start alternatives take a slot,
    # the others are found by a probe (see prefilter.openings_of).
    out["breaks_openings"] = breaks = openings_of(out["clause_breaks"])
    ages = [*out["estimated_age_patterns"], *out["age_patterns"]]
    age_anchors = [*out["estimated_age_patterns_anchors"], *out["age_patterns_anchors"]]
    scanned = ["child_re", "caller_re", "contact_re", "known_role_re", "adult_role_re"]
    scanned += ["peer_cues", "known_to_family_re"]
    others = [out[k] for k in scanned] + [out["no_child"]["re"], *vulnerability_cues]
    people = [out["town_re"], *ages, *others]
    people_anchors = [out["town_re_anchors"], *age_anchors, *(anchors_of(p) for p in others)]
    table = StartTable(
        [
            *(a for a, _ in cue_plans),
            *(anchors_of(p) for p in window),
            breaks.anchors if breaks is not None else None,
            *people_anchors,
        ],
        [*(later for _, later in cue_plans), *([None] * (len(window) + 1 + len(people)))],
    )
    n = len(cue_plans)
    out["text_table"] = table
    out["cue_slots"] = slice(0, n)
    out["window_slots"] = slice(n, n + len(window))
    out["breaks_slot"] = n + len(window)
    out["people_scan"] = PatternScan(people, table=table, offset=n + len(window) + 1)


# ------------------------------------------------------------------------------------------------- public API


# ``load_pack(NO_OVERLAY)``: the national pack alone, even where HEED_GUIDANCE names an overlay.
NO_OVERLAY = ""


def load_pack(
    path: str | os.PathLike[str] | None = None, *, national_dir: str | os.PathLike[str] | None = None
) -> GuidancePack:
    """Load the national pack, overlaid by the force pack at ``path`` or, when None, at ``HEED_GUIDANCE``
    (``NO_OVERLAY``: none, whatever the environment says).
    ``national_dir``: a national pack other than the one shipped (a pack file's, unpacked, to compare).

    Raises PackError naming the file, key path and what was expected when any file is invalid, and naming the
    overlay file and the item when an overlay lowers or removes what the national floor marks (floor.yaml).
    """
    directory = Path(national_dir) if national_dir is not None else NATIONAL_DIR
    overlay = path if path is not None else os.environ.get("HEED_GUIDANCE") or None
    if overlay is None or overlay == NO_OVERLAY:
        return _load_national(directory)
    force_dir = Path(overlay)
    if (force_dir / FLOOR_FILE).exists():
        raise PackError(
            f"{force_dir / FLOOR_FILE}: the floor is the national pack's alone: a force overlay may not "
            f"carry {FLOOR_FILE} (forces may add rules, questions, agencies and actions)"
        )
    national = _read_dir(directory, required=True)
    force = _read_dir(force_dir, required=False)
    merged = _Merged()
    _merge_files(merged, national)
    _merge_files(merged, force)
    sources = (_stamp(national), _stamp(force))
    pack = _validate(merged, "+".join(sources), sources)
    alone = _national_alone(directory)
    found = breaches(alone.floor, alone, pack, merged.where)
    if found:
        more = f" (and {len(found) - 1} more below the floor)" if len(found) > 1 else ""
        raise PackError(found[0] + more)
    return dataclasses.replace(pack, floor=alone.floor)


def _load_national(directory: Path) -> GuidancePack:
    files = _read_dir(directory, required=True)
    merged = _Merged()
    _merge_files(merged, files)
    stamp = _stamp(files)
    pack = _validate(merged, stamp, (stamp,))
    return dataclasses.replace(pack, floor=_read_floor(directory / FLOOR_FILE, pack))


def _national_alone(directory: Path) -> GuidancePack:
    """The national pack alone, to compare an overlaid one with: cached by the digest of its files, since an
    overlay would otherwise validate (and compile) the national pack twice on every load."""
    digest = hashlib.sha256()
    for p in sorted(directory.iterdir()):
        if p.is_file() and p.suffix in (".yaml", ".yml"):
            digest.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    return _national_cached(directory, digest.hexdigest())


@functools.lru_cache(maxsize=4)
def _national_cached(directory: Path, digest: str) -> GuidancePack:
    return _load_national(directory)


def _read_floor(path: Path, national: GuidancePack) -> Floor:
    """The national floor in ``path``: lists of the national pack's own rule ids, action codes, agency codes,
    question ids and indicator codes. A national pack without the file has no floor (one built before there
    was a floor); the shipped pack has one (tests/risk/test_floor.py)."""
    if not path.exists():
        return Floor()
    data = _read_yaml(path)
    if set(data) != {"floor"} or not isinstance(data["floor"], dict):
        raise PackError(f"{path}: expected one mapping, floor:, of {', '.join(FLOOR_KINDS)}")
    raw = data["floor"]
    extra = sorted(str(k) for k in set(raw) - set(FLOOR_KINDS))
    if extra:
        raise PackError(f"{path}: floor: expected only {', '.join(FLOOR_KINDS)}, got {extra}")
    known: dict[str, Any] = {
        "actions": national.actions,
        "agencies": national.agencies,
        "questions": national.questions,
        "indicators": national.indicators,
    }
    lists: dict[str, tuple[str, ...]] = {}
    for kind in FLOOR_KINDS:
        codes = raw.get(kind) or []
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise PackError(f"{path}: floor.{kind}: expected a list of codes, got {codes!r}")
        for code in codes:
            if kind == "rules":
                sections = rule_section(national, code)
                if len(sections) != 1:
                    where = f"in {', '.join(sections)}" if sections else "not in the pack"
                    raise PackError(
                        f"{path}: floor.rules: expected the id of one rule of the national pack (risk, "
                        f"raise, response, action or advice), got {code!r} ({where})"
                    )
            elif code not in known[kind]:
                raise PackError(f"{path}: floor.{kind}: expected a code of the national pack, got {code!r}")
        lists[kind] = tuple(dict.fromkeys(codes))
    return Floor(**lists)


def _stamp(files: Mapping[str, tuple[Path, dict[str, Any]]]) -> str:
    path, meta = files["pack.yaml"]
    name, version = meta.get("name"), meta.get("version")
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name):
        raise PackError(f"{path}: name: expected a pack name (letters, digits, - _ .), got {name!r}")
    if not isinstance(version, str | int) or isinstance(version, bool) or not str(version).strip():
        raise PackError(f'{path}: version: expected a version (text, e.g. "2026.11.0"), got {version!r}')
    return f"{name}@{version}"


@functools.lru_cache(maxsize=1)
def _cached_default(overlay: str | None) -> GuidancePack:
    return load_pack(overlay)


def default_pack() -> GuidancePack:
    """The pack in force: national overlaid by ``HEED_GUIDANCE`` when set; loaded once and cached."""
    return _cached_default(os.environ.get("HEED_GUIDANCE") or None)

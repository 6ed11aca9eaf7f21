"""A small pure evaluator for the condition language of the pack's rules (rules as data, see rules.yaml).

A condition is a one-key mapping: ``has``, ``has_any``, ``has_all``, ``count``, ``fact``, ``answer``,
``subject``, ``risk_in``, ``vulnerable`` (the child has any of the listed vulnerabilities), or the
combinators ``all``, ``any``, ``not``. Evaluation never raises on well-formed conditions;
``check_condition`` is used at pack load so that a malformed one is refused there, never at run time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from heed.risk.errors import PackError

OPERATORS = (
    "has",
    "has_any",
    "has_all",
    "count",
    "fact",
    "answer",
    "subject",
    "risk_in",
    "vulnerable",
    "all",
    "any",
    "not",
)
FACT_NAMES = {"contact_age": ("adult", "older", "peer", "unknown")}
SUBJECT_KINDS = ("person", "handle", "phone", "email", "town", "identifier")
ROLES = ("child", "contact", "caller", "other")
RISKS = ("high", "medium", "standard")
VULNERABLE = ("under_13", "sen_disability", "in_care", "previously_missing", "mental_health")


@dataclass(frozen=True)
class Facts:
    """What a condition can look at: indicators present, facts, answers, subjects and (later) the risk."""

    indicators: frozenset[str]
    grooming: frozenset[str]
    facts: Mapping[str, str] = field(default_factory=dict)
    answers: Mapping[str, str] = field(default_factory=dict)
    subjects: Sequence[tuple[str, str | None]] = ()  # (kind, role)
    risk: str | None = None
    vulnerability: frozenset[str] = frozenset()


def evaluate(cond: Mapping[str, object], facts: Facts) -> bool:
    """Return whether ``cond`` holds for ``facts``."""
    ((op, arg),) = cond.items()
    return _EVALUATORS[op](arg, facts)


def _codes(arg: object) -> list[str]:
    return [str(c) for c in arg] if isinstance(arg, list) else [str(arg)]


def _count(arg: object, facts: Facts) -> bool:
    assert isinstance(arg, Mapping)
    of = arg.get("of", "all")
    if of == "grooming":
        pool: frozenset[str] = facts.indicators & facts.grooming
    elif of == "all":
        pool = facts.indicators
    else:
        pool = facts.indicators & frozenset(_codes(of))
    n = len(pool)
    lo = int(arg.get("min", 0))
    hi = arg.get("max")
    return n >= lo and (hi is None or n <= int(hi))


def _subject(arg: object, facts: Facts) -> bool:
    assert isinstance(arg, Mapping)
    kind = arg.get("kind")
    kinds = ("handle", "phone", "email") if kind == "identifier" else (kind,)
    role_in = arg.get("role_in")
    role_not_in = arg.get("role_not_in")
    for s_kind, role in facts.subjects:
        if s_kind not in kinds:
            continue
        if isinstance(role_in, list) and role not in role_in:
            continue
        if isinstance(role_not_in, list) and role in role_not_in:
            continue
        return True
    return False


def _fact(arg: object, facts: Facts) -> bool:
    assert isinstance(arg, Mapping)
    values = arg.get("in", [])
    return facts.facts.get(str(arg.get("name"))) in (values if isinstance(values, list) else [])


def _answer(arg: object, facts: Facts) -> bool:
    assert isinstance(arg, Mapping)
    values = arg.get("in", [])
    return facts.answers.get(str(arg.get("question"))) in (values if isinstance(values, list) else [])


def _seq(arg: object) -> list[Mapping[str, object]]:
    assert isinstance(arg, list)
    return arg


_EVALUATORS: dict[str, Callable[[object, Facts], bool]] = {
    "has": lambda a, f: str(a) in f.indicators,
    "has_any": lambda a, f: any(c in f.indicators for c in _codes(a)),
    "has_all": lambda a, f: all(c in f.indicators for c in _codes(a)),
    "count": _count,
    "fact": _fact,
    "answer": _answer,
    "subject": _subject,
    "risk_in": lambda a, f: f.risk in _codes(a),
    "vulnerable": lambda a, f: any(c in f.vulnerability for c in _codes(a)),
    "all": lambda a, f: all(evaluate(c, f) for c in _seq(a)),
    "any": lambda a, f: any(evaluate(c, f) for c in _seq(a)),
    "not": lambda a, f: not evaluate(a, f) if isinstance(a, Mapping) else False,
}


def check_condition(
    cond: object,
    where: str,
    *,
    indicators: Sequence[str],
    questions: Mapping[str, Sequence[str]],
    allow_risk: bool,
) -> None:
    """Refuse a malformed condition with a PackError naming ``where`` (file and key path)."""

    def fail(path: str, expected: str, got: object) -> None:
        raise PackError(f"{where}{path}: expected {expected}, got {got!r}")

    def walk(c: object, path: str) -> None:
        if not isinstance(c, Mapping) or len(c) != 1:
            fail(path, f"a mapping with exactly one of {', '.join(OPERATORS)}", c)
        assert isinstance(c, Mapping)
        ((op, arg),) = c.items()
        p = f"{path}.{op}"
        if op in ("has", "has_any", "has_all"):
            codes = arg if isinstance(arg, list) else [arg]
            if op != "has" and not isinstance(arg, list):
                fail(p, "a list of indicator codes", arg)
            for code in codes:
                if code not in indicators:
                    fail(p, "a known indicator code", code)
        elif op == "count":
            if not isinstance(arg, Mapping) or ("min" not in arg and "max" not in arg):
                fail(p, "a mapping with 'of' and 'min' and/or 'max'", arg)
            assert isinstance(arg, Mapping)
            of = arg.get("of", "all")
            if of not in ("grooming", "all") and (
                not isinstance(of, list) or any(x not in indicators for x in of)
            ):
                fail(f"{p}.of", "'grooming', 'all' or a list of known indicator codes", of)
            for k in ("min", "max"):
                if k in arg and (not isinstance(arg[k], int) or isinstance(arg[k], bool) or arg[k] < 0):
                    fail(f"{p}.{k}", "a whole number >= 0", arg[k])
        elif op == "fact":
            if not isinstance(arg, Mapping) or arg.get("name") not in FACT_NAMES:
                fail(p, f"a mapping with name one of {sorted(FACT_NAMES)}", arg)
            assert isinstance(arg, Mapping)
            allowed = FACT_NAMES[str(arg["name"])]
            vals = arg.get("in")
            if not isinstance(vals, list) or not vals or any(v not in allowed for v in vals):
                fail(f"{p}.in", f"a non-empty list of {', '.join(allowed)}", vals)
        elif op == "answer":
            if not isinstance(arg, Mapping) or arg.get("question") not in questions:
                fail(p, "a mapping with question: a known question id", arg)
            assert isinstance(arg, Mapping)
            allowed_a = questions[str(arg["question"])]
            vals = arg.get("in")
            if not isinstance(vals, list) or any(v not in allowed_a for v in vals):
                fail(f"{p}.in", f"a list of answers among {', '.join(allowed_a)}", vals)
        elif op == "subject":
            if not isinstance(arg, Mapping) or arg.get("kind") not in SUBJECT_KINDS:
                fail(p, f"a mapping with kind one of {', '.join(SUBJECT_KINDS)}", arg)
            assert isinstance(arg, Mapping)
            for k in ("role_in", "role_not_in"):
                if k in arg and (not isinstance(arg[k], list) or any(r not in ROLES for r in arg[k])):
                    fail(f"{p}.{k}", f"a list of roles among {', '.join(ROLES)}", arg[k])
        elif op == "risk_in":
            if not allow_risk:
                fail(p, "no risk_in here (risk rules cannot depend on the risk)", arg)
            if not isinstance(arg, list) or any(r not in RISKS for r in arg):
                fail(p, f"a list of {', '.join(RISKS)}", arg)
        elif op == "vulnerable":
            if not isinstance(arg, list) or not arg or any(x not in VULNERABLE for x in arg):
                fail(p, f"a non-empty list of {', '.join(VULNERABLE)}", arg)
        elif op in ("all", "any"):
            if not isinstance(arg, list) or not arg:
                fail(p, "a non-empty list of conditions", arg)
            for i, sub in enumerate(arg):
                walk(sub, f"{p}[{i}]")
        elif op == "not":
            walk(arg, p)
        else:
            fail(path, f"one of {', '.join(OPERATORS)}", op)

    walk(cond, "")

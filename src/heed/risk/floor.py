"""The national floor: what a force's overlay may add to, or make stricter, but never lower or remove.

The national pack lists its floor in ``floor.yaml`` (rule ids, action codes, agency codes, question ids and
indicator codes; ADR 0021). When a force overlay is loaded, the merged pack is compared with the national pack
alone, item by item, so that whatever an overlay wrote (a field, a whole list, ``null``, a copy of a rule at
another level) the result is what is judged. Each floor kind may and may not change:

===============  ============================================  ==============================================
floor item       a force may                                    a force may not
===============  ============================================  ==============================================
risk rule        reword its text; give it a higher level too    remove it, change its condition, move it lower
raise rule       reword its text; raise its ``to``              remove it, change its condition, lower ``to``
response rule    reword its text; make its response more        remove it, change its condition, make its
                 urgent                                         response less urgent
action rule      reword its text                                remove it, change its condition or its action
advice rule      reword its text; add agencies; make it         remove it, change its condition, drop an
                 required                                       agency from it, make it not required
action           reword its label and description; forbid      let it be closed as not applicable; remove,
                 "not applicable"; shorten a due time; add a    lengthen or change the clock of a national
                 due time where the nation has none             due time
agency           reword its name and purpose; move its          remove it, change its contact (phone or url),
                 review date; widen its audience                narrow its audience
question         reword its text; make an answer add more;      remove it, stop it being decisive, change what
                 suggest it more often (ask_when)               it informs, add or remove answer values, make
                                                                an answer add less or set another fact,
                                                                suggest it less often
indicator        reword its label and definition; add           stop it counting as grooming, stop it counting
                 examples and cues; make it count as grooming   on suspicion
===============  ============================================  ==============================================

Pure Python over loaded packs: the file is read by ``heed.risk.pack``, which raises the first breach (and how
many more there are) as one PackError line naming the overlay file and the item.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from heed.risk.pack import GuidancePack, Rule

FLOOR_FILE = "floor.yaml"
FLOOR_KINDS = ("rules", "actions", "agencies", "questions", "indicators")
# Rule sections whose rules are a list of their own (risk rules are kept per level, see _risk_rule).
FLAT_RULE_SECTIONS = ("raise_rules", "response_rules", "action_rules", "advice_rules")
LEVEL_RANK = {"standard": 0, "medium": 1, "high": 2}
URGENCY_RANK = {"resolution_without_deployment": 0, "scheduled": 1, "priority": 2, "emergency": 3}

Where = Callable[..., Path]  # (section, code) -> the file that last wrote that entry


@dataclass(frozen=True)
class Floor:
    """The items of the national pack a force may not lower or remove, by kind (see FLOOR_KINDS)."""

    rules: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()

    def items(self) -> set[tuple[str, str]]:
        """Every item as ``(kind, code)`` with the kind in the singular ("rule", "action", ...)."""
        return {(kind[:-1], code) for kind in FLOOR_KINDS for code in getattr(self, kind)}


def rule_section(pack: GuidancePack, rule_id: str) -> list[str]:
    """The sections of ``pack`` holding a rule with this id ("risk_rules.high", "raise_rules", ...)."""
    found = [
        f"risk_rules.{level}"
        for level, rules in pack.risk_rules.items()
        if any(r.id == rule_id for r in rules)
    ]
    for section in FLAT_RULE_SECTIONS:
        if any(r.id == rule_id for r in getattr(pack, section)):
            found.append(section)
    return found


def breaches(floor: Floor, national: GuidancePack, merged: GuidancePack, where: Where) -> list[str]:
    """Every way ``merged`` (national and a force overlay) lowers or removes an item of ``floor``, as one line
    each naming the file, the item and what a force may not do; empty when it keeps the floor."""
    out: list[str] = []
    for rule_id in floor.rules:
        (section,) = rule_section(national, rule_id)  # read_floor accepts ids of exactly one section
        if section.startswith("risk_rules."):
            out += _risk_rule(rule_id, section.split(".")[1], national, merged, where)
        else:
            out += _flat_rule(rule_id, section, national, merged, where)
    for code in floor.actions:
        out += _action(code, national, merged, where)
    for code in floor.agencies:
        out += _agency(code, national, merged, where)
    for qid in floor.questions:
        out += _question(qid, national, merged, where)
    for code in floor.indicators:
        out += _indicator(code, national, merged, where)
    return out


def _say(where: Path, key: str, noun: str, may_not: str, may: str) -> str:
    return f"{where}: {key} is a national floor {noun}: a force may not {may_not} ({may})"


def _risk_rule(
    rule_id: str, level: str, national: GuidancePack, merged: GuidancePack, where: Where
) -> list[str]:
    (nat,) = [r for r in national.risk_rules[level] if r.id == rule_id]
    found = [(lvl, r) for lvl, rules in merged.risk_rules.items() for r in rules if r.id == rule_id]
    at_or_above = [r for lvl, r in found if LEVEL_RANK[lvl] >= LEVEL_RANK[level]]
    if any(r.when == nat.when for r in at_or_above):
        return []
    if at_or_above:
        may_not = "change its condition"
    elif found:
        may_not = f"move it to a lower level ({', '.join(lvl for lvl, _ in found)})"
    else:
        may_not = "remove it"
    key = f"risk_rules.{level} {rule_id}"
    return [_say(where("risk_rules", level), key, "rule", may_not, "forces may add rules")]


def _flat_rule(
    rule_id: str, section: str, national: GuidancePack, merged: GuidancePack, where: Where
) -> list[str]:
    (nat,) = [r for r in getattr(national, section) if r.id == rule_id]
    now: list[Rule] = [r for r in getattr(merged, section) if r.id == rule_id]
    file, key = where(section), f"{section} {rule_id}"
    if not now:
        return [_say(file, key, "rule", "remove it", "forces may add rules")]
    new = now[0]
    if new.when != nat.when:
        return [_say(file, key, "rule", "change its condition", "forces may add rules")]
    if section == "raise_rules" and LEVEL_RANK[str(new.value)] < LEVEL_RANK[str(nat.value)]:
        return [
            _say(file, key, "rule", f"lower its to: from {nat.value} to {new.value}", "forces may raise it")
        ]
    if section == "response_rules" and URGENCY_RANK[str(new.value)] < URGENCY_RANK[str(nat.value)]:
        may_not = f"make its response less urgent: {new.value} instead of {nat.value}"
        return [_say(file, key, "rule", may_not, "forces may make it more urgent")]
    if section == "action_rules" and new.value != nat.value:
        may_not = f"change the action it requires from {nat.value} to {new.value}"
        return [_say(file, key, "rule", may_not, "forces may add rules")]
    if section == "advice_rules":
        # An overlay's "agencies: x" (one code, not a list) replaces the list: compare codes, not text.
        now_codes = (new.value,) if isinstance(new.value, str) else new.value
        dropped = [a for a in nat.value if a not in now_codes]
        if dropped:
            may_not = f"drop {', '.join(dropped)} from it"
            return [_say(file, key, "rule", may_not, "forces may add agencies")]
        if nat.required and not new.required:
            return [_say(file, key, "rule", "make it not required", "forces may add agencies")]
    return []


def _action(code: str, national: GuidancePack, merged: GuidancePack, where: Where) -> list[str]:
    out = []
    nat, new = national.actions[code], merged.actions.get(code)
    if new is None:
        return [
            _say(where("actions", code), f"actions {code}", "action", "remove it", "forces may add actions")
        ]
    if new.may_be_not_applicable and not nat.may_be_not_applicable:
        may_not = "let it be closed as not applicable"
        out.append(_say(where("actions", code), f"actions {code}", "action", may_not, "forces may reword it"))
    for level, dues in national.due_times.items():
        if code not in dues:
            continue
        was, now = dues[code], merged.due_times.get(level, {}).get(code)
        key = f"due_times.{level} {code}"
        if now is None:
            may_not = f"remove its due time ({was.words()})"
        elif not now.no_later_than(was):
            may_not = f"make it due {now.words()} instead of {was.words()}"
        else:
            continue
        out.append(
            _say(where("due_times", level), key, "action", may_not, "forces may shorten its due times")
        )
    return out


def _agency(code: str, national: GuidancePack, merged: GuidancePack, where: Where) -> list[str]:
    nat, new = national.agencies[code], merged.agencies.get(code)
    file, key, may = where("agencies", code), f"agencies {code}", "forces may reword its name and purpose"
    if new is None:
        return [_say(file, key, "agency", "remove it", "forces may add agencies")]
    if dict(new.contact) != dict(nat.contact):
        changed = sorted(k for k in {*nat.contact, *new.contact} if nat.contact.get(k) != new.contact.get(k))
        return [_say(file, key, "agency", f"change its contact ({', '.join(changed)})", may)]
    narrowed = [a for a in nat.audience if new.audience and a not in new.audience]
    if narrowed:
        return [_say(file, key, "agency", f"narrow its audience (drop {', '.join(narrowed)})", may)]
    return []


def _question(qid: str, national: GuidancePack, merged: GuidancePack, where: Where) -> list[str]:
    nat, new = national.questions[qid], merged.questions.get(qid)

    def say(may_not: str, may: str = "forces may reword its text and add questions") -> list[str]:
        return [_say(where("questions", qid), f"questions {qid}", "question", may_not, may)]

    if new is None:
        return say("remove it")
    if nat.decisive and not new.decisive:
        return say("make it not decisive")
    if (new.informs, new.informs_vulnerability) != (nat.informs, nat.informs_vulnerability):
        return say("change what it informs")
    added = [a for a in new.answers if a not in nat.answers]
    removed = [a for a in nat.answers if a not in new.answers]
    if added or removed:
        return say(f"add or remove answer values (added {added}, removed {removed})")
    for value, was in nat.answers.items():
        now = new.answers[value]
        if not (
            set(was.adds) <= set(now.adds) and set(was.adds_vulnerability) <= set(now.adds_vulnerability)
        ):
            return say(f"make its answer {value!r} add less", "forces may make it add more")
        if dict(now.fact) != dict(was.fact):
            return say(f"change the fact its answer {value!r} sets")
    if not set(nat.ask_when) <= set(new.ask_when):
        return say("suggest it less often (ask_when)", "forces may suggest it more often")
    return []


def _indicator(code: str, national: GuidancePack, merged: GuidancePack, where: Where) -> list[str]:
    nat, new = national.indicators[code], merged.indicators.get(code)
    file, key, may = where("indicators", code), f"indicators {code}", "forces may reword it and add cues"
    if new is None:
        return [_say(file, key, "indicator", "remove it", may)]
    if nat.grooming and not new.grooming:
        return [_say(file, key, "indicator", "stop it counting as a grooming indicator", may)]
    if nat.suspicion_counts and not new.suspicion_counts:
        return [_say(file, key, "indicator", "stop it counting on suspicion", may)]
    return []

"""``assess``: from a narrative (and optional guided answers) to an Assessment with evidence and reasons.

Pipeline: validate input -> detect indicator cues with scope (detect.py) -> extract subjects and ages
(subjects.py) -> reason about the contact's age (age_gap, peers, known family adults) -> apply guided
answers ->
grade with the pack's rules (conditions.py) -> suggest follow-up questions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from heed.risk.conditions import Facts, evaluate
from heed.risk.detect import Scope, Span, detect, normalise
from heed.risk.errors import InputError
from heed.risk.grading import RISK_ORDER, respond
from heed.risk.learned.heads import Hit, default_reader
from heed.risk.pack import GuidancePack, default_pack
from heed.risk.prefilter import TextScan, WordIndex
from heed.risk.subjects import AgeMention, Subjects, extract, scan_text

MAX_TEXT_BYTES = 1_000_000
# A young person introduced as someone new ("a 17-year-old boy", "There's a boy, 16,", "an older girl from her
# school, 17"), not as the caller's child ("my son, 16"): whose age it is, is not yet known.
_INDEFINITE_AGE_BEFORE = re.compile(r"\b(?:a|an|another)\s+$", re.IGNORECASE)
_INDEFINITE_YOUNG = re.compile(
    r"\b(?:a|an|another)\s+(?:[\w'-]+\s+){0,2}?"
    r"(?:boy|girl|lad|lass|kid|teen|teenager|young (?:man|woman|person)|"
    r"student|pupil)\b(?![^.!?\n]*\b(?:my|our|her|his|their)\s+(?:son|daughter|child|boy|girl|lad|kid)\b)"
    r"[^.!?\n]{0,40}$",
    re.IGNORECASE,
)
_WEAK_AGE_GAP = re.compile(r"\b(?:boy|lad|teen|teenager|girl|gamer|player)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Evidence:
    """Why an indicator is present: a span of the narrative, or a guided answer (question id and value)."""

    text: str
    start: int | None = None
    end: int | None = None
    question: str | None = None
    answer: str | None = None
    record: bool = False
    why: str | None = None  # a learned hit: "reads like: <the nearest guidance example>"

    def to_dict(self) -> dict[str, Any]:
        """Narrative evidence is ``{start, end, text}``; answer evidence ``{source, question, answer,
        text}``; evidence from the call's child record ``{source: "record", text}``."""
        if self.record:
            return {"source": "record", "text": self.text}
        if self.question is not None:
            return {"source": "answer", "question": self.question, "answer": self.answer, "text": self.text}
        if self.why is not None:
            return {
                "start": self.start,
                "end": self.end,
                "text": self.text,
                "source": "learned",
                "why": self.why,
            }
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class Reason:
    """A pack rule (or guided question) that produced a grade, an action or a recorded answer."""

    rule: str
    effect: str
    text: str

    def to_dict(self) -> dict[str, str]:
        """The public shape ``{rule, effect, text}``."""
        return {"rule": self.rule, "effect": self.effect, "text": self.text}


@dataclass
class Assessment:
    """The result of ``assess``: indicators with evidence, subjects, grading, reasons and follow-ups."""

    risk: str
    response: str
    indicators: dict[str, list[Evidence]]
    labels: dict[str, str]
    subjects: list[dict[str, Any]]
    required_actions: list[str]
    reasons: list[Reason]
    follow_up_questions: list[dict[str, str]]
    pack_version: str
    facts: dict[str, str] = field(default_factory=dict)
    child_age: int | None = None
    vulnerability: dict[str, list[Evidence]] = field(default_factory=dict)
    vulnerability_labels: dict[str, str] = field(default_factory=dict)
    decisive_questions: list[dict[str, Any]] = field(default_factory=list)
    possible_signs: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The shared interface shape (see the team brief); JSON-serialisable."""
        return {
            "risk": self.risk,
            "response": self.response,
            "indicators": [
                {"code": code, "label": self.labels[code], "evidence": [ev.to_dict() for ev in evs]}
                for code, evs in self.indicators.items()
            ],
            "subjects": self.subjects,
            "required_actions": list(self.required_actions),
            "reasons": [r.to_dict() for r in self.reasons],
            "follow_up_questions": list(self.follow_up_questions),
            "pack_version": self.pack_version,
            "child_age": self.child_age,
            "vulnerability": [
                {
                    "code": code,
                    "label": self.vulnerability_labels[code],
                    "evidence": [e.to_dict() for e in evs],
                }
                for code, evs in self.vulnerability.items()
            ],
            "decisive_questions": list(self.decisive_questions),
            "possible_signs": list(self.possible_signs),
        }


def readable_part(text: str) -> str:
    """As much of ``text`` as the engine reads: all of it up to MAX_TEXT_BYTES; past that, up to the last
    blank line (a call log's entry break) within the limit, so a call whose log grew past the limit is read,
    not refused. A prefix: evidence offsets still index the whole text."""
    data = text.encode("utf-8", errors="surrogatepass")
    if len(data) <= MAX_TEXT_BYTES:
        return text
    head = data[:MAX_TEXT_BYTES].decode("utf-8", errors="ignore")
    cut = head.rfind("\n\n")
    return head[:cut] if cut > 0 else head


def check_text(text: object) -> str:
    """Return ``text`` if the engine can use it, else raise InputError saying what is wrong."""
    if not isinstance(text, str):
        raise InputError(f"the narrative must be text, got {type(text).__name__}")
    if "\x00" in text:
        raise InputError("the narrative contains NUL bytes: it looks like binary data, not text")
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > MAX_TEXT_BYTES:
        raise InputError(f"the narrative is {size} bytes; the limit is {MAX_TEXT_BYTES} bytes (1 MB)")
    if not text.strip():
        raise InputError("the narrative is empty")
    return text


def assess(
    text: str,
    answers: Mapping[str, str] | None = None,
    *,
    pack: GuidancePack | None = None,
    child_age: int | None = None,
    learned: bool = True,
) -> Assessment:
    """Assess a narrative (and optional guided answers) against the guidance pack.

    ``child_age`` is the age on the call's child record, when the handler has recorded one: it counts beside
    any age the narrative gives (the younger wins, so the grade errs to caution).
    ``learned=False`` leaves out the learned layer (the rules alone; used to build and measure it).
    Raises InputError for unusable text, an impossible age or unknown question ids / answer values.
    """
    check_text(text)
    pack = pack or default_pack()
    answers = _check_answers(answers, pack)
    if child_age is not None and (
        not isinstance(child_age, int) or isinstance(child_age, bool) or not 0 <= child_age <= 17
    ):
        raise InputError(f"child_age must be a whole number from 0 to 17, got {child_age!r}")
    norm = normalise(text)
    index = WordIndex(norm)
    scope = Scope(norm, pack.compiled, index)
    found = detect(norm, pack, index, scope)
    scan = scan_text(norm, pack, index)
    subjects = extract(norm, pack, scan=scan)
    reasons: list[Reason] = []
    why: dict[str, str] = {}
    possible: list[Hit] = []
    if _no_child_involved(norm, pack, subjects, scan):
        no_child = pack.compiled["no_child"]
        reasons.append(Reason(no_child["rule"], "indicators_not_raised", no_child["text"]))
        found = {}
        contact_age, child_mention = "unknown", None
    else:
        hits = _learned_hits(norm, pack, scope, found) if learned else []
        # The learned layer reads likeness, not fact: the caller's own answer to the question that asks about
        # a sign outweighs it ("is he safe now?" - "yes, upstairs in his room" is no emergency). The rules'
        # evidence stands whatever the answer (a "no" never erases what the narrative says).
        denied = _denied_by_answers(answers, pack)
        for hit in hits:
            if hit.code in denied and hit.confirmed and hit.code not in found:
                qid, value = denied[hit.code]
                reasons.append(
                    Reason(
                        f"question:{qid}",
                        "learned_set_aside",
                        f"answer '{value}' outweighs the learned reading of {hit.code}: {hit.reads_like}",
                    )
                )
        hits = [h for h in hits if h.code not in denied or h.code in found]
        hits = _said_absent(norm, pack, scope, scan, hits, found, reasons)
        # Confirmed learned signs join the rules' before the contact's age is reasoned about (a known adult
        # of whom something concerning is said is an age gap); age_gap itself only after it, so that a peer
        # or a family adult the age reasoning excused is not brought back.
        _merge_hits([h for h in hits if h.code != "age_gap"], found, why, possible)
        contact_age, child_mention = _reason_about_age(norm, pack, found, subjects, scan)
        if contact_age != "peer":
            _merge_hits([h for h in hits if h.code == "age_gap"], found, why, possible)
            if "age_gap" in why and contact_age == "unknown":
                contact_age = "adult"
    over = _danger_over(norm, pack, found, subjects)
    if over is not None:
        found.pop("immediate_danger", None)
        why.pop("immediate_danger", None)
        reasons.append(over)
    ages = [a for a in (child_mention.age if child_mention else None, child_age) if a is not None]
    child = min(ages) if ages else None
    vulnerability = _vulnerability(text, scan, pack, scope, child, child_mention, child_age, answers)

    evidence: dict[str, list[Evidence]] = {
        code: [
            Evidence(text=text[sp.start : sp.end], start=sp.start, end=sp.end, why=why.get(code))
            for sp in spans
        ]
        for code, spans in found.items()
    }
    for code in why:
        if code in found:
            reasons.append(Reason(f"learned:{code}", "indicator_found", f"reads like: {why[code]}"))
    facts = {"contact_age": contact_age}
    for qid, value in answers.items():
        q = pack.questions[qid]
        eff = q.answers[value]
        for code in eff.adds:
            evidence.setdefault(code, []).append(
                Evidence(text=f"{q.text} - answered: {value}", question=qid, answer=value)
            )
        for name, fval in eff.fact.items():
            facts[name] = _stronger_age(facts.get(name, "unknown"), fval)
        if eff.adds:
            effect, note = "indicator_added", f"answer '{value}' adds {', '.join(eff.adds)}"
        elif q.informs is not None and q.informs in found:
            effect, note = (
                "answer_recorded",
                f"answer '{value}' recorded; the narrative evidence for {q.informs} stands",
            )
        else:
            effect, note = "answer_recorded", f"answer '{value}' recorded"
        reasons.append(Reason(rule=f"question:{qid}", effect=effect, text=note))
        if eff.adds_vulnerability:
            reasons.append(
                Reason(
                    f"question:{qid}",
                    "vulnerability_added",
                    f"answer '{value}' adds {', '.join(eff.adds_vulnerability)}",
                )
            )
    if "age_gap" in evidence and facts["contact_age"] in ("unknown", "peer"):
        facts["contact_age"] = "adult"

    order = list(pack.indicators)
    indicators = {code: evidence[code] for code in order if code in evidence}
    present = frozenset(indicators)
    subj_dicts = [_subject_dict(text, s) for s in subjects.items]
    base = Facts(
        indicators=present,
        grooming=pack.grooming_codes,
        facts=facts,
        answers=answers,
        subjects=[(s["kind"], s.get("role")) for s in subj_dicts],
        vulnerability=frozenset(vulnerability),
    )
    risk = None
    for level in ("high", "medium"):
        matched = [r for r in pack.risk_rules[level] if r.when is not None and evaluate(r.when, base)]
        if matched:
            risk = level
            reasons.extend(Reason(r.id, f"risk={level}", r.text) for r in matched)
            break
    if risk is None:
        risk = "standard"
        reasons.append(Reason(pack.risk_default.id, "risk=standard", pack.risk_default.text))
    for r in pack.raise_rules:
        # Each raise sees the risk so far (under 13 lifts standard to medium, which vulnerability then lifts
        # to high) and never lowers it.
        if r.when is None or RISK_ORDER[str(r.value)] <= RISK_ORDER[risk]:
            continue
        if evaluate(r.when, replace(base, risk=risk)):
            risk = str(r.value)
            reasons.append(Reason(r.id, f"risk={risk}", r.text))
    graded = respond(pack, replace(base, risk=risk))
    if graded.response_rule is not None:
        r = graded.response_rule
        reasons.append(Reason(r.id, f"response={graded.response}", r.text))
    reasons.extend(Reason(r.id, f"action={r.value}", r.text) for r in graded.action_rules)
    response, actions = graded.response, list(graded.actions)
    return Assessment(
        risk=risk,
        response=response,
        indicators=indicators,
        labels={c: pack.indicators[c].label for c in indicators},
        subjects=subj_dicts,
        required_actions=actions,
        reasons=reasons,
        follow_up_questions=_follow_ups(pack, present, answers, facts, frozenset(vulnerability)),
        pack_version=pack.version,
        facts=facts,
        child_age=child,
        vulnerability=vulnerability,
        vulnerability_labels={c: pack.vulnerabilities[c].label for c in vulnerability},
        possible_signs=_possible_signs(text, pack, possible, present),
        decisive_questions=[
            {"id": q.id, "text": q.text, "indicator": q.informs, "answer": answers.get(q.id)}
            for q in pack.questions.values()
            if q.decisive
        ],
    )


def _learned_hits(norm: str, pack: GuidancePack, scope: Scope, found: dict[str, list[Span]]) -> list[Hit]:
    """The learned layer's hits; and a rule's match that sits only in segments the learned layer scores below
    its veto threshold leaves ``found`` and comes back as an unconfirmed hit (a question, not a grade)."""
    reader = default_reader()
    heads = reader.heads
    suspicion = {c: i.suspicion_counts for c, i in pack.indicators.items()}
    reading = reader.read(norm, scope, suspicion)
    hits = [h for h in reading.hits if h.code in pack.indicators]
    for code in [c for c in found if c in heads.veto and heads.veto[c] > 0]:
        k = heads.codes.index(code)
        scored = [(reading.score_at(k, sp.start, sp.end), sp) for sp in found[code]]
        best, span = max(scored, key=lambda x: x[0])
        if best < heads.veto[code]:
            del found[code]
            hits.append(Hit(code, span.start, span.end, best, False, span.start, span.end, ""))
    return hits


def _said_absent(
    text: str,
    pack: GuidancePack,
    scope: Scope,
    scan: TextScan,
    hits: list[Hit],
    found: Mapping[str, list[Span]],
    reasons: list[Reason],
) -> list[Hit]:
    """Learned hits the narrative itself denies afterwards in a sentence of its own ("... Nothing
    inappropriate.", scope.yaml ``said_absent``), or by saying no child is involved (people.yaml
    ``no_child``), are only possible signs, to ask about: the caller's words outweigh a likeness. A denial
    before the hit ("Checked last month. Nothing inappropriate. Last night he ...") is of something else;
    what the rules find always stands."""
    denials: dict[str, list[tuple[int, str]]] = {}
    for code, pattern in pack.compiled["said_absent"].items():
        for s, e in scope.sentences:
            sentence = text[s:e].strip()
            if pattern.fullmatch(sentence):
                denials.setdefault(code, []).append((s, sentence))
    # "No child at risk." says it of every sign, even where a relative's word stops SCOPE-NO-CHILD ("her
    # grandson", an adult, asked for £400).
    for m in scan.finditer(pack.compiled["no_child"]["re"]):
        for code in pack.indicators:
            denials.setdefault(code, []).append((m.start(), m.group(0)))
    out = []
    for hit in hits:
        said = next((d for at, d in denials.get(hit.code, ()) if at >= hit.end), None)
        if said is not None and hit.confirmed and hit.code not in found:
            reasons.append(
                Reason(
                    f"learned:{hit.code}",
                    "learned_set_aside",
                    f"the narrative says '{said}'; the learned reading ({hit.reads_like}) is only a question",
                )
            )
            hit = replace(hit, confirmed=False)
        out.append(hit)
    return out


def _denied_by_answers(answers: Mapping[str, str], pack: GuidancePack) -> dict[str, tuple[str, str]]:
    """The signs a recorded answer says are absent: the question asks about the sign, and the answer is
    neither "unknown" nor one that adds it. (Sign -> the question and answer that say so.)"""
    out: dict[str, tuple[str, str]] = {}
    for qid, value in answers.items():
        q = pack.questions[qid]
        if q.informs is None or value == "unknown" or q.informs in q.answers[value].adds:
            continue
        out.setdefault(q.informs, (qid, value))
    return out


def _merge_hits(
    hits: list[Hit], found: dict[str, list[Span]], why: dict[str, str], possible: list[Hit]
) -> None:
    """A learned sign the rules did not find: confirmed, it is evidence (explained by the nearest example);
    below the accept threshold, it is kept as a possible sign to ask about."""
    for hit in sorted(hits, key=lambda h: -h.score):
        if hit.code in found and hit.code not in why:
            continue  # the rules found it: their evidence stands
        if hit.confirmed:
            found.setdefault(hit.code, []).append(Span(hit.start, hit.end))
            why.setdefault(hit.code, hit.reads_like)
        else:
            possible.append(hit)
    for code in why:
        found[code] = sorted(set(found[code]), key=lambda sp: sp.start)


def _possible_signs(
    text: str, pack: GuidancePack, possible: list[Hit], present: frozenset[str]
) -> list[dict[str, Any]]:
    """The best unconfirmed hit per indicator not otherwise found, as a question for the handler to ask."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for hit in sorted(possible, key=lambda h: -h.score):
        if hit.code in present or hit.code in seen:
            continue
        seen.add(hit.code)
        q = next((q for q in pack.questions.values() if q.informs == hit.code), None)
        out.append(
            {
                "indicator": hit.code,
                "label": pack.indicators[hit.code].label,
                "question": q.id if q else None,
                "text": q.text if q else f"Ask the caller about: {pack.indicators[hit.code].label.lower()}.",
                "evidence": {"start": hit.start, "end": hit.end, "text": text[hit.start : hit.end]},
                "reads_like": hit.reads_like,
                "score": round(hit.score, 2),
            }
        )
    return out


def _vulnerability(
    text: str,
    scan: TextScan,
    pack: GuidancePack,
    scope: Scope,
    child: int | None,
    mention: AgeMention | None,
    record_age: int | None,
    answers: Mapping[str, str],
) -> dict[str, list[Evidence]]:
    """The child's vulnerabilities with their evidence: the age (narrative or record), reported cues in the
    narrative (negated or hypothetical mentions do not count) and the handler's answers."""
    out: dict[str, list[Evidence]] = {}
    if child is not None and child < 13:
        if record_age is not None and record_age == child:
            out.setdefault("under_13", []).append(
                Evidence(text=f"the call's child record gives age {record_age}", record=True)
            )
        if mention is not None and mention.age == child:
            out.setdefault("under_13", []).append(
                Evidence(text=text[mention.start : mention.end], start=mention.start, end=mention.end)
            )
    older = child is not None and child >= 13
    for code, vul in pack.vulnerabilities.items():
        if code == "under_13" and older:
            continue  # "Year 6" in a narrative that gives a teenager's age is another child or the past
        for pattern in vul.cues:
            for m in scan.finditer(pattern):
                if scope.is_reported(m.start(), m.end(), suspicion_counts=False):
                    out.setdefault(code, []).append(
                        Evidence(text=text[m.start() : m.end()], start=m.start(), end=m.end())
                    )
    for qid, value in answers.items():
        for code in pack.questions[qid].answers[value].adds_vulnerability:
            out.setdefault(code, []).append(
                Evidence(text=f"{pack.questions[qid].text} - answered: {value}", question=qid, answer=value)
            )
    return {c: out[c] for c in pack.vulnerabilities if c in out}


def _danger_over(
    text: str, pack: GuidancePack, found: Mapping[str, list[Span]], subjects: Subjects
) -> Reason | None:
    """The reason danger now is set aside when the narrative says, after every sign of it, that the child was
    found or is safe (people.yaml ``found_safe``); None otherwise. A pattern that names whoever is safe (its
    group ``child``, "Mateo is at home") counts only for a name the subject extractor gave the child's role
    (case-folded): never the man's."""
    rule = pack.compiled.get("found_safe")
    spans = found.get("immediate_danger")
    if rule is None or not spans:
        return None
    child_names = {
        p.value.casefold() for p in subjects.items if p.kind == "person" and p.attrs.get("role") == "child"
    }
    safe = [
        m.span()
        for m in rule["re"].finditer(text)
        if not rule["not_after"].search(text, _sentence_of(text, m.start())[0], m.start())
        and (m.groupdict().get("child") is None or m.group("child").casefold() in child_names)
    ]
    if not safe:
        return None
    # a learned reading of the safe statement itself ("Found safe at her nan's") is no sign of danger
    danger = [sp for sp in spans if not any(a < sp.end and sp.start < b for a, b in safe)]
    if any(rule["not_for"].search(text, sp.start, sp.end) for sp in danger):
        return None
    last = max((sp.end for sp in danger), default=-1)
    if any(a >= last for a, _b in safe):
        return Reason(rule["rule"], "indicator_set_aside", rule["text"])
    return None


def _no_child_involved(text: str, pack: GuidancePack, subjects: Subjects, scan: TextScan) -> bool:
    """The narrative says no child is involved, and names no child and no age under 18."""
    no_child = pack.compiled["no_child"]
    statement = scan.search(no_child["re"])
    if statement is None:
        return False
    if any(a.age < 18 for a in subjects.ages):
        return False
    return not any(
        not (statement.start() <= m.start() < statement.end())
        for m in scan.finditer(pack.compiled["child_re"])
    )


_AGE_STRENGTH = {"unknown": 0, "peer": 1, "older": 2, "adult": 3}


def _stronger_age(a: str, b: str) -> str:
    # The more concerning account of the contact's age wins: a "same age" answer never hides an adult.
    return a if _AGE_STRENGTH.get(a, 0) >= _AGE_STRENGTH.get(b, 0) else b


def _check_answers(answers: Mapping[str, str] | None, pack: GuidancePack) -> dict[str, str]:
    if answers is None:
        return {}
    if not isinstance(answers, Mapping):
        raise InputError(f"answers must be a mapping of question id to answer, got {type(answers).__name__}")
    out: dict[str, str] = {}
    for qid, value in answers.items():
        if qid not in pack.questions:
            raise InputError(f"unknown question id {qid!r}; known: {', '.join(pack.questions)}")
        allowed = pack.questions[qid].answers
        if not isinstance(value, str) or value not in allowed:
            raise InputError(f"answer {value!r} to question {qid!r} is not one of: {', '.join(allowed)}")
        out[qid] = value
    return out


def _introduced_as_new(text: str, a: AgeMention) -> bool:
    """Whether an age read as a child's belongs to a young person introduced as someone new ("a 17-year-old
    boy", "There's a boy, 16,"): such an age is the child's only if no other child's age is given (the
    youngest age nobody owns is the child's)."""
    if _INDEFINITE_AGE_BEFORE.search(text, max(0, a.start - 8), a.start):
        return True
    s, _e = _sentence_of(text, a.start)
    return _INDEFINITE_YOUNG.search(text[s : a.start]) is not None


def _sentence_of(text: str, pos: int) -> tuple[int, int]:
    s = (
        max(
            text.rfind(".", 0, pos),
            text.rfind("\n", 0, pos),
            text.rfind("!", 0, pos),
            text.rfind("?", 0, pos),
        )
        + 1
    )
    ends = [
        i
        for i in (text.find(".", pos), text.find("\n", pos), text.find("!", pos), text.find("?", pos))
        if i >= 0
    ]
    return s, (min(ends) if ends else len(text))


_CALLER_ROLE_BEFORE = re.compile(
    r"\b(?:caller|clr|rp|i'?m|i am|this is)\W*(?:is\W+|=\W*|was\W+)?(?:a|an|the|her|his)?\W*"
    r"(?:[\w'-]+\W+)?$",
    re.IGNORECASE,
)
_CALLER_ROLE_AFTER = re.compile(
    r"\W*(?:calling|reports?|reported|rang|rings|ringing|says|said|states|phoned|here|concern|:|-|"
    r"is (?:concerned|worried|calling|ringing|phoning)|has rung)",
    re.IGNORECASE,
)
# Only unmistakable calling verbs: "A man says he is 16" is the contact speaking, not the caller.
_CALLER_VERB_AFTER = re.compile(
    r"\W*(?:reports?|reported|reporting|rang|rings|ringing|phoned|has rung|is (?:concerned|worried|calling|"
    r"ringing|phoning))\b",
    re.IGNORECASE,
)
# A role word that is someone the child told, or something asked about, is not the contact.
_CONFIDANT_BEFORE = re.compile(
    r"\b(?:told|tells|telling|disclosed to|reported (?:it )?to|spoke to|informed|went to|name of)\s+"
    r"(?:her|his|their|the|a)?\s*$",
    re.IGNORECASE,
)


def _reason_about_age(
    text: str, pack: GuidancePack, found: dict[str, list[Span]], subjects: Subjects, scan: TextScan
) -> tuple[str, AgeMention | None]:
    """Settle the contact's age (adult|older|peer|unknown) and adjust age_gap evidence in ``found``.

    Ages of adult or markedly older contacts (stated, estimated, or claimed by the contact: a contact who says
    he is 19 admits to being an adult) are age_gap evidence; the child's age is the youngest age given for the
    child. Drops age_gap when the only older person is a family adult in a normal role with nothing concerning
    said, or when a same-age peer is described with nothing that says adult. A claimed age never makes a
    contact a peer. Returns the contact's age and the mention of the child's age, the youngest (None when the
    narrative gives none).
    """
    c = pack.compiled
    roles = {s.start: s.attrs.get("role") for s in subjects.items if s.kind == "person"}

    def role_of(r: str | None) -> str | None:
        if r and r.startswith("@"):
            return roles.get(int(r[1:]))
        return r

    # A child is under 18: an adult age given to the child's word ("my daughter (14) is 19") is another's.
    mentions = [
        (
            a,
            None
            if role_of(a.role) == "child" and (a.age >= 18 or _introduced_as_new(text, a))
            else role_of(a.role),
        )
        for a in subjects.ages
    ]
    child_mentions = [a for a, r in mentions if r == "child" and not a.claimed and not a.known_role]
    if not child_mentions:
        # Ages nobody else owns, and a caller's own under 18 ("I'm 12 and a man on Insta ..."): the youngest
        # is the child's (an older sibling may be the one ringing).
        child_mentions = [a for a, r in mentions if r in (None, "caller") and not a.claimed and a.age < 18]
    youngest = min(child_mentions, key=lambda a: a.age) if child_mentions else None
    child_age = youngest.age if youngest else None
    # every mention of a person named with a known role ("his Uncle Shaun ... Shaun's forty-odd")
    known_people = [
        Span(m.start(), m.end())
        for p in subjects.items
        if p.kind == "person" and p.attrs.get("known_role")
        for m in re.finditer(rf"\b{re.escape(p.value)}\b", text)
    ]

    def said_of_known(a: AgeMention) -> bool:
        s, _e = _sentence_of(text, a.start)
        return any(
            s <= k.start and k.end <= a.start and len(text[k.end : a.start].split()) <= 2
            for k in known_people
        )

    mentions = [(a, "other" if r is None and said_of_known(a) else r) for a, r in mentions]
    adult_spans: list[Span] = []
    older_spans: list[Span] = []
    known_adult_spans: list[Span] = []  # a known adult's age: an age gap only if something concerning is said
    peer_by_age = False
    older_always, older_with_concern = c["older_by_years"]
    others = set(found) & pack.grooming_codes - {"age_gap"}
    for a, role in mentions:
        if (a.known_role or role == "other") and a.age >= 18 and not a.claimed:
            known_adult_spans.append(Span(a.start, a.end))
        # A caller's own age is not the contact's, unless it is quoted as told ("told u im 22").
        if a.known_role or role == "other" or (role == "caller" and not a.claimed):
            continue
        if not a.claimed and (role == "child" or (role is None and a.age == child_age)):
            continue
        if a.age >= 18:
            adult_spans.append(Span(a.start, a.end))
        elif child_age is not None and a.age - child_age >= (older_with_concern if others else older_always):
            older_spans.append(Span(a.start, a.end))
        elif child_age is not None and abs(a.age - child_age) <= 3 and role == "contact" and not a.claimed:
            peer_by_age = True
    # "A woman is concerned about her daughter ...": a cue that only names the caller is not the contact.
    cue_spans = [sp for sp in found.get("age_gap", []) if not _opens_as_caller(text, sp.start, sp.end)]
    strong = [sp for sp in cue_spans if not _WEAK_AGE_GAP.search(text[sp.start : sp.end])]
    weak = [sp for sp in cue_spans if _WEAK_AGE_GAP.search(text[sp.start : sp.end])]
    peer_cue = peer_by_age or _peer_described(text, pack, found, others, scan)
    if peer_cue and not (strong or adult_spans):
        weak = []
    spans = strong + weak + adult_spans + older_spans
    # Family adults in a normal role: an adult described only in a sentence naming a known role is not an
    # age_gap unless something concerning (another grooming indicator) is reported. Ages already know whose
    # they are; a role word that is only the caller ("Dad says ...") excuses nobody.
    if spans and not others and scan.search(c["known_to_family_re"]):
        spans = []
    if spans and not others:
        from_ages = set(adult_spans) | set(older_spans)
        spans = [
            sp
            for sp in spans
            if sp in from_ages or not _known_role_describes(text, pack, sp, scan, known_people)
        ]
    if not spans and others:
        spans = _adult_role_evidence(text, pack, found, others, scan) or known_adult_spans
    if spans:
        found["age_gap"] = sorted(set(spans), key=lambda sp: sp.start)
    else:
        found.pop("age_gap", None)
    if adult_spans or strong or (spans and not older_spans and not weak):
        return ("adult" if spans else ("peer" if peer_cue else "unknown")), youngest
    if spans:
        return "older", youngest
    return ("peer" if peer_cue else "unknown"), youngest


_CLAIM_BEFORE_PEER = re.compile(
    r"\b(?:says?|said|claims?|claimed|claiming|told (?:her|him|them)|tells (?:her|him|them)|makes out|"
    r"made out|pretends?|pretending|reckons|thinks?|thought|assumed?|believed?|believes)\b[^.!?\n]{0,25}$",
    re.IGNORECASE,
)


_CONTACTING = re.compile(
    r"\b(?:messaging|messaged|msging|msgd|chatting|chatted|chats to|talk(?:s|ed|ing)? to|texting|texted|"
    r"sen[dt]s?|sending|ask(?:s|ed|ing)|add(?:s|ed)|plays? (?:with|online)|playing (?:with|online)|"
    r"video ?call(?:s|ed|ing)|facetim(?:es|ed|ing)|snapp(?:ed|ing)|dms|dming|dm'd|going out with|dating|"
    r"seeing|met|meets|meeting up with|games? with|gaming with)\b",
    re.IGNORECASE,
)


def _peer_described(
    text: str, pack: GuidancePack, found: dict[str, list[Span]], others: set[str], scan: TextScan
) -> bool:
    """Whether the contact is described as a same-age peer ("a boy in her class", "her boyfriend, also 14").

    A peer phrase counts only in a sentence that also reports something the contact did (another
    indicator's evidence, or contact itself: messaging, chatting, sending, asking) or names the contact, and
    never when it is the contact's own claim ("says he is her age"): a best friend who merely saw the messages
    does not make a stranger a peer.
    """
    c = pack.compiled
    concerning = [sp for code in others for sp in found.get(code, [])]
    for m in scan.finditer(c["peer_cues"]):
        if _CLAIM_BEFORE_PEER.search(text, max(0, m.start() - 40), m.start()):
            continue
        s, e = _sentence_of(text, m.start())
        contact_word = any(
            not (m.start() <= w.start() < m.end()) for w in scan.finditer(c["contact_re"], s, e)
        )
        if any(s <= sp.start < e for sp in concerning) or contact_word or _CONTACTING.search(text, s, e):
            return True
    return False


def _is_caller_mention(text: str, start: int, end: int) -> bool:
    """Whether a role word at [start, end) names the caller: "Caller, a youth worker, says", "I'm a teacher",
    or the role opening its sentence before a reporting verb ("Dad says ...", "Teacher reports ...")."""
    s, _e = _sentence_of(text, start)
    if _CALLER_ROLE_BEFORE.search(text, s, start):
        return True
    opening = not re.sub(r"(?i)\b(?:the|my|our|her|his|their)\b", "", text[s:start]).strip(" \t'\":-")
    return opening and bool(_CALLER_ROLE_AFTER.match(text, end))


def _opens_as_caller(text: str, start: int, end: int) -> bool:
    """A phrase that opens its sentence before a reporting verb names the caller ("A woman is concerned ...",
    "Man, 45, reports ...")."""
    s, _e = _sentence_of(text, start)
    if text[s:start].strip(" \t'\":-"):
        return False
    after = re.match(r"(?:\s*,?\s*\d{1,2}\s*,?)?", text[end:])
    return bool(_CALLER_VERB_AFTER.match(text, end + (after.end() if after else 0)))


def _known_role_describes(
    text: str, pack: GuidancePack, sp: Span, scan: TextScan, known_people: Sequence[Span] = ()
) -> bool:
    """Whether a known role in the cue's sentence describes the same person: just before it ("her uncle, a
    grown man") or after it ("the man is 52 and lives next door"), and not as the caller or as someone else
    doing something ("Grandad found her on a call with a man"). A person named with a known role elsewhere
    ("his Uncle Shaun ... Shaun's forty-odd") counts as the role (``known_people``)."""
    known_re: re.Pattern[str] = pack.compiled["known_role_re"]
    s, e = _sentence_of(text, sp.start)
    places = [
        (m.start(), m.end()) for m in scan.finditer(known_re, s, e) if not _is_caller_mention(text, *m.span())
    ]
    places += [(p.start, p.end) for p in known_people if s <= p.start < e]
    return any(a >= sp.end or len(text[b : sp.start].split()) <= 2 for a, b in places)


def _adult_role_evidence(
    text: str, pack: GuidancePack, found: dict[str, list[Span]], others: set[str], scan: TextScan
) -> list[Span]:
    """A known adult (coach, stepdad, neighbour) of whom something concerning is said is itself the age_gap:
    the role must sit in a sentence with another grooming indicator's evidence, and must not be the caller
    ("Teacher reports ...", "Caller, a youth worker, says ...")."""
    adult_role_re: re.Pattern[str] = pack.compiled["adult_role_re"]
    concerning = [sp for code in others for sp in found.get(code, [])]
    for m in scan.finditer(adult_role_re):
        s, e = _sentence_of(text, m.start())
        if _is_caller_mention(text, m.start(), m.end()) or _CONFIDANT_BEFORE.search(
            text, max(s, m.start() - 30), m.start()
        ):
            continue
        if any(s <= sp.start < e for sp in concerning):
            return [Span(*m.span())]
    return []


def _subject_dict(text: str, s: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": s.kind,
        "value": s.value,
        "span": {"start": s.start, "end": s.end, "text": text[s.start : s.end]},
    }
    if s.kind == "person":
        out["role"] = s.attrs.get("role") or "other"
        out["age"] = s.attrs.get("age")
        out["age_estimated"] = bool(s.attrs.get("age_estimated"))
    elif s.kind == "handle":
        out["platform"] = s.attrs.get("platform")
    elif s.kind == "phone":
        out["e164"] = s.attrs.get("e164")
    return out


def _follow_ups(
    pack: GuidancePack,
    present: frozenset[str],
    answers: Mapping[str, str],
    facts: Mapping[str, str],
    vulnerability: frozenset[str],
) -> list[dict[str, Any]]:
    grooming = bool(present & pack.grooming_codes)
    out: list[dict[str, Any]] = []
    for q in pack.questions.values():
        if q.id in answers or (q.informs is not None and q.informs in present):
            continue
        if q.informs_vulnerability is not None and (
            q.informs_vulnerability in vulnerability or (q.informs_vulnerability == "any" and vulnerability)
        ):
            continue
        if q.informs == "age_gap" and facts.get("contact_age") != "unknown":
            continue
        if any(w in present or (w == "any_grooming" and grooming) for w in q.ask_when):
            out.append({"id": q.id, "text": q.text, "indicator": q.informs})
    return out

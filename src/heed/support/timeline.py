"""The call's audit timeline in words: each event's kind as a label, its changes as "field: old → new" with
codes read as the pack and the workflow name them, NDM notes as labelled text, and the filter by kind (views
hidden unless asked for).

The stored payload is what the hash chain covers; this only words it. The page keeps the exact payload
available beside the words, so an auditor can always see what is stored.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from heed.audit.events import EventType
from heed.audit.models import AuditEvent
from heed.calls.models import ActionStatus, CallerRelation, CallStatus, ClosureRequest
from heed.calls.workflow import NDM_LABELS, OUTCOMES
from heed.risk import default_pack
from heed.risk.pack import GuidancePack
from heed.support.models import AdviceMethod, ReferralStatus
from heed.support.record import QUERY_ORDER, agency_names, answer_text, in_order

NESTED = ("name", "relation", "contact", "age")
VIEW_EVENTS: frozenset[str] = frozenset({EventType.CALL_VIEWED, EventType.TIMELINE_VIEWED})
MISSING = "–"

# Field labels for the keys the services store, in the order they are shown (what was decided first, the
# bookkeeping last). A key not here is shown as its words, after these (``foo_bar`` → "Foo bar").
FIELD_LABELS: dict[str, str] = {
    "reference": "Reference",
    "caller": "Caller",
    "child": "Child",
    "status": "Status",
    "decision": "Decision",
    "outcome": "Outcome",
    "risk": "Risk",
    "engine_risk": "The engine's reading",
    "response": "Response",
    "code": "Action",
    "to": "Referred to",
    "agencies": "Agencies",
    "method": "How",
    "evidence_advice": "Evidence advice given",
    "required_still_missing": "Required agencies still to give",
    "subject": "Person",
    "query": "Searched",
    "results": "Found",
    "marker_alert": "Warning marker alert",
    "kind": "Kind",
    "value": "Value",
    "display": "Identifier",
    "earlier": "Earlier reports",
    "entry_no": "Log entry",
    "text": "Text",
    "by": "By",
    "rationale": "Rationale",
    "reason": "Reason",
    "note": "Note",
    "indicators": "Danger signs",
    "vulnerability": "Vulnerability",
    "required_actions": "Required actions",
    "reasons": "Rules that applied",
    "pack_version": "Guidance pack",
    "answers": "Guided answers",
    "due_at": "Due",
    "rule": "Rule",
    "record": "Done with",
    "request": "Closure request",
    "review": "Review",
    "lowered": "Lowered below the engine's reading",
    "via": "Seen on",
    "updated_at": "Updated",
    "version": "Version",
    "name": "Name",
    "relation": "Relation",
    "contact": "Contact",
    "age": "Age",
}


# The order fields are shown in: as the labels above are listed, nested fields (``caller.name``) after
# their record's place.
FIELD_ORDER: tuple[str, ...] = tuple(
    f"{record}.{sub}" if record else key
    for key in FIELD_LABELS
    for record, sub in ([("", key)] if key not in ("caller", "child") else [(key, s) for s in NESTED])
)
NDM: tuple[str, ...] = tuple(NDM_LABELS)
# The records a required action is done with, as ``kind:id`` in the payload.
RECORD_KINDS = {
    "call": "the call's answers, call",
    "personcheck": "person check",
    "identifiercheck": "identifier check",
    "advicerecord": "advice record",
    "referral": "referral",
    "vulnerabilityflag": "vulnerability flag",
    "deployment": "deployment",
    "reviewdecision": "review",
}


@dataclass(frozen=True)
class Change:
    """One field of an event: its label, the value before (None when the event set it afresh) and after."""

    label: str
    old: str | None
    new: str


@dataclass(frozen=True)
class Row:
    """One event as the timeline shows it."""

    event: AuditEvent
    label: str
    changes: tuple[Change, ...]
    notes: tuple[tuple[str, str], ...]
    stored: str  # the exact payload as stored (before and after), for the auditor

    @property
    def is_view(self) -> bool:
        return self.event.event_type in VIEW_EVENTS


@dataclass(frozen=True)
class Timeline:
    rows: tuple[Row, ...]
    kinds: tuple[tuple[str, str, int], ...]  # every kind on this call: code, label, how many
    kind: str  # the kind chosen ("" for every kind)
    show_views: bool
    hidden_views: int  # views left out by the filter
    total: int
    viewers: tuple[dict[str, Any], ...]


def _label(key: str) -> str:
    return FIELD_LABELS.get(key, key.replace("_", " ").capitalize())


def _when(value: str) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    # Stored in UTC; shown in the force's time like every other time on the page.
    return f"{timezone.localtime(moment) if timezone.is_aware(moment) else moment:%d %b %Y %H:%M}"


def _choices(*enums: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for e in enums:
        out.update({str(v): str(label) for v, label in e.choices})
    return out


# The call's own states win where a word is shared ("returned" is a call returned to its handler).
_STATUS = _choices(ActionStatus, ReferralStatus, ClosureRequest.State, CallStatus)


def _plain(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return MISSING
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{_label(str(k))}: {_plain(v)}" for k, v in value.items())
    return str(value)


def _formatters(pack: GuidancePack) -> dict[str, Callable[[Any], str]]:
    """How the value of each key reads: codes by their names in the pack and the workflow."""

    def codes(names: Mapping[str, str]) -> Callable[[Any], str]:
        def fmt(v: Any) -> str:
            if isinstance(v, list):
                return ", ".join(names.get(str(c), str(c)) for c in v) or MISSING
            return names.get(str(v), _plain(v))

        return fmt

    def searched(v: Any) -> str:
        if not isinstance(v, dict):
            return _plain(v)
        given = [k for k in in_order(v, QUERY_ORDER) if v[k] not in ("", None)]
        return ", ".join(f"{k.replace('_', ' ')} {v[k]}" for k in given) or MISSING

    def found(v: Any) -> str:
        if not isinstance(v, list) or not v:
            return "No record found"
        marked = sum(1 for r in v if isinstance(r, dict) and r.get("markers"))
        bands = Counter(str(r.get("band", "")) for r in v if isinstance(r, dict))
        strongest = next((b for b in ("strong", "possible", "weak") if bands.get(b)), "")
        return (
            f"{len(v)} record{'s' if len(v) != 1 else ''}, closest match {strongest or MISSING}"
            f"; {marked} with warning markers"
        )

    def earlier(v: Any) -> str:
        if not isinstance(v, list) or not v:
            return "No earlier report in this force"
        return ", ".join(str(e.get("reference", e)) if isinstance(e, dict) else str(e) for e in v)

    def rules(v: Any) -> str:
        """Rule ids as the pack has them (an auditor can look them up); answers that counted by question."""
        if not isinstance(v, list):
            return _plain(v)
        out = []
        for rule in map(str, v):
            qid = rule.removeprefix("question:")
            out.append(f"the answer to “{answer_text(pack, qid, '')[0]}”" if qid != rule else rule)
        return ", ".join(out) or MISSING

    def done_with(v: Any) -> str:
        kind, _, pk = str(v).partition(":")
        return f"{RECORD_KINDS.get(kind, kind)} {pk}".strip() if v else MISSING

    def when(v: Any) -> str:
        return _when(v) if isinstance(v, str) and v else _plain(v)

    return {
        "agencies": lambda v: ", ".join(agency_names(pack, v)) if isinstance(v, list) else _plain(v),
        "required_still_missing": lambda v: ", ".join(agency_names(pack, v))
        if isinstance(v, list)
        else _plain(v),
        "method": codes(_choices(AdviceMethod)),
        "to": codes(dict(pack.referral_targets)),
        "outcome": codes(OUTCOMES),
        "status": codes(_STATUS),
        "code": codes({c: a.label for c, a in pack.actions.items()}),
        "required_actions": codes({c: a.label for c, a in pack.actions.items()}),
        "indicators": codes({c: i.label for c, i in pack.indicators.items()}),
        "relation": codes(_choices(CallerRelation)),
        "decision": codes({"approve": "Approve closure", "return": "Return to the handler"}),
        "query": searched,
        "reasons": rules,
        "record": done_with,
        "results": found,
        "earlier": earlier,
        "due_at": when,
        "updated_at": when,
    }


def _flatten(payload: Any) -> dict[str, Any]:
    """An event's payload as ``{key: value}``, nested records (the caller, the child) one level deep."""
    if not isinstance(payload, dict):
        return {} if payload is None else {"value": payload}
    out: dict[str, Any] = {}
    for k, v in payload.items():
        if k in ("caller", "child") and isinstance(v, dict):
            for sub, x in v.items():
                out[f"{k}.{sub}"] = x
        else:
            out[str(k)] = v
    return out


def describe(ev: AuditEvent, pack: GuidancePack | None = None) -> Row:
    """One event in words: what it was, what changed (old → new), its notes, and the payload as stored."""
    pack = pack or default_pack()
    fmt = _formatters(pack)
    notes: list[tuple[str, str]] = []
    changes: list[Change] = []
    before, after = ev.before, ev.after
    stored = json.dumps(
        {"before": before, "after": after}, indent=2, ensure_ascii=False, sort_keys=True, default=str
    )
    if ev.event_type == EventType.ANSWERS_RECORDED and isinstance(after, dict):
        was = before if isinstance(before, dict) else {}
        for qid in in_order(after, list(pack.questions)):
            value = after[qid]
            if was.get(qid) == value:
                continue
            question, label = answer_text(pack, str(qid), str(value))
            old = answer_text(pack, str(qid), str(was[qid]))[1] if qid in was else None
            changes.append(Change(question, old, label))
        return Row(ev, ev.get_event_type_display(), tuple(changes), (), stored)
    old_fields = _flatten(before)
    new_fields = _flatten(after)
    for key in in_order({*new_fields, *old_fields}, FIELD_ORDER):
        base = key.split(".")[-1]
        label = _label(key.split(".")[0]) + (f" {_label(base).lower()}" if "." in key else "")
        if base == "ndm":
            value = new_fields.get(key)
            if isinstance(value, dict):
                notes.extend(
                    (NDM_LABELS.get(k, _label(k)), str(value[k])) for k in in_order(value, NDM) if value[k]
                )
            continue
        if key == "answers" and isinstance(new_fields.get(key), dict):
            given = new_fields[key]
            for qid in in_order(given, list(pack.questions)):
                question, answer = answer_text(pack, str(qid), str(given[qid]))
                changes.append(Change(question, None, answer))
            continue
        show = fmt.get(base, _plain)
        new = show(new_fields[key]) if key in new_fields else "(removed)"
        old = show(old_fields[key]) if key in old_fields else MISSING
        if key in old_fields and old_fields[key] == new_fields.get(key):
            continue  # unchanged
        if old == MISSING and new == MISSING:
            continue  # nothing given, before or now (the stored payload still shows the empty field)
        changes.append(Change(label, None if old == MISSING else old, new))
    return Row(ev, ev.get_event_type_display(), tuple(changes), tuple(notes), stored)


def call_timeline(call_id: int, *, kind: str = "", show_views: bool = False) -> Timeline:
    """The events of one call, oldest first, filtered to ``kind`` (any kind when empty); views of the call
    and of its timeline only when ``show_views`` (or when they are the kind asked for). The caller has
    already been allowed to read this call's timeline."""
    pack = default_pack()
    events = list(AuditEvent.objects.filter(call_id=call_id).order_by("seq"))
    counts = Counter(ev.event_type for ev in events)
    kinds = tuple((code, str(label), counts[code]) for code, label in EventType.choices if counts.get(code))
    if kind not in counts:
        kind = ""
    views_wanted = show_views or kind in VIEW_EVENTS
    chosen = [
        ev
        for ev in events
        if (not kind or ev.event_type == kind) and (views_wanted or ev.event_type not in VIEW_EVENTS)
    ]
    hidden = 0 if views_wanted else sum(counts[v] for v in VIEW_EVENTS if not kind)
    viewers: dict[str, dict[str, Any]] = {}
    for ev in events:
        if ev.event_type in VIEW_EVENTS:
            v = viewers.setdefault(ev.actor_label, {"who": ev.actor_label, "role": ev.actor_role, "count": 0})
            v["count"] += 1
            v.setdefault("first", ev.occurred_at)
            v["last"] = ev.occurred_at
    return Timeline(
        rows=tuple(describe(ev, pack) for ev in chosen),
        kinds=kinds,
        kind=kind,
        show_views=views_wanted,
        hidden_views=hidden,
        total=len(events),
        viewers=tuple(viewers.values()),
    )

"""The call as a read-only record: everything recorded on it, in time order, in plain words.

For those who may read a call but not change it (a supervisor reviewing, an auditor, a handler once the call
has left them): the log, the guided answers (question text and answer label, as the pack words them), the
checks and what they found, the advice given (agency names and how), referrals, risk decisions, flags,
deployments, closure requests and reviews with their National Decision Model stages as labelled notes.

A selector and presenter in one: it reads each kind of record once and words it; the page only lays it out.
It lives in ``heed.support`` because it reads advice and referrals, which sit above ``heed.calls``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.safestring import SafeString

from heed.audit.events import EventType
from heed.audit.models import AuditEvent
from heed.calls.forms import PersonCheckForm
from heed.calls.models import (
    Call,
    ClosureRequest,
    IdentifierCheck,
    NoteEntry,
    PersonCheck,
    ReviewDecision,
)
from heed.calls.presenters import highlight
from heed.calls.selectors import call_text, entry_history
from heed.calls.workflow import NDM_LABELS, OUTCOMES
from heed.packstore.selectors import pack_for_call
from heed.risk.pack import GuidancePack
from heed.support.models import AdviceMethod, AdviceRecord, Referral

# The order of kinds recorded in the same instant (a call's first log entry is written with the call).
_KIND_ORDER = (
    "call",
    "note",
    "answers",
    "person_check",
    "identifier_check",
    "advice",
    "referral",
    "flag",
    "deployment",
    "risk",
    "closure",
    "review",
)


@dataclass(frozen=True)
class Item:
    """One thing recorded on the call: when, what (a plain title), who, and its details as labelled rows.

    ``notes`` are labelled passages of free text (a rationale, an NDM stage); ``html`` is a log entry's text
    with its danger signs marked (escaped by ``highlight``)."""

    at: datetime
    kind: str
    title: str
    by: str = ""
    rows: tuple[tuple[str, str], ...] = ()
    notes: tuple[tuple[str, str], ...] = ()
    text: str = ""
    html: SafeString | None = None
    ident: str = ""

    @property
    def order(self) -> tuple[datetime, int]:
        return (self.at, _KIND_ORDER.index(self.kind))


@dataclass(frozen=True)
class Record:
    """The read-only record of one call: the answers as they stand now, and every item in time order."""

    answers: tuple[tuple[str, str], ...]
    items: tuple[Item, ...]
    pending: ClosureRequest | None = None
    counts: Mapping[str, int] = field(default_factory=dict)


def in_order(keys: Iterable[str], order: Sequence[str]) -> list[str]:
    """``keys`` in the order given (then any others alphabetically): a JSON column in PostgreSQL does not
    keep the order its keys were written in, and a record must read the same on either database."""
    rank = {k: i for i, k in enumerate(order)}
    return sorted(keys, key=lambda k: (rank.get(k, len(rank)), k))


# The order a person check's search fields are asked for in the form.
QUERY_ORDER: tuple[str, ...] = tuple(k for k in PersonCheckForm.base_fields if k != "subject")


def answer_text(pack: GuidancePack, qid: str, value: str) -> tuple[str, str]:
    """A guided answer as the handler saw it: the question's text and the answer's label."""
    question = pack.questions.get(qid)
    return (question.text if question else qid.replace("_", " "), answer_label(value))


def answer_label(value: str) -> str:
    """An answer value as a label ("unknown" reads as the handler would say it; the same words as the
    buttons and options the handler chose from)."""
    if value == "unknown":
        return "Don't know"
    return str(value).replace("_", " ").capitalize()


def agency_names(pack: GuidancePack, codes: Iterable[str]) -> list[str]:
    """Agency codes as the pack names them; a code the pack no longer has is shown as it was stored."""
    return [pack.agencies[c].name if c in pack.agencies else c for c in codes]


@dataclass(frozen=True)
class AdviceGiven:
    """One record of advice given, in words: who, when, the agencies by name, how."""

    at: datetime
    by: str
    agencies: tuple[str, ...]
    method: str
    evidence_advice: bool


def advice_given(pack: GuidancePack, r: AdviceRecord) -> AdviceGiven:
    return AdviceGiven(
        at=r.given_at,
        by=r.given_by.username,
        agencies=tuple(agency_names(pack, r.agencies)),
        method=AdviceMethod(r.method).label if r.method in AdviceMethod.values else r.method,
        evidence_advice=r.evidence_advice,
    )


def advice_item(pack: GuidancePack, r: AdviceRecord) -> Item:
    given = advice_given(pack, r)
    return Item(
        at=given.at,
        kind="advice",
        title="Advice given to the caller",
        by=given.by,
        rows=(
            ("Agencies", ", ".join(given.agencies) or "None"),
            ("How", given.method),
            ("Evidence advice", "Given" if given.evidence_advice else "Not given"),
        ),
        ident=f"advice-{r.pk}",
    )


def closure_item(c: ClosureRequest) -> Item:
    return Item(
        at=c.requested_at,
        kind="closure",
        title="Asked to close the call",
        by=c.requested_by.username,
        rows=(("Outcome", OUTCOMES.get(c.outcome, c.outcome)), ("Now", c.get_state_display())),
        notes=(("Rationale", c.rationale),),
        ident=f"closure-{c.pk}",
    )


def review_item(r: ReviewDecision) -> Item:
    stages = tuple((label, r.ndm[key]) for key, label in NDM_LABELS.items() if r.ndm.get(key))
    return Item(
        at=r.decided_at,
        kind="review",
        title="Supervisor approved the closure"
        if r.decision == "approve"
        else "Supervisor returned the call",
        by=r.decided_by.username,
        rows=(("Decision", r.get_decision_display()),),
        notes=(("Rationale", r.rationale), *stages),
        ident=f"review-{r.pk}",
    )


def closing_history(closures: Iterable[ClosureRequest], reviews: Iterable[ReviewDecision]) -> list[Item]:
    """Closure requests and the reviews of them, interleaved in the order they happened."""
    return sorted([*map(closure_item, closures), *map(review_item, reviews)], key=lambda i: i.order)


def _note_items(call: Call, history: dict[int, list[NoteEntry]]) -> list[Item]:
    _, segments = call_text(call, history=history)
    marked = {h.segment.entry_no: h.html for h in highlight(segments, call.assessment.get("indicators", []))}
    out = []
    for entry_no, versions in history.items():
        for v in versions:
            current = v is versions[-1]
            out.append(
                Item(
                    at=v.created_at,
                    kind="note",
                    title=f"Log entry {entry_no}" if v.version == 1 else f"Log entry {entry_no} corrected",
                    by=v.author.username,
                    rows=(("Version", f"{v.version} of {len(versions)}"),) if len(versions) > 1 else (),
                    text=v.text,
                    html=marked.get(entry_no) if current else None,
                    ident=f"entry-{entry_no}-v{v.version}",
                )
            )
    return out


def _answer_items(pack: GuidancePack, call: Call) -> list[Item]:
    """When each answer was given or changed: the audit trail is where that is kept."""
    events = AuditEvent.objects.filter(call_id=call.pk, event_type=EventType.ANSWERS_RECORDED).order_by("seq")
    out = []
    for ev in events:
        before = ev.before if isinstance(ev.before, dict) else {}
        after = ev.after if isinstance(ev.after, dict) else {}
        rows = []
        for qid in in_order(after, list(pack.questions)):
            value = after[qid]
            if before.get(qid) == value:
                continue
            question, label = answer_text(pack, qid, str(value))
            was = f" (was: {answer_label(str(before[qid]))})" if qid in before else ""
            rows.append((question, label + was))
        if rows:
            out.append(
                Item(
                    at=ev.occurred_at,
                    kind="answers",
                    title="Guided answers recorded",
                    by=ev.actor_label,
                    rows=tuple(rows),
                    ident=f"answers-{ev.seq}",
                )
            )
    return out


def person_check_item(c: PersonCheck) -> Item:
    query = c.query if isinstance(c.query, dict) else {}
    searched = ", ".join(
        f"{k.replace('_', ' ')} {query[k]}"
        for k in in_order(query, QUERY_ORDER)
        if query[k] not in ("", None)
    )
    results = [r for r in c.results if isinstance(r, dict)]
    found = []
    for r in results[:5]:
        rec = r.get("record") or {}
        name = " ".join(str(rec.get(k, "")) for k in ("given_name", "family_name")).strip()
        marks = [m for m in r.get("markers") or [] if isinstance(m, dict)]
        markers = "; ".join(f"{m.get('code', '')} – {m.get('description', '')}" for m in marks)
        found.append(
            (
                f"{str(r.get('band', '')).capitalize()} match",
                f"{name or 'Unnamed'} ({r.get('record_id', '')})"
                + (f", warning markers: {markers}" if markers else ", no warning markers"),
            )
        )
    if not results:
        found.append(("Found", "No record found"))
    elif len(results) > 5:
        found.append(("Also found", f"{len(results) - 5} weaker match{'es' if len(results) - 5 > 1 else ''}"))
    return Item(
        at=c.run_at,
        kind="person_check",
        title=f"Person check on {c.subject}" if c.subject else "Person check",
        by=c.run_by.username,
        rows=(
            ("Searched", searched or "–"),
            *found,
            ("Warning marker alert", "Yes: a marked record matches" if c.marker_alert else "No"),
        ),
        ident=f"person-check-{c.pk}",
    )


def identifier_check_item(c: IdentifierCheck) -> Item:
    earlier = [e for e in c.earlier if isinstance(e, dict)]
    found = (
        "Reported before on "
        + ", ".join(f"{e.get('reference')} ({e.get('display')}, {e.get('strength')} link)" for e in earlier)
        if earlier
        else "No earlier report in this force"
    )
    kinds = {"handle": "Username", "phone": "Phone number", "email": "E-mail address"}
    records: list[tuple[str, str]] = []
    if c.records_searched is None:
        why = c.records_error or "this check was run before identifier checks searched them"
        records.append(("Nominal records", f"Not searched ({why}): this is not a clean result"))
    else:
        hits = [h for h in c.record_hits if isinstance(h, dict)]
        for h in hits:
            rec = h.get("record") or {}
            name = " ".join(str(rec.get(k, "")) for k in ("given_name", "family_name")).strip()
            marks = [m for m in h.get("markers") or [] if isinstance(m, dict)]
            markers = "; ".join(f"{m.get('code', '')} – {m.get('description', '')}" for m in marks)
            link = "Same identifier" if h.get("strength") == "strong" else "Look-alike"
            records.append(
                (
                    f"{link} on a record",
                    f"{name or 'Unnamed'} ({h.get('record_id', '')})"
                    + (f", warning markers: {markers}" if markers else ", no warning markers"),
                )
            )
        if not hits:
            records.append(("Nominal records", "No nominal record holds it"))
        elif c.records_more:
            records.append(("Also held by", "more records than these"))
    return Item(
        at=c.run_at,
        kind="identifier_check",
        title=f"{kinds.get(c.kind, c.kind.capitalize())} checked: {c.display}",
        by=c.run_by.username,
        rows=(
            ("Found", found),
            *records,
            ("Searched", c.sources),
            ("Warning marker alert", "Yes: a marked record holds it" if c.marker_alert else "No"),
        ),
        ident=f"identifier-check-{c.pk}",
    )


def referral_item(pack: GuidancePack, r: Referral) -> Item:
    rows = [("To", pack.referral_targets.get(r.target, r.target)), ("Status", r.get_status_display())]
    if r.status_at is not None and r.status_by is not None:
        rows.append(
            ("Status set", f"by {r.status_by.username} at {timezone.localtime(r.status_at):%d %b %H:%M}")
        )
    notes = [("Reason", r.reason)]
    if r.status_note:
        notes.append(("Answer", r.status_note))
    return Item(
        at=r.made_at,
        kind="referral",
        title="Referral made",
        by=r.made_by.username,
        rows=tuple(rows),
        notes=tuple(notes),
        ident=f"referral-{r.pk}",
    )


def call_record(call: Call, *, history: dict[int, list[NoteEntry]] | None = None) -> Record:
    """Everything recorded on ``call``, in time order. ``history`` is the log as ``entry_history`` reads it
    (passed in when the page has read it already)."""
    pack = pack_for_call(call)
    log = history if history is not None else entry_history(call)
    caller = call.caller_name or "not given"
    if call.caller_relation:
        caller += f" ({call.get_caller_relation_display().lower()})"
    if call.caller_contact:
        caller += f", {call.caller_contact}"
    child = call.child_name or "not given"
    if call.child_age is not None:
        child += f", {call.child_age}"
    items: list[Item] = [
        Item(
            at=call.created_at,
            kind="call",
            title="Call taken",
            by=call.created_by.username,
            rows=(("Caller", caller), ("Child", child)),
            ident="call-taken",
        ),
        *_note_items(call, log),
        *_answer_items(pack, call),
        *map(person_check_item, PersonCheck.objects.filter(call=call).select_related("run_by")),
        *map(identifier_check_item, IdentifierCheck.objects.filter(call=call).select_related("run_by")),
        *(advice_item(pack, r) for r in AdviceRecord.objects.filter(call=call).select_related("given_by")),
        *(
            referral_item(pack, r)
            for r in Referral.objects.filter(call=call).select_related("made_by", "status_by")
        ),
    ]
    for f in call.vulnerability_flags.select_related("flagged_by"):
        items.append(
            Item(
                at=f.flagged_at,
                kind="flag",
                title=f"{f.child_name or 'The child'} flagged as vulnerable",
                by=f.flagged_by.username,
                notes=(("Why", f.reason),),
                ident=f"flag-{f.pk}",
            )
        )
    for d in call.deployments.select_related("recorded_by"):
        items.append(
            Item(
                at=d.recorded_at,
                kind="deployment",
                title="Deployment recorded",
                by=d.recorded_by.username,
                rows=(("Reference", d.reference),),
                notes=(("Note", d.note),) if d.note else (),
                ident=f"deployment-{d.pk}",
            )
        )
    for rd in call.risk_decisions.select_related("decided_by"):
        items.append(
            Item(
                at=rd.decided_at,
                kind="risk",
                title="Risk changed",
                by=rd.decided_by.username,
                rows=(
                    ("Risk", f"{rd.from_risk or 'not assessed'} → {rd.to_risk}"),
                    ("The engine read", rd.engine_risk or "–"),
                ),
                notes=(("Rationale", rd.rationale),),
                ident=f"risk-{rd.pk}",
            )
        )
    closures = list(call.closure_requests.select_related("requested_by"))
    reviews = list(call.review_decisions.select_related("decided_by"))
    items.extend(closing_history(closures, reviews))
    items.sort(key=lambda i: i.order)
    answers = tuple(
        answer_text(pack, qid, str(call.answers[qid])) for qid in in_order(call.answers, list(pack.questions))
    )
    counts: dict[str, int] = {}
    for i in items:
        counts[i.kind] = counts.get(i.kind, 0) + 1
    pending = next((c for c in reversed(closures) if c.state == ClosureRequest.State.PENDING), None)
    return Record(answers=answers, items=tuple(items), pending=pending, counts=counts)

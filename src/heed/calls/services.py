"""Changing calls. Every function here runs in one transaction and writes its audit events in it.

Names follow ``<entity>_<verb>``; arguments are keyword-only. Input problems raise ``CallError`` with the
field at fault, so the pages and the API can say what was wrong and where.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone

from heed.accounts.models import Force, User
from heed.audit.events import EventType
from heed.audit.services import audit_record
from heed.calls import workflow
from heed.calls.actions import actions_refresh, actions_sync, identifier_keys_of, set_action
from heed.calls.models import (
    RISK_ORDER,
    ActionStatus,
    Call,
    CallerRelation,
    ClosureRequest,
    Deployment,
    IdentifierCheck,
    IdentifierKey,
    IdentifierSighting,
    NoteDraft,
    NoteEntry,
    PersonCheck,
    RequiredAction,
    ReviewDecision,
    RiskDecision,
    VulnerabilityFlag,
)
from heed.calls.person_index import get_person_index
from heed.calls.selectors import (
    Segment,
    call_text,
    decisive_unanswered,
    identifiers_to_check,
)
from heed.checks import IndexUnavailable, QueryError, identifier_keys
from heed.checks.identifiers import normalise_platform
from heed.risk import Assessment, GuidancePack, InputError, assess, default_pack
from heed.risk.conditions import Facts, evaluate
from heed.risk.engine import check_text

MAX_NAME = 200
ModelT = TypeVar("ModelT", bound=models.Model)
BAND_ORDER = {"": 0, "weak": 1, "possible": 2, "strong": 3}


class CallError(ValueError):
    """A change to a call that cannot be made as asked. ``field`` names the input at fault (or None)."""

    def __init__(self, message: str, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(message)
        self.field = field
        self.code = code


# ------------------------------------------------------------------------------------------------- helpers


def _pack() -> GuidancePack:
    return default_pack()


def _clean_text(value: object, field: str, *, max_len: int = MAX_NAME) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise CallError(f"{field} must be text", field)
    value = value.strip()
    if "\x00" in value:
        raise CallError(f"{field} contains a NUL character", field)
    if len(value) > max_len:
        raise CallError(f"{field} is {len(value)} characters long; the limit is {max_len}", field)
    return value


def _clean_note(text: object, field: str = "text") -> str:
    try:
        checked = check_text(text)
    except InputError as exc:
        raise CallError(str(exc), field) from None
    return checked.strip("\n")


def ensure_editable(call: Call) -> None:
    refusal = workflow.may_edit(call.status)
    if refusal is not None:
        raise CallError(refusal.message, None, refusal.code)


def _touch(call: Call, *fields: str) -> None:
    call.updated_at = timezone.now()
    call.version += 1
    call.full_clean(exclude=["force", "created_by"])
    call.save(update_fields=[*fields, "updated_at", "version"])


def _summary(call: Call) -> dict[str, Any]:
    return {
        "risk": call.risk,
        "engine_risk": call.engine_risk,
        "response": call.response,
        "indicators": [i["code"] for i in call.assessment.get("indicators", [])],
        "vulnerability": [v["code"] for v in call.assessment.get("vulnerability", [])],
        "required_actions": list(call.assessment.get("required_actions", [])),
        "pack_version": call.pack_version,
    }


def _next_reference(force: Force) -> str:
    # The force row is locked (PostgreSQL) / the database write-locked (SQLite) so two calls never share one.
    Force.objects.select_for_update().filter(pk=force.pk).first()
    today = timezone.localdate()
    prefix = f"{force.code}-{today:%Y%m%d}-"
    n = Call.objects.filter(force=force, reference__startswith=prefix).count() + 1
    return f"{prefix}{n:04d}"


def lock_call(call: Call) -> Call:
    """Lock the call's row until the current transaction ends and bring ``call`` up to date with it.

    Every change to a call runs in one transaction that begins here (decisions through ``_locked``, which also
    checks the version the person saw): two people acting on one call at once are served one after the other,
    and nothing is written from a copy read before the other's change (a version bumped from a stale copy, an
    entry numbered from a stale count).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_call must run inside the transaction that changes the call")
    fresh = Call.objects.select_for_update().get(pk=call.pk)
    for f in Call._meta.concrete_fields:
        setattr(call, f.attname, getattr(fresh, f.attname))
    return call


def record_on_call(
    model: type[ModelT],
    *,
    event_type: EventType,
    actor: User,
    call: Call,
    after: dict[str, Any],
    before: dict[str, Any] | None = None,
    **fields: Any,
) -> ModelT:
    """Create a record on ``call`` and its audit event together (the caller holds the transaction)."""
    row = model._default_manager.create(call=call, **fields)
    audit_record(event_type=event_type, actor=actor, call_id=call.pk, obj=row, before=before, after=after)
    return row


# ------------------------------------------------------------------------------------------------ creation


def call_create(
    *,
    actor: User,
    narrative: object = "",
    caller_name: object = "",
    caller_relation: object = "",
    caller_contact: object = "",
    child_name: object = "",
    child_age: object = None,
    answers: Mapping[str, str] | None = None,
) -> Call:
    """Open a new call for the actor's force, with its first log entry and first assessment."""
    fields = {
        "caller_name": _clean_text(caller_name, "caller.name"),
        "caller_contact": _clean_text(caller_contact, "caller.contact"),
        "child_name": _clean_text(child_name, "child.name"),
    }
    relation = _clean_text(caller_relation, "caller.relation")
    if relation and relation not in CallerRelation.values:
        raise CallError(
            f"caller.relation must be one of {', '.join(CallerRelation.values)}", "caller.relation"
        )
    age = _clean_age(child_age)
    text = "" if narrative in (None, "") else _clean_note(narrative, "narrative")
    clean_answers = _clean_answers(answers)
    now = timezone.now()
    with transaction.atomic():
        call = Call(
            force=actor.force,
            reference=_next_reference(actor.force),  # type: ignore[arg-type]
            created_by=actor,
            created_at=now,
            updated_at=now,
            caller_relation=relation,
            child_age=age,
            answers=clean_answers,
            **fields,
        )
        call.full_clean(exclude=["force", "created_by"])
        call.save()
        audit_record(
            event_type=EventType.CALL_CREATED,
            actor=actor,
            call_id=call.pk,
            obj=call,
            after={
                "reference": call.reference,
                "caller": {"name": call.caller_name, "relation": relation, "contact": call.caller_contact},
                "child": {"name": call.child_name, "age": age},
                "answers": clean_answers,
            },
        )
        if text:
            _entry_add(call, actor, text)
        _reassess(call, actor)
    return call


def _clean_age(value: object) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise CallError("child.age must be a whole number of years", "child.age")
    try:
        age = int(str(value).strip())
    except ValueError:
        raise CallError("child.age must be a whole number of years", "child.age") from None
    if not 0 <= age <= 17:
        raise CallError("child.age must be from 0 to 17 (Heed is for calls about children)", "child.age")
    return age


def _clean_answers(answers: object) -> dict[str, str]:
    if answers is None:
        return {}
    if not isinstance(answers, Mapping):
        raise CallError("answers must be an object of question id to answer", "answers")
    pack = _pack()
    out: dict[str, str] = {}
    for qid, value in answers.items():
        if qid not in pack.questions:
            raise CallError(f"unknown question {qid!r}; known: {', '.join(pack.questions)}", f"answers.{qid}")
        allowed = pack.questions[qid].answers
        if value in (None, ""):
            continue
        if not isinstance(value, str) or value not in allowed:
            raise CallError(f"answer {value!r} is not one of: {', '.join(allowed)}", f"answers.{qid}")
        out[str(qid)] = value
    return out


# ---------------------------------------------------------------------------------------------------- notes


def _entry_add(call: Call, actor: User, text: str) -> NoteEntry:
    last = (
        NoteEntry.objects.filter(call=call).order_by("-entry_no").values_list("entry_no", flat=True).first()
    )
    entry_no = (last or 0) + 1
    return record_on_call(
        NoteEntry,
        event_type=EventType.NOTE_ADDED,
        actor=actor,
        call=call,
        after={"entry_no": entry_no, "version": 1, "text": text},
        entry_no=entry_no,
        version=1,
        text=text,
        author=actor,
        created_at=timezone.now(),
    )


def note_add(*, actor: User, call: Call, text: object) -> NoteEntry:
    """Add an entry to the call's log and reassess. The actor's draft is cleared (it is now in the log)."""
    clean = _clean_note(text)
    ensure_editable(call)
    with transaction.atomic():
        lock_call(call)
        entry = _entry_add(call, actor, clean)
        NoteDraft.objects.filter(call=call, author=actor).update(text="", updated_at=timezone.now())
        _reassess(call, actor)
    return entry


def note_edit(
    *, actor: User, call: Call, entry_no: int, text: object, expected_version: object = None
) -> NoteEntry:
    """Correct an entry by adding a new version; every earlier version stays in the record.

    ``expected_version`` is the entry's version the editor corrected: if someone has corrected it since, the
    correction is refused (and audited) rather than silently replacing theirs.
    """
    clean = _clean_note(text)
    ensure_editable(call)
    if expected_version is not None and not isinstance(expected_version, int):
        raise CallError("version must be a whole number", "version")
    stale: NoteEntry | None = None
    entry: NoteEntry | None = None
    with transaction.atomic():
        lock_call(call)
        latest = NoteEntry.objects.filter(call=call, entry_no=entry_no).order_by("-version").first()
        if latest is None:
            raise CallError(f"the call has no log entry {entry_no}", "entry_no", "not_found")
        if expected_version is not None and latest.version != expected_version:
            stale = latest
            audit_record(
                event_type=EventType.STALE_EDIT_REFUSED,
                actor=actor,
                call_id=call.pk,
                obj=latest,
                before={"entry_no": entry_no, "version": expected_version},
                after={"entry_no": entry_no, "version": latest.version, "by": latest.author.username},
            )
        elif latest.text == clean:
            entry = latest
        else:
            entry = record_on_call(
                NoteEntry,
                event_type=EventType.NOTE_EDITED,
                actor=actor,
                call=call,
                before={"entry_no": entry_no, "version": latest.version, "text": latest.text},
                after={"entry_no": entry_no, "version": latest.version + 1, "text": clean},
                entry_no=entry_no,
                version=latest.version + 1,
                text=clean,
                author=actor,
                created_at=timezone.now(),
            )
            _reassess(call, actor)
    if stale is not None:
        raise CallError(
            f"Entry {entry_no} was corrected by {stale.author.username} at "
            f"{timezone.localtime(stale.created_at):%H:%M:%S} after you opened it. Your correction was not "
            "saved and is kept in the box: compare it with theirs, then save again.",
            "version",
            "stale",
        )
    assert entry is not None
    return entry


def draft_save(*, actor: User, call: Call, text: object) -> str:
    """Keep what the actor is typing (autosave). Not an audit event: the draft is not yet part of the log."""
    if not isinstance(text, str):
        raise CallError("the draft must be text", "text")
    if "\x00" in text or len(text.encode("utf-8")) > 1_000_000:
        raise CallError("the draft must be text of at most 1 MB", "text")
    ensure_editable(call)
    with transaction.atomic():
        NoteDraft.objects.update_or_create(
            call=call, author=actor, defaults={"text": text, "updated_at": timezone.now()}
        )
    return text


def answers_record(
    *, actor: User, call: Call, answers: Mapping[str, str], expected_version: object = None
) -> Call:
    """Record guided answers (merged over earlier ones) and reassess. Answers move the risk, so a form made
    from an older version of the call is refused rather than overwriting newer answers."""
    clean = _clean_answers(answers)
    ensure_editable(call)
    with _locked(call, actor, expected_version) as call:
        before = dict(call.answers)
        merged = {**before, **clean}
        if merged != before:
            call.answers = merged
            _touch(call, "answers")
            audit_record(
                event_type=EventType.ANSWERS_RECORDED,
                actor=actor,
                call_id=call.pk,
                obj=call,
                before=before,
                after=merged,
            )
            _reassess(call, actor)
    return call


# ----------------------------------------------------------------------------------------------- assessment


def live_assessment(
    call: Call, draft: str, history: dict[int, list[NoteEntry]] | None = None
) -> tuple[Assessment | None, list[Segment]]:
    """What the engine says of the log plus the unsent draft (not stored), and the segments it read: for the
    live panel, on every pause in typing."""
    text, segments = call_text(call, draft, history)
    if not text.strip():
        return None, segments
    try:
        return assess(text, call.answers, child_age=call.child_age), segments
    except InputError:
        return None, segments


def _effective_risk(call: Call, engine: str) -> str:
    """The call's risk after a new reading by the engine.

    Without a person's decision the risk never falls (the higher of the recorded and the engine's reading).
    After a decision, the person's risk stands unless the engine now reads higher than it did when they
    decided: new danger always raises the grade.
    """
    last = RiskDecision.objects.filter(call=call).order_by("decided_at", "id").last()
    if last is None:
        return engine if RISK_ORDER[engine] >= RISK_ORDER.get(call.risk, 0) else call.risk
    if RISK_ORDER[engine] > RISK_ORDER.get(last.engine_risk, 0):
        return engine if RISK_ORDER[engine] >= RISK_ORDER[last.to_risk] else last.to_risk
    return last.to_risk


def _grade_at(
    pack: GuidancePack, data: Mapping[str, Any], answers: Mapping[str, str], risk: str
) -> tuple[str, list[Any]]:
    """The pack's response and action rules applied at ``risk`` (when a person's risk differs from the
    engine's): returns the response and the matching action rules."""
    facts = Facts(
        indicators=frozenset(i["code"] for i in data["indicators"]),
        grooming=pack.grooming_codes,
        facts=data.get("facts", {}),
        answers=answers,
        subjects=[(s["kind"], s.get("role")) for s in data["subjects"]],
        risk=risk,
        vulnerability=frozenset(v["code"] for v in data.get("vulnerability", [])),
    )
    response = next(
        (str(r.value) for r in pack.response_rules if r.when is not None and evaluate(r.when, facts)),
        "resolution_without_deployment",
    )
    rules = [r for r in pack.action_rules if r.when is not None and evaluate(r.when, facts)]
    return response, rules


def _reassess(call: Call, actor: User) -> None:
    """Assess the log and answers, store the result and bring the required actions up to date.

    The engine may lower its own view of the risk (``engine_risk``) but the call's risk is never lowered
    silently: see ``_effective_risk``. Actions once required stay on the call.
    """
    text, _ = call_text(call)
    before = _summary(call)
    pack = _pack()
    # The child's age on the call's record counts beside any age in the log (under 13 raises the grade).
    if text.strip():
        result = assess(text, call.answers, pack=pack, child_age=call.child_age)
    elif call.answers:
        # Answers alone still count; the engine needs some text to read, so it reads none of substance.
        result = assess(".", call.answers, pack=pack, child_age=call.child_age)
    else:
        return
    data = result.to_dict()
    data["facts"] = dict(result.facts)
    risk = _effective_risk(call, result.risk)
    response = result.response
    required = list(result.required_actions)
    if risk != result.risk:
        response, rules = _grade_at(pack, data, call.answers, risk)
        required = list(dict.fromkeys([*required, *(str(r.value) for r in rules)]))
        data["reasons"] = [
            *data["reasons"],
            *({"rule": r.id, "effect": f"action={r.value}", "text": r.text} for r in rules),
        ]
    codes = [i["code"] for i in data["indicators"]]
    advice = pack.advice_for(codes, risk, caller_audience(call.caller_relation))
    data["suggested_agencies"] = [code for code, _ in advice]
    data["required_agencies"] = [code for code, required_ in advice if required_]
    call.assessment = data
    call.engine_risk = result.risk
    call.risk = risk
    call.response = response
    call.pack_version = result.pack_version
    call.assessed_at = timezone.now()
    _touch(call, "assessment", "engine_risk", "risk", "response", "pack_version", "assessed_at")
    audit_record(
        event_type=EventType.CALL_ASSESSED,
        actor=actor,
        call_id=call.pk,
        obj=call,
        before=before,
        after=_summary(call) | {"reasons": [r["rule"] for r in data["reasons"]]},
    )
    _register_identifiers(call)
    actions_sync(call, actor, required, pack)


def _register_identifiers(call: Call) -> None:
    """Put every identifier named on the call in the register, so later reports of it link to this one."""
    for s in identifiers_to_check(call):
        keys = identifier_keys_of(s)
        if keys is None:
            continue
        sighting, created = IdentifierSighting.objects.get_or_create(
            call=call,
            kind=s["kind"],
            strong_key=keys.strong,
            defaults={
                "force": call.force,
                "value": str(s["value"])[:320],
                "platform": str(s.get("platform") or "")[:40],
                "display": keys.display[:320],
                "seen_at": timezone.now(),
            },
        )
        if created:
            IdentifierKey.objects.bulk_create(
                [
                    IdentifierKey(sighting=sighting, key=k[:400])
                    for k in dict.fromkeys((keys.strong, *keys.weak))
                ]
            )


# ---------------------------------------------------------------------------------------------------- checks


def person_check_run(
    *, actor: User, call: Call, query: Mapping[str, Any], subject: str = "", k: int = 10
) -> PersonCheck:
    """Search nominal records, keep the query and results as shown, and update the person_check action."""
    ensure_editable(call)
    if not isinstance(query, Mapping):
        raise CallError("the query must be an object of search fields", "query")
    clean = {key: v for key, v in query.items() if v not in (None, "")}
    for key, v in clean.items():
        if isinstance(v, str) and ("\x00" in v or len(v) > 320):
            raise CallError(f"{key} must be text of at most 320 characters, without NUL", f"query.{key}")
    subject = _clean_text(subject, "subject")
    try:
        location, index = get_person_index()
        found = index.search(clean, k)
    except QueryError as exc:
        raise CallError(str(exc), f"query.{exc.field}" if exc.field != "query" else "query") from None
    except IndexUnavailable as exc:
        raise CallError(str(exc), None, "index_unavailable") from None
    results = found["results"]
    top = max((r["band"] for r in results), key=lambda b: BAND_ORDER.get(b, 0), default="")
    alert = any(r["markers"] and r["band"] in ("strong", "possible") for r in results)
    with transaction.atomic():
        lock_call(call)
        check = record_on_call(
            PersonCheck,
            event_type=EventType.CHECK_PERSON,
            actor=actor,
            call=call,
            after={
                "subject": subject,
                "query": clean,
                "results": [
                    {
                        "record_id": r["record_id"],
                        "band": r["band"],
                        "score": r["score"],
                        "markers": len(r["markers"]),
                    }
                    for r in results
                ],
                "marker_alert": alert,
            },
            subject=subject,
            query=clean,
            results=results,
            advice=found.get("advice", []),
            top_band=top,
            marker_alert=alert,
            index_location=location if not location.startswith("postgres") else location.split("@")[-1],
            run_by=actor,
            run_at=timezone.now(),
        )
        actions_refresh(call, actor)
    return check


def identifier_check_run(
    *, actor: User, call: Call, kind: object, value: object, platform: object = None
) -> IdentifierCheck:
    """Look an identifier up in the force's register of earlier reports and record what was shown."""
    ensure_editable(call)
    kind_s = _clean_text(kind, "kind")
    value_s = _clean_text(value, "value", max_len=320)
    platform_s = _clean_text(platform, "platform", max_len=40) or None
    if kind_s not in ("handle", "phone", "email"):
        raise CallError("kind must be handle, phone or email", "kind")
    try:
        keys = identifier_keys(kind_s, value_s, platform_s)
    except ValueError as exc:
        raise CallError(str(exc), "value") from None
    with transaction.atomic():
        lock_call(call)
        rows = (
            IdentifierKey.objects.filter(key__in=(keys.strong, *keys.weak), sighting__force=call.force)
            .exclude(sighting__call=call)
            .select_related("sighting", "sighting__call")
        )
        earlier: dict[int, dict[str, Any]] = {}
        for row in rows:
            s = row.sighting
            strength = "strong" if s.strong_key == keys.strong else "weak"
            if s.pk in earlier and earlier[s.pk]["strength"] == "strong":
                continue
            earlier[s.pk] = {
                "call_id": s.call_id,
                "reference": s.call.reference,
                "seen_at": s.seen_at.isoformat(),
                "display": s.display,
                "kind": s.kind,
                "strength": strength,
            }
        # Strong links first; within each, the most recent report first.
        found = sorted(earlier.values(), key=lambda e: e["seen_at"], reverse=True)
        found.sort(key=lambda e: e["strength"] != "strong")
        check = record_on_call(
            IdentifierCheck,
            event_type=EventType.CHECK_IDENTIFIER,
            actor=actor,
            call=call,
            after={
                "kind": kind_s,
                "value": value_s,
                "display": keys.display,
                "earlier": [e["reference"] for e in found],
            },
            kind=kind_s,
            value=value_s,
            platform=(normalise_platform(platform_s) or "") if kind_s == "handle" else "",
            display=keys.display,
            strong_key=keys.strong,
            earlier=found,
            run_by=actor,
            run_at=timezone.now(),
        )
        actions_refresh(call, actor)
    return check


def identifier_checks_run_all(*, actor: User, call: Call) -> list[IdentifierCheck]:
    """Check every identifier named on the call (one recorded check each)."""
    out = []
    for s in identifiers_to_check(call):
        value = s.get("e164") or s["value"]
        try:
            out.append(
                identifier_check_run(
                    actor=actor, call=call, kind=s["kind"], value=value, platform=s.get("platform")
                )
            )
        except CallError:
            continue
    return out


# ------------------------------------------------------------------------------------------------- reading


def call_viewed(*, actor: User, call: Call, via: str = "page") -> None:
    """Log that ``actor`` read the call (who knew what, and when)."""
    with transaction.atomic():
        audit_record(
            event_type=EventType.CALL_VIEWED,
            actor=actor,
            call_id=call.pk,
            obj=call,
            after={"via": via, "status": call.status, "risk": call.risk},
        )


def timeline_viewed(*, actor: User, call: Call, via: str = "page") -> None:
    with transaction.atomic():
        audit_record(
            event_type=EventType.TIMELINE_VIEWED, actor=actor, call_id=call.pk, obj=call, after={"via": via}
        )


# --------------------------------------------------------------------------------------- decisions on a call

AUDIENCE_OF = {
    "child": "child",
    "teacher": "professional",
    "professional": "professional",
}


def caller_audience(relation: str) -> str:
    """Whom the advice is for: the child, a professional, or (by default) a parent or other adult."""
    return AUDIENCE_OF.get(relation, "parent")


class ClosureRefused(CallError):
    """Closing (or reviewing) was refused; ``outstanding`` lists what must be done first."""

    def __init__(self, message: str, outstanding: tuple[str, ...] = (), code: str = "refused") -> None:
        super().__init__(message, None, code)
        self.outstanding = outstanding


def _clean_rationale(value: object, field: str = "rationale") -> str:
    if not isinstance(value, str):
        raise CallError(f"{field} must be text", field)
    if "\x00" in value or len(value) > 20_000:
        raise CallError(f"{field} must be text of at most 20,000 characters", field)
    return value.strip()


@contextmanager
def _locked(call: Call, actor: User, expected_version: object) -> Iterator[Call]:
    """The call locked for a decision, for the whole of the ``with`` block (one transaction: what is read and
    what is written under it are one step), or CallError(stale) when it changed since the actor last saw it.

    The refusal is audited and committed before the error is raised: a lost race is itself a fact.
    """
    if expected_version is not None and not isinstance(expected_version, int):
        raise CallError("version must be a whole number", "version")
    stale_by = None
    with transaction.atomic():
        locked = Call.objects.select_for_update().select_related("force", "created_by").get(pk=call.pk)
        if expected_version is None or locked.version == expected_version:
            yield locked
            return
        stale_by = locked.version
        audit_record(
            event_type=EventType.STALE_EDIT_REFUSED,
            actor=actor,
            call_id=call.pk,
            obj=locked,
            before={"version": expected_version},
            after={"version": locked.version, "updated_at": locked.updated_at},
        )
    raise CallError(
        f"This call was changed by someone else at {timezone.localtime(locked.updated_at):%H:%M:%S} "
        f"(version {stale_by}; you had version {expected_version}). Nothing of yours was overwritten and "
        "your "
        "text is kept: check the latest state, then submit again.",
        "version",
        "stale",
    )


def _snapshot(call: Call) -> workflow.Snapshot:
    from heed.support.models import AdviceRecord

    actions = list(RequiredAction.objects.filter(call=call))
    pending = call.closure_requests.filter(state=ClosureRequest.State.PENDING).last()
    approvals: tuple[int, ...] = ()
    if pending is not None:
        approvals = tuple(
            pending.decisions.filter(decision=ReviewDecision.Decision.APPROVE).values_list(
                "decided_by_id", flat=True
            )
        )
    return workflow.Snapshot(
        status=call.status,
        risk=call.risk,
        response=call.response,
        created_by=call.created_by_id,
        outstanding=tuple(
            a.code for a in actions if a.status == ActionStatus.OUTSTANDING and a.code != "supervisor_review"
        ),
        review_required=any(a.code == "supervisor_review" for a in actions),
        advice_recorded=AdviceRecord.objects.filter(call=call).exists(),
        deployment_recorded=Deployment.objects.filter(call=call).exists(),
        decisive_unanswered=tuple(decisive_unanswered(call, _pack())),
        requested_by=pending.requested_by_id if pending else None,
        outcome=pending.outcome if pending else None,
        approvals=approvals,
    )


def _set_status(call: Call, actor: User, status: str, event: EventType, after: dict[str, Any]) -> None:
    before = {"status": call.status, "version": call.version}
    call.status = status
    _touch(call, "status")
    audit_record(
        event_type=event,
        actor=actor,
        call_id=call.pk,
        obj=call,
        before=before,
        after={"status": status, "version": call.version, **after},
    )


# Refusal codes that name the input at fault; any other refusal is about the call's state (409 in the API).
_REFUSAL_FIELDS = {"rationale_needed": "rationale", "bad_outcome": "outcome", "bad_decision": "decision"}


def _transition(
    call: Call,
    actor: User,
    event: str,
    choice: str,
    rationale: str,
    refused_event: EventType,
    apply: Callable[[workflow.Outcome], None],
) -> workflow.Refusal | None:
    """Ask the transition table (the call locked by the caller's ``_locked``): apply an allowed outcome, or
    audit the refusal and return it, for the caller to raise once the transaction has committed the audit."""
    decided = workflow.decide(_snapshot(call), event, actor.pk, choice, rationale)
    if isinstance(decided, workflow.Refusal):
        audit_record(
            event_type=refused_event,
            actor=actor,
            call_id=call.pk,
            obj=call,
            after={
                "event": event,
                "choice": choice,
                "reason": decided.code,
                "message": decided.message,
                "outstanding": list(decided.outstanding),
            },
        )
        return decided
    apply(decided)
    return None


def _raise_refusal(refused: workflow.Refusal | None) -> None:
    if refused is None:
        return
    if refused.code == "outstanding":
        raise ClosureRefused(refused.message, refused.outstanding, "outstanding")
    field = _REFUSAL_FIELDS.get(refused.code)
    raise CallError(refused.message, field, "invalid" if field else "refused")


def closure_request(
    *, actor: User, call: Call, outcome: object, rationale: object, expected_version: object = None
) -> Call:
    """Ask to close: refused with the outstanding list, sent for review, or closed (see workflow)."""
    outcome_s = outcome if isinstance(outcome, str) else ""
    text = _clean_rationale(rationale)
    with _locked(call, actor, expected_version) as call:

        def apply(decided: workflow.Outcome) -> None:
            closes = decided.to_status == workflow.CLOSED
            request = ClosureRequest.objects.create(
                call=call,
                outcome=outcome_s,
                rationale=text,
                state=ClosureRequest.State.CLOSED if closes else ClosureRequest.State.PENDING,
                requested_by=actor,
                requested_at=timezone.now(),
            )
            after = {"outcome": outcome_s, "rationale": text, "request": request.pk, "note": decided.note}
            _set_status(call, actor, decided.to_status, EventType.CLOSURE_REQUESTED, after)

        refused = _transition(call, actor, "request_close", outcome_s, text, EventType.CLOSURE_REFUSED, apply)
    _raise_refusal(refused)
    return call


def review_decide(
    *,
    actor: User,
    call: Call,
    decision: object,
    rationale: object,
    ndm: Mapping[str, str] | None = None,
    expected_version: object = None,
) -> Call:
    """A supervisor approves (closing, or the first of two approvals of 'no further action') or returns it."""
    choice = decision if isinstance(decision, str) else ""
    text = _clean_rationale(rationale)
    ndm_clean = {k: _clean_rationale(v, f"ndm.{k}") for k, v in (ndm or {}).items() if k in NDM_STAGES and v}
    with _locked(call, actor, expected_version) as call:

        def apply(decided: workflow.Outcome) -> None:
            request = call.closure_requests.get(state=ClosureRequest.State.PENDING)
            review = ReviewDecision.objects.create(
                call=call,
                request=request,
                decision=choice,
                rationale=text,
                ndm=ndm_clean,
                decided_by=actor,
                decided_at=timezone.now(),
            )
            request.state = {
                workflow.CLOSED: ClosureRequest.State.CLOSED,
                workflow.RETURNED: ClosureRequest.State.RETURNED,
            }.get(decided.to_status, ClosureRequest.State.PENDING)
            request.save(update_fields=["state"])
            details = {
                "decision": choice,
                "rationale": text,
                "ndm": ndm_clean,
                "review": review.pk,
                "note": decided.note,
            }
            if decided.to_status == call.status:  # the first of two approvals: the call waits for the second
                audit_record(
                    event_type=EventType.REVIEW_DECIDED,
                    actor=actor,
                    call_id=call.pk,
                    obj=review,
                    after={**details, "status": call.status},
                )
                _touch(call)
            else:
                _set_status(call, actor, decided.to_status, EventType.REVIEW_DECIDED, details)
            actions_refresh(call, actor)

        refused = _transition(call, actor, "review", choice, text, EventType.TRANSITION_REFUSED, apply)
    _raise_refusal(refused)
    return call


NDM_STAGES = tuple(workflow.NDM_LABELS)


def action_not_applicable(
    *, actor: User, call: Call, code: str, reason: object, expected_version: object = None
) -> RequiredAction:
    """Mark a required action not applicable, with a written reason, where the pack allows it."""
    text = _clean_rationale(reason, "reason")
    pack = _pack()
    ensure_editable(call)
    if code not in pack.actions:
        raise CallError(f"unknown action {code!r}", "code")
    if not pack.actions[code].may_be_not_applicable:
        raise CallError(
            f"'{pack.actions[code].label}' cannot be marked not applicable: the guidance requires it.",
            "status",
            "refused",
        )
    if len(text) < workflow.MIN_RATIONALE:
        raise CallError(f"Write a reason of at least {workflow.MIN_RATIONALE} characters.", "reason")
    with _locked(call, actor, expected_version) as call:
        action = RequiredAction.objects.filter(call=call, code=code).first()
        if action is None:
            raise CallError(f"this call does not require {code!r}", "code", "not_found")
        if action.status == ActionStatus.NOT_APPLICABLE:
            return action
        set_action(call, actor, action, ActionStatus.NOT_APPLICABLE, reason=text)
        _touch(call)
    return action


def risk_set(
    *, actor: User, call: Call, risk: object, rationale: object, expected_version: object = None
) -> Call:
    """Record a person's decision on the risk. Lowering it below the engine's reading takes a supervisor;
    every change needs a rationale. Actions already required stay on the call."""
    from heed.accounts.roles import Role

    text = _clean_rationale(rationale)
    if not isinstance(risk, str) or risk not in ("high", "medium", "standard"):
        raise CallError("risk must be high, medium or standard", "risk")
    if len(text) < workflow.MIN_RATIONALE:
        raise CallError(f"Write a rationale of at least {workflow.MIN_RATIONALE} characters.", "rationale")
    ensure_editable(call)
    with _locked(call, actor, expected_version) as call:
        if risk == call.risk:
            return call
        lowering = RISK_ORDER[risk] < RISK_ORDER.get(call.risk, 0)
        if (
            lowering
            and RISK_ORDER[risk] < RISK_ORDER.get(call.engine_risk, 0)
            and actor.role != Role.SUPERVISOR
        ):
            raise CallError(
                "Only a supervisor can set the risk lower than the engine reads it; ask a supervisor.",
                "risk",
                "refused",
            )
        decision = RiskDecision.objects.create(
            call=call,
            from_risk=call.risk,
            to_risk=str(risk),
            engine_risk=call.engine_risk,
            rationale=text,
            decided_by=actor,
            decided_at=timezone.now(),
        )
        before = _summary(call)
        call.risk = str(risk)
        _touch(call, "risk")
        audit_record(
            event_type=EventType.RISK_CHANGED,
            actor=actor,
            call_id=call.pk,
            obj=decision,
            before=before,
            after=_summary(call) | {"rationale": text, "lowered": lowering},
        )
        # Raising the risk may require more: re-grade with the new risk so the actions follow it.
        _reassess(call, actor)
    return call


def deployment_record(*, actor: User, call: Call, reference: object, note: object = "") -> Deployment:
    """Record that officers were deployed (the incident or dispatch reference)."""
    ref = _clean_text(reference, "reference", max_len=80)
    if not ref:
        raise CallError("give the incident or dispatch reference", "reference")
    text = _clean_rationale(note, "note")
    ensure_editable(call)
    with transaction.atomic():
        lock_call(call)
        dep = record_on_call(
            Deployment,
            event_type=EventType.DEPLOYMENT_RECORDED,
            actor=actor,
            call=call,
            after={"reference": ref, "note": text},
            reference=ref,
            note=text,
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        actions_refresh(call, actor)
    return dep


def vulnerability_flag_record(*, actor: User, call: Call, reason: object) -> VulnerabilityFlag:
    """Flag the child as vulnerable, with the reason."""
    text = _clean_rationale(reason, "reason")
    if len(text) < 10:
        raise CallError("say why the child is vulnerable (at least 10 characters)", "reason")
    ensure_editable(call)
    with transaction.atomic():
        lock_call(call)
        flag = record_on_call(
            VulnerabilityFlag,
            event_type=EventType.VULNERABILITY_FLAGGED,
            actor=actor,
            call=call,
            after={"child": call.child_name, "reason": text},
            child_name=call.child_name,
            reason=text,
            flagged_by=actor,
            flagged_at=timezone.now(),
        )
        actions_refresh(call, actor)
    return flag

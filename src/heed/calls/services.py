"""Changing calls. Every function here runs in one transaction and writes its audit events in it.

Names follow ``<entity>_<verb>``; arguments are keyword-only. Input problems raise ``CallError`` with the
field at fault, so the pages and the API can say what was wrong and where.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from heed.accounts.models import Force, User
from heed.audit.events import EventType
from heed.audit.services import audit_record
from heed.calls import workflow
from heed.calls.models import (
    RISK_ORDER,
    ActionStatus,
    Call,
    CallerRelation,
    IdentifierCheck,
    IdentifierKey,
    IdentifierSighting,
    NoteDraft,
    NoteEntry,
    PersonCheck,
    RequiredAction,
)
from heed.calls.person_index import get_person_index
from heed.calls.selectors import (
    call_text,
    identifiers_to_check,
    persons_to_check,
    subject_key,
)
from heed.checks import IndexUnavailable, QueryError, identifier_keys
from heed.checks.identifiers import normalise_platform
from heed.risk import Assessment, GuidancePack, InputError, assess, default_pack
from heed.risk.engine import check_text

MAX_NAME = 200
RESPONSE_ORDER = {"": 0, "resolution_without_deployment": 1, "scheduled": 2, "priority": 3, "emergency": 4}
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


def _ensure_editable(call: Call) -> None:
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
    entry = NoteEntry(
        call=call, entry_no=(last or 0) + 1, version=1, text=text, author=actor, created_at=timezone.now()
    )
    entry.full_clean(exclude=["call", "author"])
    entry.save()
    audit_record(
        event_type=EventType.NOTE_ADDED,
        actor=actor,
        call_id=call.pk,
        obj=entry,
        after={"entry_no": entry.entry_no, "version": 1, "text": text},
    )
    return entry


def note_add(*, actor: User, call: Call, text: object) -> NoteEntry:
    """Add an entry to the call's log and reassess. The actor's draft is cleared (it is now in the log)."""
    clean = _clean_note(text)
    _ensure_editable(call)
    with transaction.atomic():
        entry = _entry_add(call, actor, clean)
        NoteDraft.objects.filter(call=call, author=actor).update(text="", updated_at=timezone.now())
        _reassess(call, actor)
    return entry


def note_edit(*, actor: User, call: Call, entry_no: int, text: object) -> NoteEntry:
    """Correct an entry by adding a new version; every earlier version stays in the record."""
    clean = _clean_note(text)
    _ensure_editable(call)
    with transaction.atomic():
        latest = NoteEntry.objects.filter(call=call, entry_no=entry_no).order_by("-version").first()
        if latest is None:
            raise CallError(f"the call has no log entry {entry_no}", "entry_no", "not_found")
        if latest.text == clean:
            return latest
        entry = NoteEntry(
            call=call,
            entry_no=entry_no,
            version=latest.version + 1,
            text=clean,
            author=actor,
            created_at=timezone.now(),
        )
        entry.save()
        audit_record(
            event_type=EventType.NOTE_EDITED,
            actor=actor,
            call_id=call.pk,
            obj=entry,
            before={"entry_no": entry_no, "version": latest.version, "text": latest.text},
            after={"entry_no": entry_no, "version": entry.version, "text": clean},
        )
        _reassess(call, actor)
    return entry


def draft_save(*, actor: User, call: Call, text: object) -> str:
    """Keep what the actor is typing (autosave). Not an audit event: the draft is not yet part of the log."""
    if not isinstance(text, str):
        raise CallError("the draft must be text", "text")
    if "\x00" in text or len(text.encode("utf-8")) > 1_000_000:
        raise CallError("the draft must be text of at most 1 MB", "text")
    _ensure_editable(call)
    with transaction.atomic():
        NoteDraft.objects.update_or_create(
            call=call, author=actor, defaults={"text": text, "updated_at": timezone.now()}
        )
    return text


def answers_record(*, actor: User, call: Call, answers: Mapping[str, str]) -> Call:
    """Record guided answers (merged over earlier ones) and reassess."""
    clean = _clean_answers(answers)
    _ensure_editable(call)
    with transaction.atomic():
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


def live_assessment(call: Call, draft: str) -> tuple[Assessment | None, str]:
    """What the engine says of the log plus the unsent draft (not stored): for the live panel."""
    text, _ = call_text(call, draft)
    if not text.strip():
        return None, text
    try:
        return assess(text, call.answers), text
    except InputError:
        return None, text


def _reassess(call: Call, actor: User) -> None:
    """Assess the log and answers, store the result and bring the required actions up to date.

    The engine may lower its own view of the risk (``engine_risk``) but the call's risk is never lowered
    here: lowering takes a recorded decision.
    """
    text, _ = call_text(call)
    before = _summary(call)
    pack = _pack()
    if text.strip():
        result = assess(text, call.answers, pack=pack)
    elif call.answers:
        # Answers alone still count; the engine needs some text to read, so it reads none of substance.
        result = assess(".", call.answers, pack=pack)
    else:
        return
    data = result.to_dict()
    data["facts"] = dict(result.facts)
    risk = result.risk
    response = result.response
    if RISK_ORDER.get(call.risk, 0) > RISK_ORDER[risk]:
        risk = call.risk
    if RESPONSE_ORDER.get(call.response, 0) > RESPONSE_ORDER.get(response, 0):
        response = call.response
    data["suggested_agencies"] = pack.suggest_agencies([i["code"] for i in data["indicators"]], risk)
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
    _actions_sync(call, actor, list(result.required_actions), pack)


def _actions_sync(call: Call, actor: User, required: list[str], pack: GuidancePack) -> None:
    existing = {a.code: a for a in RequiredAction.objects.filter(call=call)}
    due = pack.due_times.get(call.risk, {})
    rules = {r["effect"].removeprefix("action="): r["rule"] for r in call.assessment.get("reasons", [])}
    for code in required:
        if code in existing:
            continue
        hours = due.get(code)
        action = RequiredAction.objects.create(
            call=call,
            code=code,
            rule=rules.get(code, ""),
            due_at=call.created_at + timedelta(hours=hours) if hours is not None else None,
            created_at=timezone.now(),
        )
        audit_record(
            event_type=EventType.ACTION_UPDATED,
            actor=actor,
            call_id=call.pk,
            obj=action,
            after={"code": code, "status": action.status, "due_at": action.due_at, "rule": action.rule},
        )
    _refresh_check_actions(call, actor)


def _set_action(
    call: Call,
    actor: User,
    action: RequiredAction,
    status: str,
    *,
    record: Any = None,
    by: User | None = None,
) -> None:
    before = {"status": action.status, "record": f"{action.record_type}:{action.record_id}".strip(":")}
    action.status = status
    if status == ActionStatus.DONE:
        action.done_by = by or actor
        action.done_at = timezone.now()
        action.record_type = record._meta.model_name if record is not None else ""
        action.record_id = str(record.pk) if record is not None else ""
    else:
        action.done_by, action.done_at, action.record_type, action.record_id = None, None, "", ""
    action.save(update_fields=["status", "done_by", "done_at", "record_type", "record_id"])
    audit_record(
        event_type=EventType.ACTION_UPDATED,
        actor=actor,
        call_id=call.pk,
        obj=action,
        before=before,
        after={
            "code": action.code,
            "status": status,
            "record": f"{action.record_type}:{action.record_id}".strip(":"),
        },
    )


def _refresh_check_actions(call: Call, actor: User) -> None:
    """person_check is done when every named person has been checked; identifier_check when every
    identifier has. A newly named person or identifier makes the action outstanding again."""
    actions = {
        a.code: a
        for a in RequiredAction.objects.filter(call=call, code__in=["person_check", "identifier_check"])
    }
    person = actions.get("person_check")
    if person is not None and person.status != ActionStatus.NOT_APPLICABLE:
        checks = list(PersonCheck.objects.filter(call=call).order_by("run_at", "id"))
        checked = {subject_key(c.subject) for c in checks if c.subject}
        needed = {subject_key(str(s["value"])) for s in persons_to_check(call)}
        complete = bool(checks) and needed <= checked
        _settle(call, actor, person, complete, checks[-1] if checks else None)
    ident = actions.get("identifier_check")
    if ident is not None and ident.status != ActionStatus.NOT_APPLICABLE:
        ichecks = list(IdentifierCheck.objects.filter(call=call).order_by("run_at", "id"))
        done_keys = {(c.kind, c.strong_key) for c in ichecks}
        needed_keys = set()
        for s in identifiers_to_check(call):
            keys = _keys_or_none(s)
            if keys is not None:
                needed_keys.add((s["kind"], keys.strong))
        complete = bool(ichecks) and needed_keys <= done_keys
        _settle(call, actor, ident, complete, ichecks[-1] if ichecks else None)


def _settle(call: Call, actor: User, action: RequiredAction, complete: bool, record: Any) -> None:
    if complete and action.status != ActionStatus.DONE:
        _set_action(call, actor, action, ActionStatus.DONE, record=record, by=getattr(record, "run_by", None))
    elif not complete and action.status == ActionStatus.DONE:
        _set_action(call, actor, action, ActionStatus.OUTSTANDING)


def _keys_or_none(subject: Mapping[str, Any]) -> Any:
    value = subject.get("e164") or subject.get("value")
    try:
        return identifier_keys(str(subject["kind"]), str(value), subject.get("platform"))
    except ValueError:
        return None


def _register_identifiers(call: Call) -> None:
    """Put every identifier named on the call in the register, so later reports of it link to this one."""
    for s in identifiers_to_check(call):
        keys = _keys_or_none(s)
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
    _ensure_editable(call)
    if not isinstance(query, Mapping):
        raise CallError("the query must be an object of search fields", "query")
    clean = {key: v for key, v in query.items() if v not in (None, "")}
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
        check = PersonCheck.objects.create(
            call=call,
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
        audit_record(
            event_type=EventType.CHECK_PERSON,
            actor=actor,
            call_id=call.pk,
            obj=check,
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
        )
        _refresh_check_actions(call, actor)
    return check


def identifier_check_run(
    *, actor: User, call: Call, kind: object, value: object, platform: object = None
) -> IdentifierCheck:
    """Look an identifier up in the force's register of earlier reports and record what was shown."""
    _ensure_editable(call)
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
        check = IdentifierCheck.objects.create(
            call=call,
            kind=kind_s,
            value=value_s,
            platform=(normalise_platform(platform_s) or "") if kind_s == "handle" else "",
            display=keys.display,
            strong_key=keys.strong,
            earlier=found,
            run_by=actor,
            run_at=timezone.now(),
        )
        audit_record(
            event_type=EventType.CHECK_IDENTIFIER,
            actor=actor,
            call_id=call.pk,
            obj=check,
            after={
                "kind": kind_s,
                "value": value_s,
                "display": keys.display,
                "earlier": [e["reference"] for e in found],
            },
        )
        _refresh_check_actions(call, actor)
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

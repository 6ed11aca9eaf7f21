"""Taking a new call: its caller, child, first log entry and first assessment."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from heed.accounts.models import Force, User
from heed.audit.events import EventType
from heed.audit.services import audit_record
from heed.calls.models import (
    Call,
    CallerRelation,
    TrainingSetting,
)
from heed.calls.services.assessment import clean_answers, reassess
from heed.calls.services.base import (
    CallError,
    clean_note,
    clean_text,
)
from heed.calls.services.notes import entry_add
from heed.packstore.selectors import pack_for
from heed.risk import default_pack

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
    training: Mapping[str, Any] | None = None,
) -> Call:
    """Open a new call for the actor's force, with its first log entry and first assessment.

    ``training`` (heed.training only): ``{"trainee", "role", "records", "sightings"}`` makes it a training
    call, referenced ``TRN-...`` apart from live calls and kept out of everything live (docs/adr/0018)."""
    fields = {
        "caller_name": clean_text(caller_name, "caller.name"),
        "caller_contact": clean_text(caller_contact, "caller.contact"),
        "child_name": clean_text(child_name, "child.name"),
    }
    relation = clean_text(caller_relation, "caller.relation")
    if relation and relation not in CallerRelation.values:
        raise CallError(
            f"caller.relation must be one of {', '.join(CallerRelation.values)}", "caller.relation"
        )
    age = _clean_age(child_age)
    text = "" if narrative in (None, "") else clean_note(narrative, "narrative")
    pack = default_pack() if training is not None else pack_for(actor.force)
    given_answers = clean_answers(answers, pack)
    now = timezone.now()
    with transaction.atomic():
        call = Call(
            force=actor.force,
            reference=_next_reference(actor.force, training=training is not None),  # type: ignore[arg-type]
            training=training is not None,
            created_by=actor,
            created_at=now,
            updated_at=now,
            caller_relation=relation,
            child_age=age,
            answers=given_answers,
            **fields,
        )
        call.full_clean(exclude=["force", "created_by"])
        call.save()
        if training is not None:
            TrainingSetting.objects.create(
                call=call,
                trainee=training["trainee"],
                role=str(training["role"]),
                records=list(training.get("records", [])),
                sightings=list(training.get("sightings", [])),
            )
        audit_record(
            event_type=EventType.CALL_CREATED,
            actor=actor,
            call=call,
            obj=call,
            after={
                "reference": call.reference,
                "caller": {"name": call.caller_name, "relation": relation, "contact": call.caller_contact},
                "child": {"name": call.child_name, "age": age},
                "answers": given_answers,
            },
        )
        if text:
            entry_add(call, actor, text)
        reassess(call, actor)
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


def _next_reference(force: Force, *, training: bool = False) -> str:
    today = timezone.localdate()
    if training:
        # A training call's reference is random, not counted: setting up a scenario never holds the force's
        # numbering (and so never its live calls) for the seconds a supervisor scenario's call takes.
        return f"TRN-{force.code}-{today:%Y%m%d}-{secrets.token_hex(4).upper()}"
    # The force row is locked (PostgreSQL) / the database write-locked (SQLite) so two calls never share one.
    Force.objects.select_for_update(no_key=True).filter(pk=force.pk).first()
    prefix = f"{force.code}-{today:%Y%m%d}-"
    n = Call.objects.filter(force=force, reference__startswith=prefix).count() + 1
    return f"{prefix}{n:04d}"

"""The shape every change to a call takes: the error it raises, the row lock held for the whole transaction,
the version check, the record and its audit event written together."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone

from heed.accounts.models import User
from heed.audit.events import EventType
from heed.audit.services import audit_record
from heed.calls import workflow
from heed.calls.models import Call
from heed.risk import GuidancePack, InputError, default_pack
from heed.risk.engine import check_text

MAX_NAME = 200
ModelT = TypeVar("ModelT", bound=models.Model)


class CallError(ValueError):
    """A change to a call that cannot be made as asked. ``field`` names the input at fault (or None)."""

    def __init__(self, message: str, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(message)
        self.field = field
        self.code = code


def guidance() -> GuidancePack:
    return default_pack()


def clean_text(value: object, field: str, *, max_len: int = MAX_NAME) -> str:
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


def clean_note(text: object, field: str = "text") -> str:
    try:
        checked = check_text(text)
    except InputError as exc:
        raise CallError(str(exc), field) from None
    return checked.strip("\n")


def ensure_editable(call: Call) -> None:
    refusal = workflow.may_edit(call.status)
    if refusal is not None:
        raise CallError(refusal.message, None, refusal.code)


def touch(call: Call, *fields: str) -> None:
    call.updated_at = timezone.now()
    call.version += 1
    call.full_clean(exclude=["force", "created_by"])
    call.save(update_fields=[*fields, "updated_at", "version"])


def summary(call: Call) -> dict[str, Any]:
    return {
        "risk": call.risk,
        "engine_risk": call.engine_risk,
        "response": call.response,
        "indicators": [i["code"] for i in call.assessment.get("indicators", [])],
        "vulnerability": [v["code"] for v in call.assessment.get("vulnerability", [])],
        "required_actions": list(call.assessment.get("required_actions", [])),
        "pack_version": call.pack_version,
    }


def lock_call(call: Call) -> Call:
    """Lock the call's row until the current transaction ends and bring ``call`` up to date with it.

    Every change to a call runs in one transaction that begins here (decisions through ``locked``, which also
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


class ClosureRefused(CallError):
    """Closing (or reviewing) was refused; ``outstanding`` lists what must be done first."""

    def __init__(self, message: str, outstanding: tuple[str, ...] = (), code: str = "refused") -> None:
        super().__init__(message, None, code)
        self.outstanding = outstanding


def clean_rationale(value: object, field: str = "rationale") -> str:
    if not isinstance(value, str):
        raise CallError(f"{field} must be text", field)
    if "\x00" in value or len(value) > 20_000:
        raise CallError(f"{field} must be text of at most 20,000 characters", field)
    return value.strip()


@contextmanager
def locked(call: Call, actor: User, expected_version: object) -> Iterator[Call]:
    """The call locked for a decision, for the whole of the ``with`` block (one transaction: what is read and
    what is written under it are one step), or CallError(stale) when it changed since the actor last saw it.

    The refusal is audited and committed before the error is raised: a lost race is itself a fact.
    """
    if expected_version is not None and not isinstance(expected_version, int):
        raise CallError("version must be a whole number", "version")
    stale_by = None
    with transaction.atomic():
        row = Call.objects.select_for_update().select_related("force", "created_by").get(pk=call.pk)
        if expected_version is None or row.version == expected_version:
            yield row
            return
        stale_by = row.version
        audit_record(
            event_type=EventType.STALE_EDIT_REFUSED,
            actor=actor,
            call_id=call.pk,
            obj=row,
            before={"version": expected_version},
            after={"version": row.version, "updated_at": row.updated_at},
        )
    raise CallError(
        f"This call was changed by someone else at {timezone.localtime(row.updated_at):%H:%M:%S} "
        f"(version {stale_by}; you had version {expected_version}). Nothing of yours was overwritten and "
        "your "
        "text is kept: check the latest state, then submit again.",
        "version",
        "stale",
    )

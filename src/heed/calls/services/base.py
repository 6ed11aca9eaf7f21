"""The shape every change to a call takes: the error it raises, the row lock held for the whole transaction,
the version check, the record and its audit event written together."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone

from heed import textclean as tc
from heed.accounts.models import User
from heed.audit.events import EventType
from heed.audit.services import audit_record
from heed.calls import workflow
from heed.calls.errors import CallError as CallError  # raised by every service; defined below the lock
from heed.calls.locks import ensure_training_open
from heed.calls.models import Call
from heed.packstore.selectors import pack_for_call
from heed.risk import GuidancePack, default_pack
from heed.textclean import TextRule

ModelT = TypeVar("ModelT", bound=models.Model)


def guidance(call: Call | None = None) -> GuidancePack:
    """The guidance a call is read under: its force's in force (``heed.packstore``); without a call, the
    shipped pack (for labels)."""
    return default_pack() if call is None else pack_for_call(call)


def _kept(value: object, field: str, rule: TextRule) -> str:
    """``value`` under the one text rule (``heed.textclean``, as the forms and API schemas apply it), or
    CallError naming the field. The edges clean first; this is the same rule again for callers that are not
    an edge (the CLI, the demo, batch jobs), so no path stores text the pages would refuse."""
    try:
        return tc.clean_text(value, rule)
    except tc.TextRefused as exc:
        raise CallError(exc.describe(f"The {field}"), field) from None


def clean_text(value: object, field: str, *, max_len: int = tc.NAME) -> str:
    """One line of text (a name, a reference), ``""`` for none."""
    return "" if value is None else _kept(value, field, TextRule(max_len, single_line=True))


def clean_note(text: object, field: str = "text") -> str:
    """A narrative or log entry: refused when empty, as the engine needs words to read."""
    # Kept as typed but for blank lines at either end (indentation can carry meaning in a pasted message).
    clean = _kept(text, field, TextRule(tc.NARRATIVE, strip=False)).strip("\n")
    if not clean.strip():
        raise CallError(f"The {field} is empty.", field)
    return clean


def ensure_editable(call: Call) -> None:
    """A quick refusal before any work; the lock refuses again what changed meanwhile (``lock_call``)."""
    refusal = workflow.may_edit(call.status)
    if refusal is not None:
        raise CallError(refusal.message, None, refusal.code)
    ensure_training_open(call)


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
    audit_record(event_type=event_type, actor=actor, call=call, obj=row, before=before, after=after)
    return row


class ClosureRefused(CallError):
    """Closing (or reviewing) was refused; ``outstanding`` lists what must be done first."""

    def __init__(self, message: str, outstanding: tuple[str, ...] = (), code: str = "refused") -> None:
        super().__init__(message, None, code)
        self.outstanding = outstanding


def clean_draft(value: object) -> str:
    """What is being typed, kept as typed (no trimming: the cursor may be at the end of a space)."""
    return _kept(value, "draft", TextRule(tc.NARRATIVE, strip=False))


def clean_rationale(value: object, field: str = "rationale", *, limit: int = tc.RATIONALE) -> str:
    """A rationale, reason or note of several lines."""
    return _kept("" if value is None else value, field, TextRule(limit))


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
        row = (
            Call.objects.select_for_update(of=("self",), no_key=True)
            .select_related("force", "created_by")
            .get(pk=call.pk)
        )
        if expected_version is None or row.version == expected_version:
            ensure_training_open(row)
            yield row
            return
        stale_by = row.version
        audit_record(
            event_type=EventType.STALE_EDIT_REFUSED,
            actor=actor,
            call=call,
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

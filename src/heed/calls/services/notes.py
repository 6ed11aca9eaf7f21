"""The call's log: entries added and corrected (every version kept), and the handler's unsent draft."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from heed.accounts.models import User
from heed.audit.events import EventType
from heed.audit.services import audit_record
from heed.calls.locks import lock_call
from heed.calls.models import (
    Call,
    NoteDraft,
    NoteEntry,
)
from heed.calls.services.assessment import read_log, reassess
from heed.calls.services.base import (
    CallError,
    clean_draft,
    clean_note,
    ensure_editable,
    record_on_call,
)

# ---------------------------------------------------------------------------------------------------- notes


def entry_add(call: Call, actor: User, text: str) -> NoteEntry:
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
    clean = clean_note(text)
    ensure_editable(call)
    with transaction.atomic():
        lock_call(call)
        # The engine reads the log with the new entry before anything is written, so the force's audit
        # chain head (locked from the first audit event to the commit) is held for the writes alone.
        reading = read_log(call, clean)
        entry = entry_add(call, actor, clean)
        NoteDraft.objects.filter(call=call, author=actor).update(text="", updated_at=timezone.now())
        reassess(call, actor, reading)
    return entry


def note_edit(
    *, actor: User, call: Call, entry_no: int, text: object, expected_version: object = None
) -> NoteEntry:
    """Correct an entry by adding a new version; every earlier version stays in the record.

    ``expected_version`` is the entry's version the editor corrected: if someone has corrected it since, the
    correction is refused (and audited) rather than silently replacing theirs.
    """
    clean = clean_note(text)
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
                call=call,
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
            reassess(call, actor)
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
    text = clean_draft(text)
    ensure_editable(call)
    with transaction.atomic():
        NoteDraft.objects.update_or_create(
            call=call, author=actor, defaults={"text": text, "updated_at": timezone.now()}
        )
    return text

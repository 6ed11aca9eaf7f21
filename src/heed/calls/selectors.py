"""Reading calls: the assessed text and its parts, current notes, checks, subjects still to check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from heed.accounts.models import User
from heed.accounts.roles import Action
from heed.calls.models import ActionStatus, Call, CallStatus, NoteDraft, NoteEntry, RequiredAction
from heed.risk import GuidancePack
from heed.textclean import for_engine

ENTRY_SEPARATOR = "\n\n"
IDENTIFIER_KINDS = ("handle", "phone", "email")


@dataclass(frozen=True)
class Segment:
    """A part of the assessed text: one log entry (its current version) or the live draft."""

    entry_no: int | None  # None: the draft
    version: int
    start: int
    text: str
    author: str
    created_at: Any

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def calls_for_user(user: User, action: str = Action.VIEW) -> QuerySet[Call]:
    return Call.objects.restrict(user, action).select_related("created_by")


def access_call_by_id(user: User, call_id: object, action: str = Action.VIEW) -> Call:
    """The call ``call_id`` if ``user`` may take ``action`` on it; else CallNotFound (the same for every
    reason). Changes lock it again inside their own transaction (``services.lock_call``)."""
    return Call.objects.restrict(user, action).select_related("force", "created_by").found(call_id)


def current_entries(call: Call, history: dict[int, list[NoteEntry]] | None = None) -> list[NoteEntry]:
    """Each log entry at its latest version, in entry order (from ``history`` when the caller has it)."""
    history = entry_history(call) if history is None else history
    return [history[n][-1] for n in sorted(history)]


def entry_history(call: Call) -> dict[int, list[NoteEntry]]:
    """Every version of every entry (oldest first), for showing what was changed."""
    out: dict[int, list[NoteEntry]] = {}
    for entry in NoteEntry.objects.filter(call=call).select_related("author").order_by("entry_no", "version"):
        out.setdefault(entry.entry_no, []).append(entry)
    return out


def draft_for(call: Call, user: User) -> str:
    row = NoteDraft.objects.filter(call=call, author=user).first()
    return row.text if row is not None else ""


def call_text(
    call: Call, draft: str = "", history: dict[int, list[NoteEntry]] | None = None
) -> tuple[str, list[Segment]]:
    """The text the engine assesses: current entries, then the draft, joined by blank lines.

    Evidence offsets of an assessment index this text; the segments map them back to entries. Each invisible
    control character kept in an entry (a bidi override...) is a space here (``textclean.for_engine``: same
    length, so the offsets index the stored entries too); the engine never reads one.
    """
    segments: list[Segment] = []
    pos = 0
    for entry in current_entries(call, history):
        segments.append(
            Segment(entry.entry_no, entry.version, pos, entry.text, entry.author.username, entry.created_at)
        )
        pos += len(entry.text) + len(ENTRY_SEPARATOR)
    if draft.strip():
        segments.append(Segment(None, 0, pos, draft, "", None))
    return for_engine(ENTRY_SEPARATOR.join(s.text for s in segments)), segments


def _norm(name: str) -> str:
    return " ".join(name.casefold().split())


def persons_to_check(call: Call) -> list[dict[str, Any]]:
    """Named people other than the child and the caller: each needs a person check."""
    exclude = {_norm(n) for n in (call.child_name, call.caller_name) if n.strip()}
    exclude |= {n.split()[0] for n in exclude if n}
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for s in call.assessment.get("subjects", []):
        if s.get("kind") != "person" or s.get("role") in ("child", "caller"):
            continue
        key = _norm(str(s.get("value", "")))
        if not key or key in exclude or key.split()[0] in exclude or key in seen:
            continue
        seen.add(key)
        out.append(s)
    return out


def identifiers_to_check(call: Call) -> list[dict[str, Any]]:
    """Handles, phone numbers and e-mail addresses named on the call."""
    return [s for s in call.assessment.get("subjects", []) if s.get("kind") in IDENTIFIER_KINDS]


def subject_key(value: str) -> str:
    return _norm(value)


def decisive_questions(call: Call, pack: GuidancePack) -> list[dict[str, Any]]:
    """The pack's decisive questions with the answer recorded on the call (None when not yet answered) and
    the answers each allows. From the pack and the call's answers, not the stored assessment: they are asked
    on every call, including one with nothing in its log yet."""
    return [
        {
            "id": q.id,
            "text": q.text,
            "indicator": q.informs,
            "answer": call.answers.get(q.id),
            "answers": list(q.answers),
        }
        for q in pack.questions.values()
        if q.decisive
    ]


def decisive_unanswered(call: Call, pack: GuidancePack) -> list[str]:
    """Ids of the decisive questions with no answer on the call ("unknown" is an answer)."""
    return [q["id"] for q in decisive_questions(call, pack) if q["answer"] is None]


def overdue_for_handler(user: Any) -> list[RequiredAction]:
    """Outstanding actions past due on calls this user took (shown on their list of calls)."""
    now: datetime = timezone.now()
    return list(
        RequiredAction.objects.filter(
            call__in=Call.objects.restrict(user),
            call__created_by=user,
            status=ActionStatus.OUTSTANDING,
        )
        .filter(due_at__lt=now)
        .exclude(call__status=CallStatus.CLOSED)
        .select_related("call")
        .order_by("due_at")[:20]
    )

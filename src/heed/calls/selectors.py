"""Reading calls: the assessed text and its parts, current notes, checks, subjects still to check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Case, DateTimeField, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.utils import timezone

from heed.accounts.access import CallNotFound, user_active
from heed.accounts.models import User
from heed.accounts.roles import Action, role_may
from heed.calls.models import (
    ActionStatus,
    Call,
    CallStatus,
    NoteDraft,
    NoteEntry,
    RequiredAction,
    ReviewDecision,
    TrainingSetting,
)
from heed.calls.workflow import NDM_LABELS
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
    reason). Changes lock it again inside their own transaction (``services.lock_call``).

    A live call: one of the user's force that the user's role may act on so. A training call: only its own
    trainee, and then as the part the scenario gives them (a handler trainee cannot review their own training
    call; a supervisor scenario's trainee reviews, whatever their role at work)."""
    try:
        return Call.objects.restrict(user, action).select_related("force", "created_by").found(call_id)
    except CallNotFound:
        training = training_call_for(user, call_id)
        if training is None or not role_may(training.training_setting.role, action):
            raise
        return training


def may_on_call(user: User, call: Call, action: str) -> bool:
    """Whether ``user`` may take ``action`` on ``call`` (which they have reached): on a training call, as the
    part the scenario gives them; on a live call, as their role."""
    if call.training:
        setting = TrainingSetting.objects.filter(call_id=call.pk).first()
        if setting is None or setting.trainee_id != user.pk:
            return False
        # A finished attempt's call is read, not changed.
        finished = setting.finished_at is not None and action not in (Action.VIEW, Action.TIMELINE)
        return not finished and role_may(setting.role, action)
    return user_active(user) and role_may(user.role, action)


def training_call_for(user: User, call_id: object) -> Call | None:
    """The training call ``call_id`` if ``user`` is its trainee; else None."""
    if not user_active(user):
        return None
    try:
        key = int(str(call_id))
    except ValueError:
        return None
    return (
        Call.objects.filter(
            pk=key, training=True, training_setting__trainee=user, force_id=user.force_id or 0
        )
        .select_related("force", "created_by", "training_setting")
        .first()
    )


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
    """Outstanding actions past their due time on calls this user took and still holds (open or returned:
    shown on their list of calls), most overdue first. Work due by the close request has no due time, so an
    open call is never overdue for what is done by its end."""
    now: datetime = timezone.now()
    return list(
        RequiredAction.objects.filter(
            call__in=Call.objects.restrict(user),
            call__created_by=user,
            call__status__in=(CallStatus.OPEN, CallStatus.RETURNED),
            status=ActionStatus.OUTSTANDING,
            due_at__lt=now,
        )
        .select_related("call")
        .order_by("due_at", "id")[:20]
    )


def _last_return() -> QuerySet[ReviewDecision]:
    return ReviewDecision.objects.filter(
        call=OuterRef("pk"), decision=ReviewDecision.Decision.RETURN
    ).order_by("-decided_at", "-id")


def with_return(calls: QuerySet[Call]) -> QuerySet[Call]:
    """``calls`` with the latest return's reason, supervisor and time (``returned_reason``, ``returned_by``,
    ``returned_at``; None for a call never returned), read in the same query."""
    last = _last_return()
    return calls.annotate(
        returned_reason=Subquery(last.values("rationale")[:1]),
        returned_by=Subquery(last.values("decided_by__username")[:1]),
        returned_at=Subquery(last.values("decided_at")[:1]),
    )


def returned_first(calls: QuerySet[Call]) -> QuerySet[Call]:
    """The list of calls: those returned to a handler first (longest returned first: they wait on someone),
    then the rest newest first; each with its latest return (``with_return``)."""
    return with_return(calls).order_by(
        Case(When(status=CallStatus.RETURNED, then=Value(0)), default=Value(1), output_field=IntegerField()),
        Case(
            When(status=CallStatus.RETURNED, then="returned_at"), default=None, output_field=DateTimeField()
        ),
        "-created_at",
        "-id",
    )


def returned_to(user: Any) -> list[Call]:
    """The calls this user took that a supervisor has returned to them (longest returned first)."""
    mine = Call.objects.restrict(user).filter(created_by=user, status=CallStatus.RETURNED)
    return list(with_return(mine).order_by("returned_at", "id")[:20])


@dataclass(frozen=True)
class ReturnNotice:
    """Why a call was returned to its handler: who returned it, when, their reason and NDM notes."""

    by: str
    at: datetime
    reason: str
    ndm: list[tuple[str, str]]  # (stage, note) in the National Decision Model's order


def return_notice(call: Call) -> ReturnNotice | None:
    """The supervisor's return of ``call`` while it is with the handler because of it; None otherwise. It
    ends when the handler acts on it: a close request that is accepted moves the call on (a refused one
    leaves it returned, and the notice stays)."""
    if call.status != CallStatus.RETURNED:
        return None
    review = (
        ReviewDecision.objects.filter(call=call, decision=ReviewDecision.Decision.RETURN)
        .select_related("decided_by")
        .order_by("-decided_at", "-id")
        .first()
    )
    if review is None:
        return None
    who = review.decided_by
    ndm = [
        (label.split(":", 1)[0], review.ndm[key]) for key, label in NDM_LABELS.items() if review.ndm.get(key)
    ]
    return ReturnNotice(
        by=who.get_full_name() or who.username, at=review.decided_at, reason=review.rationale, ndm=ndm
    )

"""A SYNTHETIC month of calls for a force, for the tests and the demo: a fixed, realistic mix worked through
the real services (the guard, the engine and the review rules decide, as live), plus a few calls written
straight into the tables as an older version of Heed left them (closed with work outstanding, 'no further
action' on a high risk call approved by one supervisor), one look-back finding and one training call.

Every person, name and narrative here is fictional and labelled SYNTHETIC. The mix is a parameter (``mix``:
how many of each kind per handler; ``referral_mix``: of the referrals made, in the order they are made, how
many in each turn are answered on time, answered late or left unanswered), so the figures are known; ``seed``
only chooses when in the month each call is taken and how long each review waits. ``teams`` puts users in
the force's teams (made when missing) through the accounts services, as a force administrator would.

The services read the time from ``django.utils.timezone.now``; while a call is worked here that clock is set
to the call's own moments in the month (``_clock``), so every record and audit event carries a time in the
month. Not for use while a server is running in the same process.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from unittest import mock

from django.db import transaction
from django.utils import timezone

from heed.accounts.models import Force, Team, User
from heed.accounts.services import team_create, user_team_set_by_name
from heed.calls import services
from heed.calls.models import (
    ActionStatus,
    Call,
    ClosureRequest,
    RequiredAction,
    ReviewDecision,
)
from heed.calls.services.base import ClosureRefused
from heed.compliance.figures import add_months, month_start
from heed.lookback.models import LookBackItem, LookBackRun, RunStatus
from heed.support import services as support
from heed.support.models import Referral, ReferralStatus

GROOMING = (
    "SYNTHETIC NARRATIVE (fictional people, not a real call). CLR is mother of SAM (14). States an older "
    "male called Kai, she thinks about 19, has been gaming with SAM online for months. He plays as "
    "NightHawk on Xbox and they now talk privately on Discord. Kai tells SAM he is the only one who really "
    "understands him. Kai sent SAM a new phone so they can talk without mum seeing and told him to keep it "
    "secret. He keeps asking SAM when mum is at work. Kai has offered to pay for a train ticket so SAM can "
    "come and stay with him. SAM has become withdrawn and is up late online every night. Kai's number is "
    "07700 900123."
)
QUIET = "SYNTHETIC. Mum rang about screen time only; nothing else was said and nobody else is involved."
DECISIVE = {
    "whereabouts_now": "safe",
    "contact_age": "adult",
    "asked_for_images": "no",
    "threats": "no",
    "asked_to_meet": "yes",
}
QUIET_ANSWERS = {
    "whereabouts_now": "safe",
    "contact_age": "same_age",
    "asked_for_images": "no",
    "threats": "no",
    "asked_to_meet": "no",
}
WHY = "SYNTHETIC rationale: long enough to be a real reason for this decision on what was known."
NFA_WHY = (
    "SYNTHETIC rationale for no further action: the contact was traced, is a known peer of the child, and "
    "the family have been advised and are content; nothing further for police."
)
OLDER_VERSION = "0.9.0-synthetic-older"

# Each handler's share of the month, in this order: (kind, how many). The figures follow from it.
MIX: tuple[tuple[str, int], ...] = (
    ("complete", 4),  # everything done, referred, approved by a supervisor
    ("returned", 1),  # returned once by a supervisor, then put right and approved
    ("refused_first", 1),  # asked to close with nothing done (refused by the guard), then done and approved
    ("nfa_two", 1),  # 'no further action' at high risk, approved by two supervisors
    ("standard", 3),  # standard risk, advice given, closed without review
    ("open_referral", 1),  # referral made, not answered, the call still open
    ("lowered", 1),  # a supervisor lowered the risk to medium, then done and approved
    ("awaiting", 1),  # everything done, asked to close, not yet reviewed
)
# Of the referrals made, in the order they are made, taken in turns: this many answered well within their due
# time, this many answered after it, this many never answered (so overdue once their due time passes).
REFERRAL_MIX: tuple[tuple[str, int], ...] = (("on_time", 2), ("late", 1), ("outstanding", 1))
REFERRAL_FATES = frozenset({"on_time", "late", "outstanding"})
REVIEW_WAITS = (12, 25, 40, 55, 75, 90, 130, 180, 240, 600)  # minutes a supervisor takes to get to a request


@dataclass
class Generated:
    """What was made: each call's id with its kind (``older_*`` and ``training`` written directly)."""

    month: date
    kinds: dict[int, str] = field(default_factory=dict)
    referrals: dict[int, str] = field(default_factory=dict)  # referral id -> on_time, late or outstanding
    teams: dict[str, int] = field(default_factory=dict)  # team name -> id

    def of(self, kind: str) -> list[int]:
        return sorted(i for i, k in self.kinds.items() if k == kind)

    def referral_calls(self, fate: str) -> list[int]:
        """The calls whose referral met ``fate``."""
        ids = [r for r, f in self.referrals.items() if f == fate]
        return sorted(Referral.objects.filter(pk__in=ids).values_list("call_id", flat=True))


class _Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, minutes: float) -> None:
        self.at += timedelta(minutes=minutes)


@contextmanager
def _clock(at: datetime) -> Iterator[_Clock]:
    clock = _Clock(at)
    with mock.patch("django.utils.timezone.now", clock):
        yield clock


def generate_month(
    *,
    force: Force,
    month: date,
    seed: int,
    handlers: list[User],
    supervisors: list[User],
    mix: Sequence[tuple[str, int]] = MIX,
    referral_mix: Sequence[tuple[str, int]] = REFERRAL_MIX,
    teams: Mapping[str, Sequence[User]] | None = None,
) -> Generated:
    """Make the SYNTHETIC month: ``mix`` for each handler (each referral then answered or not as
    ``referral_mix`` says, in turn), then the older-version calls, a look-back finding and a training call
    (taken by the first handler). Needs two supervisors (two approve 'no further action'); the second answers
    the referrals (a supervisor may, as a safeguarding officer does)."""
    if len(supervisors) < 2:
        raise ValueError("a synthetic month needs two supervisors")
    unknown = ({k for k, _ in mix} - set(WORK)) | ({f for f, _ in referral_mix} - REFERRAL_FATES)
    if unknown:
        raise ValueError(f"unknown kinds in the mix: {', '.join(sorted(unknown))}")
    fates = [f for f, n in referral_mix for _ in range(n)] or ["outstanding"]
    first = month_start(month)
    span = (add_months(first, 1) - first).days * 24 * 60 - 24 * 60  # leave the last day for the work
    rng = random.Random(f"synthetic:{force.code}:{first.isoformat()}:{seed}")
    out = Generated(month=first)
    for name, members in (teams or {}).items():
        out.teams[name] = _team(force, name, members).pk
    real_now = timezone.now()
    plan = [(h, kind) for h in handlers for kind, n in mix for _ in range(n)]
    starts = sorted(rng.randrange(0, span) for _ in plan)
    rng.shuffle(plan)
    base = timezone.make_aware(datetime.combine(first, time.min))
    for (handler, kind), start in zip(plan, starts, strict=True):
        with _clock(base + timedelta(minutes=start)) as clock:
            call = WORK[kind](handler, supervisors, clock, rng)
            for referral in Referral.objects.filter(call=call).order_by("id"):
                fate = fates[len(out.referrals) % len(fates)]
                _answer(referral, fate, supervisors[1], clock, real_now)
                out.referrals[referral.pk] = fate
        out.kinds[call.pk] = kind
    at = base + timedelta(minutes=span // 2)
    outstanding = _older_closed(handlers[0], at, outcome="advice_given", risk="high", approvals=[])
    out.kinds[outstanding.pk] = "older_outstanding"
    nfa = _older_closed(handlers[-1], at, outcome="no_further_action", risk="high", approvals=supervisors[:1])
    out.kinds[nfa.pk] = "older_nfa_one"
    _finding(force, outstanding, at + timedelta(days=1))
    out.kinds[_training_call(handlers[0], at).pk] = "training"
    return out


def _team(force: Force, name: str, members: Sequence[User]) -> Team:
    """The force's team called ``name`` (made if missing), with ``members`` put in it."""
    team = Team.objects.filter(force=force, name__iexact=name).first()
    if team is None:
        team = team_create(name=name, force_code=force.code, actor_label="synthetic")
    for user in members:
        user_team_set_by_name(username=user.username, team=team.name, actor_label="synthetic")
        user.refresh_from_db(fields=["team"])
    return team


def _answer(referral: Referral, fate: str, answerer: User, clock: _Clock, real_now: datetime) -> None:
    """Answer ``referral`` on time (halfway to its due time), late (two hours after it), or not at all;
    never later than the real time now."""
    if fate == "outstanding":
        return
    due = referral.due_at or referral.made_at + timedelta(hours=2)
    at = referral.made_at + (due - referral.made_at) / 2 if fate == "on_time" else due + timedelta(hours=2)
    clock.at = min(at, real_now - timedelta(minutes=1))
    support.referral_update(
        actor=answerer,
        referral=referral,
        status=ReferralStatus.ACCEPTED,
        note="SYNTHETIC: received by the child protection team.",
    )


# ------------------------------------------------------------------------------ worked through services


def _open(handler: User, narrative: str) -> Call:
    return services.call_create(
        actor=handler,
        narrative=narrative,
        caller_name="SYNTHETIC caller",
        caller_relation="parent",
        child_name="SAM (SYNTHETIC)",
        child_age=14,
    )


def _fresh(call: Call) -> Call:
    call.refresh_from_db()
    return call


def _do_everything(call: Call, handler: User, clock: _Clock) -> None:
    services.answers_record(actor=handler, call=_fresh(call), answers=DECISIVE, expected_version=call.version)
    clock.advance(3)
    services.person_check_run(actor=handler, call=call, query={"given_name": "Kai", "age": 19}, subject="Kai")
    services.identifier_checks_run_all(actor=handler, call=call)
    clock.advance(4)
    support.advice_record(actor=handler, call=call, agencies=["ceop", "nspcc"], method="read_out")
    support.referral_make(actor=handler, call=call, to="child_protection_team", reason=WHY)
    services.vulnerability_flag_record(
        actor=handler, call=call, reason="SYNTHETIC: adult contact, meeting offered"
    )
    clock.advance(5)


def _request(call: Call, handler: User, outcome: str = "referred", why: str = WHY) -> None:
    services.closure_request(actor=handler, call=_fresh(call), outcome=outcome, rationale=why)


def _review(call: Call, supervisor: User, decision: str, clock: _Clock, rng: random.Random) -> None:
    clock.advance(rng.choice(REVIEW_WAITS))
    services.review_decide(actor=supervisor, call=_fresh(call), decision=decision, rationale=WHY)


def _complete(h: User, sups: list[User], clock: _Clock, rng: random.Random) -> Call:
    call = _open(h, GROOMING)
    _do_everything(call, h, clock)
    _request(call, h)
    _review(call, sups[0], "approve", clock, rng)
    return call


def _returned(h: User, sups: list[User], clock: _Clock, rng: random.Random) -> Call:
    call = _open(h, GROOMING)
    _do_everything(call, h, clock)
    _request(call, h)
    _review(call, sups[0], "return", clock, rng)
    clock.advance(30)
    services.note_add(
        actor=h, call=_fresh(call), text="SYNTHETIC: rang the caller back as the supervisor asked."
    )
    _request(call, h)
    _review(call, sups[1], "approve", clock, rng)
    return call


def _refused_first(h: User, sups: list[User], clock: _Clock, rng: random.Random) -> Call:
    call = _open(h, GROOMING)
    # The guard refuses (and audits) a close with the work undone: what this kind is for.
    with suppress(ClosureRefused):
        _request(call, h)
    clock.advance(10)
    _do_everything(call, h, clock)
    _request(call, h)
    _review(call, sups[0], "approve", clock, rng)
    return call


def _nfa_two(h: User, sups: list[User], clock: _Clock, rng: random.Random) -> Call:
    call = _open(h, GROOMING)
    _do_everything(call, h, clock)
    _request(call, h, "no_further_action", NFA_WHY)
    _review(call, sups[0], "approve", clock, rng)
    clock.advance(20)
    services.review_decide(actor=sups[1], call=_fresh(call), decision="approve", rationale=WHY)
    return call


def _standard(h: User, sups: list[User], clock: _Clock, rng: random.Random) -> Call:
    call = _open(h, QUIET)
    services.answers_record(actor=h, call=_fresh(call), answers=QUIET_ANSWERS, expected_version=call.version)
    clock.advance(2)
    support.advice_record(actor=h, call=call, agencies=["internet_matters"], method="read_out")
    clock.advance(2)
    _request(call, h, "advice_given")
    return call


def _open_referral(h: User, sups: list[User], clock: _Clock, rng: random.Random) -> Call:
    call = _open(h, GROOMING)
    services.answers_record(actor=h, call=_fresh(call), answers=DECISIVE, expected_version=call.version)
    support.referral_make(actor=h, call=call, to="child_protection_team", reason=WHY)
    return call


def _lowered(h: User, sups: list[User], clock: _Clock, rng: random.Random) -> Call:
    call = _open(h, GROOMING)
    clock.advance(5)
    services.risk_set(actor=sups[1], call=_fresh(call), risk="medium", rationale=WHY)
    _do_everything(call, h, clock)
    _request(call, h)
    _review(call, sups[0], "approve", clock, rng)
    return call


def _awaiting(h: User, sups: list[User], clock: _Clock, rng: random.Random) -> Call:
    call = _open(h, GROOMING)
    _do_everything(call, h, clock)
    _request(call, h)
    return call


WORK: dict[str, Callable[[User, list[User], _Clock, random.Random], Call]] = {
    "complete": _complete,
    "returned": _returned,
    "refused_first": _refused_first,
    "nfa_two": _nfa_two,
    "standard": _standard,
    "open_referral": _open_referral,
    "lowered": _lowered,
    "awaiting": _awaiting,
}


# ------------------------------------------------------------------- written as an older version left them


def _older_closed(handler: User, at: datetime, *, outcome: str, risk: str, approvals: list[User]) -> Call:
    """A call closed by an older version of Heed, written straight into the tables (today's services would
    refuse it): a person check still outstanding, or 'no further action' at high risk on one approval."""
    force = handler.force
    assert force is not None
    with transaction.atomic():
        call = Call.objects.create(
            force=force,
            reference=f"SYN-{force.code}-{at:%Y%m%d}-{Call.objects.count() + 1}",
            status="closed",
            created_by=handler,
            created_at=at,
            updated_at=at + timedelta(hours=2),
            caller_name="SYNTHETIC caller",
            caller_relation="parent",
            child_name="SAM (SYNTHETIC)",
            child_age=13,
            risk=risk,
            engine_risk=risk,
            response="priority",
            pack_version=OLDER_VERSION,
        )
        RequiredAction.objects.create(
            call=call,
            code="person_check",
            status=ActionStatus.OUTSTANDING if not approvals else ActionStatus.DONE,
            done_by=None if not approvals else handler,
            done_at=None if not approvals else at + timedelta(minutes=5),
            created_at=at,
        )
        request = ClosureRequest.objects.create(
            call=call,
            outcome=outcome,
            rationale=NFA_WHY,
            state=ClosureRequest.State.CLOSED,
            requested_by=handler,
            requested_at=at + timedelta(minutes=30),
        )
        for i, sup in enumerate(approvals):
            ReviewDecision.objects.create(
                call=call,
                request=request,
                decision=ReviewDecision.Decision.APPROVE,
                rationale=WHY,
                decided_by=sup,
                decided_at=at + timedelta(minutes=60 + i),
            )
    return call


def _finding(force: Force, call: Call, at: datetime) -> LookBackItem:
    """A look-back finding on ``call``, as a look-back under newer guidance would record it."""
    run = LookBackRun.objects.create(
        force=force,
        stamp="national@synthetic",
        since=at - timedelta(days=60),
        status=RunStatus.FINISHED,
        total=1,
        done=1,
        found=1,
        started_by_label="SYNTHETIC",
        started_at=at,
        finished_at=at,
    )
    return LookBackItem.objects.create(
        run=run,
        force=force,
        call=call,
        stamp=run.stamp,
        old_risk=call.risk,
        new_risk="high",
        risk_rose=False,
        missing=["person_check"],
        reasons=["SYNTHETIC"],
        old_pack_version=OLDER_VERSION,
        found_at=at,
    )


def _training_call(handler: User, at: datetime) -> Call:
    """A training call in the month, closed with work outstanding: it must count nowhere."""
    assert handler.force is not None
    call = Call.objects.create(
        force=handler.force,
        reference=f"TRN-SYN-{at:%Y%m%d%H%M%S}-{Call.objects.count() + 1}",
        training=True,
        status="closed",
        created_by=handler,
        created_at=at,
        updated_at=at,
        risk="high",
        pack_version=OLDER_VERSION,
    )
    RequiredAction.objects.create(call=call, code="person_check", created_at=at)
    return call


def counts(generated: Generated) -> dict[str, Any]:
    """How many of each kind were made (for the demo's report)."""
    out: dict[str, int] = {}
    for kind in generated.kinds.values():
        out[kind] = out.get(kind, 0) + 1
    return out

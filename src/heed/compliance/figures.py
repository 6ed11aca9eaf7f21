"""The compliance figures of a force for a period, per force, per team and per handler, each with the calls
behind it. Reading only; every figure is counted here so the views stay thin and the tests can count by hand.

A call belongs to a period when it was *taken* in it (``Call.created_at``); everything recorded on it counts
with it, whenever it was recorded. Training calls never count. A call is its handler's (``created_by``), and a
team's when its handler is in the team *now*: Heed keeps a user's current team, not a history of teams, so a
handler who moves takes their calls with them (docs/adr/0025).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from heed.accounts.models import Force, Team, User
from heed.accounts.roles import NATIONAL_ROLES, Action
from heed.audit.events import EventType
from heed.audit.models import AuditEvent
from heed.calls.models import (
    RISK_ORDER,
    ActionStatus,
    Call,
    CallStatus,
    ClosureRequest,
    RequiredAction,
    ReviewDecision,
    Risk,
    RiskDecision,
)
from heed.calls.workflow import NO_FURTHER_ACTION, REVIEW_RISKS
from heed.compliance.models import CHECKLIST, Answer, DipReview
from heed.lookback.models import LookBackItem
from heed.support.models import AdviceRecord, Referral, ReferralStatus
from heed.training.dashboard import SYNTHETIC_PREFIX, Period, competency_standings, person_name
from heed.training.models import CompetencyRecord

CHECK_ACTIONS = frozenset({"person_check", "identifier_check"})
ADVICE_ACTION = "specialist_advice"
TREND_MONTHS = 6


@dataclass(frozen=True)
class Figure:
    """``count`` of ``total`` (``total`` None: a plain count), and the calls behind ``count``."""

    key: str
    label: str
    count: int
    total: int | None = None
    call_ids: tuple[int, ...] = ()

    @property
    def percent(self) -> int | None:
        if self.total is None:
            return None
        return round(100 * self.count / self.total) if self.total else 0


@dataclass(frozen=True)
class CallFacts:
    """What the figures need to know about one call."""

    id: int
    handler_id: int
    status: str
    risk: str
    needs_checks: bool
    first_request_at: datetime | None
    checks_before_request: bool  # every check action done, at or before the first close request
    needs_advice: bool
    advice_recorded: bool
    closed_outstanding: tuple[str, ...]  # closed while these required actions were outstanding


@dataclass
class Figures:
    """Every figure for one set of calls (a force's, or one handler's, in a period)."""

    figures: dict[str, Figure]
    refused_outstanding: dict[str, int]  # action code -> refusals naming it
    lowered_by: dict[str, int]  # "name (role)" -> risk decisions lowering the risk
    review_minutes: list[float]
    dip_items: dict[str, Figure]

    @property
    def review_median(self) -> float | None:
        return percentile(self.review_minutes, 50)

    @property
    def review_p90(self) -> float | None:
        return percentile(self.review_minutes, 90)


@dataclass
class HandlerRow:
    handler: User
    name: str
    figures: Figures
    team: str = ""  # the handler's team's name now ("" for none)


@dataclass
class TeamRow:
    """One team's figures (its members' calls) and the training currency of its active staff."""

    team: Team
    figures: Figures
    training_current: Figure


@dataclass
class Dashboard:
    """``force_figures`` are the figures of what is shown: the whole force, or one ``team``'s calls; the
    handlers are the force's (or the team's) handlers with a call in the period; ``teams`` (the force's view
    only) has every team of the force."""

    force: Force
    period: Period
    now: datetime
    force_figures: Figures
    handlers: list[HandlerRow] = field(default_factory=list)
    training_current: Figure = field(default_factory=lambda: Figure("training_current", "", 0, 0))
    team: Team | None = None
    teams: list[TeamRow] = field(default_factory=list)


def percentile(values: list[float], p: int) -> float | None:
    """The nearest-rank percentile (the smallest value with at least p% of values at or below it)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def period_calls(force: Force, period: Period, team: Team | None = None) -> QuerySet[Call]:
    """The force's live calls taken in the period (never training calls); with ``team``, those of the
    handlers in the team now."""
    calls = Call.objects.filter(
        force=force, training=False, created_at__gte=period.since, created_at__lt=period.until
    )
    return calls.filter(created_by__team=team) if team is not None else calls


def _facts(calls: list[Call]) -> dict[int, CallFacts]:
    ids = [c.pk for c in calls]
    actions: dict[int, list[RequiredAction]] = defaultdict(list)
    for a in RequiredAction.objects.filter(call_id__in=ids):
        actions[a.call_id].append(a)
    first_request: dict[int, datetime] = {}
    for cid, at in (
        ClosureRequest.objects.filter(call_id__in=ids)
        .order_by("requested_at", "id")
        .values_list("call_id", "requested_at")
    ):
        first_request.setdefault(cid, at)
    advised = set(AdviceRecord.objects.filter(call_id__in=ids).values_list("call_id", flat=True))
    out: dict[int, CallFacts] = {}
    for c in calls:
        acts = actions[c.pk]
        checks = [a for a in acts if a.code in CHECK_ACTIONS]
        first = first_request.get(c.pk)
        out[c.pk] = CallFacts(
            id=c.pk,
            handler_id=c.created_by_id,
            status=c.status,
            risk=c.risk,
            needs_checks=bool(checks),
            first_request_at=first,
            checks_before_request=bool(checks)
            and first is not None
            and all(
                a.status == ActionStatus.DONE and a.done_at is not None and a.done_at <= first for a in checks
            ),
            # The guidance requires specialist advice, or the call is at standard risk (the guard lets a
            # standard call close without review only once advice is recorded).
            needs_advice=any(a.code == ADVICE_ACTION for a in acts) or c.risk == Risk.STANDARD,
            advice_recorded=c.pk in advised,
            closed_outstanding=tuple(
                sorted(
                    a.code
                    for a in acts
                    if a.status == ActionStatus.OUTSTANDING and a.code != "supervisor_review"
                )
            )
            if c.status == CallStatus.CLOSED
            else (),
        )
    return out


def _figures(facts: list[CallFacts], ids: set[int], now: datetime) -> Figures:
    """Every figure over the calls ``ids`` (whose facts are ``facts``)."""
    id_list = sorted(ids)

    def fig(key: str, label: str, calls: Iterable[int], total: int | None = None) -> Figure:
        chosen = tuple(sorted(set(calls)))
        return Figure(key, label, len(chosen), total, chosen)

    needing = [f for f in facts if f.needs_checks]
    requested = [f for f in needing if f.first_request_at is not None]
    advice = [f for f in facts if f.needs_advice]
    closed = [f for f in facts if f.status == CallStatus.CLOSED]
    out: dict[str, Figure] = {}
    out["calls"] = fig("calls", "Calls about a child and an online contact", (f.id for f in facts))
    out["needed_checks"] = fig(
        "needed_checks", "Calls that needed checks", (f.id for f in needing), len(facts)
    )
    out["checks_before_close"] = fig(
        "checks_before_close",
        "Of those asked to close, every check done before the first close request",
        (f.id for f in requested if f.checks_before_request),
        len(requested),
    )
    out["advice_recorded"] = fig(
        "advice_recorded",
        "Calls that needed advice with advice recorded",
        (f.id for f in advice if f.advice_recorded),
        len(advice),
    )
    out["closed"] = fig("closed", "Calls closed", (f.id for f in closed), len(facts))
    out["closed_outstanding"] = fig(
        "closed_outstanding",
        "Closed calls with required work still outstanding",
        (f.id for f in closed if f.closed_outstanding),
        len(closed),
    )

    refusals = list(
        AuditEvent.objects.filter(event_type=EventType.CLOSURE_REFUSED, call_id__in=id_list).values_list(
            "call_id", "after"
        )
    )
    refused_outstanding: dict[str, int] = defaultdict(int)
    refused_calls = []
    for cid, after in refusals:
        if cid is None or not isinstance(after, dict) or after.get("reason") != "outstanding":
            continue
        refused_calls.append(int(cid))
        for code in after.get("outstanding") or []:
            refused_outstanding[str(code)] += 1
    out["closure_refused"] = fig(
        "closure_refused", "Calls with a close request refused by the guard", refused_calls, len(facts)
    )

    lowered_by: dict[str, int] = defaultdict(int)
    lowered_calls = []
    for d in RiskDecision.objects.filter(call_id__in=id_list).select_related("decided_by"):
        if RISK_ORDER.get(d.to_risk, 0) < RISK_ORDER.get(d.from_risk, 0):
            lowered_calls.append(d.call_id)
            lowered_by[f"{person_name(d.decided_by)} ({d.decided_by.get_role_display()})"] += 1
    out["risk_lowered"] = fig("risk_lowered", "Calls whose risk a person lowered", lowered_calls, len(facts))

    minutes: list[float] = []
    reviewed_calls = []
    first_decision: dict[int, ReviewDecision] = {}
    for r in (
        ReviewDecision.objects.filter(call_id__in=id_list)
        .select_related("request")
        .order_by("decided_at", "id")
    ):
        first_decision.setdefault(r.request_id, r)
    for r in first_decision.values():
        minutes.append((r.decided_at - r.request.requested_at).total_seconds() / 60)
        reviewed_calls.append(r.call_id)
    out["reviewed"] = fig("reviewed", "Calls reviewed by a supervisor", reviewed_calls)

    overdue = Referral.objects.filter(
        call_id__in=id_list, status=ReferralStatus.SENT, due_at__isnull=False, due_at__lt=now
    ).values_list("call_id", flat=True)
    out["referrals_overdue"] = fig(
        "referrals_overdue", "Calls with a referral past its due time and not answered", overdue
    )

    risky = {f.id for f in facts if f.risk in REVIEW_RISKS}
    nfa_calls: set[int] = set()
    two: set[int] = set()
    for req in ClosureRequest.objects.filter(
        call_id__in=risky, outcome=NO_FURTHER_ACTION, state=ClosureRequest.State.CLOSED
    ).prefetch_related("decisions"):
        nfa_calls.add(req.call_id)
        approvers = {
            d.decided_by_id for d in req.decisions.all() if d.decision == ReviewDecision.Decision.APPROVE
        }
        if len(approvers) >= 2:
            two.add(req.call_id)
    out["nfa_two_supervisors"] = fig(
        "nfa_two_supervisors",
        "Medium or high risk calls closed 'no further action' with two supervisors' approval",
        two,
        len(nfa_calls),
    )
    out["nfa_one_supervisor"] = fig(
        "nfa_one_supervisor",
        "Medium or high risk calls closed 'no further action' without two supervisors",
        nfa_calls - two,
        len(nfa_calls),
    )

    returned = ReviewDecision.objects.filter(
        call_id__in=id_list, decision=ReviewDecision.Decision.RETURN
    ).values_list("call_id", flat=True)
    out["returned"] = fig("returned", "Calls returned by a supervisor", returned, len(facts))

    findings = LookBackItem.objects.filter(call_id__in=id_list).values_list("call_id", "status")
    out["lookback"] = fig(
        "lookback", "Calls the guidance in force now reads differently (look-back)", (c for c, _ in findings)
    )
    out["lookback_open"] = fig(
        "lookback_open",
        "Look-back findings still to act on",
        (c for c, s in findings if s == LookBackItem.Status.OPEN),
    )
    return Figures(
        figures=out,
        refused_outstanding=dict(sorted(refused_outstanding.items())),
        lowered_by=dict(sorted(lowered_by.items())),
        review_minutes=minutes,
        dip_items=_dip_items(id_list),
    )


def _dip_items(call_ids: list[int]) -> dict[str, Figure]:
    """Each checklist item: the sampled calls reviewed whose answer was "yes", of those reviewed."""
    reviews = list(DipReview.objects.filter(sample__call_id__in=call_ids).select_related("sample"))
    return {
        name: Figure(
            f"dip_{name}",
            question,
            sum(1 for r in reviews if getattr(r, name) == Answer.YES),
            len(reviews),
            tuple(sorted(r.sample.call_id for r in reviews if getattr(r, name) == Answer.YES)),
        )
        for name, question in CHECKLIST
    }


def training_currency(
    force: Force, users: Iterable[User] | None = None, now: datetime | None = None
) -> Figure:
    """The share of the force's staff (or of ``users``) whose every competency is current (met at the latest
    attempt, within the longest refresher interval: heed.training.dashboard)."""
    now = now or timezone.now()
    people = list(users) if users is not None else list(staff_of_force(force))
    records: dict[int, list[CompetencyRecord]] = defaultdict(list)
    for rec in CompetencyRecord.objects.filter(user__in=people):
        records[rec.user_id].append(rec)
    current = sum(1 for u in people if all(s.current for s in competency_standings(records[u.pk], now)))
    return Figure(
        "training_current", "Staff whose training competencies are all current", current, len(people)
    )


def staff_of_force(force: Force, team: Team | None = None) -> QuerySet[User]:
    """The force's active staff, as the training team page counts them (no SYNTHETIC working account); with
    ``team``, those in the team now."""
    staff = (
        User.objects.filter(force=force, is_active=True)
        .exclude(username__startswith=SYNTHETIC_PREFIX)
        .exclude(role__in=NATIONAL_ROLES)
    )
    return staff.filter(team=team) if team is not None else staff


def _team_name(user: User) -> str:
    team = user.team
    return team.name if team is not None else ""


def teams_of_force(force: Force) -> list[Team]:
    return list(Team.objects.filter(force=force).order_by("name", "pk"))


def dashboard(
    force: Force, period: Period, now: datetime | None = None, team: Team | None = None
) -> Dashboard:
    """Every figure of the force (or of one of its teams) for the period, the same per handler, and (for
    the force) per team."""
    if team is not None and team.force_id != force.pk:
        raise ValueError("a team of another force")
    now = now or timezone.now()
    calls = list(period_calls(force, period, team).select_related("created_by", "created_by__team"))
    facts = _facts(calls)
    force_figures = _figures(list(facts.values()), set(facts), now)
    by_handler: dict[int, list[CallFacts]] = defaultdict(list)
    handlers: dict[int, User] = {}
    for c in calls:
        by_handler[c.created_by_id].append(facts[c.pk])
        handlers[c.created_by_id] = c.created_by
    rows = [
        HandlerRow(
            handlers[h],
            person_name(handlers[h]),
            _figures(fs, {f.id for f in fs}, now),
            _team_name(handlers[h]),
        )
        for h, fs in by_handler.items()
    ]
    rows.sort(key=lambda r: (r.name.lower(), r.handler.pk))
    team_rows = []
    if team is None:
        for t in teams_of_force(force):
            members = [f for h, fs in by_handler.items() if handlers[h].team_id == t.pk for f in fs]
            team_rows.append(
                TeamRow(
                    t,
                    _figures(members, {f.id for f in members}, now),
                    training_currency(force, staff_of_force(force, t), now),
                )
            )
    return Dashboard(
        force=force,
        period=period,
        now=now,
        force_figures=force_figures,
        handlers=rows,
        training_current=training_currency(force, staff_of_force(force, team), now=now),
        team=team,
        teams=team_rows,
    )


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_period(month: date) -> Period:
    first = month_start(month)
    return Period(start=first, end=add_months(first, 1) - timedelta(days=1))


@dataclass(frozen=True)
class TrendMonth:
    month: date
    figures: Figures


def trends(
    force: Force,
    until: date,
    months: int = TREND_MONTHS,
    now: datetime | None = None,
    team: Team | None = None,
) -> list[TrendMonth]:
    """The force's (or ``team``'s) figures for each of the ``months`` calendar months up to and including
    ``until``'s."""
    now = now or timezone.now()
    last = month_start(until)
    out = []
    for back in range(months - 1, -1, -1):
        month = add_months(last, -back)
        calls = list(period_calls(force, month_period(month), team))
        facts = _facts(calls)
        out.append(TrendMonth(month, _figures(list(facts.values()), set(facts), now)))
    return out


FIGURE_KEYS = (
    "calls",
    "needed_checks",
    "checks_before_close",
    "advice_recorded",
    "closed",
    "closed_outstanding",
    "closure_refused",
    "risk_lowered",
    "reviewed",
    "referrals_overdue",
    "nfa_two_supervisors",
    "nfa_one_supervisor",
    "returned",
    "lookback",
    "lookback_open",
)


def figure_of(figs: Figures, key: str) -> Figure | None:
    """A figure by key: one of FIGURE_KEYS, or ``dip_<item>`` for a checklist item."""
    if key.startswith("dip_"):
        return figs.dip_items.get(key[4:])
    return figs.figures.get(key)


def figure_calls(user: User, figure: Figure) -> QuerySet[Call]:
    """The calls behind a figure that ``user`` may read (none for a role that may not read calls)."""
    return (
        Call.objects.restrict(user, Action.VIEW)
        .filter(pk__in=figure.call_ids)
        .select_related("created_by")
        .order_by("created_at", "id")
    )


def csv_rows(d: Dashboard) -> list[list[str]]:
    """One row per figure, for the force (or the team shown), then for each team, then for each handler
    (CSV_COLUMNS)."""
    rows: list[list[str]] = []

    def add(scope: str, team: str, username: str, figs: Figures) -> None:
        who = [scope, team, username]
        for key in FIGURE_KEYS:
            rows.append(_row(who, figs.figures[key], d))
        for f in figs.dip_items.values():
            rows.append(_row(who, f, d))
        for label, value in (
            ("review_median_minutes", figs.review_median),
            ("review_p90_minutes", figs.review_p90),
        ):
            rows.append([*who, label, label.replace("_", " "), _num(value), "", "", *_period(d)])
        for code, n in figs.refused_outstanding.items():
            rows.append([*who, f"refused_outstanding:{code}", code, str(n), "", "", *_period(d)])

    shown = d.team.name if d.team else ""
    add("team" if d.team else "force", shown, "", d.force_figures)
    rows.append(_row(["team" if d.team else "force", shown, ""], d.training_current, d))
    for t in d.teams:
        add("team", t.team.name, "", t.figures)
        rows.append(_row(["team", t.team.name, ""], t.training_current, d))
    for h in d.handlers:
        add("handler", h.team, h.handler.username, h.figures)
    return [[_cell(c) for c in r] for r in rows]


CSV_COLUMNS = (
    "scope",
    "team",
    "handler",
    "figure",
    "label",
    "count",
    "of",
    "percent",
    "period_start",
    "period_end",
)


def _row(who: list[str], f: Figure, d: Dashboard) -> list[str]:
    total = "" if f.total is None else str(f.total)
    return [*who, f.key, f.label, str(f.count), total, _num(f.percent), *_period(d)]


def _period(d: Dashboard) -> list[str]:
    return [d.period.start.isoformat(), d.period.end.isoformat()]


def _num(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _cell(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text

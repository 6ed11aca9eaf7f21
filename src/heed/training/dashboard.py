"""Reading the records that follow a person, for the pages: a person's own records, the refreshers coming due,
the training status of a force's staff, the trainer's cohort figures (and their CSV), and the force's authored
scenarios. Reading only; every figure is counted here so the views stay thin and the tests can count by hand.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from heed.accounts.access import may, user_active
from heed.accounts.models import User
from heed.accounts.roles import NATIONAL_ROLES, Action
from heed.training.library import curricula, force_library, pack, read_scenario
from heed.training.models import Attempt, AuthoredScenario, Certificate, CompetencyRecord, ScenarioStanding
from heed.training.scenario import Scenario, ScenarioError, scenario_from_text
from heed.training.scoring import scoring_rules

# The disabled SYNTHETIC account that works supervisor scenarios' planted calls
# (heed.training.services.planted_handler): never a member of staff.
SYNTHETIC_PREFIX = "synthetic."
# A refresher is shown this many days before it falls due, when scoring.yaml does not say.
NOTICE_DAYS = 14
DEFAULT_PERIOD_DAYS = 90
ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# The dates a period may have (and no overflow at the calendar's end).
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


class AuthoredNotFound(Exception):
    """No authored scenario with that id that this user may see (the same for every reason)."""


def competency_labels() -> dict[str, str]:
    """Each competency scored, by code, with its label, in the order scoring.yaml lists them."""
    return {str(k): str(v) for k, v in scoring_rules()["competencies"].items()}


def competency_label(code: str) -> str:
    return competency_labels().get(code, code.replace("_", " "))


def current_window() -> timedelta:
    """How long a met competency stays current: the longest refresher interval."""
    return timedelta(days=max(int(d) for d in scoring_rules()["refresher_days"]))


def notice_window() -> timedelta:
    return timedelta(days=int(scoring_rules().get("refresher_notice_days", NOTICE_DAYS)))


def is_current(rec: CompetencyRecord, now: datetime) -> bool:
    """Met at the latest attempt, and met within the longest refresher interval."""
    return bool(rec.latest_met and rec.last_met_at is not None and rec.last_met_at >= now - current_window())


# -------------------------------------------------------------------------------------------- a person


@dataclass(frozen=True)
class CompetencyStanding:
    code: str
    label: str
    record: CompetencyRecord | None  # None: never scored
    current: bool


@dataclass(frozen=True)
class ScenarioRow:
    standing: ScenarioStanding
    title: str
    overdue: bool  # the refresher's date has passed
    due_soon: bool  # due within the notice window (and not overdue)


@dataclass(frozen=True)
class CurriculumProgress:
    id: str
    title: str
    scenarios: tuple[tuple[str, str, bool], ...]  # (scenario id, title, passed at the latest attempt)
    certificate: Certificate | None


@dataclass(frozen=True)
class MyRecords:
    competencies: list[CompetencyStanding]
    scenarios: list[ScenarioRow]
    certificates: list[Certificate]
    curricula: list[CurriculumProgress]

    @property
    def overdue(self) -> list[ScenarioRow]:
        return [s for s in self.scenarios if s.overdue]


def competency_standings(records: list[CompetencyRecord], now: datetime) -> list[CompetencyStanding]:
    """Every competency of scoring.yaml in its order (never scored ones too), then any other code recorded."""
    by_code = {r.competency: r for r in records}
    labels = competency_labels()
    codes = list(labels) + sorted(c for c in by_code if c not in labels)
    return [
        CompetencyStanding(
            code=c,
            label=labels.get(c, c.replace("_", " ")),
            record=by_code.get(c),
            current=c in by_code and is_current(by_code[c], now),
        )
        for c in codes
    ]


def _titles(user: User, scenario_ids: set[str]) -> dict[str, str]:
    """Each scenario's title: from the force's library, else from the person's latest attempt at it (a
    withdrawn scenario keeps its name)."""
    library = force_library(user.force)
    out = {sid: library[sid].title for sid in scenario_ids if sid in library}
    missing = scenario_ids - set(out)
    if missing:
        for sid, title in (
            Attempt.objects.filter(trainee=user, scenario_id__in=missing)
            .order_by("started_at", "id")
            .values_list("scenario_id", "scenario_title")
        ):
            out[sid] = title
    return out


def scenario_row(standing: ScenarioStanding, title: str, now: datetime) -> ScenarioRow:
    due = standing.refresher_due
    overdue = due is not None and due < now
    return ScenarioRow(
        standing=standing,
        title=title,
        overdue=overdue,
        due_soon=due is not None and not overdue and due <= now + notice_window(),
    )


def my_records(user: User, now: datetime | None = None) -> MyRecords:
    now = now or timezone.now()
    competencies = competency_standings(list(CompetencyRecord.objects.filter(user=user)), now)
    standings = list(ScenarioStanding.objects.filter(user=user).order_by("scenario_id"))
    certificates = list(Certificate.objects.filter(user=user).order_by("-issued_at", "-id"))
    ids = {s.scenario_id for s in standings} | {sid for c in curricula() for sid in c.scenarios}
    titles = _titles(user, ids)
    latest_passed = _latest_passed(user)
    held = {c.curriculum: c for c in certificates}
    return MyRecords(
        competencies=competencies,
        scenarios=[scenario_row(s, titles.get(s.scenario_id, s.scenario_id), now) for s in standings],
        certificates=certificates,
        curricula=[
            CurriculumProgress(
                id=c.id,
                title=c.title,
                scenarios=tuple(
                    (sid, titles.get(sid, sid), latest_passed.get(sid, False)) for sid in c.scenarios
                ),
                certificate=held.get(c.id),
            )
            for c in curricula()
        ],
    )


def _latest_passed(user: User) -> dict[str, bool]:
    """Whether the person's latest finished attempt at each scenario passed (how certificates are earned)."""
    out: dict[str, bool] = {}
    for sid, passed in (
        Attempt.objects.filter(trainee=user, finished_at__isnull=False)
        .order_by("finished_at", "id")
        .values_list("scenario_id", "passed")
    ):
        out[sid] = bool(passed)
    return out


def refreshers_due(user: Any, now: datetime | None = None) -> list[ScenarioRow]:
    """The person's refreshers overdue or due within the notice window, soonest first (none for a user who
    does not train)."""
    if not may(user, Action.TRAIN):
        return []
    now = now or timezone.now()
    standings = list(
        ScenarioStanding.objects.filter(user=user, refresher_due__lte=now + notice_window()).order_by(
            "refresher_due", "scenario_id"
        )
    )
    if not standings:  # the calls list shows this on every visit: no library read when nothing is due
        return []
    titles = _titles(user, {s.scenario_id for s in standings})
    return [scenario_row(s, titles.get(s.scenario_id, s.scenario_id), now) for s in standings]


def certificate_of(user: Any, certificate_id: object) -> Certificate:
    """The user's own certificate ``certificate_id``, or Certificate.DoesNotExist (the same for every
    reason: another person's certificate looks missing)."""
    try:
        key = int(str(certificate_id))
    except ValueError:
        raise Certificate.DoesNotExist from None
    if not may(user, Action.TRAIN):
        raise Certificate.DoesNotExist
    return Certificate.objects.get(pk=key, user=user)


@dataclass(frozen=True)
class CertificateDetail:
    certificate: Certificate
    person: str
    force: str
    scenarios: list[tuple[str, str, int | None, datetime | None]]  # (id, title, score, passed at)


def certificate_detail(certificate: Certificate) -> CertificateDetail:
    """A certificate with the passing attempt behind each of its scenarios."""
    user = certificate.user
    ids = [int(a) for a in certificate.attempts if str(a).isdigit()]
    attempts = {a.pk: a for a in Attempt.objects.filter(pk__in=ids, trainee=user)}
    return CertificateDetail(
        certificate=certificate,
        person=person_name(user),
        force=user.force.name if user.force else "",
        scenarios=[
            (a.scenario_id, a.scenario_title, a.score, a.finished_at)
            for a in (attempts.get(i) for i in ids)
            if a is not None
        ],
    )


def person_name(user: User) -> str:
    return user.get_full_name().strip() or user.username


# ------------------------------------------------------------------------------------------- the team


@dataclass(frozen=True)
class TeamMember:
    user: User
    name: str
    competencies: list[CompetencyStanding]
    overdue: list[ScenarioRow]
    certificates: list[Certificate]

    @property
    def current(self) -> list[CompetencyStanding]:
        return [c for c in self.competencies if c.current]

    @property
    def not_current(self) -> list[CompetencyStanding]:
        return [c for c in self.competencies if not c.current]

    @property
    def not_met(self) -> list[CompetencyStanding]:
        """Not met at the latest attempt that scored it."""
        return [c for c in self.competencies if c.record is not None and not c.record.latest_met]

    @property
    def lapsed(self) -> list[CompetencyStanding]:
        """Met at the latest attempt, but longer ago than the longest refresher interval."""
        return [
            c for c in self.competencies if c.record is not None and c.record.latest_met and not c.current
        ]

    @property
    def not_tried(self) -> list[CompetencyStanding]:
        return [c for c in self.competencies if c.record is None]


def staff_of(actor: User) -> QuerySet[User]:
    """The active staff of the actor's force (not the SYNTHETIC account that works planted calls)."""
    if not user_active(actor):
        return User.objects.none()
    return (
        User.objects.filter(force_id=actor.force_id or 0, is_active=True)
        .exclude(username__startswith=SYNTHETIC_PREFIX)
        .exclude(role__in=NATIONAL_ROLES)
        .order_by("last_name", "first_name", "username")
    )


def team_status(actor: User, now: datetime | None = None) -> list[TeamMember]:
    """Each member of staff's competencies (current or not), overdue refreshers and certificates; empty
    unless the actor may see the team's training."""
    if not may(actor, Action.TRAINING_TEAM):
        return []
    now = now or timezone.now()
    staff = list(staff_of(actor))
    records: dict[int, list[CompetencyRecord]] = defaultdict(list)
    for rec in CompetencyRecord.objects.filter(user__in=staff):
        records[rec.user_id].append(rec)
    overdue: dict[int, list[ScenarioStanding]] = defaultdict(list)
    late = ScenarioStanding.objects.filter(user__in=staff, refresher_due__lt=now).order_by("refresher_due")
    for st in late:
        overdue[st.user_id].append(st)
    certificates: dict[int, list[Certificate]] = defaultdict(list)
    for cert in Certificate.objects.filter(user__in=staff).order_by("-issued_at"):
        certificates[cert.user_id].append(cert)
    titles = {sid: s.title for sid, s in force_library(actor.force).items()}
    members = [
        TeamMember(
            user=u,
            name=person_name(u),
            competencies=competency_standings(records[u.pk], now),
            overdue=[scenario_row(s, titles.get(s.scenario_id, s.scenario_id), now) for s in overdue[u.pk]],
            certificates=certificates[u.pk],
        )
        for u in staff
    ]
    return sorted(members, key=lambda m: (m.name.lower(), m.user.username))


# ----------------------------------------------------------------------------------------- the cohort


@dataclass(frozen=True)
class Period:
    """Whole days, inclusive, in local time."""

    start: date
    end: date

    @property
    def since(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def until(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def default_period(today: date | None = None) -> Period:
    today = today or timezone.localdate()
    return Period(start=today - timedelta(days=DEFAULT_PERIOD_DAYS - 1), end=today)


def period_from(raw_start: object, raw_end: object, today: date | None = None) -> tuple[Period, list[str]]:
    """The period the trainer asked for (dates as YYYY-MM-DD; either may be left out), and what was wrong
    with it; a period that cannot be read is the default one (the last 90 days)."""
    today = today or timezone.localdate()
    fallback = default_period(today)
    problems: list[str] = []

    def read(raw: object, name: str, default: date) -> date:
        text = str(raw or "").strip()
        if not text:
            return default
        try:
            when = date.fromisoformat(text) if ISO_DATE.match(text) else None
        except ValueError:
            when = None
        if when is None or not EARLIEST <= when <= LATEST:
            problems.append(f"Enter the {name} date as year-month-day, like {today.isoformat()}.")
            return default
        return when

    start = read(raw_start, "start", fallback.start)
    end = read(raw_end, "end", fallback.end)
    if not problems and start > end:
        problems.append("The start date must be on or before the end date.")
    if problems:
        return fallback, problems
    return Period(start=start, end=end), []


@dataclass(frozen=True)
class Bar:
    """One figure of a bar chart: ``count`` of ``total`` (a share of it)."""

    key: str
    label: str
    count: int
    total: int

    @property
    def share(self) -> float:
        return self.count / self.total if self.total else 0.0

    @property
    def percent(self) -> int:
        return round(100 * self.share)


@dataclass(frozen=True)
class Improvement:
    """A person's first and latest score at one scenario within the period."""

    user: User
    name: str
    scenario_id: str
    title: str
    attempts: int
    first: int
    latest: int

    @property
    def change(self) -> int:
        return self.latest - self.first


@dataclass(frozen=True)
class PersonCompetency:
    """One person's results in one competency within the period (a row of the CSV)."""

    user: User
    name: str
    competency: str
    label: str
    attempts: int
    met: int
    latest_met: bool
    latest_at: datetime

    @property
    def not_met(self) -> int:
        return self.attempts - self.met


@dataclass
class Cohort:
    period: Period
    attempts: int = 0
    passed: int = 0
    people: int = 0
    weakest: list[Bar] = field(default_factory=list)  # per competency: not met of scored
    missed_signs: list[Bar] = field(default_factory=list)  # per indicator: missed of in the key
    unread: int = 0  # handler attempts whose scenario no longer reads against the pack (signs not counted)
    improvement: list[Improvement] = field(default_factory=list)
    per_person: list[PersonCompetency] = field(default_factory=list)

    @property
    def pass_rate(self) -> Bar:
        return Bar("passed", "Attempts passed", self.passed, self.attempts)

    @property
    def improved(self) -> list[Improvement]:
        """Where there is a before and after: two or more attempts at the scenario."""
        return [i for i in self.improvement if i.attempts > 1]


def cohort_attempts(actor: User, period: Period) -> QuerySet[Attempt]:
    """The finished attempts of the actor's force within the period (none unless the actor is a trainer)."""
    if not may(actor, Action.TRAINING_AUTHOR):
        return Attempt.objects.none()
    return (
        Attempt.objects.filter(
            force_id=actor.force_id or 0,
            finished_at__isnull=False,
            finished_at__gte=period.since,
            finished_at__lt=period.until,
        )
        .select_related("trainee", "call")
        .order_by("finished_at", "id")
    )


def attempt_competencies(attempt: Attempt) -> dict[str, bool]:
    """Each competency the attempt scored: met when every one of its items was (as heed.training.scoring)."""
    out: dict[str, bool] = {}
    for item in attempt.items or []:
        if not isinstance(item, dict) or "competency" not in item:
            continue
        code = str(item["competency"])
        out[code] = out.get(code, True) and bool(item.get("met"))
    return out


def signs_seen(attempt: Attempt) -> set[str]:
    """The danger signs the trainee recognised: named by them (unassisted), or shown by what they recorded
    on the call (assisted: what the call's assessment showed when the attempt was scored)."""
    if attempt.mode == Attempt.Mode.UNASSISTED:
        return {str(c) for c in attempt.signs or []}
    return {str(c) for c in attempt.found or []}


def cohort(actor: User, period: Period) -> Cohort:
    """The trainer's figures for the period: pass rate, the weakest competencies, the danger signs most often
    missed, and each person's first and latest score at each scenario."""
    out = Cohort(period=period)
    labels = competency_labels()
    scored: dict[str, int] = defaultdict(int)
    unmet: dict[str, int] = defaultdict(int)
    in_key: dict[str, int] = defaultdict(int)
    missed: dict[str, int] = defaultdict(int)
    keys: dict[str, Scenario | None] = {}
    people: dict[int, User] = {}
    runs: dict[tuple[int, str], list[Attempt]] = defaultdict(list)
    per: dict[tuple[int, str], list[bool]] = defaultdict(list)
    per_at: dict[tuple[int, str], datetime] = {}
    for a in cohort_attempts(actor, period):
        out.attempts += 1
        out.passed += 1 if a.passed else 0
        people[a.trainee_id] = a.trainee
        runs[(a.trainee_id, a.scenario_id)].append(a)
        for code, met in attempt_competencies(a).items():
            scored[code] += 1
            unmet[code] += 0 if met else 1
            per[(a.trainee_id, code)].append(met)
            assert a.finished_at is not None
            per_at[(a.trainee_id, code)] = a.finished_at
        if a.role != "handler":
            continue
        if a.scenario_digest not in keys:
            try:
                # The attempt's own copy, as the attempt itself reads it (services.attempt_scenario).
                keys[a.scenario_digest] = read_scenario(a.scenario_text, where=a.scenario_id, strict=False)
            except ScenarioError:
                keys[a.scenario_digest] = None
        scenario = keys[a.scenario_digest]
        if scenario is None:
            out.unread += 1
            continue
        seen = signs_seen(a)
        for code in scenario.key.indicators:
            in_key[code] += 1
            missed[code] += 0 if code in seen else 1
    out.people = len(people)
    order = {c: i for i, c in enumerate(labels)}
    out.weakest = sorted(
        (Bar(c, labels.get(c, c.replace("_", " ")), unmet[c], scored[c]) for c in scored),
        key=lambda b: (-b.share, -b.count, order.get(b.key, len(order)), b.key),
    )
    indicators = pack().indicators
    out.missed_signs = sorted(
        (
            Bar(c, indicators[c].label if c in indicators else c.replace("_", " "), missed[c], in_key[c])
            for c in in_key
        ),
        key=lambda b: (-b.share, -b.count, b.label),
    )
    out.improvement = sorted(
        (
            Improvement(
                user=people[uid],
                name=person_name(people[uid]),
                scenario_id=sid,
                title=rows[-1].scenario_title,
                attempts=len(rows),
                first=int(rows[0].score or 0),
                latest=int(rows[-1].score or 0),
            )
            for (uid, sid), rows in runs.items()
        ),
        key=lambda i: (i.name.lower(), i.user.pk, i.scenario_id),
    )
    out.per_person = sorted(
        (
            PersonCompetency(
                user=people[uid],
                name=person_name(people[uid]),
                competency=code,
                label=labels.get(code, code.replace("_", " ")),
                attempts=len(results),
                met=sum(results),
                latest_met=results[-1],
                latest_at=per_at[(uid, code)],
            )
            for (uid, code), results in per.items()
        ),
        key=lambda p: (p.name.lower(), p.user.pk, order.get(p.competency, len(order)), p.competency),
    )
    return out


CSV_COLUMNS = (
    "person",
    "username",
    "role",
    "competency",
    "competency_label",
    "attempts",
    "met",
    "not_met",
    "not_met_percent",
    "latest_result",
    "latest_at",
    "period_start",
    "period_end",
)


def cohort_csv_rows(c: Cohort) -> list[list[str]]:
    """The per-person per-competency figures, one row each, under CSV_COLUMNS (text cells made safe to open
    in a spreadsheet: one that starts like a formula is prefixed with an apostrophe)."""
    rows = []
    for p in c.per_person:
        rows.append(
            [
                _cell(p.name),
                _cell(p.user.username),
                p.user.role,
                p.competency,
                _cell(p.label),
                str(p.attempts),
                str(p.met),
                str(p.not_met),
                str(round(100 * p.not_met / p.attempts)) if p.attempts else "0",
                "met" if p.latest_met else "not met",
                timezone.localtime(p.latest_at).isoformat(timespec="seconds"),
                c.period.start.isoformat(),
                c.period.end.isoformat(),
            ]
        )
    return rows


def _cell(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# ----------------------------------------------------------------------------------------- authoring


@dataclass(frozen=True)
class AuthoredGroup:
    scenario_id: str
    versions: list[AuthoredScenario]  # newest first

    @property
    def title(self) -> str:
        return self.versions[0].title

    @property
    def published(self) -> AuthoredScenario | None:
        return next((v for v in self.versions if v.status == AuthoredScenario.Status.PUBLISHED), None)


def authored_of(actor: Any) -> QuerySet[AuthoredScenario]:
    """The actor's force's authored scenarios (none unless the actor is a trainer)."""
    if not may(actor, Action.TRAINING_AUTHOR):
        return AuthoredScenario.objects.none()
    return AuthoredScenario.objects.filter(force_id=actor.force_id or 0)


def authored_groups(actor: Any) -> list[AuthoredGroup]:
    groups: dict[str, list[AuthoredScenario]] = defaultdict(list)
    rows = authored_of(actor).select_related("author", "published_by").order_by("scenario_id", "-version")
    for row in rows:
        groups[row.scenario_id].append(row)
    return [AuthoredGroup(sid, rows) for sid, rows in sorted(groups.items())]


def access_authored(actor: Any, authored_id: object) -> AuthoredScenario:
    """The actor's force's authored scenario ``authored_id``, or AuthoredNotFound (the same for every
    reason)."""
    try:
        key = int(str(authored_id))
    except ValueError:
        raise AuthoredNotFound(authored_id) from None
    row = authored_of(actor).select_related("author", "published_by").filter(pk=key).first()
    if row is None:
        raise AuthoredNotFound(authored_id)
    return row


@dataclass(frozen=True)
class Preview:
    """A version laid out for a trainer to read: the scenario, or every problem that stops it reading."""

    row: AuthoredScenario
    scenario: Scenario | None
    problems: tuple[str, ...]
    labels: dict[str, dict[str, str]]  # names for the pack's codes: indicators, questions, agencies, ...
    other_versions: list[AuthoredScenario]


def preview(row: AuthoredScenario) -> Preview:
    p = pack()
    try:
        scenario: Scenario | None = scenario_from_text(row.text, p, where=f"{row.scenario_id} v{row.version}")
        problems: tuple[str, ...] = ()
    except ScenarioError as exc:
        scenario, problems = None, exc.problems
    return Preview(
        row=row,
        scenario=scenario,
        problems=problems,
        labels={
            "indicators": {c: i.label for c, i in p.indicators.items()},
            "questions": {q.id: q.text for q in p.questions.values()},
            "agencies": {c: a.name for c, a in p.agencies.items()},
            "competencies": competency_labels(),
            "referral_targets": dict(p.referral_targets),
        },
        other_versions=list(
            AuthoredScenario.objects.filter(force_id=row.force_id, scenario_id=row.scenario_id)
            .exclude(pk=row.pk)
            .order_by("-version")
        ),
    )

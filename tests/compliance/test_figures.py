"""Each dashboard figure over a SYNTHETIC month, for the force and for each team, against a count made by hand
from the generator's mix (heed.compliance.synthetic.MIX and REFERRAL_MIX; the month's people and teams are in
tests/compliance/conftest.py).

Per handler (three handlers: t.handler and t.handler3 in the Blue watch, t.handler2 in the Red): 4 complete,
1 returned, 1 refused first, 1 'no further action' with two approvals, 3 standard, 1 open with its referral
made, 1 lowered by a supervisor, 1 awaiting review: 13 calls, 10 of them about grooming (the 3 standard ones
are not), each grooming call with one referral. For the force: one call closed by an older version with a
person check outstanding (t.handler's), one 'no further action' at high risk approved by one supervisor
(t.handler2's), a look-back finding on the first, and a training call that must count nowhere.

The 30 referrals, in the order they were made, are answered in turns of four: two on time, one late, one
never; so 16 on time, 7 late and 7 never answered (made two months ago: all 7 are overdue now).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from heed.accounts.models import Team
from heed.calls.models import Call, ClosureRequest, ReviewDecision
from heed.compliance import figures as cf
from heed.compliance.services import dip_draw, dip_review
from heed.compliance.synthetic import Generated
from heed.support.models import Referral, ReferralStatus
from heed.training.dashboard import competency_labels
from heed.training.models import Attempt, CompetencyRecord
from tests.compliance.conftest import BLUE, GREEN, RED

pytestmark = pytest.mark.django_db

# By hand, for the force: 39 calls worked through the services (30 about grooming), 2 written as an older
# version left them; the training call is not counted.
HAND = {
    "calls": (41, None),
    "needed_checks": (32, 41),  # 30 grooming + 2 older
    # asked to close: 30 needing checks less the 3 still open = 27, + 2 older; all but the older one with its
    # check outstanding did every check first (a refused request is not a request the guard let through)
    "checks_before_close": (28, 29),
    # needing advice: 30 grooming (specialist advice required) + 9 standard; the 3 open ones have none yet
    "advice_recorded": (36, 39),
    # closed: per handler 4 complete + 1 returned + 1 refused first + 1 nfa + 3 standard + 1 lowered = 11,
    # so 33, + 2 older
    "closed": (35, 41),
    "closed_outstanding": (1, 35),
    "closure_refused": (3, 41),
    "risk_lowered": (3, 41),
    # reviewed: per handler 4 + 1 + 1 + 1 + 1 (lowered) = 8, so 24, + 1 (older nfa)
    "reviewed": (25, None),
    # of the 30 referrals, every fourth (7) was never answered; the answered late ones are not overdue
    "referrals_overdue": (7, None),
    "nfa_two_supervisors": (3, 4),
    "nfa_one_supervisor": (1, 4),
    "returned": (3, 41),
    "lookback": (1, None),
    "lookback_open": (1, None),
}
# By hand, for the Blue watch (t.handler and t.handler3: 26 calls, 20 about grooming, + the older call with
# its check outstanding) and the Red watch (t.handler2: 13 calls, 10 about grooming, + the older 'no further
# action' on one approval). Overdue referrals are counted per team from the referral rows below.
HAND_BLUE = {
    "calls": (27, None),
    "needed_checks": (21, 27),
    "checks_before_close": (18, 19),  # 18 asked to close + the older one (check outstanding)
    "advice_recorded": (24, 26),  # 20 grooming + 6 standard; the 2 open ones have none
    "closed": (23, 27),  # 22 + the older one
    "closed_outstanding": (1, 23),
    "closure_refused": (2, 27),
    "risk_lowered": (2, 27),
    "reviewed": (16, None),
    "nfa_two_supervisors": (2, 2),
    "nfa_one_supervisor": (0, 2),
    "returned": (2, 27),
    "lookback": (1, None),
    "lookback_open": (1, None),
}
HAND_RED = {
    "calls": (14, None),
    "needed_checks": (11, 14),
    "checks_before_close": (10, 10),  # 9 + the older 'no further action' (its check done first)
    "advice_recorded": (12, 13),
    "closed": (12, 14),  # 11 + the older one
    "closed_outstanding": (0, 12),
    "closure_refused": (1, 14),
    "risk_lowered": (1, 14),
    "reviewed": (9, None),  # 8 + the older one
    "nfa_two_supervisors": (1, 2),
    "nfa_one_supervisor": (1, 2),
    "returned": (1, 14),
    "lookback": (0, None),
    "lookback_open": (0, None),
}


def _dash(month: Generated, team: Team | None = None) -> cf.Dashboard:
    return cf.dashboard(Team.objects.get(name=BLUE).force, cf.month_period(month.month), team=team)


def _counts(figs: cf.Figures) -> dict[str, tuple[int, int | None]]:
    return {k: (f.count, f.total) for k, f in figs.figures.items()}


def _overdue_by_hand(handlers: list[str]) -> set[int]:
    """The calls of these handlers with a referral still sent and past its due time: read from the rows."""
    now = timezone.now()
    return {
        r.call_id
        for r in Referral.objects.select_related("call__created_by")
        if r.call.created_by.username in handlers and r.status == ReferralStatus.SENT and r.due_at < now
    }


def test_every_force_figure_matches_the_hand_count(month: Generated) -> None:
    figs = _dash(month).force_figures.figures
    assert _counts(_dash(month).force_figures) == HAND
    # the calls behind each figure are the ones the hand count names
    assert set(figs["closed_outstanding"].call_ids) == set(month.of("older_outstanding"))
    assert set(figs["nfa_one_supervisor"].call_ids) == set(month.of("older_nfa_one"))
    assert set(figs["closure_refused"].call_ids) == set(month.of("refused_first"))
    assert set(figs["risk_lowered"].call_ids) == set(month.of("lowered"))
    assert set(figs["returned"].call_ids) == set(month.of("returned"))
    assert set(figs["nfa_two_supervisors"].call_ids) == set(month.of("nfa_two"))
    assert set(figs["referrals_overdue"].call_ids) == set(month.referral_calls("outstanding"))
    assert month.of("training")[0] not in {i for f in figs.values() for i in f.call_ids}


def test_the_referrals_are_a_realistic_mix(month: Generated) -> None:
    fates = list(month.referrals.values())
    assert (fates.count("on_time"), fates.count("late"), fates.count("outstanding")) == (16, 7, 7)
    for referral in Referral.objects.filter(pk__in=month.referrals):
        fate = month.referrals[referral.pk]
        assert referral.due_at is not None
        if fate == "outstanding":
            assert referral.status == ReferralStatus.SENT and referral.status_at is None
        else:
            assert referral.status == ReferralStatus.ACCEPTED and referral.status_at is not None
            assert (referral.status_at <= referral.due_at) == (fate == "on_time")
    # answered late is not overdue: only the unanswered are
    late = set(month.referral_calls("late"))
    assert late and not late & set(_dash(month).force_figures.figures["referrals_overdue"].call_ids)


def test_every_team_figure_matches_the_hand_count(month: Generated) -> None:
    blue, red, green = (Team.objects.get(name=n) for n in (BLUE, RED, GREEN))
    for team, hand, handlers in (
        (blue, HAND_BLUE, ["t.handler", "t.handler3"]),
        (red, HAND_RED, ["t.handler2"]),
    ):
        d = _dash(month, team)
        overdue = _overdue_by_hand(handlers)
        assert _counts(d.force_figures) == {**hand, "referrals_overdue": (len(overdue), None)}
        assert set(d.force_figures.figures["referrals_overdue"].call_ids) == overdue
        assert sorted(h.handler.username for h in d.handlers) == handlers
        assert {h.team for h in d.handlers} == {team.name}
        assert d.teams == []  # a team's page lists its handlers, not the other teams
    # the two teams' overdue referrals are the force's seven between them
    assert len(_overdue_by_hand(["t.handler", "t.handler3"]) | _overdue_by_hand(["t.handler2"])) == 7
    # the nobody's team counts nothing; its calls page would be empty
    empty = _dash(month, green)
    assert all(f.count == 0 for f in empty.force_figures.figures.values()) and empty.handlers == []
    # the older call with its check outstanding is the Blue watch's; its 'no further action' the Red's
    assert _dash(month, blue).force_figures.figures["closed_outstanding"].call_ids == tuple(
        month.of("older_outstanding")
    )
    assert _dash(month, red).force_figures.figures["nfa_one_supervisor"].call_ids == tuple(
        month.of("older_nfa_one")
    )


def test_the_force_view_lists_every_team_with_its_figures(month: Generated) -> None:
    d = _dash(month)
    rows = {t.team.name: t for t in d.teams}
    assert list(rows) == [BLUE, GREEN, RED]  # by name
    assert _counts(rows[BLUE].figures) == {
        **HAND_BLUE,
        "referrals_overdue": (len(_overdue_by_hand(["t.handler", "t.handler3"])), None),
    }
    assert rows[GREEN].figures.figures["calls"].count == 0
    assert rows[RED].figures.figures["calls"].count == 14
    assert {h.handler.username: h.team for h in d.handlers} == {
        "t.handler": BLUE,
        "t.handler2": RED,
        "t.handler3": BLUE,
    }


def test_a_handler_who_moves_takes_their_calls_to_the_new_team(
    month: Generated, staff: dict[str, Any]
) -> None:
    from heed.accounts.services import user_team_set

    red = Team.objects.get(name=RED)
    user_team_set(actor=staff["admin"], user_id=staff["handler3"].pk, team_id=red.pk)
    assert _dash(month, red).force_figures.figures["calls"].count == 14 + 13
    assert _dash(month, Team.objects.get(name=BLUE)).force_figures.figures["calls"].count == 14


def test_refusals_name_what_was_outstanding_and_who_lowered(month: Generated) -> None:
    f = _dash(month).force_figures
    # the three calls asked to close with nothing done: every action the demo narrative requires, each thrice
    assert f.refused_outstanding == {
        "decisive_questions": 3,
        "identifier_check": 3,
        "person_check": 3,
        "safeguarding_referral": 3,
        "specialist_advice": 3,
        "vulnerability_flag": 3,
    }
    assert f.lowered_by == {"t.supervisor2 (Supervisor)": 3}


def _review_minutes(month: Generated, handlers: tuple[str, ...]) -> list[float]:
    """Counted here from the rows: each close request's first decision, minutes after the request."""
    minutes = []
    for req in ClosureRequest.objects.filter(
        call_id__in=[i for i, k in month.kinds.items() if k != "training"],
        call__created_by__username__in=handlers,
    ):
        first = ReviewDecision.objects.filter(request=req).order_by("decided_at").first()
        if first is not None:
            minutes.append((first.decided_at - req.requested_at).total_seconds() / 60)
    return sorted(minutes)


def test_review_time_median_and_90th_percentile(month: Generated) -> None:
    f = _dash(month).force_figures
    minutes = _review_minutes(month, ("t.handler", "t.handler2", "t.handler3"))
    # per handler 4 complete + 2 requests on the returned call + 1 + 1 + 1 = 9, so 27, + 1 older
    assert len(minutes) == 28 == len(f.review_minutes)
    assert f.review_median == minutes[13]  # ceil(0.5 * 28) = the 14th of 28
    assert f.review_p90 == minutes[25]  # ceil(0.9 * 28) = the 26th


def test_each_teams_review_times_refusals_and_who_lowered(month: Generated) -> None:
    blue = _dash(month, Team.objects.get(name=BLUE)).force_figures
    red = _dash(month, Team.objects.get(name=RED)).force_figures
    blue_minutes = _review_minutes(month, ("t.handler", "t.handler3"))
    red_minutes = _review_minutes(month, ("t.handler2",))
    # Blue: 9 requests decided per handler, 18; Red: 9 + the older 'no further action', 10
    assert (len(blue_minutes), len(red_minutes)) == (18, 10)
    assert (blue.review_median, blue.review_p90) == (blue_minutes[8], blue_minutes[16])  # 9th, 17th of 18
    assert (red.review_median, red.review_p90) == (red_minutes[4], red_minutes[8])  # 5th, 9th of 10
    codes = (
        "decisive_questions",
        "identifier_check",
        "person_check",
        "safeguarding_referral",
        "specialist_advice",
        "vulnerability_flag",
    )
    assert blue.refused_outstanding == dict.fromkeys(codes, 2)
    assert red.refused_outstanding == dict.fromkeys(codes, 1)
    assert (blue.lowered_by, red.lowered_by) == (
        {"t.supervisor2 (Supervisor)": 2},
        {"t.supervisor2 (Supervisor)": 1},
    )


def test_per_handler_figures(month: Generated) -> None:
    rows = {h.handler.username: h.figures.figures for h in _dash(month).handlers}
    assert set(rows) == {"t.handler", "t.handler2", "t.handler3"}
    assert [rows[h]["calls"].count for h in ("t.handler", "t.handler2", "t.handler3")] == [14, 14, 13]
    assert rows["t.handler"]["closed_outstanding"].count == 1
    assert rows["t.handler2"]["closed_outstanding"].count == 0
    assert rows["t.handler"]["nfa_one_supervisor"].count == 0
    assert rows["t.handler2"]["nfa_one_supervisor"].count == 1
    assert rows["t.handler"]["lookback"].count == 1


# ------------------------------------------------------------------------------------- training currency


def _trained(user: Any, *, lapsed: str = "", failed: str = "", never: str = "") -> None:
    """Records for every competency of scoring.yaml, met 10 days ago; but ``lapsed`` last met 400 days ago
    (past the longest refresher interval, 365 days), ``failed`` not met at the latest attempt (though met
    recently before), ``never`` never scored. Written straight into the tables: what the figure reads."""
    now = timezone.now()
    call = Call.objects.create(
        force=user.force,
        reference=f"TRN-SYN-CUR-{user.pk}",
        training=True,
        created_by=user,
        created_at=now,
        updated_at=now,
    )
    attempt = Attempt.objects.create(
        force=user.force,
        trainee=user,
        call=call,
        scenario_id="seed-case",
        scenario_version=1,
        scenario_title="SYNTHETIC",
        scenario_digest="0" * 64,
        scenario_text="",
        role="handler",
        mode="assisted",
        started_at=now,
    )
    for code in competency_labels():
        if code == never:
            continue
        last = now - timedelta(days=400 if code == lapsed else 10)
        CompetencyRecord.objects.create(
            user=user,
            competency=code,
            latest_met=code != failed,
            latest_at=now - timedelta(days=1) if code == failed else last,
            latest_attempt=attempt,
            attempts=2,
            met_count=1,
            last_met_at=last,
        )


def test_training_currency_at_intermediate_values(month: Generated, staff: dict[str, Any]) -> None:
    codes = list(competency_labels())
    assert len(codes) == 11  # every one must be current, the supervisor's review among them
    # current: t.handler, t.handler2, t.supervisor (and the disabled t.gone, who is not staff)
    for name in ("handler", "handler2", "supervisor", "gone"):
        _trained(staff[name])
    _trained(staff["handler3"], lapsed="grade")  # one competency lapsed
    _trained(staff["supervisor2"], never="review")  # one never scored
    _trained(staff["auditor"], failed="advice")  # one not met at the latest attempt
    # t.safeguarding, t.admin and t.trainer never trained.
    d = _dash(month)
    # staff of TST: the eight of the cast + t.handler3 (t.gone is disabled) = 9; current: 3
    assert (d.training_current.count, d.training_current.total, d.training_current.percent) == (3, 9, 33)
    teams = {t.team.name: t.training_current for t in d.teams}
    # Blue: t.handler (current), t.handler3 (lapsed), t.supervisor (current); t.gone is disabled
    assert (teams[BLUE].count, teams[BLUE].total) == (2, 3)
    # Red: t.handler2 (current), t.supervisor2 (never scored one), t.auditor (failed one)
    assert (teams[RED].count, teams[RED].total) == (1, 3)
    assert (teams[GREEN].count, teams[GREEN].total) == (0, 0)
    blue = _dash(month, Team.objects.get(name=BLUE)).training_current
    assert (blue.count, blue.total, blue.percent) == (2, 3, 67)


def test_training_currency_counts_nobody_current_before_anyone_trains(month: Generated) -> None:
    t = _dash(month).training_current
    assert (t.count, t.total) == (0, 9)


# ------------------------------------------------------------------------------------------ the dip items


def test_reviews_feed_the_dashboard(month: Generated, staff: dict[str, Any]) -> None:
    yes = dict.fromkeys(
        ("signs_recognised", "checks_done", "advice_recorded", "grade_right", "rationale_adequate"), "yes"
    )
    drawn = dip_draw(actor=staff["supervisor"], month=month.month)
    # 3 of each handler's closed calls (11 each, and the older ones: 12 for t.handler and t.handler2)
    assert len(drawn) == 9
    assert {s.handler_id for s in drawn} == {staff[h].pk for h in ("handler", "handler2", "handler3")}
    for i, sample in enumerate(drawn[:4]):
        answers = {**yes, "advice_recorded": "yes" if i < 3 else "partly"}
        dip_review(actor=staff["supervisor2"], sample=sample, answers=answers, expected_version=0)
    items = _dash(month).force_figures.dip_items
    assert (items["advice_recorded"].count, items["advice_recorded"].total) == (3, 4)
    assert (items["grade_right"].count, items["grade_right"].total) == (4, 4)
    # a team sees the reviews of its handlers' calls only
    blue_ids = {s.call_id for s in drawn[:4] if s.handler_id in (staff["handler"].pk, staff["handler3"].pk)}
    blue = _dash(month, Team.objects.get(name=BLUE)).force_figures.dip_items["grade_right"]
    assert (blue.count, set(blue.call_ids)) == (len(blue_ids), blue_ids)


# ------------------------------------------------------------------------------------------------ trends


def test_trends_put_the_month_in_its_place(month: Generated) -> None:
    force = Team.objects.get(name=BLUE).force
    months = cf.trends(force, cf.add_months(month.month, 1))
    assert [m.month for m in months][-2:] == [month.month, cf.add_months(month.month, 1)]
    assert months[-2].figures.figures["calls"].count == 41
    assert months[-1].figures.figures["calls"].count == 0
    red = cf.trends(force, month.month, team=Team.objects.get(name=RED))
    assert red[-1].figures.figures["calls"].count == 14


def test_a_team_of_another_force_is_refused(month: Generated, staff: dict[str, Any]) -> None:
    from heed.accounts.services import team_create

    other = team_create(name="SYNTHETIC other watch", force_code="OTH")
    with pytest.raises(ValueError, match="another force"):
        cf.dashboard(staff["handler"].force, cf.month_period(month.month), team=other)


def test_percentile_is_nearest_rank() -> None:
    assert cf.percentile([], 50) is None
    assert cf.percentile([5.0], 90) == 5.0
    assert cf.percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.0
    assert cf.percentile([float(i) for i in range(1, 11)], 90) == 9.0

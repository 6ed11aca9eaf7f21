"""Each dashboard figure over a SYNTHETIC month, against a count made by hand from the generator's mix
(heed.compliance.synthetic.MIX: per handler 4 complete, 1 returned, 1 refused first, 1 'no further action'
with two approvals, 3 standard, 1 open with its referral unanswered, 1 lowered by a supervisor, 1 awaiting
review; for the force one call closed by an older version with a person check outstanding (the first
handler's), one 'no further action' at high risk approved by one supervisor (the second handler's), a
look-back finding on the first, and a training call that must count nowhere)."""

from __future__ import annotations

from typing import Any

import pytest

from heed.calls.models import ClosureRequest, ReviewDecision
from heed.compliance import figures as cf
from heed.compliance.synthetic import Generated

pytestmark = pytest.mark.django_db

# By hand, for two handlers: 26 calls worked through the services, 20 of them about grooming (the 6 standard
# ones are not), 2 written as an older version left them; the training call is not counted.
HAND = {
    "calls": (28, None),
    "needed_checks": (22, 28),  # 20 grooming + 2 older
    # asked to close: 20 needing checks less the 2 still open; all but the older one with it outstanding
    "checks_before_close": (19, 20),
    # needing advice: 20 grooming (specialist advice required) + 6 standard; the 2 open ones have none yet
    "advice_recorded": (24, 26),
    # closed: 8 complete + 2 returned + 2 refused first + 2 nfa + 6 standard + 2 lowered + 2 older
    "closed": (24, 28),
    "closed_outstanding": (1, 24),
    "closure_refused": (2, 28),
    "risk_lowered": (2, 28),
    # reviewed: 8 + 2 + 2 + 2 + 2 (lowered) + 1 (older nfa)
    "reviewed": (17, None),
    # every referral (one on each of the 20 grooming calls) was made last-but-one month and nobody answered it
    "referrals_overdue": (20, None),
    "nfa_two_supervisors": (2, 3),
    "nfa_one_supervisor": (1, 3),
    "returned": (2, 28),
    "lookback": (1, None),
    "lookback_open": (1, None),
}


def _dash(cast: dict[str, Any], month: Generated) -> cf.Dashboard:
    return cf.dashboard(cast["handler"].force, cf.month_period(month.month))


def test_every_force_figure_matches_the_hand_count(cast: dict[str, Any], month: Generated) -> None:
    figs = _dash(cast, month).force_figures.figures
    assert {k: (f.count, f.total) for k, f in figs.items()} == HAND
    # the calls behind each figure are the ones the hand count names
    assert set(figs["closed_outstanding"].call_ids) == set(month.of("older_outstanding"))
    assert set(figs["nfa_one_supervisor"].call_ids) == set(month.of("older_nfa_one"))
    assert set(figs["closure_refused"].call_ids) == set(month.of("refused_first"))
    assert set(figs["risk_lowered"].call_ids) == set(month.of("lowered"))
    assert set(figs["returned"].call_ids) == set(month.of("returned"))
    assert set(figs["nfa_two_supervisors"].call_ids) == set(month.of("nfa_two"))
    assert month.of("training")[0] not in {i for f in figs.values() for i in f.call_ids}


def test_refusals_name_what_was_outstanding_and_who_lowered(cast: dict[str, Any], month: Generated) -> None:
    f = _dash(cast, month).force_figures
    # the two calls asked to close with nothing done: every action the demo narrative requires, each twice
    assert f.refused_outstanding == {
        "decisive_questions": 2,
        "identifier_check": 2,
        "person_check": 2,
        "safeguarding_referral": 2,
        "specialist_advice": 2,
        "vulnerability_flag": 2,
    }
    assert f.lowered_by == {"t.supervisor2 (Supervisor)": 2}


def test_review_time_median_and_90th_percentile(cast: dict[str, Any], month: Generated) -> None:
    f = _dash(cast, month).force_figures
    # counted here from the rows: each close request's first decision, minutes after the request
    minutes = []
    for req in ClosureRequest.objects.filter(
        call_id__in=[i for i, k in month.kinds.items() if k != "training"]
    ):
        first = ReviewDecision.objects.filter(request=req).order_by("decided_at").first()
        if first is not None:
            minutes.append((first.decided_at - req.requested_at).total_seconds() / 60)
    minutes.sort()
    # 8 complete + 4 requests on returned calls + 2 + 2 + 2 + 1 older
    assert len(minutes) == 19 == len(f.review_minutes)
    assert f.review_median == minutes[9]  # the 10th of 19
    assert f.review_p90 == minutes[17]  # ceil(0.9 * 19) = 18th


def test_per_handler_figures(cast: dict[str, Any], month: Generated) -> None:
    rows = {h.handler.username: h.figures.figures for h in _dash(cast, month).handlers}
    assert set(rows) == {"t.handler", "t.handler2"}
    assert rows["t.handler"]["calls"].count == rows["t.handler2"]["calls"].count == 14
    assert rows["t.handler"]["closed_outstanding"].count == 1
    assert rows["t.handler2"]["closed_outstanding"].count == 0
    assert rows["t.handler"]["nfa_one_supervisor"].count == 0
    assert rows["t.handler2"]["nfa_one_supervisor"].count == 1
    assert rows["t.handler"]["lookback"].count == 1


def test_training_currency_counts_the_forces_staff(cast: dict[str, Any], month: Generated) -> None:
    # the cast has eight people in TST; none has trained, so none is current
    t = _dash(cast, month).training_current
    assert (t.count, t.total) == (0, 8)


def test_trends_put_the_month_in_its_place(cast: dict[str, Any], month: Generated) -> None:
    months = cf.trends(cast["handler"].force, cf.add_months(month.month, 1))
    assert [m.month for m in months][-2:] == [month.month, cf.add_months(month.month, 1)]
    assert months[-2].figures.figures["calls"].count == 28
    assert months[-1].figures.figures["calls"].count == 0


def test_percentile_is_nearest_rank() -> None:
    assert cf.percentile([], 50) is None
    assert cf.percentile([5.0], 90) == 5.0
    assert cf.percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.0
    assert cf.percentile([float(i) for i in range(1, 11)], 90) == 9.0

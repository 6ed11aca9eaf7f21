"""The trainer's dashboard: every figure checked against a count by hand of four attempts at the seed case.

The cohort (force TST, all finished today):
  A1  handler     assisted, nothing done                      score 0   failed
  A2  handler     assisted, five signs in the notes, the man checked   score 27  failed
  A3  handler2    unassisted, named gifts, secrecy, isolation  score 0   failed
  A4  supervisor  assisted, worked as it should be             score 100 passed
The seed case's key has nine danger signs. What each attempt recognised (assisted: its call's assessment;
unassisted: the signs named):
  A1  none
  A2  age gap, gifts, secrecy, meeting, isolation ("turns him against parents", read since guidance 2026.12.3)
  A3  gifts, secrecy, isolation
  A4  every one but flattery (its notes do not show it; "Male tells Toby his parents are against him" is
      read as isolation since guidance 2026.12.3)
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from heed.training import dashboard
from heed.training.charts import cohort_charts
from tests.conftest import sign_in
from tests.training.working import work_nothing, work_partly, work_well

pytestmark = pytest.mark.django_db

# Competencies not met (of 4 attempts each): A1 and A3 meet none, A2 meets person check, grade and response,
# A4 meets all ten. The review competency belongs to supervisor scenarios: never scored here.
WEAKEST = [
    ("recognition", 3),
    ("decisive_questions", 3),
    ("marker", 3),
    ("identifier_check", 3),
    ("advice", 3),
    ("referral", 3),
    ("closure", 3),
    ("person_check", 2),
    ("grade", 2),
    ("response", 2),
]
# Signs missed (of 4 attempts each), the most missed first, then by label.
MISSED = [
    ("flattery_promises", 4),  # Flattery and promises
    ("behaviour_change", 3),  # Change in the child's behaviour: A1, A2, A3
    ("private_channel", 3),  # Move to a private channel: A1, A2, A3
    ("supervision_probing", 3),  # Probing supervision and routine: A1, A2, A3
    ("age_gap", 2),  # Adult or much older contact: A1, A3
    ("meeting", 2),  # Meeting in person: A1, A3
    ("gifts", 1),  # Gifts or money: A1
    ("isolation", 1),  # Isolation from family or friends: A1
    ("secrecy", 1),  # Secrecy: A1
]


@pytest.fixture
def worked(cast: dict[str, Any]) -> dict[str, Any]:
    a1, _ = work_nothing(cast["handler"])
    a2, _ = work_partly(cast["handler"])
    a3, _ = work_nothing(cast["handler2"], "unassisted", ["gifts", "secrecy", "isolation"])
    a4, _ = work_well(cast["supervisor"])
    # Another force's attempt never counts in this force's cohort.
    work_nothing(cast["other_handler"])
    return {"a1": a1, "a2": a2, "a3": a3, "a4": a4}


def test_the_figures_match_the_hand_count(cast: dict[str, Any], worked: dict[str, Any]) -> None:
    assert [a.score for a in worked.values()] == [0, 27, 0, 100]  # the attempts are as the table above says
    c = dashboard.cohort(cast["trainer"], dashboard.default_period())
    assert (c.attempts, c.passed, c.people) == (4, 1, 3)
    assert (c.pass_rate.count, c.pass_rate.total, c.pass_rate.percent) == (1, 4, 25)
    assert [(b.key, b.count, b.total) for b in c.weakest] == [(k, n, 4) for k, n in WEAKEST]
    assert c.weakest[0].label == "Recognising the danger signs" and c.weakest[0].percent == 75
    assert [(b.key, b.count, b.total) for b in c.missed_signs] == [(k, n, 4) for k, n in MISSED]
    assert c.missed_signs[0].label == "Flattery and promises" and c.missed_signs[0].percent == 100
    assert c.unread == 0
    improvement = {(i.user.username, i.scenario_id): (i.attempts, i.first, i.latest) for i in c.improvement}
    assert improvement == {
        ("t.handler", "seed-case"): (2, 0, 27),
        ("t.handler2", "seed-case"): (1, 0, 0),
        ("t.supervisor", "seed-case"): (1, 100, 100),
    }
    assert [(i.user.username, i.change) for i in c.improved] == [("t.handler", 27)]


def test_the_period_limits_the_attempts(cast: dict[str, Any], worked: dict[str, Any]) -> None:
    today = timezone.localdate()
    before, errors = dashboard.period_from(
        (today - timedelta(days=30)).isoformat(), (today - timedelta(days=1)).isoformat()
    )
    assert errors == []
    assert dashboard.cohort(cast["trainer"], before).attempts == 0
    just_today, _ = dashboard.period_from(today.isoformat(), today.isoformat())
    assert dashboard.cohort(cast["trainer"], just_today).attempts == 4


@pytest.mark.parametrize(
    ("start", "end", "problem"),
    [
        ("yesterday", "", "start date"),
        ("2026-02-30", "", "start date"),
        ("", "99999-01-01", "end date"),
        ("", "9999-12-31", "end date"),  # the day after would overflow the calendar
        ("2026-03-02", "2026-03-01", "on or before"),
        ("2026-03-01T00:00", "", "start date"),
    ],
)
def test_a_period_that_cannot_be_read_is_the_default_and_says_why(start: str, end: str, problem: str) -> None:
    today = timezone.localdate()
    period, problems = dashboard.period_from(start, end, today)
    assert period == dashboard.default_period(today)
    assert len(problems) == 1 and problem in problems[0]
    assert period.days == 90 and period.end == today


def test_only_trainers_get_figures(cast: dict[str, Any], worked: dict[str, Any]) -> None:
    for persona in ("handler", "supervisor", "admin", "other_handler", "national"):
        assert dashboard.cohort(cast[persona], dashboard.default_period()).attempts == 0


def test_the_page_shows_the_figures_and_the_charts(cast: dict[str, Any], worked: dict[str, Any]) -> None:
    page = sign_in(Client(), cast["trainer"]).get("/training/cohort")
    assert page.status_code == 200
    html = page.content.decode()
    assert "25% (1 of 4 passed)" in html
    assert 'role="img" aria-labelledby="weakest-title weakest-desc"' in html
    assert '<title id="signs-title">Danger signs missed' in html
    assert 'data-chart="improvement"' in html
    # Every figure of the charts is also in a table.
    assert '<tr class="govuk-table__row" data-sign="flattery_promises">' in html
    assert "75% (3 of 4)" in html and "100% (4 of 4)" in html and "0 to 27 (+27)" in html
    assert "<script" not in html.split('<main class="govuk-main-wrapper"')[1].split("</main>")[0]
    assert " style=" not in html


def test_chart_bars_are_as_long_as_their_share(cast: dict[str, Any], worked: dict[str, Any]) -> None:
    charts = cohort_charts(dashboard.cohort(cast["trainer"], dashboard.default_period()))
    weakest = charts["weakest_chart"]
    assert [r.width for r in weakest.rows] == [390.0] * 7 + [260.0] * 3  # 3/4 and 2/4 of 520
    improvement = charts["improvement_chart"]
    assert [(r.first_x, r.latest_x, r.better) for r in improvement.rows] == [(0.0, 140.4, True)]


def test_a_bad_period_on_the_page_is_not_an_error_page(cast: dict[str, Any], worked: dict[str, Any]) -> None:
    client = sign_in(Client(), cast["trainer"])
    for query in ("?from=nonsense&to=2026-01-01", "?from=%00", "?to=2100-12-31&from=9999-12-31", "?from[]=1"):
        page = client.get("/training/cohort" + query)
        assert page.status_code == 200, query
    page = client.get("/training/cohort?from=nonsense")
    assert "There is a problem" in page.content.decode() and 'value="nonsense"' in page.content.decode()
    assert client.get("/training/cohort.csv?from=nonsense").status_code == 200


def test_the_csv_has_each_persons_figures_per_competency(
    cast: dict[str, Any], worked: dict[str, Any]
) -> None:
    cast["handler2"].first_name = "=SYNTHETIC"  # a name a spreadsheet would read as a formula
    cast["handler2"].last_name = "Trainee"
    cast["handler2"].save(update_fields=["first_name", "last_name"])
    response = sign_in(Client(), cast["trainer"]).get("/training/cohort.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert (
        tuple(rows[0])
        == dashboard.CSV_COLUMNS
        == (
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
    )
    body = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert len(body) == 30  # three people, ten competencies each
    by = {(r["username"], r["competency"]): r for r in body}
    person_check = by[("t.handler", "person_check")]
    assert (person_check["attempts"], person_check["met"], person_check["not_met"]) == ("2", "1", "1")
    assert (person_check["not_met_percent"], person_check["latest_result"]) == ("50", "met")
    recognition = by[("t.handler", "recognition")]
    assert (recognition["met"], recognition["not_met"], recognition["latest_result"]) == ("0", "2", "not met")
    closure = by[("t.supervisor", "closure")]
    assert (closure["met"], closure["role"]) == ("1", "supervisor")
    assert by[("t.handler2", "advice")]["person"] == "'=SYNTHETIC Trainee"
    assert by[("t.handler", "grade")]["competency_label"] == "Grading the risk"
    assert {r["period_end"] for r in body} == {timezone.localdate().isoformat()}
    assert not any(r["username"] == "t.other_handler" for r in body)


@pytest.mark.parametrize("path", ["/training/cohort", "/training/cohort.csv"])
def test_the_cohort_is_only_for_trainers(cast: dict[str, Any], path: str) -> None:
    for persona in ("handler", "supervisor", "safeguarding", "auditor", "admin", "other_handler", "national"):
        assert sign_in(Client(), cast[persona]).get(path).status_code == 404, persona
    assert sign_in(Client(), cast["trainer"]).get(path).status_code == 200
    anonymous = Client().get(path)
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]

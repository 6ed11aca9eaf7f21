"""The records that follow a person: one's own records page, certificates (the holder's only), refreshers on
the home page, and the team's training status. Figures are checked against what the attempts did:
  nothing done    every one of the seed case's ten competencies not met, score 0
  partly done     person check, grade and response met (three of ten), score 27
  worked well     all ten met, score 100, passed: a refresher due in 30 days, the foundation certificate
"""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from heed.training import dashboard
from heed.training.models import Certificate, ScenarioStanding
from heed.training.services import planted_handler
from tests.conftest import UserFactory, sign_in
from tests.training.working import work_nothing, work_partly, work_well

pytestmark = pytest.mark.django_db

FORCE_PERSONAS = ("handler", "supervisor", "safeguarding", "auditor", "admin", "trainer", "other_handler")


def row(html: str, attribute: str, value: str) -> str:
    """The table row marked ``data-<attribute>="<value>"``."""
    match = re.search(
        rf'<tr class="govuk-table__row" data-{attribute}="{re.escape(value)}".*?</tr>', html, re.S
    )
    assert match, (attribute, value)
    return match.group(0)


def cells(html_row: str) -> list[str]:
    return [
        unescape(re.sub(r"<[^>]+>", "", c)).strip()
        for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", html_row, re.S)
    ]


def test_my_records_count_each_competency_and_scenario(cast: dict[str, Any]) -> None:
    work_nothing(cast["handler"])
    _, partly = work_partly(cast["handler"])
    page = sign_in(Client(), cast["handler"]).get("/training/me")
    assert page.status_code == 200
    html = page.content.decode()
    # Checking the named person: not met at the first attempt, met at the second.
    assert cells(row(html, "competency", "person_check")) == [
        "Checking the named person",
        f"Met {timezone.localtime(cast_latest(cast['handler'], 'person_check')):%-d %b %Y}",
        "2",
        "1",
        f"{timezone.localtime(cast_latest(cast['handler'], 'person_check')):%-d %b %Y}",
        "Yes",
    ]
    recognition = cells(row(html, "competency", "recognition"))
    assert recognition[0] == "Recognising the danger signs"
    assert recognition[1].startswith("Not met") and recognition[2:] == ["2", "0", "Never", "No"]
    # The supervisor's review is never scored in a handler scenario.
    assert cells(row(html, "competency", "review"))[1:] == ["Not tried", "0", "0", "Never", "No"]
    seed = cells(row(html, "scenario", "seed-case"))
    assert seed == [
        "A mother rings about her son's older online gaming friend",
        "2",
        "0",
        "0",
        "27",
        "Not passed yet",
    ]
    assert partly.score == 27
    assert "No certificates yet." in html


def cast_latest(user: Any, competency: str) -> Any:
    return next(c.record.latest_at for c in dashboard.my_records(user).competencies if c.code == competency)


def test_a_pass_schedules_a_refresher_and_issues_the_certificate(cast: dict[str, Any]) -> None:
    attempt, result = work_well(cast["supervisor"])
    assert result.passed
    records = dashboard.my_records(cast["supervisor"])
    assert sum(c.current for c in records.competencies) == 10
    (standing,) = [s.standing for s in records.scenarios]
    assert standing.refresher_due == attempt.finished_at + timedelta(days=30)
    (cert,) = records.certificates
    assert cert.curriculum == "seed-foundation" and cert.attempts == [attempt.pk]
    progress = {p.id: p for p in records.curricula}
    assert (
        progress["seed-foundation"].certificate == cert
        and progress["seed-foundation"].scenarios[0][2] is True
    )
    # The other curricula hold the seed case and more: passed in part, no certificate.
    assert progress["handler-foundation"].certificate is None
    html = sign_in(Client(), cast["supervisor"]).get("/training/me").content.decode()
    assert f'href="/training/certificates/{cert.pk}"' in html
    assert "Overdue" not in html


def test_refreshers_come_due_then_fall_overdue(cast: dict[str, Any]) -> None:
    attempt, _ = work_well(cast["supervisor"])
    done = attempt.finished_at
    assert dashboard.refreshers_due(cast["supervisor"], done) == []
    assert dashboard.refreshers_due(cast["supervisor"], done + timedelta(days=15)) == []  # 15 days before due
    (soon,) = dashboard.refreshers_due(cast["supervisor"], done + timedelta(days=16))  # 14 days before
    assert (soon.due_soon, soon.overdue, soon.standing.scenario_id) == (True, False, "seed-case")
    (late,) = dashboard.refreshers_due(cast["supervisor"], done + timedelta(days=31))
    assert (late.due_soon, late.overdue) == (False, True)
    assert dashboard.refreshers_due(cast["handler"], done + timedelta(days=31)) == []


def test_a_competency_lapses_a_year_after_it_was_last_met(cast: dict[str, Any]) -> None:
    attempt, _ = work_well(cast["supervisor"])
    done = attempt.finished_at
    within = dashboard.my_records(cast["supervisor"], done + timedelta(days=365))
    assert all(c.current for c in within.competencies if c.code != "review")
    after = dashboard.my_records(cast["supervisor"], done + timedelta(days=366))
    assert not any(c.current for c in after.competencies)
    (member,) = [
        m
        for m in dashboard.team_status(cast["trainer"], done + timedelta(days=366))
        if m.user == attempt.trainee
    ]
    assert (len(member.lapsed), len(member.not_met), len(member.not_tried)) == (10, 0, 1)


def overdue(user: Any, days: int = 3) -> None:
    """Move the person's refresher back in time (as if the weeks had passed)."""
    ScenarioStanding.objects.filter(user=user).update(refresher_due=timezone.now() - timedelta(days=days))


def test_overdue_refreshers_show_on_the_home_page_and_the_records(cast: dict[str, Any]) -> None:
    # A trainer's home page is the home page; a supervisor's is the list of calls.
    for persona, home in (("trainer", "/"), ("supervisor", "/calls/")):
        user = cast[persona]
        client = sign_in(Client(), user)
        work_well(user)
        assert 'data-section="refreshers"' not in client.get(home).content.decode()
        overdue(user)
        page = client.get(home)
        assert page.status_code == 200
        html = page.content.decode()
        section = html.split('data-section="refreshers"')[1].split("</div>")[0]
        assert '<a class="govuk-link" href="/training/#scenario-seed-case">A mother rings about' in section
        assert "Overdue" in section
        records = client.get("/training/me").content.decode()
        assert "Overdue" in row(records, "scenario", "seed-case")
        assert "1 refresher overdue" in records


def test_a_refresher_due_soon_is_shown_but_not_as_overdue(cast: dict[str, Any]) -> None:
    client = sign_in(Client(), cast["trainer"])
    work_well(cast["trainer"])
    ScenarioStanding.objects.filter(user=cast["trainer"]).update(
        refresher_due=timezone.now() + timedelta(days=7)
    )
    section = client.get("/").content.decode().split('data-section="refreshers"')[1].split("</div>")[0]
    assert "due " in section and "Overdue" not in section


def test_the_certificate_is_its_holders_only(cast: dict[str, Any]) -> None:
    work_well(cast["supervisor"])
    cert = Certificate.objects.get(user=cast["supervisor"])
    mine = sign_in(Client(), cast["supervisor"])
    page = mine.get(f"/training/certificates/{cert.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Foundation - the lessons of the watchdog&#x27;s case" in html and "t.supervisor" in html
    assert "100%" in html
    pdf = mine.get(f"/training/certificates/{cert.pk}.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    for persona in (*FORCE_PERSONAS, "supervisor2", "national"):
        if persona == "supervisor":
            continue
        other = sign_in(Client(), cast[persona])
        assert other.get(f"/training/certificates/{cert.pk}").status_code == 404, persona
        assert other.get(f"/training/certificates/{cert.pk}.pdf").status_code == 404, persona
    assert mine.get(f"/training/certificates/{cert.pk + 1}").status_code == 404
    assert mine.get("/training/certificates/x").status_code == 404
    assert Client().get(f"/training/certificates/{cert.pk}").status_code == 302


def test_everyone_in_a_force_has_records_but_not_the_national_administrator(cast: dict[str, Any]) -> None:
    for persona in FORCE_PERSONAS:
        assert sign_in(Client(), cast[persona]).get("/training/me").status_code == 200, persona
    assert sign_in(Client(), cast["national"]).get("/training/me").status_code == 404
    assert Client().get("/training/me").status_code == 302


def test_the_team_page_shows_each_member_of_staff(cast: dict[str, Any]) -> None:
    work_nothing(cast["handler"])
    work_partly(cast["handler"])
    work_well(cast["supervisor"])
    overdue(cast["supervisor"])
    planted_handler(cast["handler"].force)  # the SYNTHETIC account that works planted calls: not staff
    UserFactory(username="t.gone", force=cast["handler"].force, role="handler", is_active=False)
    work_nothing(cast["other_handler"])
    for persona in ("supervisor", "trainer"):
        page = sign_in(Client(), cast[persona]).get("/training/team")
        assert page.status_code == 200, persona
        html = page.content.decode()
        people = re.findall(r'data-person="([^"]+)"', html)
        assert sorted(people) == sorted(
            f"t.{p}"
            for p in (
                "handler",
                "handler2",
                "supervisor",
                "supervisor2",
                "safeguarding",
                "auditor",
                "admin",
                "trainer",
            )
        )
        handler = row(html, "person", "t.handler")
        assert 'data-current="3"' in handler and "3 of 11" in handler
        assert (
            "<strong>Not met:</strong> Recognising the danger signs; Asking the decisive questions;"
            in handler
        )
        assert "<strong>Not tried:</strong> The supervisor&#x27;s review</p>" in handler
        assert "Lapsed" not in handler
        assert 'data-overdue="0"' in handler and 'data-certificates="0"' in handler
        supervisor = row(html, "person", "t.supervisor")
        assert 'data-current="10"' in supervisor and "10 of 11" in supervisor
        assert 'data-overdue="1"' in supervisor and "Overdue" in supervisor
        assert 'data-certificates="1"' in supervisor and "Foundation - the lessons" in supervisor
        assert 'data-current="0"' in row(html, "person", "t.handler2")
        assert "Not trained yet" in row(html, "person", "t.auditor")
        assert people == sorted(people)  # by name (these have none: by username)


def test_the_team_page_is_for_supervisors_and_trainers(cast: dict[str, Any]) -> None:
    for persona in ("handler", "safeguarding", "auditor", "admin", "other_handler", "national"):
        assert sign_in(Client(), cast[persona]).get("/training/team").status_code == 404, persona
    assert dashboard.team_status(cast["handler"]) == []
    assert Client().get("/training/team").status_code == 302

"""The compliance pages over the shared SYNTHETIC month (tests/compliance/conftest.py; its hand counts are in
test_figures.py): the figures are on the page, each links to the calls behind it, the calls page lists
exactly those calls, the CSV carries the figures; a team is chosen from the force's teams, its page shows its
figures and its handlers, and another force's team is a 404."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client

from heed.accounts.models import Team
from heed.calls.models import Call
from heed.compliance import figures as cf
from heed.compliance.synthetic import Generated
from tests.compliance.conftest import BLUE, GREEN, RED
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_the_dashboard_links_figures_to_their_calls_and_the_csv_has_them(
    cast: dict[str, Any], month: Generated
) -> None:
    period = cf.month_period(month.month)
    query = f"from={period.start.isoformat()}&to={period.end.isoformat()}"
    client = sign_in(Client(), cast["auditor"])
    page = client.get(f"/compliance/?{query}")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-figure-link="closed_outstanding"' in html
    assert "<svg" in html and 'data-trend="checks_before_close"' in html

    calls = client.get(f"/compliance/calls?figure=closed_outstanding&{query}")
    assert calls.status_code == 200
    (older,) = month.of("older_outstanding")
    assert Call.objects.get(pk=older).reference in calls.content.decode()
    assert calls.content.decode().count("data-call=") == 1

    handler = client.get(f"/compliance/calls?figure=returned&{query}&handler={cast['handler2'].pk}")
    assert handler.content.decode().count("data-call=") == 1
    assert client.get(f"/compliance/calls?figure=nonsense&{query}").status_code == 404

    got = client.get(f"/compliance.csv?{query}")
    rows = list(csv.DictReader(io.StringIO(got.content.decode())))
    force = {r["figure"]: r for r in rows if r["scope"] == "force"}
    assert (force["closed_outstanding"]["count"], force["closed_outstanding"]["of"]) == ("1", "35")
    assert (force["checks_before_close"]["count"], force["checks_before_close"]["of"]) == ("28", "29")
    assert force["refused_outstanding:person_check"]["count"] == "3"
    assert (force["training_current"]["count"], force["training_current"]["of"]) == ("0", "9")
    assert {(r["handler"], r["team"]) for r in rows if r["scope"] == "handler"} == {
        ("t.handler", BLUE),
        ("t.handler2", RED),
        ("t.handler3", BLUE),
    }
    teams = {(r["team"], r["figure"]): r["count"] for r in rows if r["scope"] == "team"}
    assert (teams[(BLUE, "calls")], teams[(RED, "calls")], teams[(GREEN, "calls")]) == ("27", "14", "0")
    assert teams[(BLUE, "closed_outstanding")] == "1" and teams[(RED, "nfa_one_supervisor")] == "1"


def test_a_team_is_chosen_and_shows_its_figures_and_its_handlers(
    cast: dict[str, Any], month: Generated
) -> None:
    period = cf.month_period(month.month)
    query = f"from={period.start.isoformat()}&to={period.end.isoformat()}"
    from heed.accounts.services import team_create

    team_create(name="SYNTHETIC Orange watch", force_code="OTH")  # another force's: never offered
    red = Team.objects.get(name=RED)
    client = sign_in(Client(), cast["supervisor"])
    force_page = client.get(f"/compliance/?{query}").content.decode()
    # the force's page offers every team of the force, and a table per team linking to its page
    assert force_page.count('<option value="') == 4  # the whole force and three teams
    assert "Orange watch" not in force_page
    assert f'data-team-link="{red.pk}"' in force_page and 'data-figures="force"' in force_page
    page = client.get(f"/compliance/?{query}&team={red.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-figures="team-{red.pk}"' in html and 'data-figures="force"' not in html
    assert "t.handler2" in html and "t.handler3" not in html
    # a figure's link keeps the team: the calls behind it are the team's
    assert f"figure=returned&amp;{query.replace('&', '&amp;')}&amp;team={red.pk}" in html
    returned = client.get(f"/compliance/calls?figure=returned&{query}&team={red.pk}").content.decode()
    assert returned.count("data-call=") == 1
    (older,) = month.of("older_nfa_one")
    nfa = client.get(f"/compliance/calls?figure=nfa_one_supervisor&{query}&team={red.pk}")
    assert Call.objects.get(pk=older).reference in nfa.content.decode()
    blue_nfa = client.get(
        f"/compliance/calls?figure=nfa_one_supervisor&{query}&team={Team.objects.get(name=BLUE).pk}"
    )
    assert blue_nfa.content.decode().count("data-call=") == 0
    # a handler outside the team is not one of the team's rows
    outside = f"/compliance/calls?figure=calls&{query}&team={red.pk}&handler={cast['handler'].pk}"
    assert client.get(outside).status_code == 404
    team_csv = client.get(f"/compliance.csv?{query}&team={red.pk}").content.decode()
    rows = list(csv.DictReader(io.StringIO(team_csv)))
    assert {r["scope"] for r in rows} == {"team", "handler"}
    assert {r["handler"] for r in rows if r["scope"] == "handler"} == {"t.handler2"}
    first = next(r for r in rows if r["figure"] == "calls")
    assert (first["scope"], first["team"], first["count"]) == ("team", RED, "14")


def test_another_forces_team_is_a_404(cast: dict[str, Any], month: Generated) -> None:
    from heed.accounts.services import team_create

    theirs = team_create(name="SYNTHETIC other watch", force_code="OTH")
    client = sign_in(Client(), cast["auditor"])
    for path in (f"/compliance/?team={theirs.pk}", f"/compliance/calls?figure=calls&team={theirs.pk}"):
        assert client.get(path).status_code == 404
    assert client.get("/compliance.csv?team=nonsense").status_code == 404
    assert client.get(f"/compliance/?team={theirs.pk + 1000}").status_code == 404


def test_the_calls_behind_a_figure_are_read_through_the_access_helpers(
    cast: dict[str, Any], month: Generated
) -> None:
    period = cf.month_period(month.month)
    figure = cf.dashboard(cast["handler"].force, period).force_figures.figures["calls"]
    assert cf.figure_calls(cast["supervisor"], figure).count() == 41
    # no role reads another force's calls; a role without VIEW reads none
    assert cf.figure_calls(cast["other_handler"], figure).count() == 0
    assert cf.figure_calls(cast["admin"], figure).count() == 0

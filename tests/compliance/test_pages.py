"""The compliance pages over a SYNTHETIC month: the figures are on the page, each links to the calls behind
it, the calls page lists exactly those calls, and the CSV carries the figures."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client

from heed.calls.models import Call
from heed.compliance import figures as cf
from heed.compliance.synthetic import Generated
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
    assert (force["closed_outstanding"]["count"], force["closed_outstanding"]["of"]) == ("1", "24")
    assert (force["checks_before_close"]["count"], force["checks_before_close"]["of"]) == ("19", "20")
    assert force["refused_outstanding:person_check"]["count"] == "2"
    assert {r["handler"] for r in rows if r["scope"] == "handler"} == {"t.handler", "t.handler2"}


def test_the_calls_behind_a_figure_are_read_through_the_access_helpers(
    cast: dict[str, Any], month: Generated
) -> None:
    period = cf.month_period(month.month)
    figure = cf.dashboard(cast["handler"].force, period).force_figures.figures["calls"]
    assert cf.figure_calls(cast["supervisor"], figure).count() == 28
    # no role reads another force's calls; a role without VIEW reads none
    assert cf.figure_calls(cast["other_handler"], figure).count() == 0
    assert cf.figure_calls(cast["admin"], figure).count() == 0

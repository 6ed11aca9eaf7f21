"""The compliance dashboard and the dip sample, under /compliance/ (the CSV at /compliance.csv)."""

from __future__ import annotations

from django.urls import path

from heed.web import compliance_pages as pages

app_name = "compliance"

urlpatterns = [
    path("", pages.dashboard, name="dashboard"),
    path("calls", pages.figure_calls, name="calls"),
    path("dip/", pages.dip, name="dip"),
    path("dip/draw", pages.dip_draw_page, name="dip_draw"),
    path("dip/<int:sample_id>", pages.dip_sample, name="dip_sample"),
]

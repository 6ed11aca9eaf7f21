"""The national owner's statistics pages under /stats/."""

from __future__ import annotations

from django.urls import path

from heed.web import stats_pages as pages

app_name = "stats"

urlpatterns = [
    path("", pages.national, name="national"),
    path("import", pages.upload, name="upload"),
]

"""Guidance pages under /guidance/ (force administrators; the national owner's /guidance/national)."""

from __future__ import annotations

from django.urls import path

from heed.web import guidance_pages as pages

app_name = "guidance"

urlpatterns = [
    path("", pages.overview, name="overview"),
    path("install", pages.install, name="install"),
    path("versions/<str:version>/diff", pages.version_diff, name="diff"),
    path("shadow", pages.shadow_start, name="shadow_start"),
    path("shadow/<int:run_id>", pages.shadow, name="shadow"),
    path("shadow/<int:run_id>/adopt", pages.adopt, name="adopt"),
    path("local", pages.local, name="local"),
    path("local/clear", pages.local_clear, name="local_clear"),
    path("national", pages.national, name="national"),
]

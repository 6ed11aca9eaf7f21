"""Training pages for records, the team, the cohort and authoring, under /training/ (beside the attempt
pages of heed.web.training_urls)."""

from __future__ import annotations

from django.urls import path

from heed.web import training_record_pages as pages

app_name = "training_records"

urlpatterns = [
    path("me", pages.me, name="me"),
    path("certificates/<int:certificate_id>", pages.certificate, name="certificate"),
    path("certificates/<int:certificate_id>.pdf", pages.certificate_pdf, name="certificate_pdf"),
    path("team", pages.team, name="team"),
    path("cohort", pages.cohort, name="cohort"),
    path("cohort.csv", pages.cohort_csv, name="cohort_csv"),
    path("authoring/", pages.authoring, name="authoring"),
    path("authoring/<int:authored_id>/", pages.authored, name="authored"),
    path("authoring/<int:authored_id>/publish", pages.authored_publish, name="authored_publish"),
    path("authoring/<int:authored_id>/withdraw", pages.authored_withdraw, name="authored_withdraw"),
]

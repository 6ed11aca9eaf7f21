"""Lessons notices under /notices/."""

from __future__ import annotations

from django.urls import path

from heed.web import notice_pages as pages

app_name = "notices"

urlpatterns = [
    path("", pages.notice_list, name="list"),
    path("<int:notice_id>/", pages.notice_detail, name="detail"),
    path("<int:notice_id>/respond", pages.notice_respond_view, name="respond"),
    path("<int:notice_id>/assign", pages.notice_assign, name="assign"),
]

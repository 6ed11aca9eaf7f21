"""The look-back under /lookback/: the queue, runs and their progress, and each finding."""

from __future__ import annotations

from django.urls import path

from heed.web import guidance_pages as pages

app_name = "lookback"

urlpatterns = [
    path("", pages.lookback_queue, name="queue"),
    path("start", pages.lookback_start, name="start"),
    path("runs/<int:run_id>", pages.lookback_run, name="run"),
    path("<int:item_id>", pages.lookback_item, name="item"),
]

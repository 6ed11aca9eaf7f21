from __future__ import annotations

from django.urls import path

from heed.web import training_pages as views

app_name = "training"
urlpatterns = [
    path("", views.library, name="library"),
    path("start", views.start, name="start"),
    path("attempts/<int:attempt_id>/", views.result, name="result"),
    path("attempts/<int:attempt_id>/ask", views.ask, name="ask"),
    path("attempts/<int:attempt_id>/signs", views.signs, name="signs"),
    path("attempts/<int:attempt_id>/finish", views.finish, name="finish"),
]

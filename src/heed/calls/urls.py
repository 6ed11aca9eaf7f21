from __future__ import annotations

from django.urls import path

from heed.calls import views

app_name = "calls"
urlpatterns = [
    path("", views.call_list, name="list"),
    path("new", views.call_new, name="new"),
    path("<int:call_id>/", views.call_detail, name="detail"),
    path("<int:call_id>/draft", views.call_draft, name="draft"),
    path("<int:call_id>/notes", views.note_add, name="note_add"),
    path("<int:call_id>/notes/<int:entry_no>", views.note_edit, name="note_edit"),
    path("<int:call_id>/answers", views.answers, name="answers"),
    path("<int:call_id>/person-check", views.person_check, name="person_check"),
    path("<int:call_id>/identifier-check", views.identifier_check, name="identifier_check"),
    path("<int:call_id>/timeline", views.timeline, name="timeline"),
]

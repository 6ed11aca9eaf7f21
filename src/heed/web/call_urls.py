from __future__ import annotations

from django.urls import path

from heed.web import call_pages as views
from heed.web import decision_pages as decision_views
from heed.web import support_pages as support

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
    path("<int:call_id>/close", decision_views.close, name="close"),
    path("<int:call_id>/review", decision_views.review, name="review"),
    path("<int:call_id>/risk", decision_views.risk, name="risk"),
    path("<int:call_id>/actions/<slug:code>", decision_views.not_applicable, name="not_applicable"),
    path("<int:call_id>/deployment", decision_views.deployment, name="deployment"),
    path("<int:call_id>/vulnerability-flag", decision_views.vulnerability_flag, name="vulnerability_flag"),
    path("<int:call_id>/advice", support.advice, name="advice"),
    path("<int:call_id>/advice-sheet.pdf", support.advice_sheet, name="advice_sheet"),
    path("<int:call_id>/advice-sheet.txt", support.advice_text, name="advice_text"),
    path("<int:call_id>/referrals", support.referral, name="referral"),
]

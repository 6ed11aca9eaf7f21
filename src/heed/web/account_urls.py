"""Account pages: the second factor (namespace ``mfa``) and user administration (``users``)."""

from __future__ import annotations

from django.urls import path

from heed.web import account_pages as views
from heed.web import mfa_pages as mfa_views

mfa_patterns = (
    [
        path("verify", mfa_views.verify, name="verify"),
        path("enrol", mfa_views.enrol, name="enrol"),
        path("recovery-codes", mfa_views.recovery_codes, name="recovery_codes"),
    ],
    "mfa",
)

user_patterns = (
    [
        path("", views.user_list, name="list"),
        path("new", views.user_new, name="new"),
        path("teams", views.teams, name="teams"),
        path("<int:user_id>/", views.user_detail, name="detail"),
        path("<int:user_id>/role", views.user_role, name="role"),
        path("<int:user_id>/team", views.user_team, name="team"),
        path("<int:user_id>/active", views.user_active, name="active"),
        path("<int:user_id>/mfa-reset", views.user_mfa_reset, name="mfa_reset"),
        path("<int:user_id>/password-link", views.user_password_link, name="password_link"),
    ],
    "users",
)

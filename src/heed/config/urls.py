"""URL map: pages under /, the API under /api/v1/."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import include, path

from heed.api.api import api
from heed.web import decision_pages, support_pages
from heed.web import views as web

urlpatterns = [
    path("", web.home, name="home"),
    path("login", web.LoginView.as_view(), name="login"),
    path("logout", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", web.healthz, name="healthz"),
    path("calls/", include("heed.web.call_urls")),
    path("queue", decision_pages.queue, name="queue"),
    path("referrals/", support_pages.referrals, name="referrals"),
    path("referrals/<int:referral_id>/status", support_pages.referral_status, name="referral_status"),
    path("api/v1/", api.urls),
]

handler400 = "heed.web.views.bad_request"
handler403 = "heed.web.views.forbidden"
handler404 = "heed.web.views.not_found"
handler500 = "heed.web.views.server_error"

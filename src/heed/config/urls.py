"""URL map: pages under /, the API under /api/v1/."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path

from heed.api.api import api
from heed.web import account_pages, compliance_pages, decision_pages, support_pages
from heed.web import views as web
from heed.web.account_urls import mfa_patterns, user_patterns

urlpatterns = [
    path("", web.home, name="home"),
    path("login", web.LoginView.as_view(), name="login"),
    path("logout", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", web.healthz, name="healthz"),
    path("calls/", include("heed.web.call_urls")),
    path("training/", include("heed.web.training_urls")),
    path("training/", include("heed.web.training_record_urls")),
    path("guidance/", include("heed.web.guidance_urls")),
    path("lookback/", include("heed.web.lookback_urls")),
    path("notices/", include("heed.web.notice_urls")),
    path("compliance/", include("heed.web.compliance_urls")),
    path("compliance.csv", compliance_pages.dashboard_csv, name="compliance_csv"),
    path("stats/", include("heed.web.stats_urls")),
    path("queue", decision_pages.queue, name="queue"),
    path("referrals/", support_pages.referrals, name="referrals"),
    path("referrals/<int:referral_id>/status", support_pages.referral_status, name="referral_status"),
    path("api/v1/", api.urls),
    path("mfa/", include(mfa_patterns)),
    path("users/", include(user_patterns)),
    path("forces/", account_pages.forces, name="forces"),
    path("set-password/<uidb64>/<token>/", account_pages.password_set, name="password_set"),
]
if settings.HEED_OIDC is not None:
    # Single sign-on (only when HEED_OIDC_* are set): /oidc/authenticate/ and /oidc/callback/.
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

handler400 = "heed.web.views.bad_request"
handler403 = "heed.web.views.forbidden"
handler404 = "heed.web.views.not_found"
handler500 = "heed.web.views.server_error"

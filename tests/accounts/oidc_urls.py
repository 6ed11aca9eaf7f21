"""The application's URLs with single sign-on mounted, as ``heed.config.urls`` mounts them when HEED_OIDC_*
are set (the test process itself runs with SSO off)."""

from __future__ import annotations

from django.urls import include, path

from heed.config.urls import handler400, handler403, handler404, handler500
from heed.config.urls import urlpatterns as app_urls

urlpatterns = [*app_urls, path("oidc/", include("mozilla_django_oidc.urls"))]
__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]

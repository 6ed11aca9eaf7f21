from __future__ import annotations

from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "heed.notices"
    label = "notices"
    verbose_name = "Lessons notices"

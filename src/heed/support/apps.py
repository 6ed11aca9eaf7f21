from __future__ import annotations

from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "heed.support"
    label = "support"
    verbose_name = "Caller support and referrals"

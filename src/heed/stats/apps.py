from __future__ import annotations

from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "heed.stats"
    label = "stats"
    verbose_name = "Anonymised national statistics"

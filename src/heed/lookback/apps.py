from __future__ import annotations

from django.apps import AppConfig


class LookbackConfig(AppConfig):
    name = "heed.lookback"
    label = "lookback"
    verbose_name = "Shadow runs, adoption and the look-back"

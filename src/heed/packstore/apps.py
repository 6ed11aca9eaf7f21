from __future__ import annotations

from django.apps import AppConfig


class PackstoreConfig(AppConfig):
    name = "heed.packstore"
    label = "packstore"
    verbose_name = "Guidance in force"

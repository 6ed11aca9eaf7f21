from __future__ import annotations

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "heed.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from heed.audit import signals  # noqa: F401  (login, logout and failed-login events)

from __future__ import annotations

from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "heed.security"
    label = "security"
    verbose_name = "Security"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from heed.security import signals  # noqa: F401  (lockouts are audit events)

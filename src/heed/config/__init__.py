"""Django configuration: settings from one environment reader, URLs, WSGI/ASGI entry points."""

from __future__ import annotations

import os


def setup_django() -> None:
    """Configure Django for code that runs outside a web server (the ``heed`` command, batch jobs)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heed.config.settings")
    import django

    django.setup()

"""Shared set-up for the benchmarks that drive the web app in-process: a fresh SQLite database in a
temporary directory with the SYNTHETIC demo data, a test client signed in as the demo handler, and one call
opened with the demo narrative."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any


def demo_handler_call(prefix: str) -> tuple[Any, str, str]:
    """(client signed in as demo.handler, the opened call's address, the demo narrative)."""
    var = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ.update({"HEED_VAR_DIR": str(var), "HEED_INDEX_DIR": str(var / "index")})
    os.environ.pop("HEED_DATABASE_URL", None)
    from heed.config import setup_django

    setup_django()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from heed.accounts.models import User
    from heed.demo import NARRATIVE, seed_demo

    setup_test_environment()
    call_command("migrate", verbosity=0)
    seed_demo()
    client = Client()
    client.force_login(User.objects.get(username="demo.handler"))
    narrative = NARRATIVE.read_text(encoding="utf-8")
    created = client.post("/calls/new", {"narrative": narrative, "child_name": "SAM", "child_age": "14"})
    return client, str(created["Location"]), narrative

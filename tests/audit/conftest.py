"""A test that is about PostgreSQL's row locks is run in the PostgreSQL pass only: SQLite has one writer for
the whole database, so "does force B wait for force A's open transaction?" has no per-row answer there. Such
tests are deselected (listed as deselected in the summary), never skipped silently."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgresql: about PostgreSQL row locks; deselected on SQLite")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    deselected = [item for item in items if item.get_closest_marker("postgresql") is not None]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if item.get_closest_marker("postgresql") is None]

"""The pure packages never import Django: they are reused unchanged by the CLI, batch jobs and Spark."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "heed"
PURE_PACKAGES = ("risk", "checks")
FORBIDDEN_ROOTS = ("django", "ninja", "axes", "django_tasks")


def _imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", PURE_PACKAGES)
def test_pure_package_sources_do_not_import_django(package: str) -> None:
    files = sorted((SRC / package).rglob("*.py"))
    assert files, f"no sources found for heed.{package}"
    offenders = {
        str(f.relative_to(SRC)): sorted(_imported_roots(f) & set(FORBIDDEN_ROOTS))
        for f in files
        if _imported_roots(f) & set(FORBIDDEN_ROOTS)
    }
    assert offenders == {}


@pytest.mark.parametrize("package", PURE_PACKAGES)
def test_importing_pure_package_loads_no_django_module(package: str) -> None:
    code = (
        f"import sys, heed.{package}; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{FORBIDDEN_ROOTS!r}); print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""

"""The import stack. The layers and the pure cores' independence from Django are import-linter contracts
(``[tool.importlinter]`` in pyproject.toml, run by ``make lint``); these tests check what a static import
graph cannot see: what is actually loaded when the pure cores run, and that the contracts are the ones we
mean."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN_ROOTS = ("django", "ninja", "axes", "django_tasks")

RUN_PURE = {
    "risk": "import heed.risk; heed.risk.assess('He asked for pics and to meet her.')",
    "checks": (
        "import heed.checks, heed.checks.pg; heed.checks.identifier_keys('phone', '07700 900123', None)"
    ),
    "textclean": "import heed.textclean as t; t.clean_text('Kai\\u202e', t.TextRule(t.NAME))",
}


@pytest.mark.parametrize("package", sorted(RUN_PURE))
def test_running_a_pure_core_loads_no_django_module(package: str) -> None:
    code = (
        f"import sys; {RUN_PURE[package]}; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{FORBIDDEN_ROOTS!r}); print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_the_contracts_cover_every_top_level_package() -> None:
    """A new package must be placed in the stack, or import-linter would not check its imports."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    layers = next(c for c in config["contracts"] if c["type"] == "layers")["layers"]
    placed = {name.strip() for layer in layers for name in layer.split("|")}
    packages = {
        f"heed.{p.stem if p.is_file() else p.name}"
        for p in (ROOT / "src" / "heed").iterdir()
        if (p.is_dir() and (p / "__init__.py").exists())
        or (p.suffix == ".py" and not p.stem.startswith("__"))
    }
    assert packages - placed == set()
    forbidden = next(c for c in config["contracts"] if c["type"] == "forbidden")
    assert set(forbidden["source_modules"]) == {"heed.risk", "heed.checks", "heed.textclean"}
    assert set(FORBIDDEN_ROOTS) <= set(forbidden["forbidden_modules"])

"""heed.risk must stay pure Python: importing and using it never imports Django."""

from __future__ import annotations

import subprocess
import sys


def test_risk_never_imports_django() -> None:
    code = (
        "import sys, heed.risk\n"
        "heed.risk.assess('He asked for pics and to meet.')\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(bad)\n"
        "raise SystemExit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr

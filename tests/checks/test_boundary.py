"""heed.checks is pure Python: importing and using it never loads Django."""

from __future__ import annotations

import subprocess
import sys


def test_checks_does_not_import_django() -> None:
    code = (
        "import sys, heed.checks, heed.checks.pg;"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'));"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr

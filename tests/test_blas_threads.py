"""numpy's BLAS runs one thread per process unless the operator says otherwise (src/heed/__init__.py): with
the default threads, the batch pool's processes oversubscribed the cores and ran three times slower."""

from __future__ import annotations

import os
import subprocess
import sys

PROBE = (
    "import heed, numpy, os; "
    "print(os.environ['OPENBLAS_NUM_THREADS'], os.environ['OMP_NUM_THREADS'], os.environ['MKL_NUM_THREADS'])"
)


def run(env: dict[str, str]) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=clean | env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_one_blas_thread_by_default() -> None:
    assert run({}) == "1 1 1"


def test_an_operators_setting_wins() -> None:
    assert run({"OPENBLAS_NUM_THREADS": "4"}) == "4 1 1"

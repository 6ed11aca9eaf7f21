"""Heed: safeguarding support for police contact centres taking calls about the online grooming
of children."""

import os

# numpy's BLAS must run on one thread per process, set before numpy is first imported. Heed's matrices are
# small (a note's sentences times a few hundred numbers), so threads only add start-up and contention; and
# every place Heed runs in parallel does it with processes (the batch pool, the web server's workers), where
# BLAS threads on top of them oversubscribed the two cores: `heed assess --batch` on ~300-word notes ran at
# 72/s with the default threads and 231/s with one. An operator's own setting wins.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

__version__ = "0.1.0"

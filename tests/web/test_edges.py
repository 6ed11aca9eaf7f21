"""The edge helpers that read what a form posted."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from heed.web.edges import posted_version


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("7", 7), ("0", 0), ("", None), ("-1", None), ("7a", None), ("\u00b2", None), ("\u0663", None)],
)
def test_a_version_is_ascii_digits_or_nothing(raw: str, expected: int | None) -> None:
    # "²" and "٣" pass str.isdigit; the first made int() raise and the page answer 500 (found by hypothesis).
    request = RequestFactory().post("/calls/1/close", {"version": raw})
    assert posted_version(request) == expected

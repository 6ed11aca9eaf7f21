"""Towns and UK postcodes: folded towns, and postcodes cut to district (outward code) and area."""

from __future__ import annotations

import re

from heed.checks.memo import memo
from heed.checks.names import fold

_FULL = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})$")
_DISTRICT = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)$")
_AREA = re.compile(r"^[A-Z]{1,2}")


@memo(50_000)
def normalise_town(text: str) -> str:
    """Town folded for comparison (``Royal Tunbridge Wells`` stays whole; ``St. Albans`` → ``st albans``)."""
    return fold(text)


@memo(50_000)
def normalise_postcode(text: str) -> str:
    """``me141ab`` → ``ME14 1AB``; a district alone (``ME14``) is kept; anything else → ''."""
    compact = "".join(text.upper().split())
    full = _FULL.match(compact)
    if full:
        return f"{full.group(1)} {full.group(2)}"
    district = _DISTRICT.match(compact)
    return district.group(1) if district else ""


def postcode_district(postcode: str) -> str:
    """Outward code of a normalised postcode (``ME14 1AB`` → ``ME14``)."""
    return postcode.split(" ", 1)[0] if postcode else ""


def postcode_area(postcode: str) -> str:
    """Letters of the area (``ME14 1AB`` → ``ME``)."""
    match = _AREA.match(postcode)
    return match.group(0) if match else ""

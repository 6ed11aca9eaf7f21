"""Linking repeat reports of an identifier: what an earlier sighting is, how strongly it links, and the order
a handler reads them in. Pure Python; the register itself is kept in Heed's database
(``heed.calls.register``), one register for the web app, the API and the CLI.

A sighting sharing the query's strong key is a strong link; one sharing only a weak key (leetspeak, trailing
digits, gmail dots, another platform) is returned flagged ``weak`` for a person to judge.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from heed.checks.identifiers import IdentifierKeys


@dataclass(frozen=True)
class Sighting:
    """An earlier report of a matching identifier: which report, when, how it was written, and how strong."""

    report_ref: str
    seen_at: datetime
    kind: str
    display: str
    strength: str  # "strong" or "weak"
    call_id: int | None = None  # when the report is a call in Heed

    def to_dict(self) -> dict[str, Any]:
        return {
            "report_ref": self.report_ref,
            "call_id": self.call_id,
            "seen_at": self.seen_at.isoformat(),
            "kind": self.kind,
            "display": self.display,
            "strength": self.strength,
        }


def lookup_keys(keys: IdentifierKeys) -> tuple[str, ...]:
    """Every key a look-up matches on: the strong key and the weak ones."""
    return tuple(dict.fromkeys((keys.strong, *keys.weak)))


def link(keys: IdentifierKeys, rows: Iterable[tuple[str, Sighting]]) -> list[Sighting]:
    """The sightings found for ``keys`` (each given with its own strong key), one per report, marked strong or
    weak, in the order a handler reads them: strong links first, then weak; the most recent report first
    within each."""
    best: dict[tuple[str, str], Sighting] = {}
    for strong_key, s in rows:
        strength = "strong" if strong_key == keys.strong else "weak"
        marked = Sighting(s.report_ref, s.seen_at, s.kind, s.display, strength, s.call_id)
        seen = best.get((s.report_ref, strong_key))
        if seen is None or (seen.strength != "strong" and strength == "strong"):
            best[(s.report_ref, strong_key)] = marked
    return sorted(best.values(), key=lambda s: (s.strength != "strong", -s.seen_at.timestamp()))

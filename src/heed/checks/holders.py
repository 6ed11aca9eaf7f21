"""Which nominal records hold an identifier: the index finds candidates by key, this says how each holds it.

The index files every record under its identifiers' strong and weak keys (``heed.checks.blocking``), so the
records holding a phone, an e-mail or a handle are found by key look-ups, never by reading every record. Key
hashes can collide, so each candidate is checked here against the identifier itself:

- ``strong``: the same identifier (E.164 number; lower-cased address; the same handle skeleton on the same
  platform, or on any platform when the platform was not given).
- ``weak``: a look-alike to judge (gmail dots or ``+tags``; leetspeak or trailing digits; the same handle on
  another platform). A weak hit is a lead, never a finding.

A record that holds none of them (a hash collision) is not a hit.
"""

from __future__ import annotations

from typing import Any, Literal

from heed.checks.identifiers import IdentifierKeys, email_keys, handle_keys, handle_skeleton

Strength = Literal["strong", "weak"]


def holding(kind: str, keys: IdentifierKeys, record: dict[str, Any]) -> tuple[Strength, str] | None:
    """How ``record`` holds the identifier keyed ``keys`` (strength, the record's own form), or None."""
    best: tuple[Strength, str] | None = None
    if kind == "phone":
        for phone in record.get("phones") or ():
            if f"phone:{phone}" == keys.strong:
                return "strong", phone
        return None
    if kind == "email":
        for email in record.get("emails") or ():
            theirs = email_keys(email)
            if theirs.strong == keys.strong:
                return "strong", theirs.display
            if best is None and set(theirs.weak) & set(keys.weak):
                best = ("weak", theirs.display)
        return best
    if kind == "handle":
        scope, skeleton = keys.strong.split(":", 2)[1:]
        mine = {keys.strong, *keys.weak}  # the platform-free form is among the weak keys
        for online in record.get("online_ids") or ():
            theirs = handle_keys(online["handle"], online.get("platform"))
            same_name = handle_skeleton(online["handle"]) == skeleton
            if theirs.strong == keys.strong or (scope == "?" and same_name):
                return "strong", theirs.display
            if best is None and {theirs.strong, *theirs.weak} & mine:
                best = ("weak", theirs.display)
        return best
    raise ValueError(f"unknown identifier kind {kind!r} (expected handle, phone or email)")

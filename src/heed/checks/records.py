"""Nominal records: the CSV layout a force exports, and the validation of one row into a stored record."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from heed.checks.dates import parse_partial_date
from heed.checks.identifiers import email_strong, handle_skeleton, normalise_platform, phone_e164

COLUMNS = (
    "record_id",
    "given_name",
    "family_name",
    "aliases",
    "date_of_birth",
    "sex",
    "town",
    "postcode",
    "phones",
    "emails",
    "online_ids",
    "markers",
)
REQUIRED_COLUMNS = ("record_id", "given_name", "family_name")

_SEX = {"m": "M", "male": "M", "f": "F", "female": "F", "u": "U", "x": "U", "unknown": "U", "": ""}

Record = dict[str, Any]
"""A stored nominal record: display fields, already validated and tidied (phones in E.164)."""


@dataclass
class ImportReport:
    """What an import did: rows loaded, rows refused, and why each refused row was refused."""

    loaded: int = 0
    refused: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    def refuse(self, line: int, reason: str) -> None:
        self.refused += 1
        self.errors.append((line, reason))


class CsvLayoutError(ValueError):
    """The file cannot be read as a nominal-record CSV at all (missing header columns, not UTF-8)."""


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def record_from_row(row: Mapping[str, str | None]) -> Record:
    """Validate one CSV row into a record; raises ValueError saying which column is wrong and how."""

    def cell(name: str) -> str:
        return (row.get(name) or "").strip()

    record_id = cell("record_id")
    if not record_id:
        raise ValueError("record_id is empty")
    given, family = cell("given_name"), cell("family_name")
    if not given and not family:
        raise ValueError("given_name and family_name are both empty")
    dob = cell("date_of_birth")
    if dob:
        try:
            parsed = parse_partial_date(dob)
        except ValueError as exc:
            raise ValueError(f"date_of_birth: {exc}") from None
        if parsed.earliest() > datetime.now(UTC).date():
            raise ValueError(f"date_of_birth: {dob!r} is in the future")
        dob = parsed.iso()
    sex_raw = cell("sex").lower()
    if sex_raw not in _SEX:
        raise ValueError(f"sex: {cell('sex')!r} is not M, F or U")
    phones = []
    for phone in _split(cell("phones")):
        try:
            phones.append(phone_e164(phone))
        except ValueError as exc:
            raise ValueError(f"phones: {exc}") from None
    emails = []
    for email in _split(cell("emails")):
        try:
            emails.append(email_strong(email))
        except ValueError as exc:
            raise ValueError(f"emails: {exc}") from None
    online_ids = []
    for item in _split(cell("online_ids")):
        platform, sep, handle = item.partition(":")
        if not sep or not platform.strip() or not handle.strip():
            raise ValueError(f"online_ids: {item!r} is not platform:handle")
        if not handle_skeleton(handle):
            raise ValueError(f"online_ids: handle {handle!r} has no letters or digits")
        online_ids.append({"platform": normalise_platform(platform), "handle": handle.strip()})
    markers = []
    for item in _split(cell("markers")):
        parts = [p.strip() for p in item.split("|")]
        if len(parts) != 3 or not parts[0]:
            raise ValueError(f"markers: {item!r} is not code|description|year")
        code, description, year = parts
        if year and not (year.isascii() and year.isdigit() and 1900 <= int(year) <= 2200):
            raise ValueError(f"markers: year {year!r} in {item!r} is not a year")
        markers.append({"code": code, "description": description, "year": int(year) if year else None})
    return {
        "record_id": record_id,
        "given_name": given,
        "family_name": family,
        "aliases": _split(cell("aliases")),
        "date_of_birth": dob,
        "sex": _SEX[sex_raw],
        "town": cell("town"),
        "postcode": " ".join(cell("postcode").upper().split()),
        "phones": phones,
        "emails": emails,
        "online_ids": online_ids,
        "markers": markers,
    }


def read_csv(path: str | os.PathLike[str], report: ImportReport) -> Iterator[Record]:
    """Yield valid records from a nominal-record CSV, refusing bad rows into ``report``.

    A record_id seen twice in one file is refused on its later line (the earlier one stands). Raises
    CsvLayoutError when the file has no usable header.
    """
    seen: dict[str, int] = {}
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [c for c in REQUIRED_COLUMNS if c not in header]
            if missing:
                raise CsvLayoutError(f"{path}: header has no column(s) {', '.join(missing)}")
            for row in reader:
                line = reader.line_num
                if None in row:
                    report.refuse(line, "more cells than header columns")
                    continue
                try:
                    record = record_from_row(row)
                except ValueError as exc:
                    report.refuse(line, str(exc))
                    continue
                earlier = seen.get(record["record_id"])
                if earlier is not None:
                    report.refuse(line, f"record_id {record['record_id']!r} already on line {earlier}")
                    continue
                seen[record["record_id"]] = line
                report.loaded += 1
                yield record
    except UnicodeDecodeError as exc:
        raise CsvLayoutError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except csv.Error as exc:
        raise CsvLayoutError(f"{path}: unreadable CSV ({exc})") from None

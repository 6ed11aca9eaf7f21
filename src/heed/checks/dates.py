"""Partial dates of birth, ages and their comparison (day/month swap, year off by one, age in range)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_UK = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date of birth known to the year, the month or the day."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def is_full(self) -> bool:
        return self.day is not None

    def iso(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def earliest(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> date:
        if self.day is not None and self.month is not None:
            return date(self.year, self.month, self.day)
        if self.month is not None:
            return _last_day(self.year, self.month)
        return date(self.year, 12, 31)


def _last_day(year: int, month: int) -> date:
    if month == 12:
        return date(year, 12, 31)
    return date.fromordinal(date(year, month + 1, 1).toordinal() - 1)


def parse_partial_date(text: str, *, allow_uk: bool = False) -> PartialDate:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (and ``DD/MM/YYYY`` when ``allow_uk``).

    Raises ValueError with a message that says what is wrong.
    """
    value = text.strip()
    match = _ISO.match(value)
    if match:
        year, month, day = (int(g) if g else None for g in match.groups())
        assert year is not None
    elif allow_uk and (uk := _UK.match(value)):
        day, month, year = (int(g) for g in uk.groups())
    else:
        expected = "YYYY-MM-DD, YYYY-MM, YYYY or DD/MM/YYYY" if allow_uk else "YYYY-MM-DD, YYYY-MM or YYYY"
        raise ValueError(f"{text!r} is not a date ({expected})")
    if not 1850 <= year <= 2200:
        raise ValueError(f"{text!r} has an implausible year")
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"{text!r} has no month {month}")
    if day is not None:
        assert month is not None
        try:
            date(year, month, day)
        except ValueError:
            raise ValueError(f"{text!r} is not a real date") from None
    return PartialDate(year, month, day)


def age_on(born: date, on: date) -> int:
    """Whole years between ``born`` and ``on``."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def age_range(dob: PartialDate, on: date) -> tuple[int, int]:
    """The youngest and oldest the person can be on ``on`` given a (possibly partial) date of birth."""
    return age_on(dob.latest(), on), age_on(dob.earliest(), on)


def birth_years_for_ages(age_min: int, age_max: int, on: date) -> range:
    """Birth years of everyone aged between ``age_min`` and ``age_max`` on ``on``."""
    return range(on.year - age_max - 1, on.year - age_min + 1)


def compare_dob(query: PartialDate, record: PartialDate) -> str:
    """Agreement level between a queried and a recorded date of birth.

    ``exact``, ``day_month_swap``, ``year_off`` (same day and month, year ±1), ``same_year_month``,
    ``partial`` (agrees as far as the less precise one goes), ``same_year``, or ``disagree``.
    """
    if query.is_full and record.is_full:
        if query == record:
            return "exact"
        if (
            query.year == record.year
            and query.day == record.month
            and query.month == record.day
            and query.day != query.month
        ):
            return "day_month_swap"
        if query.month == record.month and query.day == record.day and abs(query.year - record.year) == 1:
            return "year_off"
        if query.year == record.year and query.month == record.month:
            return "same_year_month"
        if query.year == record.year:
            return "same_year"
        return "disagree"
    if query.year != record.year:
        if abs(query.year - record.year) == 1 and (
            query.month is None or record.month is None or query.month == record.month
        ):
            return "year_off"
        return "disagree"
    if query.month is None or record.month is None or query.month == record.month:
        return "partial"
    return "same_year"

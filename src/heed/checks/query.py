"""A person query as a caller's details arrive: validated, normalised, and refused clearly when unusable."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from heed.checks.dates import PartialDate, age_range, parse_partial_date
from heed.checks.identifiers import IdentifierKeys, email_keys, handle_keys, normalise_platform, phone_keys
from heed.checks.names import family_key, given_key
from heed.checks.places import normalise_postcode, normalise_town

TEXT_FIELDS = (
    "given_name",
    "family_name",
    "alias",
    "date_of_birth",
    "sex",
    "town",
    "postcode",
    "phone",
    "email",
    "handle",
    "platform",
)
AGE_FIELDS = ("age", "age_min", "age_max")
QUERY_FIELDS = TEXT_FIELDS + AGE_FIELDS
# How far a caller's "about 19" may be from the truth; an explicit age_min/age_max is taken as given.
APPROXIMATE_AGE_SPREAD = 2


class QueryError(ValueError):
    """A query that cannot be searched: empty, contradictory, or with a field that is not understood.

    ``field`` names the query field at fault (``"query"`` when it is the query as a whole).
    """

    def __init__(self, message: str, field: str = "query") -> None:
        super().__init__(message)
        self.field = field


@dataclass
class Query:
    """A validated query; names folded, identifiers keyed, ages turned into a range on ``reference_date``."""

    raw: dict[str, str | int]
    reference_date: date
    given: str = ""
    family: str = ""
    alias_given: str = ""
    alias_family: str = ""
    dob: PartialDate | None = None
    age_min: int | None = None
    age_max: int | None = None
    age_exact: bool = False
    sex: str = ""
    town: str = ""
    postcode: str = ""
    phone: IdentifierKeys | None = None
    email: IdentifierKeys | None = None
    handle: IdentifierKeys | None = None
    handle_platform: str | None = None
    identifiers: list[str] = field(default_factory=list)

    @property
    def has_age(self) -> bool:
        return self.age_min is not None

    def given_only(self) -> bool:
        """Nothing but a first name (and perhaps sex): never enough for a strong match."""
        return bool(self.given) and not (
            self.family
            or self.alias_given
            or self.dob
            or self.has_age
            or self.town
            or self.postcode
            or self.phone
            or self.email
            or self.handle
        )


def _age(raw: object, name: str) -> int:
    if isinstance(raw, bool):
        raise QueryError(f"{name} must be a whole number of years", name)
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit():
        value = int(raw.strip())
    else:
        raise QueryError(f"{name} must be a whole number of years, not {raw!r}", name)
    if not 0 <= value <= 120:
        raise QueryError(f"{name} {value} is not a plausible age", name)
    return value


def parse_query(query: Mapping[str, object], reference_date: date) -> Query:
    """Validate a query mapping; raises QueryError naming the field at fault."""
    if not isinstance(query, Mapping):
        raise QueryError("a query must be a JSON object of fields")
    unknown = sorted(set(query) - set(QUERY_FIELDS))
    if unknown:
        allowed = ", ".join(QUERY_FIELDS)
        raise QueryError(f"unknown query field {unknown[0]!r} (known fields: {allowed})", unknown[0])
    raw: dict[str, str | int] = {}
    for name in TEXT_FIELDS:
        value = query.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            raise QueryError(f"{name} must be text, not {type(value).__name__}", name)
        if value.strip():
            raw[name] = value.strip()
    q = Query(raw=raw, reference_date=reference_date)
    _names(q, raw)
    _dates(q, query, raw)
    _places_and_ids(q, raw)
    if not (q.given or q.family or q.alias_given or q.dob or q.phone or q.email or q.handle):
        if q.town or q.postcode or q.has_age or q.sex:
            raise QueryError(
                "add a name, date of birth, phone, e-mail or handle: place, age or sex alone is too wide"
            )
        raise QueryError("the query is empty: give at least a name, date of birth, phone, e-mail or handle")
    return q


def _names(q: Query, raw: Mapping[str, str | int]) -> None:
    for name in ("given_name", "family_name", "alias"):
        value = raw.get(name)
        if isinstance(value, str) and not given_key(value):
            raise QueryError(f"{name} {value!r} has no letters", name)
    q.given = given_key(str(raw.get("given_name", "")))
    q.family = family_key(str(raw.get("family_name", "")))
    alias = str(raw.get("alias", ""))
    if alias:
        parts = alias.split()
        q.alias_given = given_key(parts[0])
        q.alias_family = family_key(" ".join(parts[1:])) if len(parts) > 1 else ""


def _dates(q: Query, query: Mapping[str, object], raw: dict[str, str | int]) -> None:
    dob_text = raw.get("date_of_birth")
    if isinstance(dob_text, str):
        try:
            q.dob = parse_partial_date(dob_text, allow_uk=True)
        except ValueError as exc:
            raise QueryError(f"date_of_birth: {exc}", "date_of_birth") from None
        if q.dob.earliest() > q.reference_date:
            raise QueryError(f"date_of_birth {dob_text!r} is after the reference date", "date_of_birth")
    ages = {name: _age(query[name], name) for name in AGE_FIELDS if query.get(name) not in (None, "")}
    for name, value in ages.items():
        raw[name] = value
    in_bounds = ages.get("age_min", 0) <= ages.get("age", 0) <= ages.get("age_max", 120)
    if "age" in ages and ("age_min" in ages or "age_max" in ages) and not in_bounds:
        raise QueryError(f"age {ages['age']} is outside age_min/age_max", "age")
    if "age" in ages:
        q.age_min = max(0, ages["age"] - APPROXIMATE_AGE_SPREAD)
        q.age_max = ages["age"] + APPROXIMATE_AGE_SPREAD
        q.age_exact = True
    elif "age_min" in ages or "age_max" in ages:
        q.age_min, q.age_max = ages.get("age_min", 0), ages.get("age_max", 120)
        if q.age_min > q.age_max:
            raise QueryError(f"age_min {q.age_min} is greater than age_max {q.age_max}", "age_min")
    if q.dob is not None and q.age_min is not None and q.age_max is not None:
        young, old = age_range(q.dob, q.reference_date)
        stated = ages.get("age")
        low, high = (stated, stated) if stated is not None else (q.age_min, q.age_max)
        if old < low - APPROXIMATE_AGE_SPREAD or young > high + APPROXIMATE_AGE_SPREAD:
            which = "age" if stated is not None else "age_min"
            raise QueryError(
                f"date_of_birth {q.dob.iso()} makes the person {young}-{old}, "
                "which contradicts the age given",
                which,
            )


def _places_and_ids(q: Query, raw: Mapping[str, str | int]) -> None:
    sex = str(raw.get("sex", "")).lower()
    if sex:
        if sex not in {"m", "male", "f", "female", "u", "unknown"}:
            raise QueryError(f"sex {raw['sex']!r} is not M, F or U", "sex")
        q.sex = sex[0].upper()
    q.town = normalise_town(str(raw.get("town", "")))
    if "postcode" in raw:
        q.postcode = normalise_postcode(str(raw["postcode"]))
        if not q.postcode:
            raise QueryError(f"postcode {raw['postcode']!r} is not a UK postcode or district", "postcode")
    try:
        if "phone" in raw:
            q.phone = phone_keys(str(raw["phone"]))
    except ValueError as exc:
        raise QueryError(f"phone: {exc}", "phone") from None
    try:
        if "email" in raw:
            q.email = email_keys(str(raw["email"]))
    except ValueError as exc:
        raise QueryError(f"email: {exc}", "email") from None
    platform = raw.get("platform")
    if platform is not None and "handle" not in raw:
        raise QueryError("platform was given without a handle", "platform")
    if "handle" in raw:
        try:
            q.handle_platform = normalise_platform(str(platform)) if platform else None
            q.handle = handle_keys(str(raw["handle"]), q.handle_platform)
        except ValueError as exc:
            raise QueryError(f"handle: {exc}", "handle") from None

"""Reference look-up for the benchmarks: the fuzzy name search a force might run in PostgreSQL with pg_trgm.

The records are loaded as they are (names lower-cased), with trigram indexes on the full name, the given
name, online ids and phone digits. Each caller-style query becomes the obvious SQL: trigram-similar names,
ranked by whether the date of birth, birth year or town agrees, then by similarity. No nickname table, no
phonetic codes, no handle normalisation: the gap in recall against heed is the point of the comparison.
Table names are built from a fixed prefix and the process id; every value is a bound parameter.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import psycopg.conninfo
import psycopg.sql

from heed.checks.names import fold

DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/heed_bench"
"""The benchmarks' own database (created when missing), so a 13 M-row reference never lands in ``test``."""

_COLUMNS = (
    "record_id, given_name, family_name, aliases, date_of_birth, sex, town, postcode, phones, emails, "
    "online_ids, markers, synthetic"
)


def ensure_database(dsn: str) -> None:
    """Create the database named in ``dsn`` if missing (through the server's ``postgres`` database)."""
    info = psycopg.conninfo.conninfo_to_dict(dsn)
    name = str(info.get("dbname") or "")
    if not name:
        return
    try:
        psycopg.connect(dsn, connect_timeout=5).close()
        return
    except psycopg.OperationalError:
        pass
    admin = psycopg.conninfo.make_conninfo(dsn, dbname="postgres")
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(name)))


def load(db: psycopg.Connection[Any], schema: str, csv_path: Path) -> float:
    """Load the CSV and build the trigram indexes; returns seconds taken."""
    started = time.perf_counter()
    # As a force's DBA would for a one-off index build (this session only; the server is not changed).
    db.execute("SET maintenance_work_mem = '1GB'")
    db.execute(f"CREATE SCHEMA {schema}")
    db.execute(f"CREATE UNLOGGED TABLE {schema}.raw ({', '.join(c + ' text' for c in _COLUMNS.split(', '))})")
    with (
        db.cursor() as cur,
        cur.copy(f"COPY {schema}.raw ({_COLUMNS}) FROM STDIN WITH (FORMAT csv, HEADER)") as copy,
        csv_path.open("rb") as source,
    ):
        while chunk := source.read(1 << 20):
            copy.write(chunk)
    db.execute(
        f"""CREATE UNLOGGED TABLE {schema}.person AS SELECT
            record_id,
            lower(given_name) || ' ' || lower(family_name) AS full_name,
            lower(given_name) AS given_l,
            date_of_birth,
            CASE WHEN date_of_birth <> '' THEN substr(date_of_birth, 1, 4)::int END AS birth_year,
            lower(town) AS town_l,
            lower(online_ids) AS online_l,
            regexp_replace(phones, '[^0-9]', '', 'g') AS phone_digits
        FROM {schema}.raw"""
    )
    db.execute(f"DROP TABLE {schema}.raw")
    db.execute(f"CREATE INDEX ON {schema}.person USING gin (full_name gin_trgm_ops)")
    db.execute(f"CREATE INDEX ON {schema}.person USING gin (given_l gin_trgm_ops)")
    db.execute(f"CREATE INDEX ON {schema}.person USING gin (online_l gin_trgm_ops)")
    db.execute(f"CREATE INDEX ON {schema}.person USING gin (phone_digits gin_trgm_ops)")
    db.execute(f"CREATE INDEX ON {schema}.person (town_l)")
    db.execute(f"ANALYZE {schema}.person")
    return time.perf_counter() - started


def sql_for(schema: str, style: str, query: dict[str, Any], k: int, year: int) -> tuple[str, dict[str, Any]]:
    """The reference SQL for one caller-style query."""
    t = f"{schema}.person"
    if style == "names_dob":
        full = f"{fold(query['given_name'])} {fold(query['family_name'])}"
        return (
            f"SELECT record_id FROM {t} WHERE full_name %% %(full)s "  # noqa: S608
            "ORDER BY (date_of_birth = %(dob)s) DESC, similarity(full_name, %(full)s) DESC LIMIT %(k)s",
            {"full": full, "dob": query.get("date_of_birth", ""), "k": k},
        )
    if style in ("names_age_town", "first_age_town"):
        years = {
            "y0": year - query["age"] - 3,
            "y1": year - query["age"] + 2,
            "town": query["town"].lower(),
            "k": k,
        }
        if style == "names_age_town":
            full = f"{fold(query['given_name'])} {fold(query['family_name'])}"
            return (
                f"SELECT record_id FROM {t} WHERE full_name %% %(full)s ORDER BY "  # noqa: S608
                "((town_l = %(town)s)::int + (birth_year BETWEEN %(y0)s AND %(y1)s)::int) DESC, "
                "similarity(full_name, %(full)s) DESC LIMIT %(k)s",
                years | {"full": full},
            )
        return (
            f"SELECT record_id FROM {t} WHERE given_l %% %(given)s AND town_l = %(town)s ORDER BY "  # noqa: S608
            "(birth_year BETWEEN %(y0)s AND %(y1)s) DESC, similarity(given_l, %(given)s) DESC LIMIT %(k)s",
            years | {"given": query["given_name"].lower()},
        )
    if style == "handle":
        return (
            f"SELECT record_id FROM {t} WHERE online_l %% %(h)s "  # noqa: S608
            "ORDER BY similarity(online_l, %(h)s) DESC LIMIT %(k)s",
            {"h": query["handle"].lower(), "k": k},
        )
    if style == "phone":
        digits = "".join(ch for ch in query["phone"] if ch.isdigit())[-10:]
        return f"SELECT record_id FROM {t} WHERE phone_digits LIKE %(d)s LIMIT %(k)s", {  # noqa: S608
            "d": f"%{digits}",
            "k": k,
        }
    raise ValueError(style)


def run_reference(
    dsn: str,
    csv_path: Path,
    queries: dict[str, list[tuple[str, dict[str, Any]]]],
    person_of: Callable[[str], str],
    year: int,
    *,
    warm: int = 20,
) -> tuple[dict[str, dict[str, float]], float]:
    """Load, run every query, drop the schema; per-style latency and recall like heed's.

    ``warm`` queries of each style run untimed first, as heed's do.
    """
    from checks_scale import _summary

    schema = f"heed_bench_ref_{os.getpid()}"
    stats: dict[str, dict[str, float]] = {}
    ensure_database(dsn)
    with psycopg.connect(dsn, autocommit=True) as db:
        db.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        try:
            load_s = load(db, schema, csv_path)
            db.execute("SET statement_timeout = '20s'")
            for style, items in queries.items():  # warm as heed is: the first look-ups fault pages in
                sql_style = "names_dob" if style == "full_record" else style
                for _, query in items[:warm]:
                    with contextlib.suppress(psycopg.errors.QueryCanceled):
                        db.execute(*sql_for(schema, sql_style, query, 10, year)).fetchall()  # type: ignore[call-overload]
            for style, items in queries.items():
                k = 50 if style == "first_age_town" else 10
                sql_style = "names_dob" if style == "full_record" else style
                latencies, at10, at50 = [], 0, 0
                for person, query in items:
                    sql, params = sql_for(schema, sql_style, query, k, year)
                    started = time.perf_counter()
                    try:
                        rows = db.execute(sql, params).fetchall()  # type: ignore[call-overload]
                    except psycopg.errors.QueryCanceled:
                        rows = []
                    latencies.append((time.perf_counter() - started) * 1000)
                    found = [person_of(r[0]) for r in rows]
                    at10 += person in found[:10]
                    at50 += person in found[:50]
                stats[style] = _summary(latencies, at10, at50, len(items), k)
        finally:
            db.execute("SET statement_timeout = 0")
            db.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    return stats, load_s

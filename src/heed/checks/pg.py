"""The PostgreSQL person index: the same blocking keys and scoring as the embedded index, stored in tables.

Location: ``postgresql://user@host:port/db#schema=NAME`` (schema default ``heed_checks``). Tables, created on
first use in that schema:

- ``person_record(rid, record_id UNIQUE, data jsonb, given_fold, family_fold, full_name)``
- ``person_key(key bigint, rid)`` — the blocking-key hashes, B-tree on (key, rid)

Besides the shared blocking keys, PostgreSQL adds its own fuzzy routes to candidates: a ``pg_trgm`` trigram
match on the full name (catches typos no phonetic code shares) and a ``fuzzystrmatch`` Double Metaphone match
on both names. Candidates from every route are scored by the same Python scorer, so the backends answer alike.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import unquote

import psycopg
from psycopg import sql

from heed.checks.blocking import QueryKey, key_hash, record_key_hashes
from heed.checks.embedded import WIDE_POSTING, IndexUnavailable
from heed.checks.index import HOLDERS_LIMIT, PersonIndex
from heed.checks.names import family_key, given_key
from heed.checks.query import Query
from heed.checks.records import Record
from heed.checks.scoring import Weights

DEFAULT_SCHEMA = "heed_checks"
_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_BATCH = 5_000
_WIDE_KINDS = {"f", "g"}
_FUZZY_LIMIT = 50


def split_location(location: str) -> tuple[str, str]:
    """``postgresql://...#schema=name`` → (dsn, schema)."""
    dsn, _, fragment = location.partition("#")
    schema = DEFAULT_SCHEMA
    if fragment:
        name, _, value = fragment.partition("=")
        if name != "schema" or not value:
            raise ValueError(f"unknown fragment #{fragment} in the index location (expected #schema=NAME)")
        schema = unquote(value)
    if not _SCHEMA_NAME.match(schema):
        raise ValueError(f"schema {schema!r} must be lower-case letters, digits and underscores")
    return dsn, schema


class PgIndex(PersonIndex):
    """A person index in PostgreSQL (needs the pg_trgm and fuzzystrmatch extensions)."""

    def __init__(self, location: str, weights: Weights | None = None) -> None:
        super().__init__(weights)
        dsn, self.schema = split_location(location)
        try:
            self._db = psycopg.connect(dsn, autocommit=True, connect_timeout=5)
        except psycopg.OperationalError as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise IndexUnavailable(f"PostgreSQL person index unreachable at {dsn}: {reason}") from None
        self._ensure_schema()

    def _q(self, template: str) -> sql.Composed:
        return sql.SQL(template).format(s=sql.Identifier(self.schema))

    def _ensure_schema(self) -> None:
        try:
            self._db.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            self._db.execute("CREATE EXTENSION IF NOT EXISTS fuzzystrmatch")
        except psycopg.Error as exc:
            raise IndexUnavailable(
                f"PostgreSQL needs the pg_trgm and fuzzystrmatch extensions: {exc}"
            ) from None
        statements = [
            "CREATE SCHEMA IF NOT EXISTS {s}",
            """CREATE TABLE IF NOT EXISTS {s}.person_record (
                rid bigserial PRIMARY KEY,
                record_id text NOT NULL UNIQUE,
                data jsonb NOT NULL,
                given_fold text NOT NULL,
                family_fold text NOT NULL,
                full_name text NOT NULL)""",
            """CREATE TABLE IF NOT EXISTS {s}.person_key (
                key bigint NOT NULL,
                rid bigint NOT NULL REFERENCES {s}.person_record(rid) ON DELETE CASCADE)""",
            "CREATE INDEX IF NOT EXISTS person_key_key ON {s}.person_key (key, rid)",
            "CREATE INDEX IF NOT EXISTS person_key_rid ON {s}.person_key (rid)",
            """CREATE INDEX IF NOT EXISTS person_record_trgm
                ON {s}.person_record USING gin (full_name gin_trgm_ops)""",
            """CREATE INDEX IF NOT EXISTS person_record_dmeta
                ON {s}.person_record (dmetaphone(family_fold), dmetaphone(given_fold))""",
        ]
        with self._db.transaction():
            for statement in statements:
                self._db.execute(self._q(statement))

    def close(self) -> None:
        self._db.close()

    def __len__(self) -> int:
        row = self._db.execute(self._q("SELECT count(*) FROM {s}.person_record")).fetchone()
        return int(row[0]) if row else 0

    def drop(self) -> None:
        """Remove the schema and everything in it (used by tests and benchmarks that made their own)."""
        self._db.execute(self._q("DROP SCHEMA IF EXISTS {s} CASCADE"))

    def upsert(self, records: Iterable[Record]) -> int:
        """Insert records, replacing any with the same record_id; returns how many were written."""
        written = 0
        batch: list[Record] = []
        for record in records:
            batch.append(record)
            if len(batch) >= _BATCH:
                written += self._write(batch)
                batch = []
        if batch:
            written += self._write(batch)
        return written

    def _write(self, batch: list[Record]) -> int:
        with self._db.transaction(), self._db.cursor() as cur:
            cur.execute(
                self._q("DELETE FROM {s}.person_record WHERE record_id = ANY(%s)"),
                ([r["record_id"] for r in batch],),
            )
            rows = []
            for record in batch:
                given, family = given_key(record["given_name"]), family_key(record["family_name"])
                rows.append(
                    (
                        record["record_id"],
                        json.dumps(record, ensure_ascii=False),
                        given,
                        family,
                        f"{given} {family}".strip(),
                    )
                )
            rids: dict[str, int] = {}
            with cur.copy(
                self._q(
                    "COPY {s}.person_record (record_id, data, given_fold, family_fold, full_name) FROM STDIN"
                )
            ) as copy:
                for row in rows:
                    copy.write_row(row)
            cur.execute(
                self._q("SELECT record_id, rid FROM {s}.person_record WHERE record_id = ANY(%s)"),
                ([r["record_id"] for r in batch],),
            )
            rids = dict(cur.fetchall())
            with cur.copy(self._q("COPY {s}.person_key (key, rid) FROM STDIN")) as copy:
                for record in batch:
                    rid = rids[record["record_id"]]
                    for hashed in record_key_hashes(record):
                        copy.write_row((hashed, rid))
        return len(batch)

    def candidates(self, q: Query, keys: Sequence[QueryKey], limit: int) -> list[dict[str, Any]]:
        # As in the embedded index: a key filed under very many records counts only if nothing narrower hits.
        usable = [k for k in keys if k.kind not in _WIDE_KINDS or self._posting_size(k) <= WIDE_POSTING]
        ranked = self._by_keys(usable, limit)
        if not ranked:
            ranked = self._by_keys([k for k in keys if k not in usable], limit)
        order = list(dict.fromkeys(ranked + self._fuzzy(q)))[: limit + _FUZZY_LIMIT]
        if not order:
            return []
        rows = self._db.execute(
            self._q("SELECT rid, data FROM {s}.person_record WHERE rid = ANY(%s)"), (order,)
        ).fetchall()
        by_rid: dict[int, dict[str, Any]] = dict(rows)
        return [by_rid[rid] for rid in order if rid in by_rid]

    def holders(
        self, kind: str, value: str, platform: str | None = None, *, limit: int = HOLDERS_LIMIT
    ) -> dict[str, Any]:
        # A server lost mid-call is an index that could not be searched, never an empty answer.
        try:
            return super().holders(kind, value, platform, limit=limit)
        except psycopg.Error as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise IndexUnavailable(f"PostgreSQL person index could not be searched: {reason}") from None

    def _posting_size(self, key: QueryKey) -> int:
        row = self._db.execute(
            self._q("SELECT count(*) FROM (SELECT 1 FROM {s}.person_key WHERE key = %s LIMIT %s) AS p"),
            (key_hash(key.text), WIDE_POSTING + 1),
        ).fetchone()
        return int(row[0]) if row else 0

    def _by_keys(self, keys: Sequence[QueryKey], limit: int) -> list[int]:
        if not keys:
            return []
        rows = self._db.execute(
            self._q(
                """SELECT k.rid FROM unnest(%s::bigint[], %s::float8[]) AS q(key, w)
                   JOIN {s}.person_key k ON k.key = q.key
                   GROUP BY k.rid ORDER BY sum(q.w) DESC, k.rid LIMIT %s"""
            ),
            ([key_hash(k.text) for k in keys], [k.weight for k in keys], limit),
        ).fetchall()
        return [int(row[0]) for row in rows]

    def _fuzzy(self, q: Query) -> list[int]:
        if not (q.given and q.family):
            return []
        rows = self._db.execute(
            self._q(
                """(SELECT rid FROM {s}.person_record WHERE full_name %% %(full)s
                    ORDER BY similarity(full_name, %(full)s) DESC LIMIT %(n)s)
                   UNION
                   (SELECT rid FROM {s}.person_record
                    WHERE dmetaphone(family_fold) = dmetaphone(%(family)s)
                      AND dmetaphone(given_fold) = dmetaphone(%(given)s) LIMIT %(n)s)"""
            ),
            {"full": f"{q.given} {q.family}", "family": q.family, "given": q.given, "n": _FUZZY_LIMIT},
        ).fetchall()
        return [int(row[0]) for row in rows]

"""The PersonIndex interface: search is shared; each backend only says how to fetch candidates by key."""

from __future__ import annotations

import abc
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Self

from heed.checks.blocking import QueryKey, family_variants, query_keys
from heed.checks.holders import holding
from heed.checks.query import Query, QueryError, parse_query
from heed.checks.scoring import Weights, advice, band, compare, default_weights, display_record, today_utc

# Candidates fully scored per query: enough for recall@50 with room, few enough for tens of milliseconds.
MIN_SCORED = 200
# Records returned for one identifier: a number or handle shared by more records than this is said to be so.
HOLDERS_LIMIT = 25


class PersonIndex(abc.ABC):
    """A searchable set of nominal records (embedded files or PostgreSQL behind the same interface)."""

    weights: Weights

    def __init__(self, weights: Weights | None = None) -> None:
        self.weights = weights or default_weights()

    @abc.abstractmethod
    def candidates(self, q: Query, keys: Sequence[QueryKey], limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` records hit by the keys, those with the highest summed key weight first."""

    @abc.abstractmethod
    def __len__(self) -> int:
        """Number of records held."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release files or connections."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def search(
        self, query: Mapping[str, object], k: int = 10, *, reference_date: date | None = None
    ) -> dict[str, Any]:
        """Find the records that best match what a caller knows.

        Returns ``{"results": [...], "advice": [...]}``; raises QueryError (with ``.field``) for an empty,
        contradictory or unknown-field query. ``reference_date`` (default: today, UTC) anchors ages.
        """
        if not isinstance(k, int) or k < 1:
            raise ValueError("k must be a positive whole number")
        q = parse_query(query, reference_date or today_utc())
        keys = query_keys(q)
        scored = []
        for record in self.candidates(q, keys, max(MIN_SCORED, 4 * k)):
            comparison = compare(q, record, family_variants(record), self.weights)
            probability = self.weights.probability(comparison.total)
            scored.append((comparison.total, record["record_id"], record, comparison, probability))
        scored.sort(key=lambda item: (-item[0], item[1]))
        results = []
        for _, record_id, record, comparison, probability in scored[:k]:
            results.append(
                {
                    "record_id": record_id,
                    "score": round(probability, 4),
                    "band": band(q, comparison, probability, self.weights),
                    "explanation": comparison.explanation,
                    "markers": list(record.get("markers") or []),
                    "record": display_record(record),
                }
            )
        return {"results": results, "advice": advice(q, results)}

    def holders(
        self, kind: str, value: str, platform: str | None = None, *, limit: int = HOLDERS_LIMIT
    ) -> dict[str, Any]:
        """The records that hold a phone, e-mail or handle, found by their identifier keys (an index look-up).

        Returns ``{"hits": [...], "more": bool}``: each hit has ``record_id``, ``strength`` (``strong``: the
        same identifier; ``weak``: a look-alike to judge), ``matched`` (the record's own form), ``markers``
        and ``record``; strong hits first, marked records first within a strength. ``more`` says that more
        than ``limit`` records hold it. A handle without a platform matches that handle on any platform.
        Raises QueryError (``.field`` = kind) when the value is not such an identifier.
        """
        if kind not in ("phone", "email", "handle"):
            raise QueryError(f"unknown identifier kind {kind!r} (expected handle, phone or email)", "kind")
        if not isinstance(limit, int) or limit < 1:
            raise ValueError("limit must be a positive whole number")
        fields: dict[str, object] = {kind: value}
        if kind == "handle" and platform:
            fields["platform"] = platform
        q = parse_query(fields, today_utc())
        keys = q.phone or q.email or q.handle
        assert keys is not None  # parse_query keyed the one identifier it was given
        hits = []
        # Strong keys weigh more than weak ones, so records holding the identifier itself come first.
        for record in self.candidates(q, query_keys(q), 4 * limit):
            held = holding(kind, keys, record)
            if held is None:
                continue  # a key-hash collision: this record does not hold the identifier
            strength, matched = held
            hits.append(
                {
                    "record_id": record["record_id"],
                    "strength": strength,
                    "matched": matched,
                    "markers": list(record.get("markers") or []),
                    "record": display_record(record),
                }
            )
        hits.sort(key=lambda h: (h["strength"] != "strong", not h["markers"], h["record_id"]))
        return {"hits": hits[:limit], "more": len(hits) > limit}

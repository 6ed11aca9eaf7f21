"""The embedded person index: plain files memory-mapped from a directory, no server.

Layout of ``index_dir``::

    manifest.json          which generation is current, record count, format version
    gen-000003/records.bin records as compact JSON, back to back
    gen-000003/offsets.npy uint64 start of each record in records.bin (n + 1 entries)
    gen-000003/keys.npy    sorted uint64: (38-bit key hash << 26) | record number

A look-up is two binary searches in ``keys.npy``; candidates are ranked by summed key weight with numpy, and
only the best few hundred records are decoded and scored in Python. A build writes a new generation and then
switches ``manifest.json`` atomically, so readers never see half an index. Re-importing replaces records with
the same ``record_id`` (the new generation is the old records minus those ids, plus the new file).
"""

from __future__ import annotations

import json
import mmap
import os
import shutil
from array import array
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import numpy.typing as npt

from heed.checks.blocking import (
    MAX_RECORDS,
    RECORD_BITS,
    QueryKey,
    hash_keys,
    name_signature,
    record_key_texts,
    record_signature,
)
from heed.checks.index import PersonIndex
from heed.checks.names import given_forms
from heed.checks.query import Query
from heed.checks.records import Record
from heed.checks.scoring import Weights

FORMAT = "heed-person-index"
FORMAT_VERSION = 2  # 2: names.npy (name signatures) added
MANIFEST = "manifest.json"
# A key filed under this many records (a very common first name alone) is only used when nothing narrower is.
WIDE_POSTING = 50_000
FILTER_POSTING = 2_000_000
_HASH_BATCH = 1_000_000
# Most rank a candidate gains from name likeness (given, family): below a full-name key hit (4.0), above
# the wide first-name key (0.3), so it reorders the ties a common given name + town + year leaves.
NAME_LIKENESS = (1.0, 2.0)
_RECORD_MASK = np.uint64((1 << RECORD_BITS) - 1)


class IndexUnavailable(Exception):
    """The index directory is missing, unreadable or of another format."""


def _manifest(index_dir: Path) -> dict[str, Any] | None:
    path = index_dir / MANIFEST
    if not path.exists():
        return None
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise IndexUnavailable(f"{path}: unreadable index manifest ({exc})") from None
    if manifest.get("format") != FORMAT or manifest.get("version") != FORMAT_VERSION:
        raise IndexUnavailable(
            f"{path}: not a {FORMAT} v{FORMAT_VERSION} index (re-import the records to rebuild it)"
        )
    return manifest


def index_exists(index_dir: str | Path) -> bool:
    """True when ``index_dir`` holds a built index."""
    return _manifest(Path(index_dir)) is not None


def build(records: Iterable[Record], index_dir: str | Path) -> int:
    """Write a new generation from ``records`` and make it current; returns the record count."""
    root = Path(index_dir)
    root.mkdir(parents=True, exist_ok=True)
    old = _manifest(root)
    number = int(old["generation"].split("-")[1]) + 1 if old else 1
    gen = f"gen-{number:06d}"
    gen_dir = root / gen
    if gen_dir.exists():
        shutil.rmtree(gen_dir)
    gen_dir.mkdir()
    offsets = array("Q", [0])
    signatures = array("Q")
    count = 0
    texts: list[str] = []
    owners = array("Q")
    pairs_path = gen_dir / "pairs.tmp"
    with open(gen_dir / "records.bin", "wb") as out, open(pairs_path, "wb") as pairs:
        position = 0
        for record in records:
            if count >= MAX_RECORDS:
                raise IndexUnavailable(f"the embedded index holds at most {MAX_RECORDS} records")
            blob = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            out.write(blob)
            position += len(blob)
            offsets.append(position)
            distinct = set(record_key_texts(record))
            texts.extend(distinct)
            owners.extend([count] * len(distinct))
            signatures.extend(record_signature(record))
            count += 1
            if len(texts) >= _HASH_BATCH:
                _flush(texts, owners, pairs)
                texts, owners = [], array("Q")
        _flush(texts, owners, pairs)
    # Pairs were spilled to disk in batches so the build holds one copy of the key table, sorted in place.
    keys = np.fromfile(pairs_path, dtype=np.uint64)
    keys.sort()
    np.save(gen_dir / "keys.npy", keys)
    np.save(gen_dir / "offsets.npy", np.frombuffer(offsets, dtype=np.uint64))
    np.save(gen_dir / "names.npy", np.frombuffer(signatures, dtype=np.uint64).reshape(-1, 2))
    del keys
    pairs_path.unlink()
    manifest = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "generation": gen,
        "records": count,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    tmp = root / f"{MANIFEST}.tmp"
    tmp.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    os.replace(tmp, root / MANIFEST)
    if old and old["generation"] != gen:
        shutil.rmtree(root / old["generation"], ignore_errors=True)
    return count


def _flush(texts: list[str], owners: array[int], pairs: BinaryIO) -> None:
    if not texts:
        return
    packed = (hash_keys(texts) << np.uint64(RECORD_BITS)) | np.frombuffer(owners, dtype=np.uint64)
    pairs.write(packed.tobytes())


class EmbeddedIndex(PersonIndex):
    """A built index directory opened for searching (files memory-mapped; cheap to open)."""

    def __init__(self, index_dir: str | Path, weights: Weights | None = None) -> None:
        super().__init__(weights)
        self.root = Path(index_dir)
        manifest = _manifest(self.root)
        if manifest is None:
            raise IndexUnavailable(
                f"{self.root}: no person index here (run `heed records import CSV --index DIR`)"
            )
        gen_dir = self.root / manifest["generation"]
        self._count = int(manifest["records"])
        # Plain ndarray views of the mapped files: np.memmap's Python __getitem__ cost ~7 us an element read.
        self._keys: npt.NDArray[np.uint64] = np.asarray(np.load(gen_dir / "keys.npy", mmap_mode="r"))
        self._offsets: npt.NDArray[np.uint64] = np.asarray(np.load(gen_dir / "offsets.npy", mmap_mode="r"))
        self._names: npt.NDArray[np.uint64] = np.asarray(np.load(gen_dir / "names.npy", mmap_mode="r"))
        self._file = open(gen_dir / "records.bin", "rb")  # noqa: SIM115 - kept open for the mmap's lifetime
        size = os.fstat(self._file.fileno()).st_size
        self._blob: mmap.mmap | bytes = (
            mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        )

    def __len__(self) -> int:
        return self._count

    def close(self) -> None:
        if isinstance(self._blob, mmap.mmap):
            self._blob.close()
        self._file.close()

    def record(self, number: int) -> dict[str, Any]:
        """The stored record with internal number ``number``."""
        start, end = int(self._offsets[number]), int(self._offsets[number + 1])
        data: dict[str, Any] = json.loads(self._blob[start:end])
        return data

    def records(self) -> Iterator[dict[str, Any]]:
        """Every stored record, in storage order."""
        for number in range(self._count):
            yield self.record(number)

    def _name_likeness(self, q: Query, numbers: npt.NDArray[np.uint64]) -> npt.NDArray[np.float64]:
        """Up to NAME_LIKENESS more rank for candidates whose names share most letter pairs with the query's.

        Only decides which of many equally keyed candidates are scored, so a typo the phonetic keys missed
        ("Thopson") still brings its record into the scored few; exact spellings share every pair and keep
        their lead. Used when the query has a family name: with a first name alone every candidate was
        found by that name's keys already, and measured recall did not improve.
        """
        # Each formal name a short form stands for is a reading too, so "Jon" is as like "Jonathan" as "Jon".
        readings = [(form, q.family) for form in given_forms(q.given) or ("",)]
        if q.given and q.family:
            readings.append((q.family, q.given))
        if q.alias_given:
            readings.extend((form, q.alias_family) for form in given_forms(q.alias_given))
        signatures = self._names[numbers.astype(np.intp)]
        best = np.zeros(len(numbers), dtype=np.float64)
        for given, family in readings:
            likeness = np.zeros(len(numbers), dtype=np.float64)
            for column, (text, weight) in enumerate(
                zip(name_signature(given, family), NAME_LIKENESS, strict=True)
            ):
                if text:
                    mine = np.uint64(text)
                    theirs = signatures[:, column]
                    shared = np.bitwise_count(theirs & mine).astype(np.float64)
                    either = np.bitwise_count(theirs | mine).astype(np.float64)
                    likeness += weight * shared / np.maximum(either, 1.0)
            best = np.maximum(best, likeness)
        return best

    def _posting(self, hashed: int) -> npt.NDArray[np.uint64]:
        lo = int(np.searchsorted(self._keys, np.uint64(hashed << RECORD_BITS), side="left"))
        hi = int(np.searchsorted(self._keys, np.uint64((hashed + 1) << RECORD_BITS), side="left"))
        return self._keys[lo:hi]

    def candidates(self, q: Query, keys: Sequence[QueryKey], limit: int) -> list[dict[str, Any]]:
        postings: list[tuple[npt.NDArray[np.uint64], float]] = []
        wide: list[tuple[npt.NDArray[np.uint64], float]] = []
        for key, hashed in zip(keys, hash_keys([k.text for k in keys]), strict=True):
            posting = self._posting(int(hashed))
            if len(posting) == 0:
                continue
            (wide if len(posting) > WIDE_POSTING else postings).append((posting, key.weight))
        if not postings:
            postings = [(posting[:WIDE_POSTING], weight) for posting, weight in wide]
        if not postings:
            return []
        numbers = np.concatenate([p & _RECORD_MASK for p, _ in postings])
        weights = np.concatenate([np.full(len(p), w, dtype=np.float32) for p, w in postings])
        unique, inverse = np.unique(numbers, return_inverse=True)
        sums: npt.NDArray[np.float64] = np.asarray(np.bincount(inverse, weights=weights), dtype=np.float64)
        # A wide key (James in London) still tells the narrower candidates apart: it adds its weight to those
        # it also holds, by binary search in its sorted record numbers, without widening the candidate set.
        for posting, weight in wide:
            if len(posting) <= FILTER_POSTING:
                members = posting & _RECORD_MASK
                found = np.minimum(np.searchsorted(members, unique), len(members) - 1)
                sums += weight * (members[found] == unique)
        if len(unique) > limit and (q.family or q.alias_family):
            sums += self._name_likeness(q, unique)
        top = np.argpartition(-sums, limit - 1)[:limit] if len(unique) > limit else np.arange(len(unique))
        order = top[np.lexsort((unique[top], -sums[top]))]
        chosen = unique[order].astype(np.intp)
        starts, ends = self._offsets[chosen].tolist(), self._offsets[chosen + 1].tolist()
        blob = self._blob
        return [json.loads(blob[start:end]) for start, end in zip(starts, ends, strict=True)]

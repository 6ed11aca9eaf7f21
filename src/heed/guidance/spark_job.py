"""The national look-back on Spark: every call of an export (``heed guidance export``, Parquet of
``EXPORT_COLUMNS``) judged by ``heed.guidance.lookback.judge``, the very function `heed rescreen` calls, under
one guidance pack; the findings written as Parquet of ``FINDING_COLUMNS``. Pure Python beside PySpark (no
Django), so it runs on any Spark cluster. See docs/adr/0020.

    spark-submit src/heed/guidance/spark_job.py --input EXPORT.parquet --output OUT_DIR \\
        [--pack FILE.heedpack --keys KEYS.pem] [--overlay DIR] [--partitions N]

Heed must be installed on every node (``make spark-dist`` builds the wheel: ``pip install`` it there; it
carries the pack's YAML and the learned layer's tables, which heed.risk reads from its package directory, so a
``--py-files`` zip, imported in place and never unpacked, is not enough). The guidance travels with the job as
bytes: a signed pack file (verified on the driver, then again on every executor before use) or, without one,
the national pack shipped in heed; a force's overlay directory read on the driver. Each Python worker loads
the pack once (kept for its later partitions) and must arrive at the driver's version, or the job fails.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from heed.guidance import packfile as pf
from heed.guidance.lookback import EXPORT_COLUMNS, FINDING_COLUMNS, CallRecord, judge
from heed.risk import GuidancePack, PackError, load_pack

if TYPE_CHECKING:
    from pyspark.sql import SparkSession
    from pyspark.sql.types import StructType


class JobRefused(ValueError):
    """The job cannot start: a pack not trusted or not loading, or an input that is no export. One line."""


@dataclass(frozen=True)
class PackSource:
    """The guidance the job judges by, as bytes that travel with the job to every executor.

    ``pack_file`` and ``keys_pem``: a signed pack file and the public keys trusted to sign it (None: the
    national pack shipped in heed). ``overlay``: a force's pack files by name (empty: none). ``today``: the
    driver's date, so every executor checks the pack's dates against the same day."""

    pack_file: bytes | None = None
    keys_pem: bytes | None = None
    overlay: tuple[tuple[str, bytes], ...] = ()
    today: date | None = None

    @classmethod
    def from_paths(
        cls, pack: Path | None = None, keys: Path | None = None, overlay: Path | None = None
    ) -> PackSource:
        """Read on the driver. The overlay is ``overlay`` or, when None, ``HEED_GUIDANCE`` as the driver sees
        it, sent as files (executors need no copy of it; an executor whose own HEED_GUIDANCE would change the
        pack fails the job, as any executor arriving at another version does)."""
        if pack is not None and keys is None:
            raise JobRefused("--pack needs --keys (the public keys trusted to sign pack files)")
        if keys is not None:
            try:
                pf.load_trusted_keys(keys)  # refused here, naming the file given, not an executor's copy
            except pf.PackFileRefused as exc:
                raise JobRefused(str(exc)) from None
        overlay = overlay or (Path(os.environ["HEED_GUIDANCE"]) if os.environ.get("HEED_GUIDANCE") else None)
        try:
            files: tuple[tuple[str, bytes], ...] = ()
            if overlay is not None:
                if not overlay.is_dir():
                    raise JobRefused(f"{overlay}: expected a guidance pack directory")
                files = tuple(
                    (p.name, p.read_bytes())
                    for p in sorted(overlay.iterdir())
                    if p.is_file() and not p.name.startswith(".")
                )
            return cls(
                pack_file=pack.read_bytes() if pack is not None else None,
                keys_pem=keys.read_bytes() if keys is not None else None,
                overlay=files,
                today=datetime.now(UTC).date(),
            )
        except OSError as exc:
            raise JobRefused(f"{exc.filename}: cannot be read ({exc.strerror})") from None

    def load(self) -> GuidancePack:
        """The pack: a pack file verified (signature, digests, dates) and unpacked to a temporary directory,
        or the shipped national pack; the overlay on top. Raises JobRefused saying why, in one line."""
        with tempfile.TemporaryDirectory(prefix="heed-lookback-") as tmp:
            root = Path(tmp)
            national: Path | None = None
            if self.pack_file is not None:
                keys = root / "trusted.pem"
                keys.write_bytes(self.keys_pem or b"")
                try:
                    verified = pf.verify(self.pack_file, pf.load_trusted_keys(keys), today=self.today)
                except pf.PackFileRefused as exc:
                    raise JobRefused(f"the pack file is refused: {exc}") from None
                national = pf.unpack(verified, root / "national")
            overlay: Path | None = None
            if self.overlay:
                overlay = root / "overlay"
                overlay.mkdir()
                for name, data in self.overlay:
                    (overlay / name).write_bytes(data)
            try:
                return load_pack(overlay, national_dir=national)
            except PackError as exc:
                raise JobRefused(f"the guidance does not load: {exc}") from None


@dataclass(frozen=True)
class JobSummary:
    calls: int
    findings: int
    pack_version: str


# The pack each Python worker loaded last, by its source: loading takes seconds (YAML, the pack's checks) and
# Spark reuses a worker for the job's next partition, so a worker verifies and loads it once, not per piece.
_LOADED: dict[PackSource, GuidancePack] = {}


def _pack(source: PackSource) -> GuidancePack:
    if source not in _LOADED:
        _LOADED.clear()
        _LOADED[source] = source.load()
    return _LOADED[source]


def judge_partition(source: PackSource, version: str, rows: Iterable[Any]) -> Iterator[tuple[Any, ...]]:
    """One partition of the export judged: the pack loaded (and verified) once in this worker, then ``judge``
    on each row."""
    pack = _pack(source)
    if pack.version != version:
        raise RuntimeError(f"this executor loaded guidance {pack.version}, the driver {version}")
    names = [name for name, _ in FINDING_COLUMNS]
    for row in rows:
        found = judge(CallRecord.from_row(row.asDict()), pack)
        if found is not None:
            out = found.to_row()
            yield tuple(out[n] for n in names)


def _schema(columns: tuple[tuple[str, str], ...]) -> StructType:
    from pyspark.sql.types import BooleanType, IntegerType, LongType, StringType, StructField, StructType

    kinds = {"long": LongType(), "int": IntegerType(), "string": StringType(), "boolean": BooleanType()}
    return StructType([StructField(name, kinds[kind], nullable=True) for name, kind in columns])


def _exists(spark: SparkSession, path: str) -> bool:
    """Whether ``path`` exists where the cluster writes (local disk, HDFS, object store): asked before hours
    of judging, not after."""
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    hadoop_path = jvm.org.apache.hadoop.fs.Path(path)
    fs = hadoop_path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    return bool(fs.exists(hadoop_path))


def run(
    spark: SparkSession, input: str, output: str, pack_source: PackSource, *, partitions: int = 0
) -> JobSummary:
    """Judge every call of the export at ``input``; write the findings to ``output`` (a Parquet directory,
    which must not exist). ``partitions``: how many pieces to judge in parallel (0: chosen by size)."""
    from pyspark.errors import AnalysisException

    version = pack_source.load().version  # verified here first, so a refused pack stops the job at once
    if _exists(spark, output):
        raise JobRefused(f"{output} exists already: findings are never written over")
    try:
        calls = spark.read.parquet(input)
    except AnalysisException as exc:
        raise JobRefused(f"{input}: cannot be read ({exc.getCondition() or exc})") from None
    missing = [name for name, _ in EXPORT_COLUMNS if name not in calls.columns]
    if missing:
        raise JobRefused(f"{input}: not a look-back export (no {', '.join(missing)})")
    calls = calls.select(*[name for name, _ in EXPORT_COLUMNS])
    count = calls.count()  # from the Parquet footers: no call is read for it
    cores = spark.sparkContext.defaultParallelism
    # An export is often one file of a few row groups: spread it so every core has calls to judge (four
    # pieces a core even out slow narratives and a core that finishes early), in pieces of 250 calls or more.
    wanted = partitions or min(4 * cores, max(cores, -(-count // 250)))
    if calls.rdd.getNumPartitions() < wanted:
        calls = calls.repartition(wanted)
    findings = calls.rdd.mapPartitions(functools.partial(judge_partition, pack_source, version))
    spark.createDataFrame(findings, _schema(FINDING_COLUMNS)).write.parquet(output)
    return JobSummary(calls=count, findings=spark.read.parquet(output).count(), pack_version=version)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="spark_job.py", description="Heed's look-back over an export of closed calls, on Spark."
    )
    parser.add_argument("--input", required=True, metavar="EXPORT.parquet", help="from heed guidance export")
    parser.add_argument("--output", required=True, metavar="OUT_DIR", help="the findings (Parquet); new")
    parser.add_argument("--pack", type=Path, metavar="FILE.heedpack", help="signed pack file (else shipped)")
    parser.add_argument("--keys", type=Path, metavar="KEYS.pem", help="trusted keys (HEED_GUIDANCE_KEYS)")
    parser.add_argument("--overlay", type=Path, metavar="DIR", help="force's pack directory (HEED_GUIDANCE)")
    parser.add_argument("--partitions", type=int, default=0, metavar="N", help="pieces judged in parallel")
    args = parser.parse_args(argv)
    env_keys = os.environ.get("HEED_GUIDANCE_KEYS")
    keys = args.keys or (Path(env_keys) if env_keys else None)
    from pyspark.sql import SparkSession

    try:
        source = PackSource.from_paths(args.pack, keys if args.pack else None, args.overlay)
        source.load()  # a refused pack stops the job here, before Spark is started
        spark = SparkSession.builder.appName("heed-lookback").getOrCreate()
        try:
            summary = run(spark, args.input, args.output, source, partitions=args.partitions)
        finally:
            spark.stop()
    except JobRefused as exc:
        print(f"heed look-back: refused: {exc}", file=sys.stderr)
        return 2
    print(
        f"heed look-back: {summary.calls} calls judged under {summary.pack_version}: "
        f"{summary.findings} findings in {args.output}"
    )
    return 0


if __name__ == "__main__":
    # Run as a script by spark-submit: call the installed module's main, so the functions sent to executors
    # are pickled by reference to heed.guidance.spark_job (the code every node has) rather than by value.
    from heed.guidance.spark_job import main as _main

    sys.exit(_main())

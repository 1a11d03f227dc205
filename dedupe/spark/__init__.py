"""A batch on Spark, for corpora past one machine: ``policy-dedup dedupe … --engine spark``.

The same reading, normalization, fingerprints, verification (veto included), clustering and
election as the in-process engine, each run as Spark tasks by the engine's own functions
(``dedupe.spark.tasks``):

1. files (or the rows of a Parquet table of path + bytes) are read into documents, a partition
   at a time; files of the same bytes are one notice, the others listed as ``identical``;
2. candidate pairs: LSH band values, passage fingerprints and comparison keys are exploded and
   grouped, the pairs within a group kept as the in-process candidates are (``batch_pairs``);
3. connected components of the candidate graph (``dedupe.spark.graph``);
4. each component is verified, clustered and elected in one task, in the engine's order.

The shingles common to a large share of notices (``boilerplate_shingles``) are found on the
driver from the same sample of ids as in process, and broadcast. The outcome is
``dedupe --format json``'s documents, clusters, related pairs and version chains (built one act
at a time, ``dedupe.spark.chains``), and with ``parquet_out`` a table of one row per document.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from operator import add
from types import SimpleNamespace
from typing import Any

from dedupe.config import DedupeConfig
from dedupe.document import Document
from dedupe.engine import boilerplate_shingles
from dedupe.errors import InputError, NothingToRead
from dedupe.files import MAX_BYTES, Found, Rejected, discover
from dedupe.model import Nothing, Result
from dedupe.passed import PassedOver, Skipped
from dedupe.spark.chains import chains, held_units
from dedupe.spark.graph import components
from dedupe.spark.tasks import (
    component_rows,
    group_pairs,
    holdings,
    read_bytes_rows,
    read_files,
    run_component,
)
from normalize import NormalizeConfig

DOC_COLUMNS = ("path", "id", "encoding", "cluster", "canonical", "relation", "similarity", "via", "reason")


class SparkUnavailable(InputError):
    """PySpark (or the Java it runs on) is not installed."""


@dataclass
class SparkRun:
    """``report``: ``dedupe --format json``'s documents, clusters, related pairs and chains;
    ``rejected``: files not read as notices, with the reason; ``passed``: files of a folder passed
    over for what they are (hidden, an image, a saved page's resources), as ``read_batch`` tells them."""

    report: dict[str, Any]
    rejected: list[Rejected] = field(default_factory=list)
    passed: PassedOver = field(default_factory=lambda: PassedOver(0, []))


def running() -> bool:
    """Whether this process already has a SparkSession (False when PySpark is not installed)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        return False
    return SparkSession.getActiveSession() is not None


def session(master: str | None = None, partitions: int = 8) -> Any:
    """A SparkSession: ``master`` as given, else spark-submit's, else ``local[*]``. Locally the
    workers run this Python (the one that has policy-dedup installed), no web UI is started, and the
    JVM, which holds the tasks' blocks and shuffles, gets ``SPARK_DRIVER_MEMORY`` (Spark's own
    variable) or :func:`local_memory` instead of Spark's 1g. Under spark-submit, its
    ``--driver-memory`` and ``--executor-memory`` decide."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise SparkUnavailable(
            "--engine spark needs PySpark: pip install 'policy-dedup[spark]' (and Java 17+)"
        ) from exc
    builder = SparkSession.builder.appName("policy-dedup")
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ  # started by spark-submit, which set the master
    if master or not submitted:
        builder = builder.master(master or "local[*]")
    if (master or "local").startswith("local") and not submitted:
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = builder.config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
    builder = builder.config("spark.sql.shuffle.partitions", str(partitions))
    if (master or "local").startswith("local") and not submitted:  # this process's JVM runs the tasks too
        builder = builder.config("spark.driver.memory", os.environ.get("SPARK_DRIVER_MEMORY") or local_memory())
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # no Java, or a master that cannot be reached
        raise SparkUnavailable(f"cannot start Spark ({master or 'local[*]'}): {str(exc).splitlines()[0]}") from exc
    spark.sparkContext.setLogLevel("ERROR")
    return spark


@contextlib.contextmanager
def batch_session(master: str | None = None) -> Iterator[Any]:
    """A SparkSession for one batch: made here and stopped when the batch is done, or the one this
    process already has (a notebook's, a test's), used and left running."""
    fresh = not running()
    spark = session(master)
    try:
        yield spark
    finally:
        if fresh:
            spark.stop()


def local_memory() -> str:
    """The JVM heap of a local session: a quarter of the machine's memory, 1g to 16g (Spark's
    default 1g ran out holding 100,000 notices' blocks)."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # no sysconf: Spark's own default
        return "1g"
    return f"{max(1, min(16, total // 4 // 2**30))}g"


def dedupe_spark(
    spark: Any,
    paths: tuple[str, ...] = (),
    parquet_in: str | None = None,
    config: DedupeConfig = DedupeConfig(),
    ncfg: NormalizeConfig = NormalizeConfig(),
    max_bytes: int = MAX_BYTES,
    follow_symlinks: bool = False,
    parquet_out: str | None = None,
) -> SparkRun:
    """Deduplicate the notices in ``paths`` (files or folders, read by the workers: on a cluster,
    a path every worker sees) or in the Parquet table ``parquet_in`` (columns path and bytes)."""
    if parquet_in and paths:
        raise InputError("give PATHS or --parquet-in, not both: a batch is read from one place")
    if parquet_out and os.path.exists(parquet_out):
        raise InputError(f"{parquet_out} exists: give --parquet-out a folder that does not exist yet")
    read, found = _read(spark, paths, parquet_in, config, ncfg, max_bytes, follow_symlinks)
    rejected, passed = list(found.rejected), PassedOver(found.hidden, list(found.skipped))
    from pyspark import StorageLevel

    read.persist(StorageLevel.MEMORY_AND_DISK)
    light = read.map(_summary).collect()  # one small row per file: what the driver needs to know
    for r in (r for kind, r in light if kind == "rejected"):  # as read_batch sorts them
        if r.category and r.path in found.in_folders:
            passed.skipped.append(Skipped(r.path, r.reason, r.category))
        else:
            rejected.append(r)
    copies = _copies([r for kind, r in light if kind == "doc"])
    if len(copies) == sum(1 for kind, _ in light if kind == "doc"):  # no notice at all
        read.unpersist()
        return SparkRun({"documents": [], "clusters": [], "related": [], "chains": []}, rejected, passed)
    copied = spark.sparkContext.broadcast({(c[0], c[1]) for c in copies})
    copies_of = spark.sparkContext.broadcast(_copies_of(copies))
    unique = read.filter(lambda d: not isinstance(d, Rejected) and (d.path, d.order) not in copied.value)
    unique = unique.persist(StorageLevel.MEMORY_AND_DISK)
    sample = unique.map(lambda d: (d.id, d.key)).takeOrdered(config.boilerplate_sample)
    read.unpersist()  # every notice is in ``unique`` now: not held twice
    ignore = spark.sparkContext.broadcast(
        boilerplate_shingles([SimpleNamespace(id=i, key=k) for i, k in sample], Nothing(), config)  # type: ignore[misc]
    )
    parts, heavy = partitions(spark, len(light)), shares(len(light))
    pairs = _candidates(unique, config, parts).cache()
    labels = components(pairs, parts)
    by_label = pairs.map(lambda p: (p[0], p)).join(labels, parts).map(lambda kv: (kv[1][1], kv[1][0]))
    docs_by_label = unique.map(lambda d: (d.id, d)).leftOuterJoin(labels, max(parts, heavy)).map(
        lambda kv: (kv[1][1] or kv[0], kv[1][0]))  # fmt: skip
    rows = docs_by_label.cogroup(by_label, max(parts, heavy)).flatMap(
        lambda kv: _outcome(run_component(kv[1][0], kv[1][1], config, ignore.value), copies_of.value)
    ).persist(StorageLevel.MEMORY_AND_DISK)  # fmt: skip
    found = rows.filter(lambda r: r[0] in ("doc", "cluster", "pair")).collect()  # small rows, no document
    doc_rows = [r for kind, r in found if kind == "doc"]
    copy_rows = _copy_rows(copies, doc_rows)
    if parquet_out:
        every = rows.filter(lambda r: r[0] == "doc").map(lambda r: r[1]).coalesce(parts)
        _write(spark, every.union(spark.sparkContext.parallelize(copy_rows, 1)), parquet_out)
    report = _report(doc_rows + copy_rows, [(kind, r) for kind, r in found if kind != "doc"], copies)
    report["chains"] = chains(rows, parts)
    for rdd in (rows, pairs, unique):
        rdd.unpersist()
    return SparkRun(report, rejected, passed)


def _outcome(result: Result, copies: dict[str, list[tuple[str, int]]]) -> Iterator[tuple[Any, ...]]:
    """A component's rows: its documents, clusters and pairs, and its units for version chains."""
    yield from component_rows(result)
    yield from held_units(result, copies)


def _copies_of(copies: list[Any]) -> dict[str, list[tuple[str, int]]]:
    """Each notice's files of the same bytes (path, order), in the engine's order."""
    out: dict[str, list[tuple[str, int]]] = {}
    for path, order, i, _, _ in sorted(copies, key=lambda c: c[4]):
        out.setdefault(i, []).append((path, order))
    return out


PER_PARTITION = 500  # notices a shuffle partition holds at least: a small batch is not spread thin
MOST_PER_PARTITION = 2000  # notices a partition of documents holds at most: a task's block stays small


def partitions(spark: Any, notices: int) -> int:
    """Shuffle partitions: the session's ``spark.sql.shuffle.partitions``, fewer for a small batch
    (each task costs a Python worker's turn, far more than a few notices' work)."""
    return max(1, min(int(spark.conf.get("spark.sql.shuffle.partitions")), notices // PER_PARTITION + 1))


def shares(notices: int) -> int:
    """Partitions for what carries whole documents (the files read, the join of documents with their
    components): enough that none holds more than ``MOST_PER_PARTITION`` notices, whatever the
    session's shuffle partitions (8 partitions of 100,000 notices hold 12,500 notices' texts each)."""
    return -(-notices // MOST_PER_PARTITION)


def _summary(r: Document | Rejected) -> tuple[str, Any]:
    if isinstance(r, Rejected):
        return "rejected", r
    return "doc", (r.order, r.path, r.id, r.normalized.encoding)


def _read(spark: Any, paths: tuple[str, ...], parquet_in: str | None, config: DedupeConfig, ncfg: NormalizeConfig,
          max_bytes: int, follow_symlinks: bool) -> tuple[Any, Found]:  # fmt: skip
    """Documents (or Rejected) of the files, ordered as the in-process engine orders them (the
    order ``discover`` finds them in), or of a Parquet table's rows (ordered by path)."""
    sc = spark.sparkContext
    if parquet_in:
        try:
            table = spark.read.parquet(parquet_in)
        except Exception as exc:  # Spark's AnalysisException: no such path, not Parquet
            raise InputError(f"cannot read {parquet_in} as a Parquet table: {str(exc).splitlines()[0]}") from None
        missing = {"path", "bytes"} - set(table.columns)
        if missing:
            raise InputError(f"{parquet_in} has no column {', '.join(sorted(missing))} (found: "
                             f"{', '.join(table.columns)}): a notice table holds path (string) and bytes (binary)")  # fmt: skip
        rows = table.select("path", "bytes").orderBy("path").rdd.zipWithIndex()
        flat = rows.map(lambda x: (x[0][0], x[0][1], x[1]))
        return flat.mapPartitions(lambda it: read_bytes_rows(it, ncfg, config, max_bytes)), Found()
    found = discover(paths, follow_symlinks, max_bytes)
    if not found.files and not found.rejected:
        raise NothingToRead(
            f"no notices found in {', '.join(paths)}: give files, or folders holding text, web pages, Word or PDF files"
        )
    tasks = [(p, i) for i, p in enumerate(found.files)]
    slices = max(1, min(sc.defaultParallelism * 4, len(tasks) // 16 + 1), shares(len(tasks)))  # worth spreading
    return sc.parallelize(tasks, slices).mapPartitions(lambda it: read_files(it, ncfg, config, max_bytes)), found


def _copies(docs: list[tuple[int, str, str, str]]) -> list[tuple[str, int, str, str, tuple[int, str, str]]]:
    """Files of the same bytes as an earlier one (in the engine's order) among (order, path, id,
    encoding): (path, order, id, encoding, sort key), each listed as ``identical`` in its first's
    cluster, as the in-process engine lists them."""
    seen: set[str] = set()
    out = []
    for order, path, i, encoding in sorted(docs):
        if i in seen:
            out.append((path, order, i, encoding, (order, path, i)))
        seen.add(i)
    return out


def _candidates(unique: Any, config: DedupeConfig, parts: int) -> Any:
    """Candidate pairs (earlier id, later id): shared LSH bands, enough shared passages held by
    few notices, the same comparison key — the pairs ``dedupe.candidates.batch_pairs`` gives —
    in one grouping of everything the notices hold and one count per pair."""
    enough = config.passage_min_shared
    groups = unique.flatMap(lambda d: holdings(d, config)).groupByKey(parts)
    weighted = groups.flatMap(lambda kv: group_pairs(kv[0], kv[1], config)).reduceByKey(add, parts)
    return weighted.filter(lambda kv: kv[1] >= enough).keys()


def _copy_rows(copies: list[Any], doc_rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """One document row per copy: in its first's cluster, ``identical``."""
    first = {r[1]: r for r in doc_rows}
    return [(path, i, encoding, first[i][3], False, "identical", 1.0, None, f"the same bytes as {first[i][0]}")
            for path, _, i, encoding, _ in copies]  # fmt: skip


def _write(spark: Any, doc_rows: Any, out: str) -> None:
    from pyspark.sql.types import BooleanType, DoubleType, StringType, StructField, StructType

    types = (StringType(), StringType(), StringType(), StringType(), BooleanType(), StringType(), DoubleType(),
             StringType(), StringType())  # fmt: skip
    schema = StructType([StructField(n, t) for n, t in zip(DOC_COLUMNS, types, strict=True)])
    spark.createDataFrame(doc_rows, schema).write.parquet(out)


def _report(
    doc_rows: list[tuple[Any, ...]], other: list[tuple[str, tuple[Any, ...]]], copies: list[Any]
) -> dict[str, Any]:
    """``dedupe --format json``'s documents, clusters and related pairs, in its order."""
    documents = sorted(({k: v for k, v in zip(DOC_COLUMNS, r, strict=True) if k != "reason" and (k != "via" or v)}
                        for r in doc_rows),
                       key=lambda d: d["path"])  # fmt: skip
    cluster_of = {r[1]: r[3] for r in doc_rows}
    identical: dict[str, list[str]] = {}
    for path, _, i, _, _ in sorted(copies, key=lambda c: c[4]):
        identical.setdefault(cluster_of[i], []).append(path)
    clusters = sorted(
        ({"id": c[0], "canonical": c[1], "members": c[2], "reason": c[3],
          **({"identical": identical[c[0]]} if c[0] in identical else {})} for kind, c in other if kind == "cluster"),
        key=lambda c: (c["canonical"], c["id"]),
    )  # fmt: skip
    names = ("a", "b", "relation", "jaccard", "containment", "reason", "veto")
    related = sorted((dict(zip(names, p, strict=True)) for kind, p in other if kind == "pair"),
                     key=lambda p: (p["a"], p["b"]))  # fmt: skip
    return {"documents": documents, "clusters": clusters, "related": related}

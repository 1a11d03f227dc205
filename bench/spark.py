"""The Spark batch against the in-process engine: equal clusters and canonicals, and wall time.

    python bench/spark.py [--realdata ../shared/realdata] [--folders lawrefbook wenming …]
    python bench/spark.py --size 100000 [--folder /tmp/policy-dedup-spark-100000]

For each real folder, ``dedupe`` in process (``--jobs 2``) and ``dedupe --engine spark`` on
``--master`` (``local[2]``), in one process: documents, clusters, clusters that differ (a set of
members found by one and not the other), canonicals that differ (same members, another canonical),
whether the whole JSON is equal (version chains included), and the wall time of each (the Spark
session's start is timed apart). ``--size N``: the same on N generated files (renderings of
lawrefbook notices, as ``bench/incremental.py`` makes them), written once to ``--folder``.
``--spark-only``: the Spark batch alone, timed, without the in-process run to compare with.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.data import need  # noqa: E402
from bench.incremental import archive  # noqa: E402
from dedupe import DedupeConfig, Document, find_duplicates  # noqa: E402
from dedupe.files import read_batch  # noqa: E402
from dedupe.reports.batch import result_json  # noqa: E402

FOLDERS = ("lawrefbook", "wenming", "guangzhou-html", "mirror")


def in_process(folder: str, jobs: int) -> tuple[dict, float]:
    start = time.perf_counter()
    results, _ = read_batch([folder], jobs)
    docs = [r for r in results if isinstance(r, Document)]
    report = result_json(find_duplicates(docs, DedupeConfig(), jobs))
    return report, time.perf_counter() - start


def on_spark(spark, folder: str) -> tuple[dict, float]:
    from dedupe.spark import dedupe_spark

    start = time.perf_counter()
    report = dedupe_spark(spark, (folder,)).report
    return report, time.perf_counter() - start


def differences(want: dict, got: dict) -> tuple[int, int]:
    """Clusters of either run whose members the other does not have; clusters of equal members
    whose canonical differs."""
    a = {frozenset(c["members"]): c["canonical"] for c in want["clusters"]}
    b = {frozenset(c["members"]): c["canonical"] for c in got["clusters"]}
    return len(a.keys() ^ b.keys()), sum(1 for k in a.keys() & b.keys() if a[k] != b[k])


def first_difference(want: dict, got: dict) -> str:
    """Where the two JSON results part first: the section, and the two entries."""
    for key in want:
        if want[key] != got.get(key):
            for a, b in zip(want[key], got.get(key, []), strict=False):
                if a != b:
                    return f"{key}: in process {a}\n{' ' * len(key)}  spark      {b}"
            return f"{key}: {len(want[key])} in process, {len(got.get(key, []))} spark"
    return ""


def generated(folder: Path, size: int, realdata: Path) -> str:
    """``size`` generated files in ``folder`` (made once, reused while it holds them all)."""
    if not folder.is_dir() or sum(1 for _ in folder.iterdir()) != size:
        need(realdata, "lawrefbook")
        folder.mkdir(parents=True, exist_ok=True)
        for name, _, make in archive(realdata, size):
            (folder / name).write_bytes(make())
    return str(folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--realdata", type=Path, default=ROOT.parent / "shared" / "realdata")
    parser.add_argument("--folders", nargs="*", default=None, help=f"real folders [{' '.join(FOLDERS)}]")
    parser.add_argument("--size", type=int, default=0, help="also (or only, without --folders) N generated files")
    parser.add_argument("--folder", type=Path, default=None, help="where the generated files go")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--partitions", type=int, default=8, help="Spark shuffle partitions")
    parser.add_argument("--jobs", type=int, default=2, help="in-process workers")
    parser.add_argument("--spark-only", action="store_true", help="time the Spark batch alone (no comparison)")
    args = parser.parse_args()
    folders = list(args.folders if args.folders is not None else ([] if args.size else FOLDERS))
    need(args.realdata, *folders)
    runs = [(name, str(args.realdata / name)) for name in folders]
    if args.size:
        where = args.folder or Path(f"/tmp/policy-dedup-spark-{args.size}")
        runs.append((f"generated {args.size:,}", generated(where, args.size, args.realdata)))

    from dedupe.spark import session

    start = time.perf_counter()
    spark = session(args.master, args.partitions)
    print(f"Spark session on {args.master}: {time.perf_counter() - start:.1f} s to start")
    print(f"{'folder':<18} {'docs':>7} {'clusters':>8} {'differ':>6} {'canon.':>6} {'json':>5} "
          f"{'in process':>10} {'spark':>8}")  # fmt: skip
    try:
        for name, path in runs:
            if args.spark_only:
                got, spark_s = on_spark(spark, path)
                print(f"{name:<18} {len(got['documents']):>7} {len(got['clusters']):>8} {'':>6} {'':>6} {'':>5} "
                      f"{'':>10} {spark_s:>7.1f}s  ({len(got['chains'])} chains)", flush=True)  # fmt: skip
                continue
            want, local_s = in_process(path, args.jobs)
            got, spark_s = on_spark(spark, path)
            clusters, canonicals = differences(want, got)
            print(f"{name:<18} {len(want['documents']):>7} {len(want['clusters']):>8} {clusters:>6} {canonicals:>6} "
                  f"{'equal' if want == got else 'DIFF':>5} {local_s:>9.1f}s {spark_s:>7.1f}s", flush=True)  # fmt: skip
            if want != got:
                print(f"  {first_difference(want, got)}", flush=True)
    finally:
        spark.stop()


if __name__ == "__main__":
    main()

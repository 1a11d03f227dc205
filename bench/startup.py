"""What ``check`` of one file costs against a large corpus, as CI pays it: a whole process each time.

    python bench/startup.py [--realdata ../shared/realdata] [--sizes 10000,100000] [--runs 5]

Builds (once; reused while it exists) a corpus of each size under ``--out`` (``bench/out``) as
``bench/incremental.py`` builds its archive, by ``ingest`` in batches of 10,000 (a rendering ingest refuses, one left with
no sentence, is left out), at a lower
priority (``nice``) than the machine's other work. Then ``policy-dedup check FILE --corpus C``
of a new notice (no duplicate: the common case in CI), ``--runs`` times after one run that is not
timed (it brings the cache in line), and prints the median and range of the wall time (process
start included) and the peak memory; then ``--runs`` times the first check after the manifest and
the log were touched (their bytes unchanged: what a command remembered of them by their times is
stale, as in a fresh checkout in CI); last, what ``import cli`` and the imports ``check`` needs
cost alone (``-X importtime``'s top entries with ``--imports``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.data import need  # noqa: E402
from bench.incremental import arrivals, build, timed  # noqa: E402


def corpus(out: Path, size: int, realdata: Path, jobs: int) -> Path:
    """The corpus of ``size`` files under ``out``, built the first time (minutes at 100,000)."""
    folder = out / f"startup-{size}"
    built = folder / "BUILT"
    if not built.exists() or built.read_text().split() != ["v2", str(size)]:
        print(f"building a {size:,}-file corpus in {folder} (once)…", file=sys.stderr, flush=True)
        start = time.perf_counter()
        build(folder, size, realdata, jobs)
        built.write_text(f"v2 {size}\n")
        print(f"  built in {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    return folder


def check_times(folder: Path, new: Path, runs: int) -> list[tuple[float, float]]:
    """(wall s, peak MB) of ``runs`` checks of ``new``, after one untimed run."""
    args = ("check", str(new), "--corpus", str(folder), "--jobs", "1")
    timed(*args)
    return [timed(*args)[:2] for _ in range(runs)]


def first_times(folder: Path, new: Path, runs: int) -> list[float]:
    """Wall s of ``runs`` checks of ``new``, each the first after the manifest and log were touched
    (and had settled: a file changed in the last two seconds is never remembered)."""
    args = ("check", str(new), "--corpus", str(folder), "--jobs", "1")
    walls = []
    for _ in range(runs):
        for name in ("manifest.csv", "decisions.jsonl"):
            os.utime(folder / name)
        time.sleep(2.2)
        walls.append(timed(*args)[0])
    return walls


def imports(folder: Path, new: Path, top: int) -> str:
    """The slowest imports of one ``check`` of ``new`` against ``folder`` (``-X importtime``), with
    the sum of the top-level ones."""
    args = ["-X", "importtime", "-m", "cli", "check", str(new), "--corpus", str(folder), "--jobs", "1"]
    done = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True)
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        head, total, name = line.split("|", 2)
        rows.append((int(total), int(head.split(":")[1]), name[1:].rstrip()))  # nested names are indented
    whole = sum(total for total, _, name in rows if not name.startswith(" "))
    rows.sort(reverse=True)
    lines = [f"  {total / 1e6:6.3f} s cumulative {own / 1e6:6.3f} s own {name}" for total, own, name in rows[:top]]
    return "\n".join([f"imports of one check: {whole / 1e6:.2f} s", *lines])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--realdata", type=Path, default=ROOT.parent / "shared" / "realdata")
    parser.add_argument("--sizes", default="10000,100000", help="corpus sizes in files, comma-separated")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=2, help="ingest workers while building")
    parser.add_argument("--nice", type=int, default=10, help="priority offset for the whole run")
    parser.add_argument("--imports", type=int, default=0, help="print the N slowest imports")
    args = parser.parse_args()
    need(args.realdata, "lawrefbook")
    os.nice(args.nice)
    print("| corpus files | notices | check wall s (median) | range | peak MB | first after a change: median | range |\n"
          "|---|---|---|---|---|---|---|")  # fmt: skip
    for size in (int(s) for s in args.sizes.split(",")):
        folder = corpus(args.out, size, args.realdata, args.jobs)
        notices = sum(1 for _ in (folder / "raw").iterdir())
        new = arrivals(args.realdata, size, folder)["a new notice"]
        runs = check_times(folder, new, args.runs)
        walls, first = [w for w, _ in runs], first_times(folder, new, args.runs)
        print(f"| {size:,} | {notices:,} | {statistics.median(walls):.2f} | {min(walls):.2f}–{max(walls):.2f} "
              f"| {max(m for _, m in runs):.0f} | {statistics.median(first):.2f} | {min(first):.2f}–{max(first):.2f} |",
              flush=True)  # fmt: skip
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import cli"], cwd=ROOT, check=True)
    print(f"process start and `import cli` alone: {time.perf_counter() - start:.2f} s")
    if args.imports:
        print(imports(folder, new, args.imports))


if __name__ == "__main__":
    main()

"""A batch ingest of synthetic notices into a new corpus: wall time, throughput and peak memory.

    python bench/ingest.py [--realdata ../shared/realdata] [--count 3000] [--jobs 2]

The notices are lawrefbook notices rendered as a scraper would store them (PDF text, web pages,
Big5, UTF-16, OCR noise, truncation, reposts; half of them edited into another notice), so a
batch holds many copies of one notice, as an archive's backlog does.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.data import need  # noqa: E402
from bench.speed import measure, synthetic  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--realdata", type=Path, default=ROOT.parent / "shared" / "realdata")
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    args = parser.parse_args()
    need(args.realdata, "lawrefbook")
    with tempfile.TemporaryDirectory(prefix="policy-dedup-ingest-") as tmp:
        files = Path(tmp) / "files"
        files.mkdir()
        synthetic(args.realdata, files, args.count, seed=5)
        mb = sum(p.stat().st_size for p in files.iterdir()) / 1e6
        corpus = Path(tmp) / "corpus"
        cmd = [sys.executable, "-m", "cli", "ingest", str(files), "--corpus", str(corpus), "--jobs", str(args.jobs)]
        wall, peak, out = measure(cmd)
        print(f"{args.count} synthetic notices, {mb:.0f} MB, --jobs {args.jobs}")
        print(out.strip().splitlines()[-1])
        print(f"ingest: {wall:.1f} s, {args.count / wall:.0f} notices/s, peak RSS {peak:.0f} MB (largest process)")


if __name__ == "__main__":
    main()

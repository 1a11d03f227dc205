"""One very large text file: normalize and ingest, time and peak memory.

    python bench/large.py [--realdata ../shared/realdata] [--mb 100]

Builds a file of ``--mb`` MB (just under the default ``--max-bytes``) from lawrefbook notices
one after another, then runs, each as a whole process (start included, peak RSS of the process):
``policy-dedup normalize FILE`` and ``policy-dedup ingest FILE`` into an empty corpus.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.data import need  # noqa: E402
from bench.incremental import timed  # noqa: E402
from bench.renderings import lawrefbook_files  # noqa: E402


def build(realdata: Path, path: Path, size: int) -> None:
    written = 0
    with path.open("wb") as out:
        while True:
            for source in lawrefbook_files(realdata):
                data = source.read_bytes() + b"\n"
                if written + len(data) > size:
                    return
                out.write(data)
                written += len(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--realdata", type=Path, default=ROOT.parent / "shared" / "realdata")
    parser.add_argument("--mb", type=int, default=100)
    args = parser.parse_args()
    need(args.realdata, "lawrefbook")
    with tempfile.TemporaryDirectory(prefix="policy-dedup-large-") as tmp:
        path = Path(tmp) / "in" / "large.txt"
        path.parent.mkdir()
        build(args.realdata, path, args.mb * 1_000_000)
        print(f"{path.name}: {path.stat().st_size / 1e6:.1f} MB")
        print("| command | wall s | peak RSS MB | exit |\n|---|---|---|---|")
        for label, cmd in (
            ("normalize", ("normalize", str(path))),
            ("ingest into an empty corpus", ("ingest", str(path.parent), "--corpus", str(Path(tmp) / "corpus"))),
        ):
            wall, peak, code = timed(*cmd)
            print(f"| {label} | {wall:.1f} | {peak:.0f} | {code} |")


if __name__ == "__main__":
    main()

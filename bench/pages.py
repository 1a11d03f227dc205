"""Web pages as scraped: files per second, and time per MB of every page.

    python bench/pages.py [--realdata ../shared/realdata] [--scrape DIR] [--jobs 2]

Reads every ``.html``/``.htm`` page of ``guangzhou-html/`` (and of ``--scrape DIR``, a larger
scrape if you have one). Prints:

- one core, in one process, each page the better of two runs (one-time loading is not a
  page's cost): pages/s, MB/s, and the slowest pages in seconds per MB;
- ``policy-dedup dedupe --jobs N`` on the folder as a whole process, its start included.

Time per MB is the figure bounded by input size; a small page's time is mostly the fixed cost
of running the extractor once, so it is printed beside its size.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dedupe.files import normalize_named  # noqa: E402
from normalize import NormalizeError  # noqa: E402


def pages_of(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in (".html", ".htm"))


def one_core(pages: list[Path]) -> list[tuple[float, int, str]]:
    """(seconds, bytes, name) of each page, normalized as ``dedupe`` reads it: the better of two
    runs, so that one-time loading (imports; justext's stop lists, 0.2 s, on the first page that
    needs them) is not charged to one page."""
    out = []
    for page in pages:
        data = page.read_bytes()
        best = float("inf")
        for _ in range(2):
            began = time.perf_counter()
            with contextlib.suppress(NormalizeError):  # a refusal takes its time too
                normalize_named(str(page), data)
            best = min(best, time.perf_counter() - began)
        out.append((best, len(data), page.name))
    return out


def report(label: str, folder: Path, jobs: int) -> None:
    pages = pages_of(folder)
    if not pages:
        print(f"{label}: no pages in {folder}")
        return
    rows = one_core(pages)
    took, size = sum(r[0] for r in rows), sum(r[1] for r in rows)
    print(f"\n{label}: {len(rows)} pages, {size / 1e6:.1f} MB")
    print(f"one core: {took:.2f} s, {len(rows) / took:.0f} pages/s, {size / 1e6 / took:.2f} MB/s")
    print("| slowest per MB | KB | s | s/MB |\n|---|---|---|---|")
    for seconds, n, name in sorted(rows, key=lambda r: r[0] / r[1], reverse=True)[:5]:
        print(f"| {name} | {n / 1e3:.0f} | {seconds:.3f} | {seconds / (n / 1e6):.2f} |")
    big = [r for r in rows if r[1] >= 100_000]
    if big:
        worst = max(r[0] / (r[1] / 1e6) for r in big)
        print(f"pages of 100 KB or more: {len(big)}, the slowest {worst:.2f} s/MB")
    began = time.perf_counter()
    cmd = [sys.executable, "-m", "cli", "dedupe", str(folder), "--json", "--jobs", str(jobs)]
    code = subprocess.run(cmd, cwd=ROOT, capture_output=True).returncode
    wall = time.perf_counter() - began
    print(f"dedupe --jobs {jobs} (whole process, exit {code}): {wall:.2f} s, {len(rows) / wall:.0f} pages/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--realdata", type=Path, default=ROOT.parent / "shared" / "realdata")
    parser.add_argument("--scrape", type=Path, help="a further folder of scraped pages")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    args = parser.parse_args()
    report("guangzhou-html", args.realdata / "guangzhou-html", args.jobs)
    if args.scrape:
        report(str(args.scrape), args.scrape, args.jobs)


if __name__ == "__main__":
    main()

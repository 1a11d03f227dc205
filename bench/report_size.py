"""Size of the HTML report at scale: the seed notices ×N as scrapers would deliver them.

    python bench/report_size.py [--copies 1000] [--folder /tmp/policy-dedup-report]

Each of the five seeds is rendered N times (PDF extraction, GBK web page, truncated, OCR-like,
Big5…), the lot is ingested into a fresh corpus, and the report is written in every format.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.renderings import RENDERINGS, SUFFIX  # noqa: E402
from dedupe.reports.html import render_html  # noqa: E402
from dedupe.reports.table import corpus_report, format_csv  # noqa: E402
from dedupe.store import Corpus  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=1000)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/policy-dedup-report"))
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    shutil.rmtree(args.folder, ignore_errors=True)
    incoming = args.folder / "incoming"
    incoming.mkdir(parents=True)
    rng = random.Random(11)
    seeds = sorted((ROOT / "corpus" / "raw").glob("*.txt"))
    kinds = sorted(RENDERINGS)
    for seed in seeds:
        text = seed.read_text(encoding="utf-8")
        for i in range(args.copies):
            kind = kinds[i % len(kinds)]
            variant = text.replace("。", "。" if i % 7 else "；", 1) + ("" if i % 3 else f"\n（第{i}次转载）")
            (incoming / f"{seed.stem[:3]}_{i:05d}_{kind}{SUFFIX.get(kind, '.txt')}").write_bytes(
                RENDERINGS[kind](variant, rng)
            )
    corpus = Corpus(args.folder / "corpus", jobs=args.jobs)
    start = time.perf_counter()
    plan = corpus.ingest([str(incoming)])
    print(f"ingested {len(plan.additions)} notices in {time.perf_counter() - start:.0f} s")
    start = time.perf_counter()
    html = render_html(corpus)
    print(f"html report: {len(html.encode()) / 1e6:.2f} MB in {time.perf_counter() - start:.1f} s")
    summary = corpus_report(corpus)["summary"]
    print(f"clusters: {summary['clusters']}, duplicates: {summary['duplicates']}")
    print(f"csv report: {len(format_csv(corpus).encode()) / 1e6:.2f} MB")
    (args.folder / "report.html").write_text(html, encoding="utf-8")


if __name__ == "__main__":
    main()

"""One engine: ``dedupe`` and ``ingest`` into an empty corpus give the same clusters and canonicals.

    python bench/agreement.py [--realdata ../shared/realdata]

For each folder of the real data (lawrefbook, the Guangzhou pages, the Word files, the PDFs),
runs ``policy-dedup dedupe FOLDER --json`` and ``policy-dedup ingest FOLDER`` into a new corpus,
and compares the clusters (by file) and each cluster's canonical. Prints one line a folder.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.data import need  # noqa: E402


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, capture_output=True, text=True)


def compare(folder: Path, work: Path) -> str:
    began = time.perf_counter()
    batch = cli("dedupe", str(folder), "--json", "--jobs", "2")
    if batch.returncode not in (0, 2):
        return f"dedupe failed: {batch.stderr.strip()[-300:]}"
    clusters = {
        frozenset(c["members"]): c["canonical"] for c in json.loads(batch.stdout or '{"clusters": []}')["clusters"]
    }
    corpus = work / folder.name
    ingest = cli("ingest", str(folder), "--corpus", str(corpus), "--jobs", "2")
    if ingest.returncode not in (0, 2):
        return f"ingest failed: {ingest.stderr.strip()[-300:]}"
    groups: dict[str, set[str]] = {}
    canonical: dict[str, str] = {}
    if (corpus / "manifest.csv").exists():
        with (corpus / "manifest.csv").open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                groups.setdefault(row["cluster"], set()).add(row["source"])
                if row["is_canonical"] == "true":
                    canonical[row["cluster"]] = row["source"]
    stored = {frozenset(g): canonical[c] for c, g in groups.items()}
    split = len(set(clusters) ^ set(stored))
    elected = sum(1 for g in set(clusters) & set(stored) if clusters[g] != stored[g])
    notices = sum(len(g) for g in clusters)
    multi = sum(1 for g in clusters if len(g) > 1)
    return (
        f"{notices} notices, {len(clusters)} clusters ({multi} with duplicates): "
        f"{split} cluster(s) differ, {elected} canonical(s) differ ({time.perf_counter() - began:.0f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--realdata", type=Path, default=ROOT.parent / "shared" / "realdata")
    args = parser.parse_args()
    need(args.realdata, "guangzhou-html", "wenming")
    work = Path(tempfile.mkdtemp(prefix="policy-dedup-agreement-"))
    try:
        for folder in sorted(p for p in args.realdata.iterdir() if p.is_dir()):
            print(f"{folder.name}: {compare(folder, work)}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

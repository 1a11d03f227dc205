"""Word and PDF input: what becomes of every file of the real Word and PDF folders, and how fast.

    python bench/formats.py [--realdata ../shared/realdata]

Each file of ``wenming/`` and ``pdf/`` is normalized as its bytes are (the extension is not
trusted). Prints a table of outcomes (sniffed format → extracted, or the reason it was refused),
files/s and MB/s, and whether each regulation's published and exported copies (``wenming``) land
in one cluster while different years of one title stay apart.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.data import need  # noqa: E402
from dedupe import Document, find_duplicates  # noqa: E402
from dedupe.files import read_document  # noqa: E402
from normalize import NormalizeError, normalize  # noqa: E402
from normalize.extract import sniff  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--realdata", type=Path, default=ROOT.parent / "shared" / "realdata")
    args = parser.parse_args()
    need(args.realdata, "wenming", "pdf")
    files = sorted(p for folder in ("wenming", "pdf") for p in (args.realdata / folder).rglob("*")
                   if p.is_file() and p.name != "README.md")  # fmt: skip
    outcomes: Counter[tuple[str, str]] = Counter()
    size, began = 0, time.perf_counter()
    for path in files:
        data = path.read_bytes()
        size += len(data)
        kind = sniff(data)
        try:
            result = normalize(data)
            outcomes[(kind, f"extracted as {result.format}")] += 1
        except NormalizeError as exc:
            outcomes[(kind, re.sub(r"\(.*?\)", "(…)", str(exc))[:110])] += 1
    took = time.perf_counter() - began
    print("| sniffed | outcome | files |\n|---|---|---|")
    for (kind, outcome), n in sorted(outcomes.items()):
        print(f"| {kind} | {outcome} | {n} |")
    print(
        f"{len(files)} files, {size / 1e6:.1f} MB in {took:.1f} s: {len(files) / took:.0f} files/s, {size / 1e6 / took:.1f} MB/s"
    )
    pairs(args.realdata / "wenming")


def pairs(folder: Path) -> None:
    """Published vs exported copies of one regulation (one cluster), years of one title (apart)."""
    docs = [
        d for i, p in enumerate(sorted(folder.rglob("*.doc*"))) if isinstance(d := read_document(str(p), i), Document)
    ]
    result = find_duplicates(docs)
    cluster = {d.path: result.membership[d.id].cluster.id for d in docs if d.id in result.membership}
    by_title: dict[str, dict[str, list[str]]] = {}
    for path in cluster:
        name = Path(path).name
        if "/exported/" in path:
            title, year = name.split("_")[0], name.rsplit("_", 1)[1][:4]
            by_title.setdefault(title, {}).setdefault("exported", []).append(path)
        else:
            year, title = name.split("_", 1)[0], Path(name.split("_", 1)[1]).stem
            by_title.setdefault(title, {}).setdefault(f"published {year}", []).append(path)
    joined = split = apart = merged_years = 0
    for versions in by_title.values():
        exported = versions.get("exported", [])
        years = sorted(k for k in versions if k.startswith("published"))
        for e in exported:
            match = [p for y in years for p in versions[y] if y[-4:] == Path(e).stem.rsplit("_", 1)[1][:4]]
            for p in match:
                if cluster[p] == cluster[e]:
                    joined += 1
                else:
                    split += 1
        for i, y in enumerate(years):
            for z in years[i + 1 :]:
                same = cluster[versions[y][0]] == cluster[versions[z][0]]
                merged_years += same
                apart += not same
    print(f"published vs exported of one year: {joined} clustered together, {split} apart")
    print(f"different years of one title: {apart} kept apart, {merged_years} merged")


if __name__ == "__main__":
    main()

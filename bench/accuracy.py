"""Accuracy of policy-dedup against the plain datasketch pipeline on realistic renderings.

    python bench/accuracy.py [--realdata ../shared/realdata] [--bases 200] [--seed 7] [--real]

With ``--real``, the tiers of real files exactly as scraped follow (versions, cities, re-headed
copies, reposts: bench/real.py), each with pair precision, recall and F1.

Positives: real lawrefbook notices, each with three scrape renderings (PDF extraction, GBK web page
with a site's navigation, Big5 traditional copy, UTF-16, truncated 10–25%, OCR-like, repost).
Negatives that must stay apart: real revision pairs (same title, other dates) and real template
groups (one regulation copied by several cities), one of each revision group also as a PDF.
Prints pairwise precision, recall and F1, and the false merges of negatives, for both pipelines.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import random
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.baseline import plain_datasketch_clusters
from bench.data import need
from bench.renderings import RENDERINGS, SUFFIX, lawrefbook_files
from dedupe import DedupeConfig, Document, find_duplicates, read_documents

_DATED = re.compile(r"\(\d{4}-\d{2}-\d{2}\)$")
_CITY = re.compile(r"^[\u4e00-\u9fff]{2,4}?(?:市|州|县|区)")


def title(path: Path) -> str:
    return _DATED.sub("", path.stem)


def negative_groups(files: list[Path]) -> tuple[list[list[Path]], list[list[Path]]]:
    by_title: dict[tuple[str, str], list[Path]] = defaultdict(list)
    by_template: dict[str, dict[str, Path]] = defaultdict(dict)
    for p in files:
        by_title[(str(p.parent), title(p))].append(p)
        m = _CITY.match(title(p))
        if m:
            by_template[title(p)[m.end() :]].setdefault(m.group(0), p)
    revisions = [sorted(g) for g in by_title.values() if len(g) >= 2 and len({f.read_bytes() for f in g}) == len(g)]
    templates = [sorted(g.values()) for g in by_template.values() if len(g) >= 2]
    return revisions, templates


def build(realdata: Path, out: Path, bases: int, seed: int) -> tuple[dict[str, str], set[frozenset[str]]]:
    """Write the benchmark files; return file → true cluster, and the negative pairs."""
    rng = random.Random(seed)
    files = lawrefbook_files(realdata)
    revisions, templates = negative_groups(files)
    rng.shuffle(templates)
    templates = [g[:4] for g in templates[:40]]
    truth: dict[str, str] = {}
    negatives: set[frozenset[str]] = set()
    used: set[Path] = set()

    def put(name: str, data: bytes, cluster: str) -> str:
        path = out / name
        path.write_bytes(data)
        truth[str(path)] = cluster
        return str(path)

    for gi, group in enumerate([*revisions, *templates]):
        names = []
        for mi, p in enumerate(group):
            cluster = hashlib.sha256(p.read_bytes()).hexdigest()
            names.append(put(f"neg{gi:03d}_{mi}.md", p.read_bytes(), cluster))
            used.add(p)
        if gi < len(revisions):  # one revision also as a PDF: the veto must hold through rendering noise
            pdf = put(
                f"neg{gi:03d}_0_pdf.txt", RENDERINGS["pdf"](group[0].read_text(encoding="utf-8"), rng), truth[names[0]]
            )
            names.append(pdf)
        negatives.update(
            frozenset(pair) for pair in itertools.combinations(names, 2) if truth[pair[0]] != truth[pair[1]]
        )
    titles = defaultdict(int)
    for p in files:
        titles[title(p)] += 1
    pool = [p for p in files if p not in used and titles[title(p)] == 1 and p.stat().st_size > 1500]
    for bi, p in enumerate(rng.sample(pool, min(bases, len(pool)))):
        text = p.read_text(encoding="utf-8")
        cluster = f"base{bi}"
        put(f"pos{bi:03d}_orig.md", text.encode(), cluster)
        for kind in rng.sample(sorted(RENDERINGS), 3):
            put(f"pos{bi:03d}_{kind}{SUFFIX.get(kind, '.txt')}", RENDERINGS[kind](text, rng), cluster)
    return truth, negatives


def pairs_of(clusters: list[list[str]]) -> set[frozenset[str]]:
    return {frozenset(p) for c in clusters for p in itertools.combinations(sorted(c), 2)}


def score(
    name: str, predicted: list[list[str]], truth: dict[str, str], negatives: set[frozenset[str]], seconds: float
) -> None:
    true_clusters: dict[str, list[str]] = defaultdict(list)
    for path, c in truth.items():
        true_clusters[c].append(path)
    gold, got = pairs_of(list(true_clusters.values())), pairs_of(predicted)
    tp = len(gold & got)
    precision = tp / len(got) if got else 1.0
    recall = tp / len(gold) if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    false_neg_merges = len(got & negatives)
    print(
        f"| {name} | {precision:.4f} | {recall:.4f} | {f1:.4f} | {false_neg_merges} | {len(got - gold)} | {seconds:.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--realdata", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "realdata")
    parser.add_argument("--bases", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--show", type=int, default=5, help="print this many wrong pairs of policy-dedup")
    parser.add_argument("--keep", type=Path, default=None, help="write the benchmark files here and keep them")
    parser.add_argument("--real", action="store_true", help="then the real-file tiers, per phenomenon (bench/real.py)")
    args = parser.parse_args()
    need(args.realdata, "lawrefbook")
    with tempfile.TemporaryDirectory(prefix="policy-dedup-accuracy-") as tmp:
        out = args.keep or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        truth, negatives = build(args.realdata, out, args.bases, args.seed)
        files = sorted(truth)
        print(f"{len(files)} files, {len({*truth.values()})} true clusters, {len(negatives)} negative pairs")
        print("| pipeline | precision | recall | F1 | false merges of revisions/templates | false pairs | seconds |")
        print("|---|---|---|---|---|---|---|")
        start = time.perf_counter()
        docs = [d for d in read_documents(files, jobs=args.jobs) if isinstance(d, Document)]
        result = find_duplicates(docs, DedupeConfig())
        copies: dict[str, list[str]] = {}
        for copy, first in result.copies:  # files with the bytes of another: one notice
            copies.setdefault(first.id, []).append(copy.path)
        ours = [[p for m in c.members for p in (m.path, *copies.get(m.id, ()))] for c in result.clusters]
        score("policy-dedup", ours, truth, negatives, time.perf_counter() - start)
        start = time.perf_counter()
        plain = plain_datasketch_clusters(files)
        score(
            "plain datasketch (chardet + raw 5-grams + LSH 0.8)", plain, truth, negatives, time.perf_counter() - start
        )
        wrong = pairs_of(ours) ^ pairs_of([[p for p in truth if truth[p] == c] for c in {*truth.values()}])
        for pair in sorted(sorted(p) for p in wrong)[: args.show]:
            a, b = pair
            kind = "false merge" if truth[a] != truth[b] else "missed"
            print(f"  {kind}: {Path(a).name} ~ {Path(b).name}")
    if args.real:
        from bench import real

        print("\nreal files as scraped:")
        sys.argv = [sys.argv[0], "--realdata", str(args.realdata)]
        real.main()


if __name__ == "__main__":
    main()

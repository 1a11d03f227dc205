"""Version chains on real folders, against labels checked by hand (tests/cases/chains/<folder>.json).

    python bench/chains.py [--realdata ../shared/realdata] [--folders wenming,lawrefbook,mirror]

Each folder is deduplicated whole, as an archivist would, and its chains built from the clusters.
Printed per folder:

- chain pairs: two notices placed in one chain as different versions. A labelled pair is two files
  of one regulation in different versions; a predicted pair, two files of one chain in different
  versions. Two files of one labelled version are the engine's business (a repost), not the
  chains': such pairs are left out of both sides. Precision and recall over these pairs.
- current: the share of labelled chains (two versions or more) whose predicted chain's current
  version holds the labelled current file.
- cities: predicted chains whose versions' titles open with different places (must be 0).
- repealed: labelled repeals (a notice of the folder repealing another's act) found, with the
  repealing notice, and versions marked repealed that no label names.
- articles: on the hand-checked amendments, the share of expected article changes (kind, old
  number, new number) found, and the share of changes reported that are expected.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.data import need  # noqa: E402
from dedupe import Document, find_duplicates, read_document, read_documents  # noqa: E402
from dedupe.acts import place_of_title  # noqa: E402
from dedupe.articles import article_diff  # noqa: E402
from dedupe.chains import Chain, build_chains, units_of  # noqa: E402
from dedupe.files import discover  # noqa: E402

LABELS = ROOT / "tests" / "cases" / "chains"
FOLDERS = ("wenming", "lawrefbook", "mirror")


def predicted(folder: Path, jobs: int) -> tuple[list[Chain], dict[str, str]]:
    """The chains of a folder deduplicated whole, and each file's cluster (paths relative to realdata)."""
    found = discover([str(folder)])
    docs = [d for d in read_documents(found.files, jobs=jobs) if isinstance(d, Document)]
    result = find_duplicates(docs, jobs=jobs)
    cluster = {d.path: result.membership[d.id].cluster.id for d in docs}
    cluster.update({copy.path: cluster[first.path] for copy, first in result.copies})
    return build_chains(units_of(result)), cluster


def _rel(path: str, realdata: Path) -> str:
    return str(Path(path).resolve().relative_to(realdata.resolve()))


def chain_pairs(chains: list[Chain], realdata: Path) -> set[frozenset[str]]:
    pairs = set()
    for chain in chains:
        versions = [[_rel(p, realdata) for p in v.paths] for v in chain.versions]
        for a, b in itertools.combinations(range(len(versions)), 2):
            pairs |= {frozenset((x, y)) for x in versions[a] for y in versions[b]}
    return pairs


def label_pairs(labels: list[dict]) -> tuple[set[frozenset[str]], set[frozenset[str]]]:
    """(pairs in different versions of one regulation, pairs in one version)."""
    apart, same = set(), set()
    for chain in labels:
        versions = chain["versions"]
        for v in versions:
            same |= {frozenset(p) for p in itertools.combinations(v, 2)}
        for a, b in itertools.combinations(range(len(versions)), 2):
            apart |= {frozenset((x, y)) for x in versions[a] for y in versions[b]}
    return apart, same


def current_right(chains: list[Chain], labels: list[dict], realdata: Path) -> tuple[int, int, list[str]]:
    right, wrong = 0, []
    multi = [c for c in labels if len(c["versions"]) > 1]
    for label in multi:
        latest = set(label["versions"][-1])
        chain = next((c for c in chains if any(_rel(p, realdata) in latest for v in c.versions for p in v.paths)), None)
        if chain is not None and chain.current and _rel(chain.current, realdata) in latest:
            right += 1
        else:
            wrong.append(f"{label['act']}: current {chain.current if chain else '(no chain)'}")
    return right, len(multi), wrong


def repeals(chains: list[Chain], labels: list[dict], realdata: Path) -> tuple[int, int, int]:
    """(labelled repeals found with their repealing notice, labelled, repeals reported)."""
    found = {(_rel(p, realdata), _rel(v.repealed_by, realdata)) for c in chains for v in c.versions
             if v.repealed_by for p in v.paths}  # fmt: skip
    want = {(r["path"], r["by"]) for r in labels}
    reported = sum(1 for c in chains for v in c.versions if v.status == "repealed")
    return len(found & want), len(want), reported


def mixed_places(chains: list[Chain]) -> list[str]:
    out = []
    for chain in chains:
        places = {place_of_title(v.title) for v in chain.versions} - {None}
        if len(places) > 1:
            out.append(f"{chain.act}: {sorted(places)}")
    return out


def article_accuracy(amendments: list[dict], realdata: Path) -> tuple[int, int, int, int]:
    """(expected changes found, expected, reported changes expected, reported)."""
    found = expected = hit = reported = 0
    for case in amendments:
        old, new = (read_document(str(realdata / case[k])).text for k in ("old", "new"))
        got = {(c.kind, c.old, c.new) for c in article_diff(old, new).changes}
        want = {(c["kind"], c["old"], c["new"]) for c in case["changes"]}
        found, expected = found + len(got & want), expected + len(want)
        hit, reported = hit + len(got & want), reported + len(got)
    return found, expected, hit, reported


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.3f} ({a}/{b})" if b else "–"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--realdata", type=Path, default=ROOT.parent / "shared" / "realdata")
    parser.add_argument("--folders", default=",".join(FOLDERS))
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    need(args.realdata, *args.folders.split(","))
    print(
        "| folder | files | chains (labelled) | pair precision | pair recall | current right | places mixed "
        "| repeals found (reported) | article changes found | reported that are right | seconds |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    misses: list[str] = []
    for name in args.folders.split(","):
        spec = json.loads((LABELS / f"{name}.json").read_text(encoding="utf-8"))
        start = time.perf_counter()
        chains, cluster = predicted(args.realdata / name, args.jobs)
        seconds = time.perf_counter() - start
        got = chain_pairs(chains, args.realdata)
        want, same = label_pairs(spec["chains"])
        got -= same
        right, total, wrong = current_right(chains, spec["chains"], args.realdata)
        mixed = mixed_places(chains)
        hit_r, want_r, reported_r = repeals(chains, spec.get("repealed", []), args.realdata)
        found, expected, hit, reported = article_accuracy(spec.get("amendments", []), args.realdata)
        multi = sum(1 for c in spec["chains"] if len(c["versions"]) > 1)
        print(f"| {name} | {len(cluster)} | {len(chains)} ({multi}) | {_ratio(len(got & want), len(got))} "
              f"| {_ratio(len(got & want), len(want))} | {_ratio(right, total)} | {len(mixed)} "
              f"| {_ratio(hit_r, want_r)} ({reported_r}) | {_ratio(found, expected)} | {_ratio(hit, reported)} | {seconds:.1f} |")  # fmt: skip
        misses += [f"{name}: false pair {' ~ '.join(sorted(p))}" for p in sorted(got - want, key=sorted)][:10]
        misses += [f"{name}: missed pair {' ~ '.join(sorted(p))}" for p in sorted(want - got, key=sorted)][:10]
        misses += [f"{name}: wrong current {w}" for w in wrong] + [f"{name}: places mixed {m}" for m in mixed]
    for line in misses:
        print(line)


if __name__ == "__main__":
    main()

"""Judgement on real files exactly as they were scraped, per phenomenon.

    python bench/real.py [--realdata ../shared/realdata]

- versions (lawrefbook): one title in two or more dated files: every pair must stay apart;
- cities (lawrefbook): one regulation as several cities adopted it: every pair must stay apart;
- re-headed copies (wenming): a regulation as published and as exported (a metadata table, a
  header, sometimes an English translation): every pair must be one cluster;
- versions (wenming): one title in two or more years: every pair must stay apart;
- cities (wenming): other cities' regulations of one subject: every pair must stay apart;
- reposts (guangzhou-html): the labelled pairs of REPOSTS must be one cluster, no other pair.

Each folder is deduplicated whole, as an archivist would. Prints, per phenomenon, the pairs that
must merge and how many do (recall), the pairs that must stay apart and how many merged, and pair
precision, recall and F1 over the tiers with positives; then every false merge of a version.
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.data import need  # noqa: E402
from dedupe import Document, find_duplicates, read_documents  # noqa: E402
from dedupe.files import discover  # noqa: E402

_DATED = re.compile(r"\(\d{4}-\d{2}-\d{2}\)$")
_CITY = re.compile(r"^[\u4e00-\u9fff]{2,4}?(?:市|州|县|区|省)")
# reposts of one notice among the Guangzhou pages (checked by reading them)
REPOSTS = [
    ("09_生育津贴直接发放个人_2025.html", "b3_生育津贴直接发放个人.md"),
    ("07_异地就医备案_穗好办.html", "b3_异地就医_穗好办.md"),
    ("10_广东医保新措_大病保险门特结算.html", "b3_广东医保新措_大病保险.md"),
]


def clusters_of(paths: list[str]) -> dict[str, str]:
    """Each file's cluster when the whole folder is deduplicated at once."""
    found = discover(paths)
    docs = [d for d in read_documents(found.files, jobs=2) if isinstance(d, Document)]
    result = find_duplicates(docs, jobs=2)
    out = {d.path: result.membership[d.id].cluster.id for d in docs}
    for copy, first in result.copies:
        out[copy.path] = out[first.path]
    return out


def pairs_within(groups: list[list[str]]) -> list[tuple[str, str]]:
    return [p for g in groups for p in itertools.combinations(sorted(g), 2)]


def lawrefbook(realdata: Path) -> dict[str, tuple[list, list]]:
    files = [p for p in (realdata / "lawrefbook").rglob("*.md") if p.name != "_index.md" and "README" not in p.name]
    by_title: dict[tuple[str, str], list[str]] = defaultdict(list)
    by_template: dict[str, dict[str, str]] = defaultdict(dict)
    for p in files:
        title = _DATED.sub("", p.stem)
        by_title[(str(p.parent), title)].append(str(p))
        m = _CITY.match(title)
        if m:
            by_template[title[m.end() :]].setdefault(m.group(0), str(p))
    versions = [g for g in by_title.values() if len(g) >= 2 and len({Path(f).read_bytes() for f in g}) == len(g)]
    cities = [list(g.values()) for g in by_template.values() if len(g) >= 2]
    return {"versions (lawrefbook)": ([], pairs_within(versions)), "cities (lawrefbook)": ([], pairs_within(cities))}


def wenming(realdata: Path) -> dict[str, tuple[list, list]]:
    folder = realdata / "wenming"
    same, years, cities = [], defaultdict(list), defaultdict(list)
    published = {}
    for p in sorted((folder / "published").rglob("*.doc*")):
        year, title = p.name.split("_", 1)[0], Path(p.name.split("_", 1)[1]).stem
        published[(title, year)] = str(p)
        years[title].append(str(p))
        m = _CITY.match(title)
        if m:
            cities[title[m.end() :]].append(str(p))
    for p in sorted((folder / "exported").glob("*.docx")):
        title, year = p.name.split("_")[0], p.stem.rsplit("_", 1)[1][:4]
        if (title, year) in published:
            same.append((published[(title, year)], str(p)))
    city_pairs = [(a, b) for g in cities.values() for a, b in itertools.combinations(g, 2)
                  if _CITY.match(Path(a).name.split("_", 1)[1]).group(0) != _CITY.match(Path(b).name.split("_", 1)[1]).group(0)]  # fmt: skip
    return {
        "re-headed copies (wenming)": (same, []),
        "versions (wenming)": ([], pairs_within([g for g in years.values() if len(g) >= 2])),
        "cities (wenming)": ([], city_pairs),
    }


def guangzhou(realdata: Path) -> dict[str, tuple[list, list]]:
    folder = realdata / "guangzhou-html"
    files = sorted(str(p) for p in folder.iterdir() if p.name != "README.md")
    same = [(str(folder / a), str(folder / b)) for a, b in REPOSTS]
    labelled = {frozenset(p) for p in same}
    apart = [p for p in itertools.combinations(files, 2) if frozenset(p) not in labelled]
    return {"reposts (guangzhou-html)": (same, apart)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--realdata", type=Path, default=ROOT.parent / "shared" / "realdata")
    args = parser.parse_args()
    need(args.realdata, "lawrefbook", "wenming", "guangzhou-html")
    tiers: dict[str, tuple[list, list]] = {}
    for folder, make in (("lawrefbook", lawrefbook), ("wenming", wenming), ("guangzhou-html", guangzhou)):
        cluster = clusters_of([str(args.realdata / folder)])
        for name, (positives, negatives) in make(args.realdata).items():
            tiers[name] = (
                [(a, b, cluster.get(a) is not None and cluster.get(a) == cluster.get(b)) for a, b in positives],
                [(a, b, cluster.get(a) is not None and cluster.get(a) == cluster.get(b)) for a, b in negatives],
            )
    print("| phenomenon | pairs to merge | merged | pairs to keep apart | merged (false) | precision | recall | F1 |")
    print("|---|---|---|---|---|---|---|---|")
    tp = fp = fn = 0
    for name, (positives, negatives) in tiers.items():
        t = sum(1 for *_, m in positives if m)
        f = sum(1 for *_, m in negatives if m)
        tp, fp, fn = tp + t, fp + f, fn + len(positives) - t
        p = f"{t / (t + f):.3f}" if t + f else "–"  # no merge to judge: only the false merges count
        r = f"{t / len(positives):.3f}" if positives else "–"
        f1 = f"{2 * t / (2 * t + f + len(positives) - t):.3f}" if positives else "–"
        print(f"| {name} | {len(positives)} | {t} | {len(negatives)} | {f} | {p} | {r} | {f1} |")
    p, r = tp / (tp + fp) if tp + fp else 0.0, tp / (tp + fn) if tp + fn else 0.0
    print(f"all tiers: precision {p:.3f}, recall {r:.3f}, F1 {2 * p * r / (p + r) if p + r else 0:.3f}")
    for name, (_, negatives) in tiers.items():
        for a, b, merged in negatives:
            if merged and "versions" in name:
                print(f"merged versions: {Path(a).name} ~ {Path(b).name}")


if __name__ == "__main__":
    main()

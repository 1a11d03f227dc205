"""One new notice into a large existing corpus: time and memory of an incremental ingest.

    python bench/incremental.py [--realdata ../shared/realdata] [--size 100000] [--folder /tmp/policy-dedup-100k]

Builds (once; reused while it exists) a corpus from ``--size`` files as an archive holds them,
by ingesting them with ``policy-dedup ingest`` in batches of 10,000: distinct notices (each a
span of a real lawrefbook notice, about 6 KB, with a few dozen common characters exchanged for
others, so that 100,000 of them are distinct without 3,000 texts each repeated 30 times), and,
for about one in four of them, one to three other renderings arriving later (PDF text, a web
page, OCR noise, truncated, reposted, UTF-16; a repost is the original's bytes, so it is not a
new notice). The corpus then holds clusters, canonical choices, verified pairs (merges, related
notices, a few vetoes) and a decision log, as a real archive does.

Then it ingests, one at a time, a new notice and a copy of a notice the corpus already holds,
and prints the time of each stage, excluding interpreter start, and the memory the index needs.
Each ingest is undone afterwards, so every run measures the same corpus.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import datasketch  # noqa: F401  (imported up front: its load is part of interpreter start)
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.renderings import RENDERINGS, SUFFIX, lawrefbook_files, paragraphs  # noqa: E402
from dedupe.cache import cache_tag  # noqa: E402
from dedupe.config import DedupeConfig  # noqa: E402
from dedupe.store import Corpus, Plan  # noqa: E402
from normalize import NormalizeConfig  # noqa: E402

BATCH = 10_000
KINDS = ["pdf", "web", "ocr", "truncated", "repost", "utf16"]
# frequent characters of the notices' wording (not of their dates, numbers and titles)
COMMON = "的和与在是为对及等市县区省人民政府部门工作管理规定法应当有关单位机构组织实施办公会议事项务服建设发展社保障"
REPLACEMENTS = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥金木水火土山川河海林森石玉田禾米竹丝衣食住行云雨风雪"


def notice_text(sources: list[Path], n: int, seed: int) -> str:
    """Distinct notice ``n``: a span of a real notice under a numbered title, its common wording
    characters exchanged by a mapping of its own."""
    pick = random.Random(seed * 1_000_003 + n)
    paras = paragraphs(pick.choice(sources).read_text(encoding="utf-8"))
    body = paras[1:] or paras
    span = max(3, int(len(body) * pick.uniform(0.2, 0.5)))
    start = pick.randrange(max(1, len(body) - span + 1))
    table = str.maketrans({c: pick.choice(REPLACEMENTS) for c in COMMON if pick.random() < 0.7})
    return "\n\n".join([f"# {paras[0]}（第{n}号）", *(p.translate(table) for p in body[start : start + span])])


def archive(realdata: Path, count: int, seed: int = 11) -> list[tuple[str, int, Callable[[], bytes]]]:
    """``count`` notices in the order they arrive: (file name, distinct notice, the file's bytes
    made when asked for)."""
    sources = lawrefbook_files(realdata)
    rng = random.Random(seed)
    entries: list[tuple[int, str]] = []
    notice = 0
    while len(entries) < count:
        entries.append((notice, "md"))
        if rng.random() < 0.25:
            entries += [(notice, rng.choice(KINDS)) for _ in range(rng.randint(1, 3))]
        notice += 1
    entries = entries[:count]
    rng.shuffle(entries)
    out = []
    for at, (n, kind) in enumerate(entries):

        def make(n: int = n, kind: str = kind, at: int = at) -> bytes:
            text = notice_text(sources, n, seed)
            return text.encode() if kind == "md" else RENDERINGS[kind](text, random.Random(at))

        out.append((f"a{at:07d}_{n:06d}_{kind}{SUFFIX.get(kind, '.md' if kind == 'md' else '.txt')}", n, make))
    return out


def build(folder: Path, size: int, realdata: Path, jobs: int) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    incoming = folder.parent / f"{folder.name}-incoming"
    files = archive(realdata, size)
    for start in range(0, size, BATCH):
        shutil.rmtree(incoming, ignore_errors=True)
        incoming.mkdir(parents=True)
        for name, _, make in files[start : start + BATCH]:
            (incoming / name).write_bytes(make())
        begin = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "cli", "ingest", str(incoming), "--corpus", str(folder), "--jobs", str(jobs)],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise SystemExit(f"building the corpus failed:\n{done.stderr}")
        summary = done.stdout.strip().splitlines()[-1]
        print(f"  {min(start + BATCH, size)} notices ({time.perf_counter() - begin:.0f} s): {summary}", file=sys.stderr)
    shutil.rmtree(incoming, ignore_errors=True)


def arrivals(realdata: Path, size: int, folder: Path) -> dict[str, Path]:
    """A new notice, and another rendering of a notice the corpus holds with a copy already."""
    sources = lawrefbook_files(realdata)
    files = archive(realdata, size)
    kinds: dict[int, set[str]] = {}
    for name, n, _ in files:
        kinds.setdefault(n, set()).add(name.rsplit("_", 1)[1].split(".")[0])
    # held as a cluster of two or more: two renderings whose bytes differ (a repost is the original)
    held = min(n for n, k in kinds.items() if len(k - {"repost"}) >= 2)
    out = {}
    for label, n in (("a new notice", max(kinds) + 1), ("a copy of a held notice", held)):
        path = folder.parent / f"policy-dedup-incoming-{n}.txt"
        path.write_bytes(RENDERINGS["pdf"](notice_text(sources, n, 11), random.Random(int(time.time()))))
        out[label] = path
    return out


class Snapshot:
    """What an ingest rewrites, kept so that the ingest can be undone for the next measurement."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        root = corpus.root
        self.files = {
            p: p.read_bytes()
            for p in [root / "manifest.csv", root / "decisions.jsonl", corpus.cache.folder / "pairs.parquet"]
            if p.exists()
        }
        self.parts = set(corpus.cache.parts.iterdir())
        self.pair_parts = set(corpus.cache.pair_parts.glob("*"))
        self.canonical: dict[Path, bytes | None] = {}

    def before_commit(self, plan: Plan) -> None:
        folder = self.corpus.root / "canonical"
        for cid in [*plan.canonical, *plan.gone_clusters]:
            path = folder / f"{cid}.txt"
            self.canonical[path] = path.read_bytes() if path.exists() else None

    def restore(self, plan: Plan) -> None:
        for path, data in [*self.files.items(), *self.canonical.items()]:
            if data is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(data)
        new_parts = {p.name.split(".")[0] for p in set(self.corpus.cache.parts.iterdir()) - self.parts}
        for path in list(self.corpus.cache.parts.iterdir()):
            if path.name.split(".")[0] in new_parts:
                path.unlink()
        for path in set(self.corpus.cache.pair_parts.glob("*")) - self.pair_parts:
            path.unlink()
        for add in plan.additions:
            (self.corpus.root / add.doc.path).unlink(missing_ok=True)
        # a new base for the restored CSV (a new inode): the ingest's delta goes
        whole = self.corpus.read_manifest()
        self.corpus.cache.write_manifest(lambda: whole, self.corpus.manifest_path, None, pl.DataFrame(schema={}))


def measure(folder: Path, new: Path, traced: bool) -> tuple[list[float], Plan]:
    corpus = Corpus(folder, jobs=1)
    # not timed: writes the manifest's Parquet copy after a rebuild, starts polars's threads, and
    # gives parts written by an older version their sorted passages (once per corpus)
    corpus.cache.passage_runs(corpus.load().blocks)
    snapshot = Snapshot(corpus)
    if traced:
        tracemalloc.start()
    t0 = time.perf_counter()
    batch = corpus.read([str(new)])
    t1 = time.perf_counter()
    state = corpus.load()
    t2 = time.perf_counter()
    plan = corpus.plan([str(new)], state, batch)
    t3 = time.perf_counter()
    snapshot.before_commit(plan)  # not timed
    t3b = time.perf_counter()
    corpus._place_originals(plan)
    corpus._commit(plan)
    t4 = time.perf_counter()
    snapshot.restore(plan)
    return [t1 - t0, t2 - t1, t3 - t2, t4 - t3b], plan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--realdata", type=Path, default=ROOT.parent / "shared" / "realdata")
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/policy-dedup-100k"))
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    folder = args.folder
    tag = cache_tag(DedupeConfig(), NormalizeConfig())
    manifest = folder / "manifest.csv"
    if not (folder / ".cache" / "parts" / tag).is_dir() or not manifest.exists() or not (folder / "BUILT").exists():
        print(f"building a {args.size}-notice corpus in {folder} (once; about 7 minutes on 2 cores)…", file=sys.stderr)
        start = time.perf_counter()
        build(folder, args.size, args.realdata, args.jobs)
        (folder / "BUILT").write_text(f"{args.size}\n")
        print(f"  built in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    elif (folder / "BUILT").read_text().strip() != str(args.size):
        raise SystemExit(f"{folder} holds a corpus of another size: remove it or pass another --folder")
    rows = pl.read_csv(manifest, columns=["cluster", "relation"])
    clusters = rows["cluster"].n_unique()
    print(
        f"corpus: {rows.height} notices in {clusters} clusters ({rows.height - clusters} duplicates), "
        f"{Corpus(folder).load().pair_frame.height} verified pairs, "
        f"manifest.csv {manifest.stat().st_size / 1e6:.0f} MB"
    )
    print(
        "| one ingest of | read + normalize + sign | load | query + verify + cluster | write | total | check (read + load + query) |"
    )
    print("|---|---|---|---|---|---|---|")
    for label, new in arrivals(args.realdata, args.size, folder).items():
        times, plan = measure(folder, new, traced=False)
        ms = [round(t * 1000) for t in times]
        kind = "a duplicate" if plan.duplicates() else "new"
        print(f"| {label} ({kind}) | {ms[0]} | {ms[1]} | {ms[2]} | {ms[3]} | {sum(ms)} | {sum(ms[:3])} |")
    _, plan = measure(folder, new, traced=True)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    state = plan.state
    n = state.size
    signature_bytes = sum(b.signatures.nbytes for b in state.blocks)
    index_bytes = sum(
        b.numbers.nbytes + b.seq.nbytes + b.keyhash.nbytes + b.live.nbytes + b.bands.nbytes for b in state.blocks
    )
    print(
        f"signatures: {signature_bytes / n:.0f} bytes/notice (memory-mapped); index beyond them (ids, seqs, "
        f"key hashes, band hashes): {index_bytes / n:.0f} bytes/notice; Python peak during the last ingest: "
        f"{peak / 1e6:.0f} MB ({peak / n:.0f} bytes/notice)"
    )


if __name__ == "__main__":
    main()

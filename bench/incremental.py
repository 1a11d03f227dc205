"""One new notice into a large existing corpus: time and memory of an incremental ingest.

    python bench/incremental.py [--realdata ../shared/realdata] [--size 100000] [--folder /tmp/policy-dedup-100k]

Builds (once; reused while it exists) a corpus of ``--size`` notices made from lawrefbook
notices, each with its own numbered opening line, written straight into the corpus's manifest
and cache as an ingest would leave them (the originals themselves are not written: an
incremental ingest does not read them). Then ingests one re-rendered lawrefbook notice and
prints the time of each stage, excluding interpreter start, and the memory the index needs.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import shutil
import sys
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import datasketch  # noqa: F401  (imported up front: its load is part of interpreter start)
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.renderings import RENDERINGS, lawrefbook_files  # noqa: E402
from dedupe.cache import Cache, cache_tag  # noqa: E402
from dedupe.config import DedupeConfig  # noqa: E402
from dedupe.document import Document  # noqa: E402
from dedupe.files import document_id  # noqa: E402
from dedupe.store import MANIFEST_SCHEMA, Corpus  # noqa: E402
from normalize import NormalizeConfig, comparison_key, normalize  # noqa: E402

CHUNK = 5000


def _variants(args: tuple[list[str], int, int]) -> list[Document]:
    texts, start, count = args
    bases = [normalize(t) for t in texts]
    out = []
    for i in range(start, start + count):
        base = bases[i % len(bases)]
        text = f"第{i}号汇编件\n{base.text}"
        n = dataclasses.replace(base, text=text, key=comparison_key(text))
        doc = Document(document_id(text.encode()), f"raw/n{i:07d}.txt", n, i + 1)
        _ = doc.fingerprint.signature
        out.append(doc)
    return out


def build(folder: Path, size: int, realdata: Path, jobs: int) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    rng = random.Random(1)
    sources = rng.sample(lawrefbook_files(realdata), 400)
    texts = [p.read_text(encoding="utf-8") for p in sources]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "raw").mkdir(exist_ok=True)
    cache = Cache(folder / ".cache", cache_tag(DedupeConfig(), NormalizeConfig()))
    rows = []
    with ProcessPoolExecutor(jobs) as pool:
        for docs in pool.map(_variants, [(texts, s, min(CHUNK, size - s)) for s in range(0, size, CHUNK)]):
            cache.append(docs)
            rows += [
                {
                    "id": d.id,
                    "path": d.path,
                    "sha256": d.id * 4,
                    "bytes": len(d.text.encode()),
                    "encoding": "utf-8",
                    "confidence": 1.0,
                    "title": d.normalized.meta.title,
                    "doc_number": None,
                    "issuer": None,
                    "date": d.normalized.meta.date,
                    "chars": len(d.text),
                    "flags": "",
                    "cluster": d.id,
                    "is_canonical": True,
                    "relation": "canonical",
                    "similarity": 1.0,
                    "seq": d.order,
                    "ingested_at": "2026-01-01T00:00:00Z",
                }
                for d in docs
            ]
            print(f"  built {len(rows)} notices", file=sys.stderr)
    cache.merge(cache._part_files())  # one part, as one bulk ingest leaves it
    cache.write_pairs([])
    pl.DataFrame(rows, schema=MANIFEST_SCHEMA).sort("path").write_csv(folder / "manifest.csv")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--realdata", type=Path, default=ROOT.parent / "shared" / "realdata")
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/policy-dedup-100k"))
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    folder = args.folder
    cache = Cache(folder / ".cache", cache_tag(DedupeConfig(), NormalizeConfig()))
    stale = not cache.parts.is_dir()  # built by another version of the cache format
    if stale or not (folder / "manifest.csv").exists() or pl.read_csv(folder / "manifest.csv").height != args.size:
        print(f"building a {args.size}-notice corpus in {folder} (once)…", file=sys.stderr)
        start = time.perf_counter()
        build(folder, args.size, args.realdata, args.jobs)
        print(f"  built in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    new = folder.parent / "policy-dedup-incoming.txt"
    source = lawrefbook_files(args.realdata)[7]
    new.write_bytes(RENDERINGS["pdf"](source.read_text(encoding="utf-8"), random.Random(int(time.time()))))

    for traced in (False, True):  # time without tracemalloc (it slows allocation), then measure memory
        corpus = Corpus(folder, jobs=1)
        corpus.load()  # not timed: writes the manifest's Parquet copy after a rebuild, starts polars's threads
        parts_before = set(corpus.cache.parts.iterdir())
        if traced:
            tracemalloc.start()
        t0 = time.perf_counter()
        batch = corpus.read([str(new)])
        t1 = time.perf_counter()
        state = corpus.load()
        t2 = time.perf_counter()
        plan = corpus.plan([str(new)], state, batch)
        t3 = time.perf_counter()
        corpus._place_originals(plan)
        corpus._commit(plan)
        t4 = time.perf_counter()
        undo(corpus, plan, parts_before)
        if not traced:
            n = state.size
            print(f"one new notice into a corpus of {n} notices ({'a duplicate' if plan.duplicates() else 'new'}):")
            print("| stage | ms |")
            print("|---|---|")
            for name, a, b in (
                ("read + normalize + sign the new file", t0, t1),
                ("load manifest, signatures, pairs", t1, t2),
                ("LSH query + verify + cluster", t2, t3),
                ("write original, cache part, manifest", t3, t4),
                ("total", t0, t4),
            ):
                print(f"| {name} | {(b - a) * 1000:.0f} |")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    signature_bytes = sum(b.signatures.nbytes for b in state.blocks)
    index_bytes = sum(
        b.ids.estimated_size()
        + b.seq.nbytes
        + b.keyhash.nbytes
        + b.live.nbytes
        + (b.bands.nbytes if b.bands is not None else 0)
        for b in state.blocks
    )
    print(
        f"signatures: {signature_bytes / n:.0f} bytes/notice (memory-mapped); index beyond them (ids, seqs, "
        f"key hashes, band hashes): {index_bytes / n:.0f} bytes/notice; Python peak during the ingest: "
        f"{peak / 1e6:.0f} MB ({peak / n:.0f} bytes/notice)"
    )


def undo(corpus: Corpus, plan: object, parts_before: set[Path]) -> None:
    """Leave the corpus as it was for the next run: the manifest (and its Parquet copy) without
    the new rows, the new original and cache part removed."""
    additions = plan.additions  # type: ignore[attr-defined]
    frame = corpus.read_manifest().filter(~pl.col("id").is_in([a.doc.id for a in additions]))
    frame.write_csv(corpus.manifest_path)
    corpus.cache.write_manifest(frame, corpus.manifest_path, None, frame.clear())
    for path in set(corpus.cache.parts.iterdir()) - parts_before:
        path.unlink()
    for add in additions:
        (corpus.root / add.doc.path).unlink(missing_ok=True)


if __name__ == "__main__":
    main()

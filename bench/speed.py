"""Throughput and memory of policy-dedup against the plain datasketch pipeline, in one run.

    python bench/speed.py [--realdata ../shared/realdata] [--jobs 2] [--synthetic 0]

Both pipelines run as separate processes on the same files (wall time and peak RSS of each);
then policy-dedup's time is split by stage in-process, on one core. ``--synthetic N`` also builds
an N-document corpus from lawrefbook renderings and edits and measures policy-dedup on it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.data import need  # noqa: E402
from bench.renderings import RENDERINGS, SUFFIX, lawrefbook_files  # noqa: E402

PEAK = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)"
)


def measure(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB (the largest of the command's processes) and its stdout.

    Each command runs under its own small parent, so one measurement does not leak into the next.
    """
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", PEAK, *cmd], capture_output=True, text=True, check=True, cwd=ROOT)
    wall = time.perf_counter() - start
    peak_kb = int(out.stderr.strip().splitlines()[-1])
    return wall, peak_kb / 1024, out.stdout


BASELINE = """
import json, sys
sys.path.insert(0, {root!r})
from bench.baseline import plain_datasketch_clusters
from dedupe.files import discover
files = discover({paths!r}).files
print(json.dumps(plain_datasketch_clusters(files)))
"""


def stage_split(files: list[str]) -> dict[str, float]:
    """policy-dedup's stages on one core, each over all files. The key is made inside
    ``normalize`` and the candidates inside ``find_duplicates``: each is timed again apart and
    its time taken out of the stage that holds it."""
    from dedupe import DedupeConfig, Document, find_duplicates
    from dedupe.candidates import batch_pairs
    from dedupe.files import document_id
    from normalize import comparison_key, normalize
    from normalize.decode import decode

    times: dict[str, float] = {}
    t = time.perf_counter()
    data = [Path(f).read_bytes() for f in files]
    texts = [decode(d).text for d in data]
    times["read + decode"] = time.perf_counter() - t
    t = time.perf_counter()
    normalized = [normalize(x) for x in texts]
    whole = time.perf_counter() - t
    t = time.perf_counter()
    for n in normalized:
        comparison_key(n.text)
    times["key"] = time.perf_counter() - t
    times["normalize (clean text, metadata)"] = whole - times["key"]
    config = DedupeConfig()
    docs = [Document(document_id(d), f, n, 0, config) for d, f, n in zip(data, files, normalized, strict=True)]
    t = time.perf_counter()
    for d in docs:
        d.fingerprint.compute()  # as the workers do: signature and passage fingerprints
    times["shingles, signatures, passage fingerprints"] = time.perf_counter() - t
    t = time.perf_counter()
    batch_pairs(docs, config)
    times["candidates (LSH bands, passages, equal keys)"] = time.perf_counter() - t
    t = time.perf_counter()
    find_duplicates(docs, config)  # finds the candidates again: their time is taken out
    times["verify + cluster + elect"] = time.perf_counter() - t - times["candidates (LSH bands, passages, equal keys)"]
    return dict(sorted(times.items(), key=lambda kv: STAGES.index(kv[0])))


STAGES = [
    "read + decode",
    "normalize (clean text, metadata)",
    "key",
    "shingles, signatures, passage fingerprints",
    "candidates (LSH bands, passages, equal keys)",
    "verify + cluster + elect",
]


def synthetic(realdata: Path, out: Path, count: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    sources = lawrefbook_files(realdata)
    kinds = ["pdf", "web", "truncated", "ocr", "repost"]
    paths = []
    for i in range(count):
        src = rng.choice(sources)
        text = src.read_text(encoding="utf-8")
        if rng.random() < 0.5:  # an edited notice: another city, another year
            text = text.replace("市", rng.choice("甲乙丙丁戊己庚辛") + "市", 3).replace(
                "20", str(rng.randint(10, 30)), 2
            )
        kind = rng.choice(kinds)
        path = out / f"s{i:06d}_{kind}{SUFFIX.get(kind, '.txt')}"
        path.write_bytes(RENDERINGS[kind](text, rng))
        paths.append(str(path))
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--realdata", type=Path, default=ROOT.parent / "shared" / "realdata")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--synthetic", type=int, default=0, help="also measure on a synthetic corpus this large")
    parser.add_argument("--no-stages", action="store_true")
    args = parser.parse_args()
    need(args.realdata, "lawrefbook")
    files = [str(p) for p in lawrefbook_files(args.realdata)]
    folder = str(args.realdata / "lawrefbook")
    size_mb = sum(Path(f).stat().st_size for f in files) / 1e6
    print(f"lawrefbook: {len(files)} files, {size_mb:.1f} MB; {os.cpu_count()} cores; jobs={args.jobs}")

    cli = [sys.executable, "-m", "cli", "dedupe", folder, "--json", "--jobs", str(args.jobs)]
    ours_wall, ours_mem, ours_out = measure(cli)
    script = BASELINE.format(root=str(ROOT), paths=[folder])
    base_wall, base_mem, base_out = measure([sys.executable, "-c", script])
    print("| pipeline | wall s | peak RSS MB | docs/s | MB/s |")
    print("|---|---|---|---|---|")
    n = len(json.loads(ours_out)["documents"])
    for name, wall, mem in (
        ("policy-dedup dedupe --json", ours_wall, ours_mem),
        ("plain datasketch", base_wall, base_mem),
    ):
        print(f"| {name} | {wall:.2f} | {mem:.0f} | {n / wall:.0f} | {size_mb / wall:.2f} |")
    print(f"speed-up: {base_wall / ours_wall:.2f}x; memory ratio (ours / plain): {ours_mem / base_mem:.2f}")
    print("(peak RSS is the largest single process: policy-dedup's parent or one of its workers)")

    ours = {frozenset(c["members"]) for c in json.loads(ours_out)["clusters"] if len(c["members"]) > 1}
    plain = {frozenset(c) for c in json.loads(base_out) if len(c) > 1}
    print(
        f"multi-member clusters: policy-dedup {len(ours)}, plain {len(plain)}; "
        f"only policy-dedup {len(ours - plain)}, only plain {len(plain - ours)}"
    )
    for c in sorted(plain - ours, key=sorted)[:3]:
        print("  only plain:", sorted(Path(p).name for p in c))
    for c in sorted(ours - plain, key=sorted)[:3]:
        print("  only policy-dedup:", sorted(Path(p).name for p in c))

    same = {}
    for label, extra in (
        ("--jobs 1", ["--jobs", "1"]),
        ("unvectorised signatures", ["--jobs", str(args.jobs), "--reference-signatures"]),
    ):
        wall, _, out = measure([sys.executable, "-m", "cli", "dedupe", folder, "--json", *extra])
        clusters = {frozenset(c["members"]) for c in json.loads(out)["clusters"]}
        same[label] = clusters == {frozenset(c["members"]) for c in json.loads(ours_out)["clusters"]}
        print(f"clusters of {label} ({wall:.1f} s) identical to --jobs {args.jobs}: {same[label]}")

    if not args.no_stages:
        print("\npolicy-dedup stages, one core:")
        print("| stage | s |")
        print("|---|---|")
        for stage, seconds in stage_split(files).items():
            print(f"| {stage} | {seconds:.2f} |")

    if args.synthetic:
        with tempfile.TemporaryDirectory(prefix="policy-dedup-synthetic-") as tmp:
            paths = synthetic(args.realdata, Path(tmp), args.synthetic)
            mb = sum(Path(p).stat().st_size for p in paths) / 1e6
            wall, mem, out = measure([sys.executable, "-m", "cli", "dedupe", tmp, "--json", "--jobs", str(args.jobs)])
            clusters = len(json.loads(out)["clusters"])
            print(
                f"\nsynthetic: {len(paths)} files, {mb:.0f} MB: {wall:.1f} s, {len(paths) / wall:.0f} docs/s, "
                f"peak RSS {mem:.0f} MB, {clusters} clusters"
            )


if __name__ == "__main__":
    main()

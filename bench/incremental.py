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

Then it runs ``policy-dedup check`` and ``policy-dedup ingest`` of one file, a new notice and a
copy of a notice the corpus already holds, as a user would (a process each, its start included),
and prints wall time and peak memory. Each ingest is undone afterwards, so every run measures the
same corpus. Last, it times a rebuild of the whole cache (``check`` of one file on a corpus
without ``.cache/``), as CI does on a fresh clone without its cache (``--no-rebuild`` skips it).
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.data import need  # noqa: E402
from bench.renderings import RENDERINGS, SUFFIX, lawrefbook_files, paragraphs  # noqa: E402

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
        if done.returncode not in (0, 2) or not done.stdout.strip():  # 2: a rendering refused, the rest landed
            raise SystemExit(f"building the corpus failed:\n{done.stderr}")
        summary = done.stdout.strip().splitlines()[-1]
        print(f"  {min(start + BATCH, size)} notices ({time.perf_counter() - begin:.0f} s): {summary}", file=sys.stderr,
              flush=True)  # fmt: skip
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


# A small launcher forks the measured command: a child forked from this (large) process would
# count this process's memory in its own peak (ru_maxrss survives fork and exec).
LAUNCHER = """
import os, sys, time
begin = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    os.execv(sys.executable, [sys.executable, "-m", "cli", *sys.argv[1:]])
_, status, usage = os.wait4(pid, 0)
print(time.perf_counter() - begin, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def timed(*args: str) -> tuple[float, float, int]:
    """Wall seconds (process start included), peak RSS in MB and exit code of ``policy-dedup ARGS``."""
    done = subprocess.run([sys.executable, "-c", LAUNCHER, *args], cwd=ROOT, capture_output=True, text=True)
    wall, peak, code = done.stdout.split()
    if int(code) not in (0, 1):
        raise SystemExit(f"policy-dedup {' '.join(args)} failed:\n{done.stderr}")
    return float(wall), int(peak) / 1024, int(code)


def undo(folder: Path, saved: dict[Path, bytes], raw_before: set[str], canonical: dict[Path, bytes]) -> None:
    """Put the corpus back as it was before a measured ingest; the cache follows on the next command."""
    for path, data in saved.items():
        path.write_bytes(data)
    for path in set((folder / "raw").iterdir()):
        if path.name not in raw_before:
            path.unlink()
    for path in set((folder / "canonical").iterdir()) - set(canonical):
        path.unlink()
    for path, data in canonical.items():
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)


def measure(folder: Path, new: Path, runs: int) -> list[tuple[float, float, float, float]]:
    """(ingest s, ingest MB, check s, check MB) of ``runs`` runs, each ingest undone afterwards."""
    out = []
    corpus = str(folder)
    timed("check", str(new), "--corpus", corpus, "--jobs", "1")  # not timed: brings the cache in line
    for _ in range(runs):
        saved = {p: p.read_bytes() for p in (folder / "manifest.csv", folder / "decisions.jsonl")}
        raw_before = {p.name for p in (folder / "raw").iterdir()}
        canonical = {p: p.read_bytes() for p in (folder / "canonical").iterdir()}
        check_s, check_mb, _ = timed("check", str(new), "--corpus", corpus, "--jobs", "1")
        ingest_s, ingest_mb, _ = timed("ingest", str(new), "--corpus", corpus, "--jobs", "1")
        undo(folder, saved, raw_before, canonical)
        timed("check", str(new), "--corpus", corpus, "--jobs", "1")  # not timed: the cache forgets the ingest
        out.append((ingest_s, ingest_mb, check_s, check_mb))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--realdata", type=Path, default=ROOT.parent / "shared" / "realdata")
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/policy-dedup-100k"))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-rebuild", action="store_true", help="skip timing a rebuild of the whole cache")
    args = parser.parse_args()
    need(args.realdata, "lawrefbook")
    folder = args.folder
    manifest = folder / "manifest.csv"
    built = folder / "BUILT"
    if not manifest.exists() or not built.exists() or built.read_text().split()[0] != "v2":
        print(f"building a {args.size}-notice corpus in {folder} (once)…", file=sys.stderr)
        start = time.perf_counter()
        build(folder, args.size, args.realdata, args.jobs)
        built.write_text(f"v2 {args.size}\n")
        print(f"  built in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    elif built.read_text().split()[1] != str(args.size):
        raise SystemExit(f"{folder} holds a corpus of another size: remove it or pass another --folder")
    rows = pl.read_csv(manifest, columns=["cluster"])
    clusters = rows["cluster"].n_unique()
    cache = folder / ".cache" / "index.sqlite"
    print(
        f"corpus: {rows.height} notices in {clusters} clusters ({rows.height - clusters} duplicates), "
        f"manifest.csv {manifest.stat().st_size / 1e6:.0f} MB, decisions.jsonl "
        f"{(folder / 'decisions.jsonl').stat().st_size / 1e6:.0f} MB, cache {cache.stat().st_size / 1e6:.0f} MB"
    )
    print("| one file | ingest wall s | ingest peak MB | check wall s | check peak MB |")
    print("|---|---|---|---|---|")
    for label, new in arrivals(args.realdata, args.size, folder).items():
        for ingest_s, ingest_mb, check_s, check_mb in measure(folder, new, args.runs):
            print(f"| {label} | {ingest_s:.2f} | {ingest_mb:.0f} | {check_s:.2f} | {check_mb:.0f} |")
    if not args.no_rebuild:  # what CI does on a fresh clone without its cache
        aside = folder / ".cache-aside"
        shutil.rmtree(aside, ignore_errors=True)
        (folder / ".cache").rename(aside)
        wall, peak, _ = timed("check", str(new), "--corpus", str(folder), "--jobs", str(args.jobs))
        print(
            f"rebuilding the whole cache (check --jobs {args.jobs} without .cache/): {wall:.0f} s, peak {peak:.0f} MB"
        )
        shutil.rmtree(aside)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", "import cli"], cwd=ROOT)
    print(f"process start and imports alone: {time.perf_counter() - start:.2f} s (exit {proc.returncode})")


if __name__ == "__main__":
    main()

"""Random kills during an ingest: the corpus ends as an uninterrupted ingest leaves it.

    python bench/faults.py [--realdata ../shared/realdata] [--files 1000] [--kills 50]

Builds a batch of ``--files`` files (real lawrefbook notices and renderings of them, so there are
merges, vetoes and related notices), ingests it once without interruption as the reference, then,
``--kills`` times: starts the same ingest into a fresh copy of the starting corpus, sends it
``kill -9`` at a random moment of its run, and ingests the batch again. Each run must end with the
reference's manifest, log, originals and canonical texts (timestamps and ingest ids aside), no
file left over, and ``verify`` passing. Prints how many kills landed in each phase of the ingest
and how many runs differed.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.data import need  # noqa: E402
from bench.renderings import RENDERINGS, SUFFIX, lawrefbook_files  # noqa: E402

VOLATILE = ("time", "ingest", "ingested_at")


def make_batch(realdata: Path, folder: Path, count: int, seed: int = 3) -> None:
    rng = random.Random(seed)
    sources = lawrefbook_files(realdata)
    folder.mkdir(parents=True)
    made = 0
    while made < count:
        source = rng.choice(sources)
        text = source.read_text(encoding="utf-8")
        (folder / f"f{made:05d}.md").write_text(text, encoding="utf-8")
        made += 1
        if made < count and rng.random() < 0.3:
            kind = rng.choice(sorted(RENDERINGS))
            (folder / f"f{made:05d}_{kind}{SUFFIX.get(kind, '.txt')}").write_bytes(RENDERINGS[kind](text, rng))
            made += 1


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, capture_output=True, text=True)


def state(root: Path) -> dict[str, object]:
    rows = (root / "manifest.csv").read_text(encoding="utf-8").splitlines()
    header = rows[0].split(",")
    keep = [i for i, name in enumerate(header) if name not in VOLATILE]
    table = [[r[i] for i in keep] for r in csv.reader(rows)]
    log = [{k: v for k, v in json.loads(x).items() if k not in VOLATILE}
           for x in (root / "decisions.jsonl").read_text(encoding="utf-8").splitlines()]  # fmt: skip
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
             if p.is_file() and p.parts[len(root.parts)] in ("raw", "canonical")}  # fmt: skip
    leftovers = sorted(
        p.name for p in root.rglob(".*") if p.name not in (".cache", ".lock") and ".cache" not in p.parts
    )
    return {"manifest": table, "log": log, "files": files, "leftovers": leftovers}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--realdata", type=Path, default=ROOT.parent / "shared" / "realdata")
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--folder", type=Path, help="work here, emptied first [default: a new temporary folder]")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    need(args.realdata, "lawrefbook")
    # a folder of its own by default: two runs at once must not delete each other's corpora
    work = args.folder or Path(tempfile.mkdtemp(prefix="policy-dedup-faults-"))
    shutil.rmtree(work, ignore_errors=True)
    print(f"working in {work}", file=sys.stderr)
    batch, start, reference = work / "batch", work / "start", work / "reference"
    make_batch(args.realdata, batch, args.files)
    seeds = ROOT / "corpus" / "raw"
    assert cli("ingest", str(seeds), "--corpus", str(start), "--jobs", "1").returncode == 0
    shutil.copytree(start, reference)
    began = time.perf_counter()
    done = cli("ingest", str(batch), "--corpus", str(reference), "--jobs", "2")
    full = time.perf_counter() - began
    if done.returncode:
        raise SystemExit(done.stderr)
    expected = state(reference)
    print(f"reference: {args.files} files ingested in {full:.1f} s: {done.stdout.strip()}")
    rng = random.Random(args.seed)
    outcomes: dict[str, int] = {}
    differed = 0
    for k in range(args.kills):
        target = work / f"run{k}"
        shutil.copytree(start, target)
        proc = subprocess.Popen(
            [sys.executable, "-m", "cli", "ingest", str(batch), "--corpus", str(target), "--jobs", "2"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        # half the kills anywhere in the run, half in its last third, where the corpus is written
        time.sleep(rng.uniform(0, full * 1.05) if k % 2 else rng.uniform(full * 0.66, full * 1.05))
        if proc.poll() is None:
            phase = "journal written" if (target / ".journal.json").exists() else "reading or matching"
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            phase = "finished before the kill"
        proc.wait()
        outcomes[phase] = outcomes.get(phase, 0) + 1
        again = cli(
            "ingest", str(batch), "--corpus", str(target), "--jobs", "2", "--verbose"
        )  # a traceback if it fails
        verified = cli("verify", "--corpus", str(target))
        same = again.returncode == 0 and verified.returncode == 0 and state(target) == expected
        differed += not same
        if not same:
            print(
                f"run {k}: differs (ingest {again.returncode}: {again.stderr[-600:]}; "
                f"verify {verified.returncode}: {verified.stderr[:300]})"
            )
        shutil.rmtree(target)
    print(f"{args.kills} kills: " + ", ".join(f"{n} {phase}" for phase, n in sorted(outcomes.items())))
    print(f"runs that ended unlike the uninterrupted ingest: {differed}")


if __name__ == "__main__":
    main()

"""Where a ``dedupe --jobs N`` run is serial or idle: wall and CPU seconds of each stage.

    python bench/stages.py [FOLDER] [--jobs 2]

Runs what ``policy-dedup dedupe FOLDER --jobs N`` runs (``read_batch``, then ``find_duplicates``)
in this process, with the engine's stages wrapped: for each stage the wall seconds and the CPU
seconds of the whole process tree (this process and its workers, live or waited for), and their
ratio (N.0 = N cores busy), and the CPU seconds of this process alone: a stage whose main-process
seconds are most of its tree's runs serially, whatever the load of the machine.
The default folder is the 10,000 generated notices of ``bench/peers.py``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.peers import TreeCpu, pss, rss, tree  # noqa: E402

FOLDER = ROOT / "bench" / "out" / "peers" / "data" / "10000-7" / "files"


def memory() -> str:
    pids = tree(os.getpid())
    return f"tree RSS {sum(rss(p) for p in pids) / 2**20:.0f} MB, PSS {sum(pss(p) for p in pids) / 2**20:.0f} MB"


ROWS: list[tuple[str, float, float, float]] = []


@contextmanager
def stage(clock: TreeCpu, name: str) -> Iterator[None]:
    wall, cpu, own = time.perf_counter(), clock.now(os.getpid()), time.process_time()
    yield
    wall, cpu, own = time.perf_counter() - wall, clock.now(os.getpid()) - cpu, time.process_time() - own
    ROWS.append((name, wall, cpu, own))
    print(f"{name}: {wall:.2f} s wall, {cpu:.2f} s CPU ({cpu / max(wall, 1e-9):.2f}×), {own:.2f} s in this process; "
          f"{memory()}", file=sys.stderr)  # fmt: skip


def wrap(module: Any, name: str, clock: TreeCpu, label: str | None = None) -> None:
    """Time each call of ``module.name`` as a stage."""
    inner: Callable[..., Any] = getattr(module, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        with stage(clock, label or name):
            return inner(*args, **kwargs)

    setattr(module, name, timed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", nargs="?", type=Path, default=FOLDER)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    if not args.folder.is_dir():
        raise SystemExit(
            f"no folder {args.folder}: give one, or build the 10,000 generated notices with make bench-peers"
        )
    from dedupe import DedupeConfig, Document, engine
    from dedupe.files import read_batch
    from dedupe.sharing import Workers

    clock = TreeCpu()
    for name in ("boilerplate_shingles", "batch_pairs", "_verify", "_cluster"):
        wrap(engine, name, clock)
    config = DedupeConfig()
    with stage(clock, "total"), Workers(args.jobs) as workers:  # one set of workers, as the command has
        with stage(clock, "read_batch"):
            results, _ = read_batch([str(args.folder)], args.jobs, config=config, workers=workers)
        docs = [r for r in results if isinstance(r, Document)]
        with stage(clock, "find_duplicates"):
            result = engine.find_duplicates(docs, config, args.jobs, workers=workers)
    print(f"{len(docs):,} notices, {len(result.clusters):,} clusters, {len(result.pairs):,} pairs; --jobs {args.jobs}; "
          f"load {os.getloadavg()[0]:.1f}")  # fmt: skip
    print("| stage | wall s | CPU s (tree) | CPU / wall | CPU s (main process) |")
    print("|---|---|---|---|---|")
    for name, wall, cpu, own in ROWS:
        print(f"| {name} | {wall:.2f} | {cpu:.2f} | {cpu / max(wall, 1e-9):.2f} | {own:.2f} |")


if __name__ == "__main__":
    main()

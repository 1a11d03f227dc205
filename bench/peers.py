"""policy-dedup side by side with what a user would pick instead, on the same generated files.

    python bench/peers.py [--realdata ../shared/realdata] [--sizes 10000,30000,100000] [--runs 3] [--jobs 2]
                          [--tools policy-dedup,floor,rensa,datatrove,datasketch,text-dedup] [--no-stages]

Data: notices with known truth, as ``bench/accuracy.py`` builds them (real lawrefbook notices,
each with three scrape renderings, and the negatives that must stay apart: revision pairs and
one regulation copied by several cities), filled up to each size with distinct notices as
``bench/incremental.py`` makes them, a quarter of them with one to three renderings (PDF text,
web page, OCR noise, truncated, repost, UTF-16). Built once per size under ``bench/out/peers/data``.

Peers, each in its own virtual environment under ``bench/out/peers/venvs`` (made on first use
with ``python -m venv`` and pip, never in the project's): the plain datasketch script
(``bench/baseline.py``), a rensa script (Rust MinHash, datasketch's LSH), datatrove's four MinHash
stages, and text-dedup's MinHash where it installs. Each is a small script in ``bench/peers/``
that reads a list of files and writes its clusters as JSON; policy-dedup runs as
``policy-dedup dedupe FOLDER --format json --jobs 2``. The floor (``bench/peers/floor.py``) is
reading, decoding and 128-permutation signatures alone.

Each tool runs ``--runs`` times, interleaved (the order rotates each round), once the files have
been read once untimed (no tool reads them cold). For each: median
wall time, peak memory of its whole process tree (RSS of the process and its descendants, read
from /proc every 50 ms; PSS every second), CPU time over wall (2.0 = both cores busy), and pair precision, recall
and F1 against the truth. Then the targets, each met or how far, and policy-dedup's stage split
at the largest size (``bench/speed.py``, one core, in this process).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.data import need  # noqa: E402

CACHE = ROOT / "bench" / "out" / "peers"
SCRIPTS = ROOT / "bench" / "peers"
POLL = 0.05
# PSS comes from smaps_rollup, which walks every page table of the process and holds its memory
# map's lock meanwhile: read every 50 ms, it slowed policy-dedup's two busy processes by a fifth
# at 100,000 files (114.8 s against 91.8 s unobserved) and the one-process rensa script by 3.5%
# (78.7 s against 76.0 s). RSS (statm, cheap) is still read every POLL; PSS every PSS_EVERY, and
# sooner when RSS has grown.
PSS_EVERY = 1.0
# as installed: each tool imports compiled bytecode (pip compiles the peers' packages when it installs
# them; with PYTHONDONTWRITEBYTECODE set, the project's modules would be compiled anew in every run)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
PAGE = os.sysconf("SC_PAGE_SIZE")


# ---- pairs against the truth ------------------------------------------------------------------


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    true_pairs: int  # found and true
    found_pairs: int
    gold_pairs: int


def _pairs(sizes: Iterable[int]) -> int:
    return sum(n * (n - 1) // 2 for n in sizes)


def pair_scores(predicted: Iterable[Iterable[str]], truth: Mapping[str, str]) -> Scores:
    """Pair precision, recall and F1 of ``predicted`` clusters against ``truth`` (file → true
    cluster). Counted from cluster sizes, never by listing pairs, so that a tool that merges
    thousands of files into one cluster is scored in linear time. A file of the truth that no
    predicted cluster holds is alone; a predicted file the truth does not know is ignored; a file
    listed twice counts once."""
    label: dict[str, int] = {}
    for i, cluster in enumerate(predicted):
        for path in cluster:
            if path in truth:
                label.setdefault(path, i)
    found = _pairs(Counter(label.values()).values())
    gold = _pairs(Counter(truth.values()).values())
    true = _pairs(Counter((c, truth[p]) for p, c in label.items()).values())
    precision = true / found if found else 1.0
    recall = true / gold if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1, true, found, gold)


# ---- memory and time of a process tree ----------------------------------------------------------


def children(pid: int, proc: Path = Path("/proc")) -> list[int]:
    """The children of every thread of ``pid`` (a pool's helper thread forks workers too)."""
    out: list[int] = []
    try:
        for task in (proc / str(pid) / "task").iterdir():
            try:
                out += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
    except OSError:
        return []
    return out


def tree(pid: int, proc: Path = Path("/proc")) -> list[int]:
    """``pid`` and all its descendants alive now."""
    seen, todo = [], [pid]
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.append(p)
        todo += children(p, proc)
    return seen


def rss(pid: int, proc: Path = Path("/proc")) -> int:
    """Resident bytes of one process (0 once it is gone)."""
    try:
        return int((proc / str(pid) / "statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


TICK = os.sysconf("SC_CLK_TCK")


def pss(pid: int, proc: Path = Path("/proc")) -> int:
    """Proportional resident bytes of one process: a page shared by n processes (a forked worker's
    copy of its parent) counts 1/n in each, so a tree's sum is what it holds of the machine's memory."""
    try:
        for line in (proc / str(pid) / "smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def cpu_seconds(pid: int, proc: Path = Path("/proc")) -> float:
    """User + system seconds one process has spent so far (its own, not its children's)."""
    try:
        fields = (proc / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime: fields 14 and 15 of stat
    except (OSError, IndexError, ValueError):
        return 0.0


def tree_rss(pid: int, proc: Path = Path("/proc")) -> int:
    """Resident bytes of ``pid`` and its descendants, added up (pages shared after a fork count
    once per process, as a machine's free memory sees them only roughly: an upper bound)."""
    return sum(rss(p, proc) for p in tree(pid, proc))


def _waited() -> float:
    """User + system seconds of this process's descendants it (or they) waited for, so far."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


class TreeCpu:
    """User + system seconds a process tree has spent since this was made: each live process's own
    (read from /proc), plus those gone, either as last seen or as the kernel's account of the
    descendants waited for (``RUSAGE_CHILDREN``), whichever is larger. A pool started by a fork
    server is not the waited-for descendant of the tool, but its workers are in the tree while they
    run; a process that lived between two looks is known to the kernel alone."""

    def __init__(self) -> None:
        self.seen: dict[int, float] = {}
        self.waited = _waited()

    def look(self, pids: Iterable[int]) -> None:
        """Note the CPU seconds of each of ``pids`` (one gone keeps what was last seen of it)."""
        self.seen.update({p: cpu_seconds(p) or self.seen.get(p, 0.0) for p in pids})

    def seconds(self, live: Collection[int] = ()) -> float:
        """The tree's seconds as last looked at; ``live``: its processes still running then."""
        running = sum(self.seen.get(p, 0.0) for p in live)
        gone = sum(v for p, v in self.seen.items() if p not in live)
        return running + max(gone, _waited() - self.waited)

    def now(self, root: int) -> float:
        """The seconds of ``root``'s tree (``root`` alive), looked at now."""
        pids = tree(root)
        self.look(pids)
        return self.seconds(set(pids))


@dataclass
class Run:
    wall: float
    cpu: float  # user + system seconds of the whole tree
    peak_mb: float  # RSS of the tree, added up: pages shared after a fork count in every process
    pss_mb: float = 0.0  # PSS of the tree, added up: each page once
    error: str = ""


def run_tree(cmd: list[str], stdout: Path, cwd: Path, timeout: float, ok: tuple[int, ...] = (0,)) -> Run:
    """Run ``cmd``, polling the RSS of its process tree every 50 ms and its PSS every second (see
    PSS_EVERY), and its CPU time as :class:`TreeCpu` counts it."""
    cpu = TreeCpu()
    log = stdout.with_suffix(".stderr")
    start = time.perf_counter()
    with stdout.open("wb") as out, log.open("wb") as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=cwd, env=ENV)
        peak, peak_pss, pss_at, pss_rss = 0, 0, 0.0, 0
        while proc.poll() is None:
            pids = tree(proc.pid)
            now_rss = sum(rss(p) for p in pids)
            peak = max(peak, now_rss)
            since = time.perf_counter() - pss_at
            # PSS every PSS_EVERY, and sooner (not within 4 polls) when RSS has grown by 5%
            if since >= PSS_EVERY or (now_rss > 1.05 * pss_rss and since >= 4 * POLL):
                peak_pss, pss_at, pss_rss = max(peak_pss, sum(pss(p) for p in pids)), time.perf_counter(), now_rss
            cpu.look(pids)
            if time.perf_counter() - start > timeout:
                proc.kill()
                proc.wait()
                break
            time.sleep(POLL)
    wall = time.perf_counter() - start
    error = ""
    if proc.returncode not in ok:
        tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
        error = f"exit {proc.returncode}: {' / '.join(tail)}"
    return Run(wall, cpu.seconds(), peak / 2**20, peak_pss / 2**20, error)  # the tree is gone: none live


# ---- the data --------------------------------------------------------------------------------


def generate(realdata: Path, size: int, seed: int = 7) -> tuple[Path, dict[str, str]]:
    """The folder of ``size`` files and their truth (file → true cluster), built once."""
    from bench import accuracy, incremental

    home = CACHE / "data" / f"{size}-{seed}"
    truth_file = home / "truth.json"
    if truth_file.exists():
        return home / "files", json.loads(truth_file.read_text(encoding="utf-8"))
    shutil.rmtree(home, ignore_errors=True)
    files = home / "files"
    files.mkdir(parents=True)
    bases = min(200, max(10, size // 50))
    truth, _ = accuracy.build(realdata, files, bases, seed)
    for name, notice, make in incremental.archive(realdata, max(0, size - len(truth)), seed):
        path = files / name
        path.write_bytes(make())
        truth[str(path)] = f"notice{notice}"
    (home / "list.txt").write_text("\n".join(sorted(truth)) + "\n", encoding="utf-8")
    truth_file.write_text(json.dumps(truth), encoding="utf-8")
    return files, truth


# ---- the tools -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Peer:
    venv: str
    packages: tuple[str, ...]
    script: str
    parallel: bool = False  # takes --jobs


PEERS = {
    "rensa": Peer("rensa", ("rensa", "datasketch", "chardet"), "rensa_script.py"),
    "datatrove": Peer(
        "datatrove", ("datatrove", "regex", "nltk", "xxhash<4", "tokenizers", "chardet"), "datatrove_script.py", True
    ),
    "datasketch": Peer("datasketch", ("datasketch", "chardet"), "datasketch_script.py"),
    "text-dedup": Peer("textdedup", ("text-dedup", "chardet"), "textdedup_script.py"),
}
LABELS = {
    "policy-dedup": "policy-dedup",
    "floor": "floor (read, decode, signatures)",
    "rensa": "rensa script",
    "datatrove": "datatrove",
    "datasketch": "datasketch script",
    "text-dedup": "text-dedup",
}


# policy-dedup exits 1 when it found duplicates and 2 when it refused some files (named on stderr:
# a few generated OCR and PDF spans hold no sentence), which it leaves out of its clusters: alone
OK_CODES = {"policy-dedup": (0, 1, 2)}


class Unavailable(Exception):
    """A peer that cannot run here, with why."""


def environment(peer: Peer) -> Path:
    """The peer's own interpreter, its environment made and filled on first use."""
    home = CACHE / "venvs" / peer.venv
    python = home / "bin" / "python"
    stamp = home / ".installed"
    wanted = " ".join(peer.packages)
    if stamp.exists() and stamp.read_text() == wanted:
        return python
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(home)], check=True)
    print(f"installing {wanted} into {home} (once)…", file=sys.stderr)
    done = subprocess.run([str(python), "-m", "pip", "install", "-q", *peer.packages], capture_output=True, text=True)
    if done.returncode:
        lines = [x for x in done.stderr.splitlines() if x.startswith("ERROR")] or done.stderr.splitlines()[-1:]
        raise Unavailable(f"pip install {wanted} failed: {' '.join(lines)[:300]}")
    stamp.write_text(wanted)
    return python


def command(tool: str, folder: Path, jobs: int) -> list[str]:
    listing = folder.parent / "list.txt"
    out = folder.parent / f"{tool}.clusters.json"
    if tool == "policy-dedup":
        return [str(ROOT / ".venv" / "bin" / "policy-dedup"), "dedupe", str(folder), "--format", "json",
                "--jobs", str(jobs), "--quiet"]  # fmt: skip
    if tool == "floor":
        return [sys.executable, str(SCRIPTS / "floor.py"), str(listing), str(out), "--jobs", str(jobs)]
    peer = PEERS[tool]
    if not (SCRIPTS / peer.script).exists():
        raise Unavailable(f"no script {peer.script}")
    extra = ["--jobs", str(jobs)] if peer.parallel else []
    return [str(environment(peer)), str(SCRIPTS / peer.script), str(listing), str(out), *extra]


def clusters_of(tool: str, folder: Path, stdout: Path) -> list[list[str]]:
    if tool == "policy-dedup":
        groups: dict[str, list[str]] = {}
        for doc in json.loads(stdout.read_text(encoding="utf-8"))["documents"]:
            groups.setdefault(doc["cluster"], []).append(doc["path"])
        return list(groups.values())
    return json.loads((folder.parent / f"{tool}.clusters.json").read_text(encoding="utf-8"))


@dataclass
class Result:
    runs: list[Run] = field(default_factory=list)
    scores: Scores | None = None
    skipped: str = ""

    @property
    def ok(self) -> list[Run]:
        return [r for r in self.runs if not r.error]

    @property
    def wall(self) -> float:
        return statistics.median(r.wall for r in self.ok)

    @property
    def peak(self) -> float:
        return max(r.peak_mb for r in self.ok)

    @property
    def pss(self) -> float:
        return max(r.pss_mb for r in self.ok)

    @property
    def busy(self) -> float:
        return statistics.median(r.cpu / r.wall for r in self.ok)


def warm(folder: Path) -> None:
    """Read every file of ``folder`` once, untimed: the system lets go of cached files it has not
    read for a while, and the first tool of the first round read them from disk (policy-dedup at
    10,000 files: 11.0 s with the system's caches dropped, 9.5 s right after; at 100,000 its first
    run of a set took 175 CPU s where the next two took 153)."""
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            path.read_bytes()


def measure(tools: list[str], folder: Path, truth: dict[str, str], runs: int, jobs: int, timeout: float) -> dict:
    results = {t: Result() for t in tools}
    commands: dict[str, list[str]] = {}
    for tool in tools:
        try:
            commands[tool] = command(tool, folder, jobs)
        except Unavailable as why:
            results[tool].skipped = str(why)
    live = [t for t in tools if t in commands]
    warm(folder)
    for round_ in range(runs):
        shift = round_ % len(live) if live else 0
        for tool in live[shift:] + live[:shift]:
            stdout = folder.parent / f"{tool}.stdout"
            run = run_tree(commands[tool], stdout, CACHE, timeout, OK_CODES.get(tool, (0,)))
            results[tool].runs.append(run)
            state = run.error or "ok"
            print(f"  round {round_ + 1}: {tool} {run.wall:.1f} s, {run.peak_mb:.0f} MB, cpu {run.cpu:.1f} s ({state})",
                  file=sys.stderr)  # fmt: skip
            if not run.error and results[tool].scores is None and tool != "floor":
                results[tool].scores = pair_scores(clusters_of(tool, folder, stdout), truth)
    for tool in live:
        if not results[tool].ok:
            results[tool].skipped = results[tool].runs[-1].error
    return results


# ---- what is printed -------------------------------------------------------------------------


def table(by_size: dict[int, dict[str, Result]], tools: list[str]) -> None:
    print("| files | tool | wall s (median) | runs | peak RSS MB (tree) | peak PSS MB (tree) | CPU / wall | precision "
          "| recall | F1 |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|")
    for size, results in by_size.items():
        for tool in tools:
            r = results[tool]
            if not r.ok:
                print(f"| {size:,} | {LABELS[tool]} | skipped: {r.skipped} | | | | | | | |")
                continue
            s = r.scores
            quality = f"{s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f}" if s else "– | – | –"
            print(
                f"| {size:,} | {LABELS[tool]} | {r.wall:.1f} | {len(r.ok)} | {r.peak:.0f} | {r.pss:.0f} | {r.busy:.2f} | {quality} |"
            )
    print()
    print("| files | " + " | ".join(LABELS[t] for t in tools) + " |")
    print("|---" * (len(tools) + 1) + "|")
    for size, results in by_size.items():
        cells = []
        for tool in tools:
            r = results[tool]
            f1 = f", F1 {r.scores.f1:.2f}" if r.ok and r.scores else ""
            cells.append(f"{r.wall:.1f} s, {r.peak:.0f} MB{f1}" if r.ok else "skipped")
        print(f"| {size:,} generated | " + " | ".join(cells) + " |")


def targets(by_size: dict[int, dict[str, Result]]) -> list[str]:
    """Each target, met or how far, in words."""
    lines = []
    for size, results in by_size.items():
        ours = results.get("policy-dedup")
        peers = {t: r for t, r in results.items() if t in PEERS and r.ok}
        if not ours or not ours.ok or not peers:
            lines.append(f"{size:,}: not measured (policy-dedup or every peer missing)")
            continue
        fast = min(peers, key=lambda t: peers[t].wall)
        light = min(peers, key=lambda t: peers[t].peak)
        f1 = ours.scores.f1 if ours.scores else 0.0
        ratio = ours.wall / peers[fast].wall
        met = ratio <= 1 and f1 >= 0.98
        lines.append(
            f"{size:,}: wall ≤ fastest peer's with F1 ≥ 0.98: {'met' if met else 'NOT met'} "
            f"({ours.wall:.1f} s against {LABELS[fast]}'s {peers[fast].wall:.1f} s: {ratio:.2f}×; F1 {f1:.3f})"
        )
        mem = ours.peak / peers[light].peak
        light_pss = min(peers, key=lambda t: peers[t].pss)
        lines.append(
            f"{size:,}: peak memory ≤ 1.5× the lightest peer's: {'met' if mem <= 1.5 else 'NOT met'} "
            f"(tree RSS {ours.peak:.0f} MB against {LABELS[light]}'s {peers[light].peak:.0f} MB: {mem:.2f}×; "
            f"tree PSS {ours.pss:.0f} MB against {LABELS[light_pss]}'s {peers[light_pss].pss:.0f} MB: "
            f"{ours.pss / max(peers[light_pss].pss, 1e-9):.2f}×)"
        )
        lines.append(
            f"{size:,}: CPU ≥ 1.7× wall (both cores busy): {'met' if ours.busy >= 1.7 else 'NOT met'} "
            f"({ours.busy:.2f}×)"
        )
        floor = results.get("floor")
        if floor and floor.ok:
            lines.append(f"{size:,}: policy-dedup takes {ours.wall / floor.wall:.1f}× the floor's {floor.wall:.1f} s")
    small, large = by_size.get(10_000, {}).get("policy-dedup"), by_size.get(100_000, {}).get("policy-dedup")
    if small and large and small.ok and large.ok:
        growth = large.wall / small.wall
        lines.append(f"10k → 100k time growth ≤ 11×: {'met' if growth <= 11 else 'NOT met'} ({growth:.1f}×)")
    else:
        lines.append("10k → 100k time growth ≤ 11×: not measured (needs both --sizes 10000 and 100000)")
    return lines


def stages(folder: Path) -> None:
    """policy-dedup's time by stage (``bench/speed.py``) on the files its last run read: those it
    refused (no sentence: not a notice) would stop the split, which catches nothing."""
    from bench.speed import stage_split

    out = folder.parent / "policy-dedup.stdout"
    try:
        files = sorted({d["path"] for d in json.loads(out.read_text(encoding="utf-8"))["documents"]})
    except (OSError, ValueError, KeyError):
        print(f"\nno stage split: policy-dedup's output {out} is missing or not JSON")
        return
    print(f"\npolicy-dedup stages on the {len(files):,} files it read, one core, in-process (bench/speed.py):")
    print("| stage | s | share |")
    print("|---|---|---|")
    split = stage_split(files)
    total = sum(split.values())
    for stage, seconds in split.items():
        print(f"| {stage} | {seconds:.1f} | {seconds / total:.0%} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--realdata", type=Path, default=ROOT.parent / "shared" / "realdata")
    parser.add_argument("--sizes", default="10000", help="comma-separated corpus sizes [10000]")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--tools", default=",".join(LABELS), help=f"a subset of {','.join(LABELS)}")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds before one run is stopped")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-stages", action="store_true", help="skip policy-dedup's stage split")
    args = parser.parse_args()
    need(args.realdata, "lawrefbook")
    sizes = [int(s) for s in args.sizes.split(",")]
    tools = [t for t in args.tools.split(",") if t]
    unknown = [t for t in tools if t not in LABELS]
    if unknown:
        raise SystemExit(f"unknown tool {', '.join(unknown)}: pick from {','.join(LABELS)}")
    random.seed(args.seed)
    by_size: dict[int, dict[str, Result]] = {}
    folders = {}
    for size in sizes:
        print(f"building or reusing {size:,} files…", file=sys.stderr)
        folder, truth = generate(args.realdata, size, args.seed)
        folders[size] = folder
        print(f"{size:,} files, {len(set(truth.values())):,} true clusters", file=sys.stderr)
        by_size[size] = measure(tools, folder, truth, args.runs, args.jobs, args.timeout)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"sizes run: {', '.join(f'{s:,}' for s in sizes)}; {args.runs} interleaved runs each; --jobs {args.jobs}; "
          f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; finished {started}\n")  # fmt: skip
    table(by_size, tools)
    print("\ntargets:")
    for line in targets(by_size):
        print(f"- {line}")
    if not args.no_stages:
        stages(folders[max(sizes)])


if __name__ == "__main__":
    main()

"""The peers bench's own arithmetic: pair scores against a truth, and the memory and CPU of a
process tree read from /proc (a hand-made /proc folder, then this process's own). No peer is
installed or run here."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.peers import PAGE, TICK, Run, TreeCpu, cpu_seconds, pair_scores, pss, rss, run_tree, tree, tree_rss

TRUTH = {"a": "x", "b": "x", "c": "x", "d": "y", "e": "y", "f": "z"}  # gold pairs: ab ac bc de = 4


def test_perfect_clusters_score_one() -> None:
    s = pair_scores([["a", "b", "c"], ["d", "e"], ["f"]], TRUTH)
    assert (s.precision, s.recall, s.f1) == (1.0, 1.0, 1.0)
    assert (s.true_pairs, s.found_pairs, s.gold_pairs) == (4, 4, 4)


def test_a_false_merge_costs_precision_and_a_split_costs_recall() -> None:
    merged = pair_scores([["a", "b", "c", "d", "e"], ["f"]], TRUTH)  # 10 pairs found, 4 true
    assert (merged.true_pairs, merged.found_pairs) == (4, 10)
    assert merged.precision == pytest.approx(0.4) and merged.recall == 1.0
    split = pair_scores([["a", "b"], ["c"], ["d", "e"]], TRUTH)  # f unlisted: alone
    assert (split.true_pairs, split.found_pairs) == (2, 2)
    assert split.precision == 1.0 and split.recall == pytest.approx(0.5)
    assert split.f1 == pytest.approx(2 * 0.5 / 1.5)


def test_files_unknown_to_the_truth_and_repeats_are_ignored() -> None:
    s = pair_scores([["a", "b", "zz", "a"], ["c", "yy"], ["d", "e"]], TRUTH)
    assert (s.true_pairs, s.found_pairs, s.gold_pairs) == (2, 2, 4)


def test_no_pairs_anywhere_is_perfect_not_a_division_by_zero() -> None:
    s = pair_scores([["a"], ["b"]], {"a": "1", "b": "2"})
    assert (s.precision, s.recall, s.f1) == (1.0, 1.0, 1.0)
    assert pair_scores([], TRUTH).recall == 0.0


def fake_process(proc: Path, pid: int, pages: int, ticks: int, kids: dict[int, list[int]]) -> None:
    for tid, children in kids.items():
        task = proc / str(pid) / "task" / str(tid)
        task.mkdir(parents=True)
        (task / "children").write_text(" ".join(map(str, children)) + (" " if children else ""))
    (proc / str(pid) / "statm").write_text(f"9999 {pages} 10 1 0 50 0\n")
    rest = ["0"] * 40
    rest[11], rest[12] = str(ticks), str(ticks)
    (proc / str(pid) / "stat").write_text(f"{pid} (a (weird) name) S 1 " + " ".join(rest[2:]) + "\n")


def test_tree_adds_descendants_of_every_thread_and_skips_vanished_ones(tmp_path: Path) -> None:
    # 10 has a worker thread 11 that forked 30; 20 forked 40 and 50; 50 is gone already
    fake_process(tmp_path, 10, 100, 5, {10: [20], 11: [30]})
    fake_process(tmp_path, 20, 200, 5, {20: [40, 50]})
    fake_process(tmp_path, 30, 300, 5, {30: []})
    fake_process(tmp_path, 40, 400, 5, {40: []})
    assert sorted(tree(10, tmp_path)) == [10, 20, 30, 40, 50]
    assert rss(50, tmp_path) == 0
    assert tree_rss(10, tmp_path) == (100 + 200 + 300 + 400) * PAGE
    assert tree_rss(20, tmp_path) == 600 * PAGE
    assert cpu_seconds(30, tmp_path) == pytest.approx(10 / TICK)  # the name's ')' does not shift the fields
    assert cpu_seconds(50, tmp_path) == 0.0


def test_tree_memory_of_a_real_process_holds_its_child(tmp_path: Path) -> None:
    """A parent holding 30 MB and a child holding 60 MB: the tree's RSS holds both, the parent's
    own RSS only its part."""
    script = (
        "import os, subprocess, sys, time; a = bytearray(30 << 20); a[::4096] = b'x' * len(a[::4096]); "
        "c = subprocess.Popen([sys.executable, '-c', \"b = bytearray(60 << 20); b[::4096] = b'y' * len(b[::4096]); "
        'import time; time.sleep(30)"]); time.sleep(30)'
    )
    proc = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.time() + 20
        while time.time() < deadline and tree_rss(proc.pid) < 90 << 20:
            time.sleep(0.1)
        assert len(tree(proc.pid)) == 2
        assert tree_rss(proc.pid) >= 90 << 20
        assert rss(proc.pid) < 80 << 20
    finally:
        for pid in reversed(tree(proc.pid)):
            os.kill(pid, 9)
        proc.wait()


def test_run_tree_counts_a_childs_cpu_and_peak(tmp_path: Path) -> None:
    busy = "import subprocess, sys; subprocess.run([sys.executable, '-c', 'x = bytearray(50 << 20); x[::4096] = b\"z\" * len(x[::4096]); sum(range(30_000_000))'])"
    run = run_tree([sys.executable, "-c", busy], tmp_path / "out", tmp_path, timeout=120)
    assert isinstance(run, Run) and not run.error
    assert run.cpu > 0.3
    assert run.peak_mb >= 50 and run.pss_mb >= 40
    failed = run_tree([sys.executable, "-c", "import sys; sys.exit(3)"], tmp_path / "bad", tmp_path, timeout=60)
    assert failed.error.startswith("exit 3")


def test_tree_cpu_counts_this_process_and_a_child_it_never_saw_running() -> None:
    """What bench/stages.py reads around each stage: this process's own seconds as /proc has them,
    and a child's that lived between two looks as the kernel accounts those waited for."""
    clock = TreeCpu()
    start = clock.now(os.getpid())
    subprocess.run([sys.executable, "-c", "sum(range(20_000_000))"], check=True)
    child = clock.now(os.getpid()) - start
    assert child > 0.2
    own = time.process_time()
    sum(range(20_000_000))
    own = time.process_time() - own
    assert clock.now(os.getpid()) - start - child == pytest.approx(own, abs=0.1)


def test_pss_reads_the_proportional_size_and_is_zero_when_unreadable(tmp_path: Path) -> None:
    (tmp_path / "7").mkdir()
    (tmp_path / "7" / "smaps_rollup").write_text(
        "55-7f ---p 00000000 00:00 0  [rollup]\nRss:    1748 kB\nPss:     224 kB\nPss_Dirty:   112 kB\n"
    )
    assert pss(7, tmp_path) == 224 * 1024
    assert pss(8, tmp_path) == 0
    assert pss(os.getpid()) > 0  # this process's own


def test_a_forked_child_counts_once_in_pss_twice_in_rss(tmp_path: Path) -> None:
    script = (
        "import os, time; a = bytearray(80 << 20); a[::4096] = b'x' * len(a[::4096]); pid = os.fork(); time.sleep(30)"
    )
    proc = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.time() + 20
        while time.time() < deadline and (len(tree(proc.pid)) < 2 or tree_rss(proc.pid) < 160 << 20):
            time.sleep(0.1)
        pids = tree(proc.pid)
        assert len(pids) == 2 and tree_rss(proc.pid) >= 160 << 20
        assert 75 << 20 <= sum(pss(p) for p in pids) < 130 << 20
    finally:
        for pid in reversed(tree(proc.pid)):
            os.kill(pid, 9)
        proc.wait()

"""Chunks shared between this process and its workers come back in order, whoever did them."""

from __future__ import annotations

import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from dedupe.sharing import in_order


def _slow_square(x: int) -> tuple[int, str]:
    time.sleep(0.002)
    return x * x, threading.current_thread().name


def test_results_come_in_order_and_both_sides_work():
    chunks = list(range(200))
    with ThreadPoolExecutor(1, thread_name_prefix="worker") as pool:
        out = list(in_order(pool, 1, chunks, lambda p, c: p.submit(_slow_square, c), _slow_square))
    assert [v for v, _ in out] == [c * c for c in chunks]
    who = {name.startswith("worker") for _, name in out}
    assert who == {True, False}, "the worker and this process each did some chunks"


def test_without_a_pool_every_chunk_is_done_here():
    out = list(in_order(None, 0, [1, 2, 3], lambda p, c: p.submit(_slow_square, c), _slow_square))
    assert [v for v, _ in out] == [1, 4, 9] and {n for _, n in out} == {threading.current_thread().name}


def test_a_caller_that_stops_early_leaves_no_chunk_queued():
    """Two workers' worth of chunks queued on a pool that runs one at a time: those still queued
    when the caller stops are cancelled, not run."""
    submitted = []
    with ThreadPoolExecutor(1) as pool:

        def remote(p, c):
            submitted.append(p.submit(_slow_square, c))
            return submitted[-1]

        results = in_order(pool, 2, list(range(50)), remote, _slow_square)
        next(results)
        results.close()
    assert len(submitted) <= 5, "only a few chunks are queued ahead"
    assert any(f.cancelled() for f in submitted), "those not started are cancelled"


def test_free_heap_pages_go_back_to_the_system(monkeypatch):
    """After a chunk of work the C heap's free pages are returned (glibc), at most every so often."""
    import sys

    import pytest

    from bench.peers import rss
    from dedupe import sharing

    if sharing._malloc_trim() is None:
        pytest.skip(f"no glibc malloc_trim on {sys.platform}")

    monkeypatch.setattr(sharing, "_given_back", [0.0])
    held = [bytes(8000 + k % 500) for k in range(20_000)]  # about 160 MB in C-heap blocks
    del held[::2]  # every other block freed: holes the heap keeps
    before = rss(os.getpid())
    sharing.give_back()
    assert rss(os.getpid()) < before - 20 * 2**20
    calls = []
    monkeypatch.setattr(sharing, "_malloc_trim", lambda: calls.append)
    sharing.give_back()  # too soon after the last
    assert calls == []
    del held


def _note_pid(path: str) -> None:
    with open(path, "a", encoding="utf-8") as out:
        out.write(f"{os.getpid()}\n")


def test_each_worker_of_a_command_runs_a_task_once(tmp_path):
    """``Workers.each``: every worker runs it, none twice (they are not waited for: polled here)."""
    import functools

    from dedupe.sharing import Workers

    log = tmp_path / "pids"
    with Workers(3) as workers:
        pool = workers.pool()
        assert pool is not None and workers.started
        workers.each(functools.partial(_note_pid, str(log)))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(log.read_text().split() if log.exists() else []) < 2:
            time.sleep(0.05)
        pids = log.read_text().split()
    assert len(pids) == 2 and len(set(pids)) == 2 and str(os.getpid()) not in pids
    assert not workers.started, "closed with the command"


def test_a_command_s_workers_are_forked_once_when_first_asked_for():
    from dedupe.sharing import Workers

    with Workers(2) as workers:
        assert not workers.started
        first = workers.pool()
        assert first is not None and workers.pool() is first
        assert first.submit(os.getppid).result() == os.getpid()
    assert Workers(1).pool() is None, "one job: no worker"


def test_what_reading_leaves_is_let_go_and_read_again_when_needed():
    """``done_reading``: chardet's tables go (their memory with them), and a later detection reads
    them again and decides as before."""
    import sys

    import pytest

    from bench.peers import rss
    from dedupe import sharing
    from dedupe.files import done_reading
    from normalize.decode import decode

    if sharing._malloc_trim() is None:
        pytest.skip(f"no glibc malloc_trim on {sys.platform}")
    data = "关于印发《城市更新行动实施方案》的通知，各区人民政府：现将方案印发给你们，请认真贯彻执行。".encode(
        "gb18030"
    )
    first = decode(data)
    assert first.via == "chardet"
    before = rss(os.getpid())
    done_reading()
    assert rss(os.getpid()) < before - 10 * 2**20, "the tables' memory is given back"
    assert decode(data) == first


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pipe buffers are sized on Linux only")
def test_workers_send_results_through_a_wide_pipe():
    """Every pool (a command's workers, reading's and verification's own) is started by
    ``processes``: a chunk's results (about 900 KB for 64 notices) fit in the pipe back, so a
    worker does not wait mid-write for this process to read them, and tasks go out through one as
    wide."""
    import fcntl

    from dedupe.sharing import PIPE_BYTES, Workers, processes

    with Workers(2) as workers, processes(1) as own:
        for pool in (workers.pool(), own):
            assert pool is not None
            back = fcntl.fcntl(pool._result_queue._reader.fileno(), fcntl.F_GETPIPE_SZ)
            out = fcntl.fcntl(pool._call_queue._writer.fileno(), fcntl.F_GETPIPE_SZ)
            assert back >= PIPE_BYTES and out >= PIPE_BYTES
            assert pool.submit(bytes, 3 * PIPE_BYTES // 2).result() == bytes(3 * PIPE_BYTES // 2)

"""The corpus lock, the one place it is taken: an ``flock`` on ``corpus/.lock`` (``filelock``).

The kernel drops it when the process ends, however it ends: there is no stale lock to take over.
On a corpus this user cannot write (a read-only mount, a shared archive) the lock file is locked
shared through a read-only handle, or, when there is none, not at all: no command of this user
can change the corpus meanwhile. The context yields whether the corpus can be written.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from dedupe.errors import CorpusError

LOCK = ".lock"


def not_a_corpus(root: Path) -> CorpusError:
    """The error of a folder that holds no corpus, saying what to do."""
    return CorpusError(
        f"{root} is not a corpus (no manifest.csv there): give the corpus folder with --corpus, "
        f"or create one with: policy-dedup ingest FILES --corpus {root}"
    )


def busy(root: Path, timeout: float) -> CorpusError:
    return CorpusError(
        f"the corpus {root} is in use by another command (held for over {timeout:.0f} s); "
        "wait for it to finish and run this one again"
    )


@contextlib.contextmanager
def locked(root: Path, timeout: float) -> Iterator[bool]:
    """Hold the corpus lock; yields True when it could be taken for writing. Raises ``Timeout``
    when another command holds it for longer than ``timeout`` seconds."""
    try:
        lock = FileLock(root / LOCK, timeout=timeout)
        lock.acquire()
    except Timeout:
        raise
    except OSError:
        with _read_only_lock(root / LOCK, timeout):
            yield False
        return
    try:
        yield True
    finally:
        lock.release()


@contextlib.contextmanager
def _read_only_lock(path: Path, timeout: float) -> Iterator[None]:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        yield
        return
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise Timeout(str(path)) from None
                time.sleep(0.1)
        yield
    finally:
        os.close(fd)

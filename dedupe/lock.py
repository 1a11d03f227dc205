"""A lock file that keeps a second writer of a corpus waiting, then failing with a clear message."""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

from dedupe.errors import CorpusError


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def corpus_lock(path: Path, timeout: float = 60.0, poll: float = 0.1) -> Iterator[None]:
    """Hold ``path`` (``corpus/.lock``) while writing; wait up to ``timeout`` seconds for another
    writer. A lock left by a process that no longer runs (a killed ingest) is taken over."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            holder = _holder(path)
            if holder is not None and not _alive(holder.get("pid", -1)):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                continue
            if time.monotonic() >= deadline:
                who = f"process {holder['pid']} since {holder.get('since', '?')}" if holder else "another process"
                raise CorpusError(
                    f"the corpus is locked by {who}; wait for it to finish, or delete {path} if no ingest is running"
                ) from None
            time.sleep(poll)
            continue
        with os.fdopen(fd, "w") as handle:
            json.dump({"pid": os.getpid(), "since": time.strftime("%Y-%m-%dT%H:%M:%S")}, handle)
        break
    try:
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _holder(path: Path) -> dict[str, int | str] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("pid"), int) else None

"""A file's bytes from disk: a regular file's only, up to a limit, and asked for ahead."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable

MAX_BYTES = 100 * 1024 * 1024  # a notice larger than this is not a notice (or not a text)


def special_kind(mode: int) -> str | None:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):  # fmt: skip
        if test(mode):
            return name
    return None if stat.S_ISREG(mode) else "not a regular file"


def read_bytes(path: str, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file, at most ``max_bytes`` (a FIFO or device is refused, never read:
    it is opened without blocking and checked before reading)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        st = os.fstat(fd)
        kind = special_kind(st.st_mode)
        if kind:
            raise OSError(f"is {kind}: only regular files are read")
        want = min(st.st_size, max_bytes) + 1  # asking for max_bytes made a 100 MB buffer each file
        data = _read_up_to(fd, want)
        if len(data) == want <= max_bytes:  # more than its size said (a file growing, a system file)
            data += _read_up_to(fd, max_bytes + 1 - len(data))
        if data and not st.st_size:
            raise OSError("says it holds 0 bytes yet has content: a system file, not a notice")
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise OSError(f"is over the limit of {max_bytes:,} bytes (raise it with --max-bytes)")
    return data


def _read_up_to(fd: int, size: int) -> bytes:
    """At most ``size`` bytes from ``fd``, fewer only at its end (the system's calls, without a
    file object: making one was a third of the time of reading 10,000 notices' bytes)."""
    parts = []
    while size > 0 and (part := os.read(fd, size)):
        parts.append(part)
        size -= len(part)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def ask_ahead(paths: Iterable[str]) -> None:
    """Ask the system to bring these files' bytes into its cache now, without waiting for them
    (``posix_fadvise(WILLNEED)``), so that reading them one after the other does not wait for the
    disk each time: a reader asks for the rest of its chunk's files as it reads the first (a file
    read alone, as ``check``'s one file or each of a reading in one process, is not asked for). A
    file not in the cache took 120 µs to read, one asked for ahead 8 µs (3,000 generated notices
    after the cache was emptied, 0.5 ms of work each between two). Where the call is missing, or a file cannot be
    opened, nothing: the read says why."""
    advise = getattr(os, "posix_fadvise", None)
    if advise is None:
        return
    for path in paths:
        with contextlib.suppress(OSError):
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
            try:
                advise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
            finally:
                os.close(fd)

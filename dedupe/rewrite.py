"""Replacing a large file that changes a little at each write, by writing over a spare.

Writing a new 27 MB ``manifest.csv`` and renaming it over the old one makes the file system
allocate the new file's blocks and free the old one's. On ext4 here that took 21–31 ms of an
ingest's 35–59 ms write, for a file of which a few rows changed. Here the new
content is written over the *spare*, the file that the previous replacement retired, whose blocks
are already there; the rename then retires the current file as the next spare, through a second
link, so that nothing is freed: 4 ms for the same write.

The replacement stays atomic (a reader sees the old file or the new one, never a mix, and a crash
at any point leaves the old or the new file in place), and the spare is written only when nobody
holds it: readers of the file take a shared ``flock`` (:func:`locked`), and the writer takes
the spare only with an exclusive one that it can get at once. A spare that is in use, linked
elsewhere or is the live file itself is left to whoever holds it, and a new one is written instead.
A program that keeps the file open without the lock (an editor, ``less``) across two replacements
sees its content change; the file on disk is always whole.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

try:
    import fcntl
except ImportError:  # no flock: every replacement writes a new file
    fcntl = None  # type: ignore[assignment]


@contextlib.contextmanager
def locked(path: Path) -> Iterator[Path | bytes]:
    """The file held under a shared lock, so that it is not taken as a spare while it is read:
    a name of that very file (``/proc/self/fd/N``, which a reader can map), or its bytes where
    the system has no such name."""
    with open(path, "rb") as handle:
        if fcntl is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_SH)
        same = Path(f"/proc/self/fd/{handle.fileno()}")
        yield same if same.exists() else handle.read()


def replace_reusing(target: Path, spare: Path, write: Callable[[BinaryIO], bool]) -> bool:
    """Give ``target`` new content: ``write(handle)`` writes it from the start of ``spare`` (and
    returns False, having written nothing, to decline); then ``spare`` is renamed over ``target``,
    whose old content becomes the spare for the next call.

    Returns False, having changed nothing, when ``write`` declines or the system has no ``flock``
    or hard links: the caller then writes a new file as usual.
    """
    if fcntl is None or not target.exists():
        return False
    retired = spare.with_name(spare.name + ".retired")
    _settle(target, spare, retired)
    try:
        handle = _claim(target, spare)
    except OSError:
        return False
    with handle:
        if not write(handle):
            return False
        handle.truncate()  # the old content may have been longer
        retired.unlink(missing_ok=True)
        try:
            os.link(target, retired)  # keeps the old file alive: the rename frees nothing
        except OSError:
            return False  # no hard links here: the caller writes a new file
        try:
            os.replace(spare, target)
        except BaseException:
            retired.unlink(missing_ok=True)  # a second name of the live file: nothing is lost
            raise
        with contextlib.suppress(OSError):  # the target is replaced: that must not fail now
            os.replace(retired, spare)  # (if this does, the next call settles it)
    return True


class _Unusable(Exception):
    pass


def _claim(target: Path, spare: Path) -> BinaryIO:
    """The spare opened for writing at its start, locked; a new one when it cannot be used."""
    try:
        handle: BinaryIO = open(spare, "r+b", buffering=0)  # noqa: SIM115 (returned, open)
    except FileNotFoundError:
        handle = open(spare, "x+b", buffering=0)  # noqa: SIM115
    try:
        mine, live = os.fstat(handle.fileno()), os.stat(target)
        if mine.st_nlink != 1 or (mine.st_ino, mine.st_dev) == (live.st_ino, live.st_dev):
            raise _Unusable  # linked elsewhere, or the live file under a second name
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # BlockingIOError: a reader has it
    except (OSError, _Unusable):
        handle.close()
        spare.unlink(missing_ok=True)  # whoever holds it keeps it until they close it
        handle = open(spare, "x+b", buffering=0)  # noqa: SIM115
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    return handle


def _settle(target: Path, spare: Path, retired: Path) -> None:
    """Finish a replacement that was cut short: a retired file that is no longer the target
    becomes the spare; a second name of the target is dropped."""
    try:
        old, live = os.stat(retired), os.stat(target)
    except FileNotFoundError:
        return
    if not spare.exists() and (old.st_ino, old.st_dev) != (live.st_ino, live.st_dev):
        os.replace(retired, spare)
    else:
        with contextlib.suppress(FileNotFoundError):
            retired.unlink()

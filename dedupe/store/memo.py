"""What a command learnt of a corpus file, remembered in ``.cache/`` beside the index while the
file is unchanged: the manifest read and checked (an Arrow table, read back in milliseconds where
parsing and checking 100,000 rows of CSV takes 0.2 s on a quiet machine, 0.5 s on a loaded one)
and its sha256.

A memo is named by the file's stamp: its size, modification and change times and inode. Writing
a file, or putting another in its place, changes its change time or inode, so a memo is never
taken for a file it was not made from. A file changed in the last seconds is not remembered (its
times could still be shared by a second change in the same clock tick, as git's "racy" entries),
and anything that goes wrong with a memo only means the file is read again: memos are derived,
deleted with ``.cache/``.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

_read: dict[Path, pl.DataFrame] = {}  # the columns this process read of a memo, by its name
SETTLED_NS = 2_000_000_000  # a file changed more recently than this is read each time, not remembered
FOLDER = ".cache"


def stamp(path: Path) -> str | None:
    """The file's size, times and inode, when it is a corpus's file settled long enough to be
    remembered (its corpus has a cache folder); else None."""
    if not (path.parent / FOLDER).is_dir():
        return None
    try:
        st = path.stat()
    except OSError:
        return None
    if time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) < SETTLED_NS:
        return None
    return f"{st.st_size}-{st.st_mtime_ns}-{st.st_ctime_ns}-{st.st_ino}"


def _named(path: Path, key: str, kind: str) -> Path:
    return path.parent / FOLDER / f"{path.name}.{key}.{kind}"


def _others(path: Path, kind: str) -> list[Path]:
    with contextlib.suppress(OSError):
        return list((path.parent / FOLDER).glob(f"{path.name}.*.{kind}"))
    return []


def recall(path: Path, columns: set[str]) -> pl.DataFrame | None:
    """The table remembered for the file as it is now, with ``columns`` (only those are read), when
    it holds them; else None. What this process read of it already is not read again (one command
    reads the manifest up to three times)."""
    key = stamp(path)
    if key is None:
        return None
    memo = _named(path, key, "arrow")
    if not memo.is_file():
        return None
    import polars as pl

    held = _read.get(memo)
    try:
        missing = columns - set(held.columns if held is not None else ())
        if missing:
            names = [c for c in pl.read_ipc_schema(memo) if c in missing]
            if len(names) < len(missing):
                return None
            more = pl.read_ipc(memo, columns=names)
            held = more if held is None else held.hstack(more)
            _read.clear()  # one table a process: the file as it is now
            _read[memo] = held
    except (OSError, pl.exceptions.PolarsError):
        return None
    return None if held is None else held.select(c for c in held.columns if c in columns)


def columns(path: Path, key: str) -> set[str]:
    """The columns the table remembered for the file holds (an earlier version's, if that is all
    there is): read them again with those asked for, and one memo serves every command."""
    import polars as pl

    for memo in sorted(_others(path, "arrow"), key=lambda p: p.name != _named(path, key, "arrow").name):
        with contextlib.suppress(OSError, pl.exceptions.PolarsError):
            return set(pl.read_ipc_schema(memo))
    return set()


def remember(path: Path, key: str, frame: pl.DataFrame) -> None:
    """Keep ``frame`` (the file read and checked) for the file of stamp ``key``; the memos of its
    earlier versions are removed. A folder that cannot be written keeps none."""
    if not frame.height:
        return  # an empty manifest is judged with the folder around it, each time
    target = _named(path, key, "arrow")
    _write(target, lambda tmp: frame.write_ipc(tmp, compression="uncompressed"))
    _prune(path, "arrow", target)


def known(path: Path, key: str, kind: str) -> bool:
    """Whether a fact of ``kind`` was noted for ``path`` at ``key`` (stamps, see :func:`stamp`)."""
    return _named(path, key, kind).is_file()


def note(path: Path, key: str, kind: str) -> None:
    """Note a fact of ``kind`` for ``path`` at ``key``; those noted at other keys are removed."""
    target = _named(path, key, kind)
    _write(target, lambda tmp: tmp.write_bytes(b""))
    _prune(path, kind, target)


def kept(path: Path, kind: str, make: Callable[[], bytes]) -> bytes:
    """What ``make`` finds in the file (bytes), made once for each version of it."""
    key = stamp(path)
    if key is not None:
        with contextlib.suppress(OSError):
            return _named(path, key, kind).read_bytes()
    found = make()
    if key is not None:
        target = _named(path, key, kind)
        _write(target, lambda tmp: tmp.write_bytes(found))
        _prune(path, kind, target)
    return found


def digest(path: Path) -> str | None:
    """The file's sha256 (None when it is missing), computed once for each version of it."""
    from dedupe.store.journal import sha256_of

    key = stamp(path)
    if key is not None:
        with contextlib.suppress(OSError, ValueError):
            return _named(path, key, "sha256").read_text(encoding="ascii").strip() or None
    found = sha256_of(path)
    if key is not None and found:
        target = _named(path, key, "sha256")
        _write(target, lambda tmp: tmp.write_text(found, encoding="ascii"))
        _prune(path, "sha256", target)
    return found


def _write(target: Path, write: Callable[[Path], object]) -> None:
    tmp = target.with_name(f".{target.name}.{os.getpid()}")
    try:
        write(tmp)
        tmp.replace(target)
    except Exception:  # a memo is an optimisation: a full disk or read-only folder only loses it
        with contextlib.suppress(OSError):
            tmp.unlink()


def _prune(path: Path, kind: str, keep: Path) -> None:
    for old in _others(path, kind):
        if old != keep:
            with contextlib.suppress(OSError):
                old.unlink()

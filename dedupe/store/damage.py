"""A damaged corpus cache, found and made anew (:mod:`dedupe.store.cache`): SQLite's errors that mean
damage, the note a command prints, the file removed, and every cache method guarded so that damage
found mid-command rebuilds instead of ending it."""

from __future__ import annotations

import functools
import os
import shutil
import sqlite3
import sys
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from dedupe.errors import CorpusError

if TYPE_CHECKING:
    from dedupe.store.cache import Cache

T = TypeVar("T")


def note(message: str) -> None:
    """Say on stderr what was done about the cache (a derived file: never a reason to stop)."""
    print(f"note: {message}", file=sys.stderr, flush=True)


class CacheDamaged(CorpusError):
    """The cache gave back what it cannot have stored (a record that does not decode, a page
    SQLite finds malformed) while a command read it. The command line discards it and runs the
    command once more, which makes it anew from the originals."""

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(f"the cache {path} was damaged ({why[:200]})")
        self.path = path

    def discard(self) -> None:
        discard(self.path)


def discard(path: Path) -> None:
    """Remove the cache's files (the database and its WAL), whatever they are."""
    for suffix in ("", "-wal", "-shm", SOUND):
        target = path.with_name(path.name + suffix)
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        else:
            target.unlink(missing_ok=True)


SOUND = "-sound"  # beside the database: the size and time of its files when a command last left them whole


def _files_stamp(path: Path) -> str:
    """Size and modification time of the database and its WAL: any write to them changes it."""
    parts = []
    for suffix in ("", "-wal"):
        try:
            st = path.with_name(path.name + suffix).stat()
            parts.append(f"{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append("-")
    return " ".join(parts)


def _writable(path: Path) -> bool:
    """Can the cache be kept on disk: its folder (or the corpus, to make it) and its files writable?"""
    folder = path.parent if path.parent.exists() else path.parent.parent
    files = [path.with_name(path.name + s) for s in ("", "-wal", "-shm")]
    return os.access(folder, os.W_OK | os.X_OK) and all(os.access(f, os.W_OK) for f in files if f.is_file())


def _why(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def _damage_is_corruption(exc: sqlite3.DatabaseError) -> bool:
    """A malformed page or a file that is not a database, not a full disk or a locked file."""
    return not isinstance(exc, sqlite3.OperationalError)


def guarded(method: Callable[..., T]) -> Callable[..., T]:
    """Reading the cache: what cannot have been stored there becomes CacheDamaged."""

    @functools.wraps(method)
    def wrapper(self: Cache, *args: Any, **kwargs: Any) -> T:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.DatabaseError as exc:
            if not _damage_is_corruption(exc):
                raise
            self.damaged = True
            raise CacheDamaged(self.path, str(exc)) from None
        except (zlib.error, ValueError, KeyError, TypeError) as exc:  # ValueError: JSON, numpy shapes
            self.damaged = True
            raise CacheDamaged(self.path, f"a record does not decode: {type(exc).__name__}: {exc}") from None

    return wrapper

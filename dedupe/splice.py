"""A few changed rows in a large table sorted by path: in the frame, and in its CSV file.

An ingest changes a handful of the manifest's rows. :func:`upsert_sorted` puts them in the
in-memory frame without sorting it again; :func:`splice_csv` writes the new ``manifest.csv`` by
copying the old file's unchanged byte ranges (in the kernel, where it can) around the changed
rows, which polars formats. Every line the splice relies on is checked first; when the old file
is not the frame's rows one line each, in order, it declines and the caller writes the file whole.
"""

from __future__ import annotations

import contextlib
import mmap
import os
from pathlib import Path
from typing import BinaryIO

import polars as pl

SPLICE_ROWS = 256  # changed rows up to which splicing beats filtering and sorting again
# (position in the old frame, 0 = insert new row i before it | 1 = drop the old row there, i)
Event = tuple[int, int, int]


def splice_events(frame: pl.DataFrame, rows: pl.DataFrame) -> tuple[pl.DataFrame, list[Event]]:
    """``rows`` sorted by path, and where each goes in ``frame`` (sorted by path, paths unique):
    a row replaces the old row of the same id, and goes in before the old row at its position."""
    rows = rows.sort("path")
    drop = frame.select(pl.arg_where(pl.col("id").is_in(rows["id"].implode()))).to_series().to_list()
    at = frame["path"].search_sorted(rows["path"], side="left").to_list()
    return rows, sorted([(p, 0, i) for i, p in enumerate(at)] + [(d, 1, 0) for d in drop])


def upsert_sorted(frame: pl.DataFrame, rows: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (sorted by path, paths unique) with ``rows`` replacing those of the same id, still
    sorted. The few rows are spliced in between slices of ``frame``: nothing else is copied."""
    if not rows.height:
        return frame
    if rows.height > SPLICE_ROWS:  # a slice per row would cost more than sorting once
        return pl.concat([frame.filter(~pl.col("id").is_in(rows["id"].implode())), rows]).sort("path")
    rows, events = splice_events(frame, rows)
    pieces, start = [], 0
    for pos, kind, i in events:
        if pos > start:
            pieces.append(frame.slice(start, pos - start))
            start = pos
        if kind == 0:
            pieces.append(rows.slice(i, 1))
        else:
            start = pos + 1
    pieces.append(frame.slice(start))
    return pl.concat(pieces, rechunk=False)


def splice_csv(csv: Path, frame: pl.DataFrame, rows: pl.DataFrame, target: Path | BinaryIO) -> bool:
    """Write to ``target`` (a path, or an unbuffered file open for writing, from its position) what
    ``upsert_sorted(frame, rows).write_csv()`` would write, given that ``csv`` holds the rows of
    ``frame`` as written by polars (of the frame, only the id and path columns are read, so it may
    hold only those): the old file's bytes between the changed rows are copied, not formatted again.

    Returns False, having written nothing, when there are more than SPLICE_ROWS rows, when
    ``csv`` does not start with the rows' header, or when a row the splice needs is not where
    the frame says it is (an edited, unsorted or reformatted file): the caller then writes the
    file whole. Only the rows around each change are checked; the caller vouches for the rest
    (the store splices only a file whose size, time and inode are those it read).
    """
    if not rows.height or not frame.height or rows.height > SPLICE_ROWS:
        return False  # many rows (a batch): formatting the whole file is quicker than finding them
    rows, events = splice_events(frame, rows)
    new_lines = rows.write_csv(include_header=False).encode().splitlines(keepends=True)
    if len(new_lines) != rows.height:  # a field with a line break: not one line a row
        return False
    header = rows.clear().write_csv().encode()  # the frame may hold only some columns (id and path)
    with open(csv, "rb") as source:
        size = os.fstat(source.fileno()).st_size
        if size <= len(header):
            return False
        with mmap.mmap(source.fileno(), 0, access=mmap.ACCESS_READ) as data:
            if data[: len(header)] != header or data[-1:] != b"\n":
                return False
            rows_of = _RowFinder(data, len(header), frame)
            starts: dict[int, int] = {}
            for pos, kind, _ in events:
                for k in (pos, pos + 1) if kind == 1 else (pos,):
                    if k in starts:
                        continue
                    found = rows_of.start(k)
                    if found is None:
                        return False
                    starts[k] = found
            starts.setdefault(0, len(header))  # copying starts from the first row, checked or not
            for pos, kind, _ in events:  # a dropped row is one whole line
                if kind == 1 and data.find(b"\n", starts[pos]) != starts[pos + 1] - 1:
                    return False
            with open(target, "wb", buffering=0) if isinstance(target, Path) else contextlib.nullcontext(target) as out:
                _copy(source, out, 0, len(header))
                at = 0  # the next old row to copy
                for pos, kind, i in events:
                    if pos > at:
                        _copy(source, out, starts[at], starts[pos] - starts[at])
                        at = pos
                    if kind == 0:
                        _write(out.fileno(), new_lines[i])
                    else:
                        at = pos + 1
                _copy(source, out, starts[at], size - starts[at])  # at is an event's row, or the end
    return True


class _RowFinder:
    """Byte offsets of rows in a CSV sorted by path, found by binary search on the path field and
    confirmed by the row's id."""

    def __init__(self, data: mmap.mmap, first: int, frame: pl.DataFrame) -> None:
        self.data = data
        self.first = first  # where the first row starts (after the header)
        self.ids = frame["id"]
        self.paths = frame["path"]

    def start(self, k: int) -> int | None:
        """Where row ``k`` starts (the end of the file for ``k`` = the row count), or None when
        the line found there is not row ``k``."""
        if k >= len(self.ids):
            return len(self.data)
        target = self.paths[k]
        lo, hi = self.first, len(self.data)
        while lo < hi:  # the first offset whose line (the first starting at or after it) is ≥ target
            mid = (lo + hi) // 2
            line = self._line_at(mid)
            path = self._path(line)
            if path is None:
                return None
            if line >= len(self.data) or path >= target:
                hi = mid
            else:
                lo = mid + 1
        line = self._line_at(lo)
        comma = self.data.find(b",", line)
        if comma < 0 or self.data[line:comma] != self.ids[k].encode():
            return None
        return line

    def _line_at(self, x: int) -> int:
        if x <= self.first:
            return self.first
        newline = self.data.find(b"\n", x - 1)
        return len(self.data) if newline < 0 else newline + 1

    def _path(self, line: int) -> str | None:
        """The second field of the line starting at ``line`` ("" past the end; None if unreadable)."""
        data = self.data
        if line >= len(data):
            return ""
        comma = data.find(b",", line)
        if comma < 0:
            return None
        start = comma + 1
        if data[start : start + 1] != b'"':
            end = data.find(b",", start)
            return None if end < 0 else data[start:end].decode("utf-8", errors="replace")
        value, at = bytearray(), start + 1
        while True:
            quote = data.find(b'"', at)
            if quote < 0:
                return None
            value += data[at:quote]
            if data[quote + 1 : quote + 2] != b'"':
                return value.decode("utf-8", errors="replace")
            value += b'"'
            at = quote + 2


def _write(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _copy(source: BinaryIO, out: BinaryIO, offset: int, count: int) -> None:
    """Copy ``count`` bytes of ``source`` from ``offset`` to the end of ``out`` (unbuffered): in
    the kernel where the system allows it, through memory otherwise."""
    src, dst = source.fileno(), out.fileno()
    try:
        while count > 0:
            done = os.copy_file_range(src, dst, count, offset)
            if done == 0:
                break
            offset += done
            count -= done
    except (AttributeError, OSError):
        pass
    while count > 0:
        chunk = os.pread(src, min(count, 1 << 24), offset)
        if not chunk:
            raise OSError(f"{source.name} became shorter while being copied")
        _write(dst, chunk)
        offset += len(chunk)
        count -= len(chunk)

"""decisions.jsonl: the append-only decision log, one JSON object a line. One reader, one writer.

A last line without its line break was cut by a crash (an ingest that did not land): the reader
leaves it out and the writer cuts it off before appending. A damaged line anywhere else is an error
naming the line.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dedupe.errors import CorpusError

PAIR_DECISIONS = ("merge", "related", "veto")  # the lines that record a verified pair


def entries(path: Path) -> Iterator[dict[str, Any]]:
    """Every complete line of the log, in order (nothing when there is no log)."""
    if not path.exists():
        return
    with path.open("rb") as handle:
        for number, line in enumerate(handle, 1):
            if not line.endswith(b"\n"):
                return  # cut by a crash: never landed
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                entry = None
            if not isinstance(entry, dict) or "decision" not in entry:
                raise CorpusError(
                    f"{path} line {number} is not a decision (JSON object with a 'decision'): "
                    f"restore the file from version control (git checkout -- {path.name})"
                )
            yield entry


def complete_size(path: Path) -> int:
    """The size of the log up to its last line break (what a crash may have left after it is cut)."""
    if not path.exists():
        return 0
    with path.open("rb") as handle:
        end = handle.seek(0, os.SEEK_END)
        while end:
            start = max(0, end - 65536)
            handle.seek(start)
            cut = handle.read(end - start).rfind(b"\n")
            if cut >= 0:
                return start + cut + 1
            end = start
    return 0


def encode(lines: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in lines).encode("utf-8")


def append(path: Path, data: bytes, at: int) -> None:
    """Write ``data`` at offset ``at`` (the complete size), cutting anything after it, and sync."""
    with open(path, "ab+") as handle:
        handle.truncate(at)
        handle.seek(at)
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def marker(path: Path) -> str:
    """What a cache remembers of the log to know it is unchanged: its size and last bytes."""
    if not path.exists():
        return "none"
    size = path.stat().st_size
    with path.open("rb") as handle:
        handle.seek(max(0, size - 256))
        return f"{size}:{handle.read().hex()}"

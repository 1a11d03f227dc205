"""decisions.jsonl: the append-only decision log, one JSON object a line. One reader, one writer;
the records are ``dedupe.decisions``'s, typed (``decisions`` reads them, ``encode`` writes them).

A last line without its line break was cut by a crash (an ingest that did not land): the reader
leaves it out and the writer cuts it off before appending. A damaged line anywhere else is an error
naming the line.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from dedupe.decisions import Decision, DecisionError, Reject, SameBytes, decode
from dedupe.decisions import encode as to_json
from dedupe.errors import CorpusError
from dedupe.names import printable
from dedupe.store import memo


def entries(path: Path) -> Iterator[dict[str, Any]]:
    """Every complete line of the log as its JSON object, in order (nothing when there is no log)."""
    for _, entry in _numbered(path):
        yield entry


def decisions(path: Path) -> Iterator[Decision]:
    """Every complete line of the log as its typed record, in order."""
    for _, record in records(path):
        yield record


def records(path: Path) -> Iterator[tuple[dict[str, Any], Decision]]:
    """Every complete line of the log as it is written and as its typed record, in order; a line
    this version cannot read is a CorpusError naming it."""
    for number, entry in _numbered(path):
        try:
            yield entry, decode(entry)
        except DecisionError as exc:
            raise CorpusError(f"{path} line {number}: {exc}: restore the file from version control "
                              f"(git checkout -- {path.name}), or use the policy-dedup that wrote it") from None  # fmt: skip


def _numbered(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
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
            yield number, entry


def marked(path: Path, kinds: Iterable[str]) -> list[Decision]:
    """The records of the ``kinds`` given, in order: only their lines are decoded (the log grows
    with the corpus, and a search of its bytes finds the few lines wanted); a line cut by a crash
    never landed. The lines found are remembered for the log as it is (``dedupe.store.memo``): a
    command on an unchanged log of 100,000 notices (34 MB) reads none of it."""
    kinds = tuple(kinds)
    try:
        lines = memo.kept(path, "marked-" + "+".join(kinds), lambda: b"".join(_marked(path.read_bytes(), kinds)))
    except FileNotFoundError:
        return []
    out = []
    for line in lines.splitlines():
        try:
            out.append(decode(json.loads(line)))
        except (ValueError, DecisionError) as exc:
            data = path.read_bytes()
            number = data.count(b"\n", 0, max(0, data.find(line))) + 1
            raise CorpusError(f"{path} line {number}: {exc}: restore the file from version control "
                              f"(git checkout -- {path.name})") from None  # fmt: skip
    return out


def _marked(data: bytes, kinds: tuple[str, ...]) -> list[bytes]:
    """The complete lines of ``data`` holding a record of one of ``kinds``, in order, each with its
    line break: one search of the bytes for all the kinds (the regex engine looks for their common
    ``"decision": "`` and tries the kinds there) runs through 34 MB in milliseconds, where a loop
    over lines does not, and in half the time of a search for each kind."""
    marks = b"|".join(re.escape(k.encode()) for k in kinds)
    starts = set()
    for found in re.finditer(b'"decision": "(?:' + marks + b')"', data):
        starts.add(data.rfind(b"\n", 0, found.start()) + 1)
    ends = {start: data.find(b"\n", start) for start in starts}
    return [data[start : ends[start] + 1] for start in sorted(starts) if ends[start] != -1]


def refusals(path: Path) -> set[tuple[str, str, str]]:
    """The refusals (rejected files, same bytes) the log records, as :func:`refusal` tells them: a
    file refused again for the same reason is not logged twice. Only their lines are decoded (see
    :func:`marked`)."""
    return {refusal(d) for d in marked(path, ("reject", "same-bytes"))} - {refusal(Decision())}


def refusal(d: Decision) -> tuple[str, str, str]:
    """What makes two refusals the same: the file, why, and the file it repeats."""
    if isinstance(d, (Reject, SameBytes)):
        return (str(d.kind), d.path, d.as_path if isinstance(d, SameBytes) else d.reason or "")
    return ("", "", "")


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


def encode(records: list[Decision]) -> bytes:
    """The log lines of ``records`` (``dedupe.decisions.encode`` of each)."""
    lines = "".join(json.dumps(to_json(r), ensure_ascii=False) + "\n" for r in records)
    return printable(lines).encode("utf-8")  # a file name that is not UTF-8: its bytes as %FF


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

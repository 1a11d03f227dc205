"""state.json: what the last landing left, so that the manifest and the decision log vouch for
each other.

    {"manifest": "<sha256 of manifest.csv>", "log_bytes": 12345, "log_sha256": "<sha256 of decisions.jsonl>",
     "log_lines": 42}

Every landing writes it last, before its journal goes (a crash before then leaves the journal, and
the next command's finish writes it). The log only ever grows by landings, so at any other time it
must be exactly what the state records: a log deleted, emptied, cut, or with a line removed or
repeated no longer matches, and a person's merges and splits are never lost without a word.
``verify`` reports a mismatch; a landing refuses to add to a log it cannot vouch for.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from dedupe.errors import CorpusError

STATE = "state.json"
LOG = "decisions.jsonl"
RESTORE = (f"restore {LOG} and {STATE} from version control (git checkout -- {LOG} {STATE}); if the log "
           f"cannot be restored, delete {STATE} to accept it as it now is (decisions it lost must be made again)")  # fmt: skip


def _digest(path: Path, size: int | None = None) -> tuple[int, str, int]:
    """(bytes, sha256, line breaks) of the file, or of its first ``size`` bytes."""
    digest, total, lines = hashlib.sha256(), 0, 0
    if not path.exists():
        return 0, digest.hexdigest(), 0
    with path.open("rb") as handle:
        while size is None or total < size:
            block = handle.read(1 << 20 if size is None else min(1 << 20, size - total))
            if not block:
                break
            digest.update(block)
            total += len(block)
            lines += block.count(b"\n")
    return total, digest.hexdigest(), lines


def record(root: Path) -> None:
    """Write the state of the corpus as it is now (called when a landing is finished)."""
    from dedupe.store.journal import atomic_write, sha256_of

    size, sha, lines = _digest(root / LOG)
    state = {"manifest": sha256_of(root / "manifest.csv") or "", "log_bytes": size, "log_sha256": sha,
             "log_lines": lines}  # fmt: skip
    try:
        atomic_write(root / STATE, lambda p: p.write_text(json.dumps(state, indent=1) + "\n", encoding="utf-8"))
    except OSError as exc:  # the journal stays: the next command finishes the landing and writes it
        raise CorpusError(f"the ingest landed, but {STATE} could not be written ({exc.strerror or exc}): free some "
                          "space or make the corpus writable; the next command finishes it") from None  # fmt: skip


def read(root: Path) -> dict[str, Any] | None:
    """The recorded state, None when there is none; CorpusError when it is damaged."""
    path = root / STATE
    if not path.exists():
        return None
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        if (
            isinstance(state, dict)
            and isinstance(state.get("log_bytes"), int)
            and isinstance(state.get("log_sha256"), str)
        ):
            return state
    except (ValueError, UnicodeDecodeError):
        pass
    raise CorpusError(f"{path} is damaged (not the JSON object a landing writes): {RESTORE}")


def log_problems(root: Path, rows: int) -> tuple[list[str], list[str]]:
    """(problems, notes) of the log against the recorded state. Problems: the log is not what the
    last landing left. Notes: a cut last line after it (left by a crash; the next landing removes
    it). Without a state (a corpus made before it was kept) only a lost log beside a manifest that
    lists notices is a problem."""
    log = root / LOG
    state = read(root)
    size = log.stat().st_size if log.exists() else 0
    if state is None:
        if rows and size == 0:
            return [f"{LOG} is {'empty' if log.exists() else 'missing'} beside a manifest of {rows} row(s), whose "
                    f"every ingest logged its decisions: {RESTORE}"], []  # fmt: skip
        return [], []  # a corpus made before state.json was kept: its next landing records it
    want, sha = state["log_bytes"], state["log_sha256"]
    found, got, lines = _digest(log, want)
    if not log.exists() and want:
        return [f"{LOG} is missing; the last ingest left it with {state.get('log_lines', '?')} line(s): {RESTORE}"], []
    if found < want:
        return [f"{LOG} has {found} bytes ({lines} line(s)), fewer than the {want} bytes "
                f"({state.get('log_lines', '?')} line(s)) the last ingest left: lines were deleted or "
                f"cut: {RESTORE}"], []  # fmt: skip
    if got != sha:
        return [f"{LOG} is not the log the last ingest left: its first {want} bytes changed (a line edited, "
                f"deleted or repeated): {RESTORE}"], []  # fmt: skip
    if size > want:
        with log.open("rb") as handle:
            handle.seek(want)
            tail = handle.read()
        if b"\n" in tail:
            extra = tail.count(b"\n")
            return [f"{LOG} has {extra} line(s) after the last ingest's {want} bytes that no ingest "
                    f"wrote: {RESTORE}"], []  # fmt: skip
        return [], [f"{LOG} ends in a line cut by a crash ({len(tail)} bytes after what the last ingest left): "
                    "the next ingest removes it"]  # fmt: skip
    return [], []


def manifest_problem(root: Path) -> str | None:
    """The manifest is not the one the last landing wrote (an edit by hand), if so."""
    state = read(root)
    if state is None or not state.get("manifest") or not (root / "manifest.csv").is_file():
        return None
    data = (root / "manifest.csv").read_bytes()
    shas = {hashlib.sha256(data).hexdigest(), hashlib.sha256(data.replace(b"\r\n", b"\n")).hexdigest()}
    if state["manifest"] not in shas:  # Windows line breaks (git's autocrlf) change no row
        return (
            "manifest.csv is not the manifest the last ingest wrote (it was edited): restore it from version "
            "control (git checkout -- manifest.csv), or make the change with merge, split, canonical or withdraw"
        )
    return None


def vouch(root: Path, rows: int) -> list[str]:
    """Before a landing adds to the log: refuse (CorpusError, exit 3) a log the state does not vouch
    for; the notes say what the landing will mend (a cut last line, a state not yet kept)."""
    problems, notes = log_problems(root, rows)
    if problems:
        raise CorpusError(f"{problems[0]}. Nothing was changed")
    return notes

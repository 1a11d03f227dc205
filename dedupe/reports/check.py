"""What ``check`` found (``dedupe.store.findings``, where the store decides it) as text, JSON or
GitHub annotations: formatting only, nothing read from the corpus and nothing decided here."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from dedupe.store.findings import Accepted, Duplicate, Findings, NewVersion, Withdrawn


def check_json(found: Findings) -> dict[str, Any]:
    """The findings as one JSON-ready object, its keys in the order ``check --json`` prints them."""
    return {
        "duplicates": [duplicate_json(d) for d in found.duplicates],
        "accepted": [accepted_json(a) for a in found.accepted],
        "withdrawn": [withdrawn_json(w) for w in found.withdrawn],
        "related": [
            {"path": r.path, "other": r.other, "relation": r.relation, "reason": r.reason} for r in found.related
        ],
        "new": list(found.new),
        "new_versions": [version_json(v) for v in found.new_versions],
        "known": [{"path": k.path, "corpus": k.corpus} for k in found.known],
        "same_bytes": [{"path": i.path, "as": i.as_path} for i in found.same_bytes],
        "rejected": [{"path": r.path, "reason": r.reason} for r in found.rejected],
    }


def duplicate_json(d: Duplicate) -> dict[str, Any]:
    """A duplicate; ``through`` (the member the figures are measured against, when not the one
    named) is left out of one the manifest recorded, which no pair measured now."""
    out = {"path": d.path, "duplicates": d.duplicates, "cluster": d.cluster, "relation": d.relation,
           "similarity": d.similarity}  # fmt: skip
    if not d.recorded:
        out["through"] = d.through
    return {**out, "reason": d.reason}


def accepted_json(a: Accepted) -> dict[str, Any]:
    return {**duplicate_json(a.duplicate), "accepted_by": a.by, "accepted_at": a.time, "why": a.why}


def withdrawn_json(w: Withdrawn) -> dict[str, Any]:
    return {"path": w.path, "withdrawn": w.withdrawn, "relation": w.relation, "similarity": w.similarity,
            "reason": withdrawn_reason(w)}  # fmt: skip


def version_json(v: NewVersion) -> dict[str, Any]:
    return {"path": v.path, "version_of": v.version_of, "status": v.status, "chain_current": v.chain_current}


def withdrawn_reason(w: Withdrawn) -> str:
    """Why the file matches, then who withdrew the notice, when and why."""
    return f"{w.reason}; withdrawn by {w.by} on {w.time}: {w.why}"


def withdrawn_line(w: Withdrawn) -> str:
    """A file that repeats a withdrawn notice, for people (``check`` and ``ingest`` print it)."""
    return f"{w.path} repeats {w.withdrawn}, a withdrawn notice ({w.relation}): {withdrawn_reason(w)}"


def duplicate_line(d: Duplicate) -> str:
    """One duplicate for people; the relation and the similarity are those of one pair, and the line
    says which: the notice it duplicates, or the cluster member it was found through."""
    sim = f", similarity {d.similarity:.3f}" if d.similarity is not None else ""
    if d.through:
        return (f"{d.path} duplicates {d.duplicates} through {d.through} ({d.relation}{sim} "
                f"to {d.through}): {d.reason}")  # fmt: skip
    return f"{d.path} duplicates {d.duplicates} ({d.relation}{sim}): {d.reason}"


_BECOMES = {"current": "it becomes the current version", "superseded": "an older one: superseded",
            "draft": "a draft", "repealed": "repealed"}  # fmt: skip


def format_check(found: Findings, fmt: str = "text") -> tuple[str, str]:
    """``check``'s findings as text or JSON, and what goes to stderr (the files refused)."""
    if fmt == "json":
        return json.dumps(check_json(found), ensure_ascii=False, indent=2), ""
    out = [f"DUPLICATE {duplicate_line(d)}" for d in found.duplicates]
    out += [f"accepted  {a.duplicate.path} duplicates {a.duplicate.duplicates}: accepted by {a.by} ({a.why})"
            for a in found.accepted]  # fmt: skip
    out += [f"related   {r.path} ~ {r.other} ({r.relation}): {r.reason}" for r in found.related]
    out += [f"new       {path}" for path in found.new]
    out += [f"new version {v.path}: a new version of {v.version_of} ({_BECOMES[v.status]})"
            for v in found.new_versions]  # fmt: skip
    out += [f"known     {k.path} = {k.corpus}" for k in found.known]
    out += [f"withdrawn {withdrawn_line(w)}" for w in found.withdrawn]
    out += [f"same      {i.path} = {i.as_path}" for i in found.same_bytes]
    out.append(summary(found))
    return "\n".join(out), "\n".join(f"rejected  {r.path}: {r.reason}" for r in found.rejected)


# -- GitHub Actions ------------------------------------------------------------------------------
# Every failure is a workflow command GitHub shows as an annotation: a file's on that file (its path
# relative to the repository root, which is what GitHub attaches to), a run's as a general error.


def format_github(found: Findings, corpus_root: Path) -> str:
    """Annotations for duplicates and unreadable files (errors), files that repeat a withdrawn
    notice (warnings) and accepted duplicates (notices), then the summary line."""
    top = repo_root(corpus_root)
    lines = [annotation("error", "duplicate notice", duplicate_line(d), where(d.path, top)) for d in found.duplicates]
    lines += [annotation("error", "unreadable file", f"{r.path}: {r.reason}", where(r.path, top))
              for r in found.rejected]  # fmt: skip
    lines += [annotation("warning", "repeats a withdrawn notice", withdrawn_line(w), where(w.path, top))
              for w in found.withdrawn]  # fmt: skip
    for a in found.accepted:
        text = f"{duplicate_line(a.duplicate)}; accepted by {a.by} ({a.why})"
        lines.append(annotation("notice", "accepted duplicate", text, where(a.duplicate.path, top)))
    lines.append(summary(found))
    return "\n".join(lines)


def summary(found: Findings) -> str:
    """The summary line, the same in text and for GitHub: the accepted duplicates counted too."""
    accepted = f", {len(found.accepted)} accepted" if found.accepted else ""
    versions = f", {len(found.new_versions)} new version(s)" if found.new_versions else ""
    return (
        f"{len(found.duplicates)} duplicate(s){accepted}, {len(found.new)} new{versions}, "
        f"{len(found.known)} known, {len(found.rejected)} rejected"
    )


def annotation(level: str, title: str, message: str, file: str | None = None) -> str:
    """One workflow command; ``file`` None: a general one, not attached to a file."""
    where_ = f"file={_property(file)}," if file else ""
    return f"::{level} {where_}title={_property(title)}::{_data(message)}"


def problem(message: str, title: str) -> str:
    """A run that could not check (a bad ref, an unusable corpus): a general error and a summary."""
    return f"{annotation('error', title, message)}\ncheck did not run: {title}"


def where(path: str, top: Path | None) -> str:
    """``path`` relative to the repository root when it lies inside, else as given."""
    resolved = Path(path).resolve()
    if top is not None and resolved.is_relative_to(top):
        return resolved.relative_to(top).as_posix()
    return path


def repo_root(folder: Path) -> Path | None:
    """The root of the git work tree holding ``folder`` (None outside one, or without git)."""
    try:
        done = subprocess.run(["git", "-C", str(folder), "rev-parse", "--show-toplevel"], capture_output=True,
                              check=False)  # fmt: skip
    except (FileNotFoundError, NotADirectoryError):
        return None
    out = done.stdout.decode("utf-8", "surrogateescape").strip()
    return Path(out).resolve() if done.returncode == 0 and out else None


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")

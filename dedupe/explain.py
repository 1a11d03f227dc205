"""Why two notices are (or are not) the same: figures, relation, veto, and a character diff."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from dedupe.config import DedupeConfig
from dedupe.document import Document
from dedupe.elect import elect
from dedupe.pipeline import judge
from dedupe.verify import Verdict

DiffOp = tuple[str, str]  # ("equal" | "delete" | "insert", text)


@dataclass(frozen=True)
class Explanation:
    a: Document
    b: Document
    estimated_jaccard: float
    verdict: Verdict
    veto: str | None
    preferred: Document
    preferred_reason: str

    @property
    def duplicate(self) -> bool:
        return self.verdict.merges


def explain_pair(a: Document, b: Document, config: DedupeConfig = DedupeConfig()) -> Explanation:
    v, veto = judge(a, b, config)
    estimate = float(np.mean(a.fingerprint.signature == b.fingerprint.signature))
    preferred, reason = elect([a, b])
    return Explanation(a, b, estimate, v, veto, preferred, reason)


def char_diff(a: str, b: str) -> list[DiffOp]:
    """A character-level diff, aligned line by line first so long texts stay fast."""
    ops: list[DiffOp] = []
    lines = difflib.SequenceMatcher(None, a.splitlines(keepends=True), b.splitlines(keepends=True), autojunk=False)
    la, lb = a.splitlines(keepends=True), b.splitlines(keepends=True)
    for tag, i1, i2, j1, j2 in lines.get_opcodes():
        old, new = "".join(la[i1:i2]), "".join(lb[j1:j2])
        if tag == "equal":
            ops.append(("equal", old))
        elif tag == "replace" and max(len(old), len(new)) <= 20000:
            ops.extend(_chars(old, new))
        else:
            if old:
                ops.append(("delete", old))
            if new:
                ops.append(("insert", new))
    return _merge(ops)


def _chars(old: str, new: str) -> Iterator[DiffOp]:
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            yield ("equal", old[i1:i2])
        else:
            if i2 > i1:
                yield ("delete", old[i1:i2])
            if j2 > j1:
                yield ("insert", new[j1:j2])


def _merge(ops: list[DiffOp]) -> list[DiffOp]:
    out: list[DiffOp] = []
    for tag, text in ops:
        if out and out[-1][0] == tag:
            out[-1] = (tag, out[-1][1] + text)
        elif text:
            out.append((tag, text))
    return out


def render_diff(ops: list[DiffOp], context: int = 30) -> str:
    """Plain-text diff: ``[-removed-]`` and ``{+added+}``, long equal runs shortened to context."""
    parts: list[str] = []
    for k, (tag, text) in enumerate(ops):
        if tag == "delete":
            parts.append(f"[-{text}-]")
        elif tag == "insert":
            parts.append(f"{{+{text}+}}")
        elif len(text) > 2 * context + 5:
            head = text[:context] if k > 0 else ""
            tail = text[-context:] if k < len(ops) - 1 else ""
            parts.append(f"{head} … {tail}")
        else:
            parts.append(text)
    return "".join(parts)


def format_explanation(e: Explanation) -> str:
    sim = e.verdict.similarity
    lines = [
        f"A: {e.a.path}  ({e.a.normalized.encoding}, {len(e.a.key)} key characters)",
        f"B: {e.b.path}  ({e.b.normalized.encoding}, {len(e.b.key)} key characters)",
        f"estimated Jaccard (MinHash): {e.estimated_jaccard:.3f}",
        f"exact Jaccard: {sim.jaccard:.3f}",
        f"containment of the shorter in the longer: {sim.containment:.3f} (length ratio {sim.length_ratio:.2f})",
        f"characters in shared verbatim passages: {sim.shared_passage_chars}",
        f"relation: {e.verdict.relation or 'none'} — {'duplicate' if e.duplicate else 'not a duplicate'}",
        f"reason: {e.verdict.reason}",
        f"veto: {e.veto or 'none'}",
        f"preferred as canonical: {e.preferred.path} ({e.preferred_reason})",
        "",
        "diff of the clean texts ([-only in A-] {+only in B+}):",
        render_diff(char_diff(e.a.text, e.b.text)),
    ]
    return "\n".join(lines)

"""Why two notices are (or are not) the same: figures, relation, veto, and a character diff."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dedupe.config import DedupeConfig
from dedupe.diff import DiffOp, char_diff
from dedupe.document import Document
from dedupe.elect import elect
from dedupe.engine import judge
from dedupe.quality import quality_flags
from dedupe.verify import Verdict


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
        "note: dedupe, ingest and check leave out shingles that a large share of the notices compared share "
        "(site boilerplate); in a batch or corpus with such furniture their figures can differ slightly from these",
        f"quality flags of A: {', '.join(quality_flags(e.a, [e.a, e.b])) or 'none'}",
        f"quality flags of B: {', '.join(quality_flags(e.b, [e.a, e.b])) or 'none'}",
        f"preferred as canonical: {e.preferred.path} ({e.preferred_reason})",
        "",
        "diff of the clean texts ([-only in A-] {+only in B+}):",
        render_diff(char_diff(e.a.text, e.b.text)),
    ]
    return "\n".join(lines)

"""Why two notices are (or are not) the same: figures, relation, veto, and a character diff."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

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
    context: str = ""  # what the boilerplate was measured on ("" when the pair was judged alone)
    boilerplate: int = 0  # shingles left out as boilerplate of that context

    @property
    def duplicate(self) -> bool:
        return self.verdict.merges


def explain_pair(
    a: Document, b: Document, config: DedupeConfig = DedupeConfig(), ignore: np.ndarray | None = None, context: str = ""
) -> Explanation:
    """``ignore``: the boilerplate shingles of ``context`` (a batch or a corpus), left out as
    ``dedupe``, ``ingest`` and ``check`` leave them out, so that the figures are theirs."""
    v, veto = judge(a, b, config, ignore)
    estimate = float(np.mean(a.fingerprint.signature == b.fingerprint.signature))
    preferred, reason = elect([a, b])
    size = 0 if ignore is None else int(ignore.size)
    return Explanation(a, b, estimate, v, veto, preferred, reason, context, size)


def explain_files(
    a: str, b: str, encoding: str | None = None, among: Sequence[str] = (), corpus: str | None = None
) -> Explanation:
    """Explain two files, judged alone, among the notices of ``among`` (as ``dedupe`` of them
    would judge them) or against ``corpus`` (as ``check`` would)."""
    from dedupe.engine import boilerplate_shingles
    from dedupe.errors import InputError
    from dedupe.files import Rejected, read_batch, read_document
    from dedupe.model import Nothing
    from dedupe.store import Corpus
    from normalize import NormalizeConfig

    ncfg, config = NormalizeConfig(encoding=encoding), DedupeConfig()
    store = Corpus(Path(corpus), normalize_config=ncfg) if corpus else None
    if store is not None:  # judged with the corpus's settings, as check would
        store.require()
        ncfg, config = store.normalize_config, store.config
    docs = [read_document(p, i, ncfg, config) for i, p in enumerate((a, b))]
    if bad := [d for d in docs if isinstance(d, Rejected)]:
        raise InputError(f"{bad[0].path} {bad[0].reason}")
    pair = [d for d in docs if isinstance(d, Document)]
    if store is not None:
        with store.session() as (view, _):
            ignore = boilerplate_shingles(pair, view, config)
        return explain_pair(*pair, config, ignore, f"the corpus {corpus}")
    if among:
        batch = [d for d in read_batch(among, os.cpu_count() or 1, ncfg, config)[0] if isinstance(d, Document)]
        ignore = boilerplate_shingles([*pair, *batch], Nothing(), config)
        return explain_pair(*pair, config, ignore, f"{len({d.id for d in [*pair, *batch]})} notices given")
    return explain_pair(*pair, config)


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


def _boilerplate_note(e: Explanation) -> str:
    if e.context:
        return f"boilerplate left out: {e.boilerplate} shingle(s) shared by a large share of {e.context}"
    return ("note: judged alone; dedupe, ingest and check leave out shingles that a large share of the notices "
            "compared share (site boilerplate): --among PATHS or --corpus DIR judges as they do")  # fmt: skip


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
        _boilerplate_note(e),
        f"quality flags of A: {', '.join(quality_flags(e.a, [e.a, e.b])) or 'none'}",
        f"quality flags of B: {', '.join(quality_flags(e.b, [e.a, e.b])) or 'none'}",
        f"preferred as canonical: {e.preferred.path} ({e.preferred_reason})",
        "",
        "diff of the clean texts ([-only in A-] {+only in B+}):",
        render_diff(char_diff(e.a.text, e.b.text)),
    ]
    return "\n".join(lines)

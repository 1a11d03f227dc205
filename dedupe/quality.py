"""Data-quality flags: a fixed vocabulary, each with the sentence that explains it."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from dedupe.document import Document
from dedupe.elect import cut_mid_sentence
from normalize.furniture import FURNITURE_STEPS

FLAGS: dict[str, str] = {
    "low-confidence-encoding": "the encoding was guessed with low confidence; check the text reads right",
    "replacement-chars": "the original holds U+FFFD replacement characters: text was lost before it reached us",
    "private-use-chars": "Private Use Area characters: glyphs of a PDF font that extraction could not map",
    "mojibake": "text that is UTF-8 read as GBK (鍏充簬 for 关于): the source was decoded wrongly upstream",
    "kangxi-radicals-fixed": "Kangxi radical look-alikes (a PDF artifact) were mapped to ordinary characters",
    "artifacts-removed": "page numbers, running headers or web boilerplate were removed",
    "mixed-width-punctuation": "half-width punctuation in Chinese text was made full-width",
    "no-title": "no title line was found near the top",
    "no-doc-number": "no 文号 (such as 威人社字〔2023〕13号) was found",
    "no-date": "no issue date was found",
    "truncated": "ends mid-sentence, or lacks the closing part its cluster-mates have",
    "repeated-passage": "a clause is repeated back to back (a copy-paste or extraction slip)",
    "too-short": "fewer than 50 characters of text: too little to compare reliably",
}
LOW_CONFIDENCE = 0.3
TOO_SHORT = 50
ARTIFACT_STEPS = {  # normalization steps that remove page or site furniture
    "page-number",
    "running-header",
    "web-boilerplate",
    "web-link-list",
    "capture-navigation",
    "html-main-content",
    *FURNITURE_STEPS,
}
_REPEAT = re.compile(r"([^。；\n]{8,}?[，、；])\1")
_DELIMITERS = np.array([ord(c) for c in "，、；"], dtype=np.uint32)  # what ends a clause of _REPEAT
_STOPS = np.array([ord(c) for c in "。；\n"], dtype=np.uint32)  # what a clause of _REPEAT cannot hold


def repeated_passage(text: str) -> str | None:
    """A clause of eight or more characters repeated back to back, if any."""
    if not _may_repeat(text):  # the regex tries every start and length: slow on long texts
        return None
    m = _REPEAT.search(text)
    return m.group(1) if m else None


def _any_of(chars: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``np.isin(chars, values)`` for a few values: one comparison each, no sort of a long text."""
    found = chars == values[0]
    for value in values[1:]:
        found |= chars == value
    return found


def _may_repeat(text: str) -> bool:
    """Is there an X X as ``_REPEAT`` means it? The second X starts right after a delimiter (the
    first X's last character) and ends on one, with no 。；or line break inside. Pairs of
    delimiters k < k + j of one sentence are walked j by j in numpy, ruling out those whose last
    clauses differ in length; only the rest are compared as text."""
    chars = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    delims = np.flatnonzero(_any_of(chars, _DELIMITERS))
    if delims.size < 2:
        return False
    stops = np.append(np.flatnonzero(_any_of(chars, _STOPS)), len(text))
    limit = stops[np.searchsorted(stops, delims + 1)]  # the sentence's end: no second X goes past it
    clause = np.diff(delims, prepend=-1)  # each clause's length, its delimiter included
    active = np.arange(delims.size - 1)
    for j in range(1, delims.size):
        active = active[active + j < delims.size]
        active = active[delims[active + j] <= limit[active]]  # k + j still in k's sentence
        if not active.size:
            return False
        length = delims[active + j] - delims[active]
        ok = (length >= 9) & (length <= delims[active] + 1)
        # both copies end with a clause of the same length; a one-clause X fits in the clause before
        ok &= (clause[active + j] == clause[active]) if j > 1 else (clause[active] >= length)
        starts = delims[active] + 1
        ok[ok] &= chars[starts[ok]] == chars[starts[ok] - length[ok]]  # their first characters agree
        for first in active[ok].tolist():
            start, size = int(delims[first]) + 1, int(delims[first + j] - delims[first])
            if text[start - size : start] == text[start : start + size]:
                return True
    return False


def quality_flags(doc: Document, cluster: Sequence[Document] = ()) -> list[str]:
    n = doc.normalized
    steps = {c.step for c in n.changes}
    found: list[str] = []
    checks = {
        "low-confidence-encoding": n.confidence < LOW_CONFIDENCE,
        "replacement-chars": n.replacement_chars > 0,
        "private-use-chars": n.private_use_chars > 0,
        "mojibake": n.mojibake,
        "kangxi-radicals-fixed": "kangxi-radicals" in steps,
        "artifacts-removed": bool(steps & ARTIFACT_STEPS),
        "mixed-width-punctuation": n.mixed_width_punctuation,
        "no-title": not n.meta.title,
        "no-doc-number": not n.meta.doc_number,
        "no-date": not n.meta.date,
        "truncated": _truncated(doc, cluster),
        "repeated-passage": repeated_passage(doc.text) is not None,
        "too-short": len(doc.key) < TOO_SHORT,
    }
    for flag in FLAGS:
        if checks[flag]:
            found.append(flag)
    return found


def _truncated(doc: Document, cluster: Sequence[Document]) -> bool:
    """Cut mid-sentence, or a body (as the election measures it) under 90% of its cluster's longest."""
    if cut_mid_sentence(doc):
        return True
    longest = max((m.body_chars for m in cluster), default=0)
    return bool(cluster) and doc.body_chars < 0.9 * longest

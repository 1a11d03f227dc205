"""The body of a regulation, told from its head and foot, and the similarity of two bodies.

A regulation's body runs from its first article (第一条) to its end; what comes before is its head:
the title block, the adoption history, a table of contents, and whatever a site or a database
put there (a metadata table, a promulgation order, navigation, a translation). Two copies of one
regulation with different heads share their body; two versions differ in it. A text without
articles (a notice, a plan) has no body told apart here: it is compared whole.
"""

from __future__ import annotations

import re

from dedupe.arrays import intersect_sorted
from dedupe.shingle import shingle_hashes64
from normalize import comparison_key

_ARTICLE_ONE = re.compile(r"^第[一1]\s*条", re.M)
MIN_BODY_CHARS = 200  # a shorter body says too little to rule on


def body_of(text: str) -> str | None:
    """From the first article on, or None when there is no article (or too little after it)."""
    match = _ARTICLE_ONE.search(text)
    if match is None or len(text) - match.start() < MIN_BODY_CHARS:
        return None
    return text[match.start() :]


def body_similarity(text_a: str, text_b: str, n: int = 5) -> tuple[float, float] | None:
    """(Jaccard, containment) of the two bodies' shingles, or None when one has no body."""
    body_a, body_b = body_of(text_a), body_of(text_b)
    if body_a is None or body_b is None:
        return None
    sa, sb = shingle_hashes64(comparison_key(body_a), n), shingle_hashes64(comparison_key(body_b), n)
    shared = intersect_sorted(sa, sb).size
    union = sa.size + sb.size - shared
    return (shared / union if union else 0.0, shared / min(sa.size, sb.size) if min(sa.size, sb.size) else 0.0)

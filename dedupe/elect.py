"""Canonical election: the most complete and cleanest member of a cluster represents it.

Members are ranked by, in turn: completeness (key length relative to the cluster's longest, in
2% steps, so a stray character does not decide), metadata found (title, 文号, date), decode
problems (replacement characters, garbled fonts, mojibake); then the earliest ingested; then the
path. In a growing corpus an incumbent is replaced only by a strictly better member.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

from dedupe.document import Document

STEP = 50  # completeness buckets: 2% of the longest key


class Quality(NamedTuple):
    completeness: float
    metadata: int
    problems: int

    def rank(self) -> tuple[float, int, int]:
        return (self.completeness, self.metadata, -self.problems)


def problems(doc: Document) -> int:
    n = doc.normalized
    return n.replacement_chars + n.private_use_chars + (10 if n.mojibake else 0)


def quality(doc: Document, longest: int) -> Quality:
    ratio = doc.body_chars / longest if longest else 0.0
    meta = doc.normalized.meta
    found = sum(1 for value in (meta.title, meta.doc_number, meta.date) if value)
    return Quality(math.floor(ratio * STEP + 1e-9) / STEP, found, problems(doc))


def describe(doc: Document, q: Quality, longest: int) -> str:
    meta = doc.normalized.meta
    has = [name for name, value in (("title", meta.title), ("文号", meta.doc_number), ("date", meta.date)) if value]
    parts = [
        f"{doc.body_chars} key characters of body ({doc.body_chars / longest:.0%} of the longest)" if longest else "empty",
        "has " + ", ".join(has) if has else "no title, 文号 or date found",
        f"{q.problems} decode problem(s)" if q.problems else "no decode problems",
    ]
    return "; ".join(parts)


def elect(members: Sequence[Document]) -> tuple[Document, str]:
    """The canonical member and the reason it won."""
    if len(members) == 1:
        return members[0], "the only member"
    longest = max(d.body_chars for d in members)
    ranked = sorted(members, key=lambda d: (tuple(-x for x in quality(d, longest).rank()), d.order, d.path))
    best = ranked[0]
    q = quality(best, longest)
    reason = f"most complete and cleanest: {describe(best, q, longest)}"
    if len(ranked) > 1 and quality(ranked[1], longest).rank() == q.rank():
        reason += "; tied on quality with another member, so the earliest ingested (then the path) wins"
    return best, reason


def strictly_better(newcomer: Document, incumbent: Document, longest: int) -> bool:
    """True when ``newcomer`` should replace the incumbent canonical of a growing cluster."""
    return quality(newcomer, longest).rank() > quality(incumbent, longest).rank()

"""Two notices side by side, aligned where their bodies start when their heads differ.

A re-headed copy (a database's metadata table, a promulgation order, a translation put before the
text) and a version with a new amendment history differ most in their heads. A character diff of
the whole texts then spends itself on the head and says nothing of the body, where the question
"same notice or not" is decided. So when both texts have a first article (第一条), or failing that
share a paragraph, the diff starts there, and the heads are shown apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from dedupe.body import body_of
from dedupe.diff import DiffOp, char_diff

MIN_SHARED_LINE = 15  # characters: a shorter line (a title, 各区人民政府：) says too little to align on
MAX_HEAD_DIFF = 5000  # characters: longer heads are shown as they are, not diffed


@dataclass(frozen=True)
class Aligned:
    """What a side-by-side view shows: the heads (when they differ), and the diff from ``start`` on."""

    start: str  # what the diff starts from: "第一条", "the first shared paragraph", or "" (the whole texts)
    head_a: str
    head_b: str
    head_ops: list[DiffOp] | None  # the heads' diff, when both are short enough
    ops: list[DiffOp]


def align(a: str, b: str) -> Aligned:
    """The diff of ``a`` and ``b``, from the first article (or first shared paragraph) on when the
    texts before it differ."""
    cut = _article_cut(a, b) or _shared_paragraph_cut(a, b)
    if cut is None:
        return Aligned("", "", "", None, char_diff(a, b))
    (ia, ib), start = cut
    head_a, head_b = a[:ia], b[:ib]
    if head_a == head_b:
        return Aligned("", "", "", None, char_diff(a, b))
    short = max(len(head_a), len(head_b)) <= MAX_HEAD_DIFF
    return Aligned(start, head_a, head_b, char_diff(head_a, head_b) if short else None, char_diff(a[ia:], b[ib:]))


def _article_cut(a: str, b: str) -> tuple[tuple[int, int], str] | None:
    body_a, body_b = body_of(a), body_of(b)
    if body_a is None or body_b is None:
        return None
    return (len(a) - len(body_a), len(b) - len(body_b)), "第一条"


def _shared_paragraph_cut(a: str, b: str) -> tuple[tuple[int, int], str] | None:
    """Where the first paragraph of ``a`` that ``b`` holds too starts in each."""
    in_b: dict[str, int] = {}
    offset = 0
    for line in b.splitlines(keepends=True):
        if len(line.strip()) >= MIN_SHARED_LINE:
            in_b.setdefault(line.strip(), offset)
        offset += len(line)
    offset = 0
    for line in a.splitlines(keepends=True):
        found = in_b.get(line.strip()) if len(line.strip()) >= MIN_SHARED_LINE else None
        if found is not None:
            return ((offset, found), "the first shared paragraph") if offset or found else None
        offset += len(line)
    return None

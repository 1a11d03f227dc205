"""Character-level diffs of two texts, aligned line by line first so long notices stay fast."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

DiffOp = tuple[str, str]  # ("equal" | "delete" | "insert", text)


MAX_BLOCK = 3000  # characters: a larger changed block is shown whole (character matching is quadratic)


def char_diff(a: str, b: str) -> list[DiffOp]:
    """A character-level diff, aligned line by line first so long texts stay fast.

    Changed runs of as many lines on each side are compared line with line; other changed blocks
    character by character up to MAX_BLOCK characters, and as a whole beyond.
    """
    ops: list[DiffOp] = []
    la, lb = a.splitlines(keepends=True), b.splitlines(keepends=True)
    lines = difflib.SequenceMatcher(None, la, lb, autojunk=False)
    for tag, i1, i2, j1, j2 in lines.get_opcodes():
        old, new = "".join(la[i1:i2]), "".join(lb[j1:j2])
        if tag == "equal":
            ops.append(("equal", old))
        elif tag == "replace" and i2 - i1 == j2 - j1:
            for x, y in zip(la[i1:i2], lb[j1:j2], strict=True):
                ops.extend(_chars(x, y) if max(len(x), len(y)) <= MAX_BLOCK else [("delete", x), ("insert", y)])
        elif tag == "replace" and max(len(old), len(new)) <= MAX_BLOCK:
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

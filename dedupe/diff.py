"""Character-level diffs of two texts, aligned line by line first so long notices stay fast.

Alignment is rapidfuzz's Indel (longest common subsequence, compiled): the veto's edit count runs
on every near pair a batch verifies, where Python's difflib took most of the engine's time.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Sequence

from rapidfuzz.distance import Indel

DiffOp = tuple[str, str]  # ("equal" | "delete" | "insert", text)


MAX_BLOCK = 3000  # characters: a larger changed block is shown whole (character matching is quadratic)


def char_diff(a: str, b: str) -> list[DiffOp]:
    """A character-level diff, aligned line by line first so long texts stay fast.

    Changed runs of as many lines on each side are compared line with line; other changed blocks
    character by character up to MAX_BLOCK characters, and as a whole beyond.
    """
    ops: list[DiffOp] = []
    la, lb = a.splitlines(keepends=True), b.splitlines(keepends=True)
    for tag, i1, i2, j1, j2 in _blocks(la, lb):
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


def _blocks(a: Sequence[Hashable], b: Sequence[Hashable]) -> Iterator[tuple[str, int, int, int, int]]:
    """Opcodes as difflib gives them (``equal``, ``delete``, ``insert``, ``replace``): rapidfuzz's
    runs of insertions and deletions between two equal runs are one block."""
    pending: list[int] | None = None
    for op in Indel.opcodes(a, b):
        if op.tag == "equal":
            if pending is not None:
                yield _block(*pending)
                pending = None
            yield "equal", op.src_start, op.src_end, op.dest_start, op.dest_end
        elif pending is None:
            pending = [op.src_start, op.src_end, op.dest_start, op.dest_end]
        else:
            pending[1], pending[3] = op.src_end, op.dest_end
    if pending is not None:
        yield _block(*pending)


def _semantic(blocks: list[tuple[str, int, int, int, int]]) -> list[tuple[str, int, int, int, int]]:
    """A longest common subsequence pairs up stray characters (的, 规定) across a passage that was
    rewritten or cut; as in diff-match-patch's semantic clean-up, an equal run no longer than the
    changes on both sides of it is part of the change, so a rewritten passage is one change."""
    out: list[tuple[str, int, int, int, int]] = []
    for block in blocks:
        out.append(block)
        while (
            len(out) >= 3
            and out[-1][0] != "equal"
            and out[-2][0] == "equal"
            and out[-3][0] != "equal"
            and _size(out[-2]) <= min(_size(out[-3]), _size(out[-1]))
        ):
            before, after = out[-3], out.pop()
            out[-2:] = [_block(before[1], after[2], before[3], after[4])]
    return out


def _size(block: tuple[str, int, int, int, int]) -> int:
    return max(block[2] - block[1], block[4] - block[3])


def _block(i1: int, i2: int, j1: int, j2: int) -> tuple[str, int, int, int, int]:
    tag = "replace" if i2 > i1 and j2 > j1 else "delete" if i2 > i1 else "insert"
    return tag, i1, i2, j1, j2


def _chars(old: str, new: str) -> Iterator[DiffOp]:
    for tag, i1, i2, j1, j2 in _semantic(list(_blocks(old, new))):
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

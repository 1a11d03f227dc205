"""Which lines of a text a pattern finds something in, told in one scan of the text.

A step that looks at the few lines holding a character it works on (a half-width mark, a markup
character) asked the regex engine once a line; here the lines are joined and searched once, the
search starting again at the line after each line found.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable


def _joined(lines: list[str]) -> str | None:
    """The lines joined by line breaks, or None when a line holds one itself: a position in the
    joined text would not tell which line it is in."""
    text = "\n".join(lines)
    return text if text.count("\n") == len(lines) - 1 else None


def _line_indices(text: str, positions: Iterable[int]) -> list[int]:
    """The index of the line of ``text`` each of ``positions`` (in order) is in, each index once:
    the line breaks are counted from one position to the next, not from the start each time."""
    found: list[int] = []
    index = counted = 0
    for pos in positions:
        index += text.count("\n", counted, pos)
        counted = pos
        if not found or found[-1] != index:
            found.append(index)
    return found


def lines_matching(pattern: re.Pattern[str], lines: list[str]) -> list[int] | None:
    """The indices, in order, of the lines where ``pattern`` matches, for a pattern that matches
    neither a line break nor across one, nor an empty string (what a search of each line finds); None
    when a line holds a line break (the caller then searches each line)."""
    text = _joined(lines)
    if text is None:
        return None
    starts: list[int] = []
    pos = 0
    while (m := pattern.search(text, pos)) is not None:
        starts.append(m.start())
        pos = text.find("\n", m.start()) + 1  # the next line: the rest of this one is not looked at
        if not pos:
            break
    return _line_indices(text, starts)


def lines_holding(chars: str, lines: list[str]) -> list[int] | None:
    """The indices, in order, of the lines holding one of ``chars`` (none a line break), or None when
    a line holds a line break. Each character is looked for in the joined text with ``str.find``,
    many times as fast as a regex scan for a class of them; a line found is not looked at again for
    the same character."""
    text = _joined(lines)
    if text is None:
        return None
    hits: list[int] = []
    for ch in chars:
        pos = text.find(ch)
        while pos >= 0:
            hits.append(pos)
            end = text.find("\n", pos)
            if end < 0:
                break
            pos = text.find(ch, end + 1)
    hits.sort()
    return _line_indices(text, hits)


def fix_lines_holding(chars: str, lines: list[str], fix: Callable[[str], str]) -> list[str]:
    """``lines`` with ``fix`` applied to each line holding one of ``chars``, found by
    :func:`lines_holding` (a line at a time when the lines cannot be joined); the same list when
    none holds one."""
    found = lines_holding(chars, lines)
    if found is None:
        return [fix(line) if any(ch in line for ch in chars) else line for line in lines]
    out = list(lines) if found else lines
    for i in found:
        out[i] = fix(lines[i])
    return out

"""Punctuation width in Chinese context (GB/T 15834-2011).

Half-width ``,:;!?()`` next to Chinese become full-width; inside numbers, Latin runs, URLs and
e-mail addresses nothing changes (``3.14``, ``9:30``, ``http://a.b/c?x=1,y=2``). Bracket pairs
are repaired as pairs: ``（责任单位：市农业农村局)`` becomes ``（…）``.
"""

from __future__ import annotations

import re

from normalize.changes import ChangeLog
from normalize.linescan import fix_lines_holding
from normalize.script import CJK, HAN_RE

_PROTECTED = re.compile(
    r"(?:https?|ftp)://[^\s\u3000-\u303f\u4e00-\u9fff\uff00-\uffef，。]+"
    r"|www\.[A-Za-z0-9.\-]+[^\s\u3000-\u303f\u4e00-\u9fff\uff00-\uffef，。]*"
    r"|[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}"
)
_CJK_RE = re.compile(f"[{CJK}]")
_FULL = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？", "(": "（", ")": "）"}
_OPEN, _CLOSE = "(（", ")）"
_HALFWIDTH_LIST = ",:;!?()"
_HALFWIDTH = re.compile(f"[{re.escape(_HALFWIDTH_LIST)}]")
_BRACKET = re.compile(r"[()（）]")
_MARK = re.compile(r"[,:;!?]")


def _neighbour(line: str, i: int, step: int) -> str:
    """The nearest non-space character from ``i`` in direction ``step`` ('' at the edge)."""
    j = i + step
    while 0 <= j < len(line) and line[j] == " ":
        j += step
    return line[j] if 0 <= j < len(line) else ""


def _chinese(ch: str) -> bool:
    return bool(ch) and _CJK_RE.match(ch) is not None


def _protected_mask(line: str) -> list[bool]:
    mask = [False] * len(line)
    if "@" not in line and "://" not in line and "www." not in line:  # what each protected form holds
        return mask
    for m in _PROTECTED.finditer(line):
        for k in range(m.start(), m.end()):
            mask[k] = True
    return mask


def _bracket_pairs(line: str, mask: list[bool]) -> tuple[list[tuple[int, int]], list[int]]:
    """Matched ``(``/``（`` … ``)``/``）`` pairs, and the positions of unmatched brackets."""
    stack: list[int] = []
    pairs: list[tuple[int, int]] = []
    lone: list[int] = []
    for m in _BRACKET.finditer(line):  # the brackets only, not every character
        i, ch = m.start(), m.group()
        if mask[i]:
            continue
        if ch in _OPEN:
            stack.append(i)
        elif ch in _CLOSE:
            if stack:
                pairs.append((stack.pop(), i))
            else:
                lone.append(i)
    return pairs, lone + stack


def fix_line(line: str, log: ChangeLog) -> str:
    """Return ``line`` with half-width punctuation in Chinese context made full-width.

    Repeated until nothing changes, since a converted mark is Chinese context for its neighbours
    (``关于,(`` → ``关于，（``); that makes the step idempotent.
    """
    if not _HALFWIDTH.search(line):
        return line
    mask = _protected_mask(line)
    while True:
        fixed = _fix_once(line, mask, log)
        if fixed == line or not _HALFWIDTH.search(fixed):  # no half-width mark left: a pass more changes nothing
            return fixed
        line = fixed


def _fix_once(line: str, mask: list[bool], log: ChangeLog) -> str:
    chars = list(line)
    pairs, lone = _bracket_pairs(line, mask)
    for left, right in pairs:
        a, b = line[left], line[right]
        mixed = (a == "（") != (b == "）")
        chinese = (
            bool(HAN_RE.search(line[left + 1 : right]))
            or _chinese(_neighbour(line, left, -1))
            or _chinese(_neighbour(line, right, 1))
        )
        if mixed or (a == "(" and chinese):
            log.add("bracket-pair-repaired" if mixed else "halfwidth-punctuation", line[left : right + 1])
            chars[left], chars[right] = "（", "）"
    for i in lone:
        if line[i] in "()" and (_chinese(_neighbour(line, i, -1)) or _chinese(_neighbour(line, i, 1))):
            chars[i] = _FULL[line[i]]
            log.add("halfwidth-punctuation", line[max(0, i - 4) : i + 5])
    for m in _MARK.finditer(line):
        i, ch = m.start(), m.group()
        if not mask[i] and (_chinese(_neighbour(line, i, -1)) or _chinese(_neighbour(line, i, 1))):
            chars[i] = _FULL[ch]
            log.add("halfwidth-punctuation", line[max(0, i - 4) : i + 5])
    return "".join(chars)


def fix_punctuation(lines: list[str], log: ChangeLog) -> list[str]:
    """:func:`fix_line` of each line holding a half-width mark, the lines found in one scan of the text."""
    return fix_lines_holding(_HALFWIDTH_LIST, lines, lambda line: fix_line(line, log))

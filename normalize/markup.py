"""Markdown markup of web scrapes: keep the text, drop the markup."""

from __future__ import annotations

import re

from normalize.changes import ChangeLog
from normalize.linescan import fix_lines_holding

# (step, a character every match contains, pattern, replacement); the character is tested first
_RULES: tuple[tuple[str, str, re.Pattern[str], str], ...] = (
    ("markdown-comment", "<", re.compile(r"^\s*<!--.*?-->\s*$"), ""),
    # tags a scrape left in the text (``< span style="color: rgb(0,0,0)">``), not the text between them
    (
        "markup-residue",
        "<",
        re.compile(
            r"<\s*/?\s*(?:span|p|div|font|table|tbody|thead|tr|td|th|br|strong|b|i|u|em|a|img|o:p|section|center)"
            r"(?:\s[^<>]{0,300})?/?\s*>",
            re.I,
        ),
        "",
    ),
    ("markdown-rule", "", re.compile(r"^\s*(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,}|(?:=\s*){3,})$"), ""),
    ("markdown-heading", "#", re.compile(r"^\s{0,3}(?:#{1,6}\s+)+(.*?)\s*#*\s*$"), r"\1"),
    ("markdown-quote", ">", re.compile(r"^\s*(?:>\s?)+"), ""),
    ("markdown-list", "", re.compile(r"^\s*[*+]\s+"), ""),
    ("markdown-image", "![", re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),
    ("markdown-link", "](", re.compile(r"\[([^\]]*)\]\((?:[^()\s]|\([^)]*\))*(?:\s+\"[^\"]*\")?\)"), r"\1"),
    ("markdown-bold", "**", re.compile(r"\*\*(.+?)\*\*"), r"\1"),
    ("markdown-emphasis", "_", re.compile(r"^\s*_{1,2}(?:\s+|$)|(?:^|\s+)_{1,2}\s*$"), ""),
    ("markdown-bold", "__", re.compile(r"(?<![A-Za-z0-9_])__(.+?)__(?![A-Za-z0-9_])"), r"\1"),
)


_MARKUP_CHAR_LIST = "#*_>[!<=+-"
_MARKUP_CHARS = re.compile(f"[{re.escape(_MARKUP_CHAR_LIST)}]")


def may_hold_markup(text: str) -> bool:
    """False when ``text`` holds none of the characters markup is made of: no line of it, nor of what
    later steps make of its lines (they drop lines and characters, and join lines with a space),
    gives :func:`strip_markup` anything to do."""
    return _MARKUP_CHARS.search(text) is not None


def strip_markup(lines: list[str], log: ChangeLog) -> list[str]:
    """Remove Markdown headings, emphasis, quotes, list bullets, links and images line by line; the
    lines holding a markup character are found in one scan of the text (most hold none)."""
    return fix_lines_holding(_MARKUP_CHAR_LIST, lines, lambda line: _strip_line(line, log))


def _strip_line(line: str, log: ChangeLog) -> str:
    """The markup of one line removed, rule after rule, until none finds anything."""
    previous = None
    while line != previous:  # nested markup (``**## x**``) unwraps in turn
        previous = line
        for step, needle, pattern, repl in _RULES:
            if needle not in line:
                continue
            new, n = pattern.subn(repl, line)
            if n:
                log.add(step, line.strip(), n)
                line = new
    return line

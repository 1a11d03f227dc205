"""Whitespace of the clean text: no space next to Chinese, indentation dropped, a paragraph a line.

The separator after an article or chapter number stays: ``第一条　为了…``, ``第一章　总则``.

``2023 年`` becomes ``2023年``, ``5.23 万个`` becomes ``5.23万个``; spaces between Latin words stay.
A year whose digits a PDF or a hand spaced apart is one number again: ``20 10年`` and ``二○ 一一年``
become ``2010年`` and ``二○一一年``.
A PDF signature block that lists several issuers on one line (``威海市教育局 威海市公安局``) is
split into one issuer a line instead of being glued together.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from normalize.changes import ChangeLog
from normalize.linescan import lines_matching
from normalize.patterns import ORG_SUFFIX
from normalize.script import CJK

_AROUND_CJK = re.compile(f"(?<=[{CJK}])[ \t]+(?=[{CJK}0-9A-Za-z%])|(?<=[0-9A-Za-z%])[ \t]+(?=[{CJK}])")
_MULTI_SPACE = re.compile(r"[ \t]{2,}")
_CN_DIGIT = "〇○零ＯOo一二三四五六七八九"
# four digits of a year with spaces inside, before 年 (the match starts at a digit, found by a fast scan)
_SPACED_YEAR = re.compile(
    rf"(?<![\d{_CN_DIGIT}])(?:(?:19|20)(?:[ \t]?\d){{2}}|[一二][{_CN_DIGIT}](?:[ \t]?[{_CN_DIGIT}]){{2}}"
    rf"|[一二][ \t][{_CN_DIGIT}](?:[ \t]?[{_CN_DIGIT}]){{2}}|[12][ \t]\d(?:[ \t]?\d){{2}})(?=[ \t]?年)"
)
# a space or tab, then only digits, spaces and tabs up to 年: what every spaced year holds (the year's
# pattern opens with a look behind, tried at every position; this one is found by a fast scan)
_MAYBE_SPACED_YEAR = re.compile(rf"[ \t][\d{_CN_DIGIT} \t]{{0,7}}年")
# the separator after an article or chapter number stays, as the ideographic space (GB/T 9704)
# starts with a line break: the regex engine then scans for it, instead of trying every position
_ARTICLE_SEPARATOR = re.compile(r"\n(第[一二三四五六七八九十百千零〇两\d]{1,6}[条章节编])[ \t]+(?=\S)")
_FIRST_ARTICLE_SEPARATOR = re.compile(_ARTICLE_SEPARATOR.pattern.removeprefix("\\n"))
# The same removals, written to start at a space (found by a fast scan) and look back from there.
_SPACE_NEAR_CJK = re.compile(
    f"[ \t](?:(?<=[{CJK}][ \t])[ \t]*(?=[{CJK}0-9A-Za-z%])|(?<=[0-9A-Za-z%][ \t])[ \t]*(?=[{CJK}]))"
)


def _drop_cjk_spaces(text: str) -> tuple[str, str, int]:
    """``_AROUND_CJK.subn("", text)`` with the first removal's context (a test checks they agree).

    A whole run goes when it has Chinese on one side and Chinese or Latin/digits on the other.
    """
    first = _SPACE_NEAR_CJK.search(text)
    if not first:
        return text, "", 0
    context = text[max(0, first.start() - 8) : first.end() + 8].replace("\n", "⏎")
    fixed, n = _SPACE_NEAR_CJK.subn("", text)  # the whole text: no copy of a part of it
    return fixed, context, n


def _join_spaced_years(text: str, log: ChangeLog) -> str:
    """``20 10年`` → ``2010年``: the spaces inside a year go, recorded as ``year-spacing``."""

    def join(match: re.Match[str]) -> str:
        year = match.group()
        if " " not in year and "\t" not in year:
            return year
        log.add("year-spacing", f"{year}年")
        return year.replace(" ", "").replace("\t", "")

    return _SPACED_YEAR.sub(join, text)


def _split_issuer_list(line: str) -> list[str]:
    head = line.split(None, 1)[0]  # most lines fail on their first part: no need to split them all
    if len(head) < 4 or not ORG_SUFFIX.search(head):
        return [line]
    parts = line.split()
    if len(parts) >= 2 and all(len(p) >= 4 and ORG_SUFFIX.search(p) for p in parts):
        return parts
    return [line]


def _separated(match: re.Match[str]) -> str:
    """``\\n第一条　``: what ``"\\n\\1\\u3000"`` gives, without the template (Python 3.11 expands one in
    Python for every match, four times as long: a regulation has a hundred articles)."""
    return f"\n{match[1]}\u3000"


# where the first word of an issuer list can end: a character an issuer ends with, then whitespace
_ISSUER_END = re.compile(rf"[{ORG_SUFFIX.last_chars}][^\S\n]")


def _strip_lines(lines: list[str], log: ChangeLog) -> str:
    """The lines stripped, blank ones dropped, issuer lists split, joined with line breaks. When no
    line is blank or has whitespace at an end (as rejoin_wraps leaves them), only the lines where
    an issuer list can start (found in one scan of the text) are looked at one by one."""
    clean = "" not in lines and list(map(str.strip, lines)) == lines
    found = lines_matching(_ISSUER_END, lines) if clean else None
    if found is None:
        return "\n".join(_stripped(lines, range(len(lines)), log))
    out: list[str] = []
    kept = 0
    for i in found:
        out += lines[kept:i]
        out += _stripped(lines, (i,), log)
        kept = i + 1
    out += lines[kept:]
    return "\n".join(out)


def _stripped(lines: list[str], indices: Iterable[int], log: ChangeLog) -> list[str]:
    """These lines stripped (a blank one dropped, indentation recorded), an issuer list split."""
    out: list[str] = []
    for i in indices:
        raw = lines[i]
        line = raw.strip()
        if not line:
            continue
        if raw[:1] in (" ", "\t"):
            log.add("indentation", raw[:8])
        parts = _split_issuer_list(line) if " " in line else [line]
        if len(parts) > 1:
            log.add("issuer-list-split", line)
        out.extend(parts)
    return out


def fix_spacing(lines: list[str], log: ChangeLog) -> list[str]:
    """Strip each line, split issuer lists, then remove spaces next to Chinese in one pass."""
    text = _strip_lines(lines, log)
    if "第" in text:
        text = _ARTICLE_SEPARATOR.sub(_separated, text)
        if first := _FIRST_ARTICLE_SEPARATOR.match(text):  # the first line has no line break before it
            text = f"{first.group(1)}\u3000{text[first.end() :]}"
    if "年" in text and _MAYBE_SPACED_YEAR.search(text):  # a year without a space is left as it is
        text = _join_spaced_years(text, log)
    text, first, n = _drop_cjk_spaces(text)
    if n:
        log.add("cjk-spacing", first, n)
    if "  " in text or "\t" in text:
        text = _MULTI_SPACE.sub(" ", text)
    out = text.split("\n")  # no step above leaves a line blank, but for a text of none
    return out if "" not in out else [line for line in out if line]

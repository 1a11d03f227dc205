"""Rejoin lines that PDF extraction broke mid-sentence (often with blank lines between them).

A break is rejoined when the line before does not end a sentence or a heading and the line after
does not start a new item. In a hard-wrapped document (most lines share one page width, the
modal width) only a line that fills the page width continues; in a soft-wrapped one (a paragraph
a line, with stray breaks) a long line of prose (it has commas) without closing punctuation
continues, unless it looks like a table row or a list of names. A title broken
over several centred lines is rejoined when its last line ends like a title (``…的通知``).
"""

from __future__ import annotations

import re
from collections import Counter

from normalize.changes import ChangeLog
from normalize.patterns import (
    CLOSERS,
    DATE,
    DATE_LINE,
    DOC_NUMBER_LINE,
    ORG_SUFFIX,
    SENTENCE_END,
    SIGNATURE,
    TITLE_SUFFIX,
    is_heading,
    starts_item,
)
from normalize.script import display_width
from normalize.versions import DATE_ANY

MIN_WRAP_WIDTH = 30  # display columns below which a line is never a page-width line
FULL_SLACK = 5  # columns: a first line indented by two characters still fills the page
SOFT_MIN_CHARS = 20
TITLE_MAX_CHARS = 40
_TITLE_BREAKERS = re.compile(r"[，。；：！？,;:!?]")
OPENERS = ("（", "(", "【", "[", "〔")
PROSE = re.compile(r"[，、,；;]")  # a sentence in progress; name lists and table rows have none
_SENTENCE_ENDS, _CLOSERS = tuple(SENTENCE_END), tuple(CLOSERS)
# a sentence end that also breaks a title: a paragraph ending in one never continues (``…`` may)
_ENDS_AND_BREAKS = frozenset(SENTENCE_END) & frozenset(_TITLE_BREAKERS.pattern)
RULE_LINE = re.compile(r"^[━─—_=＝\-－~～·.…\s]{6,}$")  # the red rule under a header, a separator
LABEL = re.compile(r"^[\u4e00-\u9fff][\u4e00-\u9fff ]{0,7}[：:]")


def modal_width(lines: list[str]) -> int | None:
    """The page width of a hard-wrapped text, or None when lines are paragraphs."""
    # a character takes at most two columns: shorter lines cannot reach the minimum width
    widths = [w for line in lines if 2 * len(line) >= MIN_WRAP_WIDTH and (w := display_width(line)) >= MIN_WRAP_WIDTH]
    if len(widths) < 5:
        return None
    counts = Counter(widths)
    # the most frequent width, the widest of those: (count, width) pairs compared, without a call each
    best = max(zip(counts.values(), counts, strict=True))[1]
    near = sum(counts[v] for v in range(best - 2, best + 3))
    return best if near >= max(5, 0.3 * len(widths)) else None


def _title_continues(a: str, b: str) -> bool:
    """``a`` and ``b`` are two lines of one title broken for centring (its characters may be
    spaced out for width: ``实　施　意　见``)."""
    a, b = a.replace(" ", ""), b.replace(" ", "")
    return (
        len(a) <= TITLE_MAX_CHARS
        and len(b) <= TITLE_MAX_CHARS
        and TITLE_SUFFIX.search(b) is not None
        and TITLE_SUFFIX.search(a) is None
        and ORG_SUFFIX.search(a) is None
        and not _TITLE_BREAKERS.search(a + b)
        and not DATE_ANY.search(a)  # 二〇〇五年十月八日 above the regulation's name is its date
        and not SIGNATURE.match(a)
        and not DOC_NUMBER_LINE.match(a)
        and not starts_item(a)
        and not starts_item(b)
        and not a.isdigit()  # a page number above the title
        and b != "目录"  # the table of contents below it
        and not a.startswith(OPENERS)
        and not a.endswith(_CLOSERS)
        and not b.startswith("关于")
    )


def _continues(a: str, last: str, b: str, width: int | None) -> bool:
    """Should line ``b`` be appended to the paragraph ``a`` whose last physical line is ``last``?"""
    if not a or not b or a[-1] in _ENDS_AND_BREAKS:  # the common case first: a finished sentence
        return False
    if starts_item(b) or DATE.match(b) or DATE_ANY.match(b):  # a dated line opens a new head entry
        return False
    if RULE_LINE.match(a) or RULE_LINE.match(b):
        return False
    if (a.startswith("|") and a.endswith("|")) or (b.startswith("|") and b.endswith("|")):
        return False  # a table row is a line of its own
    if _title_continues(a, b):
        return True
    if a.endswith(_SENTENCE_ENDS) or DATE_LINE.match(a) or DATE_LINE.match(b) or DOC_NUMBER_LINE.match(b):
        return False
    if width is not None and display_width(last) >= width - FULL_SLACK:
        # a page-width line closing a bracket may end its paragraph: keep short sign-off lines apart
        return not a.endswith(_CLOSERS) or (len(b) >= 10 and ORG_SUFFIX.search(b) is None)
    if is_heading(a) or (TITLE_SUFFIX.search(a) and len(a) <= TITLE_MAX_CHARS * 2 and not PROSE.search(a)):
        return False
    return (
        len(a) >= SOFT_MIN_CHARS
        and PROSE.search(a) is not None
        and not a.endswith(_CLOSERS)
        and (len(a) > 30 or ORG_SUFFIX.search(a) is None)
        and LABEL.match(b) is None
    )


def _glue(a: str, b: str) -> str:
    """Join two pieces of one paragraph; a space only between two Latin words."""
    if a[-1:].isascii() and a[-1:].isalnum() and b[:1].isascii() and b[:1].isalpha():
        return f"{a} {b}"
    return a + b


def _issuer_heads_title(a: str, b: str) -> bool:
    """The first line names the issuer and the next opens the title with 关于: one title
    (``河南省人民政府`` + ``关于深化户籍制度改革的实施意见``)."""
    return (
        len(a) <= 20
        and ORG_SUFFIX.search(a) is not None
        and b.startswith("关于")
        and TITLE_SUFFIX.search(b.replace(" ", "")) is not None
        and len(b) <= TITLE_MAX_CHARS * 2
        and not _TITLE_BREAKERS.search(a + b)
    )


def _one_pass(lines: list[str], width: int | None, log: ChangeLog) -> list[str]:
    out: list[str] = []
    last = ""
    for line in lines:
        # a paragraph ending a sentence (most) is told here, without the call that tells it first
        if out and (
            (len(out) == 1 and _issuer_heads_title(out[0], line))
            or (out[-1][-1:] not in _ENDS_AND_BREAKS and _continues(out[-1], last, line, width))
        ):
            log.add("hard-wrap", f"{out[-1][-6:]}⏎{line[:6]}")
            out[-1] = _glue(out[-1], line)
        else:
            out.append(line)
        last = line
    return out


def rejoin_wraps(lines: list[str], log: ChangeLog) -> list[str]:
    """Merge broken lines into paragraphs; blank lines are dropped (paragraph = line).

    The page width only speaks for the physical lines of the first pass; further passes, on
    paragraphs, run until nothing joins (a title can need two: ``关于…`` + ``2023`` + ``…的通知``).
    """
    lines = [s for line in lines if (s := line.strip())]
    width = modal_width(lines)
    while True:
        joined = _one_pass(lines, width, log)
        if len(joined) == len(lines):
            return joined
        lines, width = joined, None

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


# Lines that are not the notice, when they survive cleaning: they must win no election. Three
# patterns, not one: the Chinese words start with a literal each, so the regex engine scans a line
# for their first characters; the case-blind Latin words are looked for only in a line holding a
# character they can start with; the patterns of a whole line are tried at its start alone. One
# alternation of them all was tried at every character of every line (five times slower).
_FURNITURE_WORDS = re.compile(
    r"当前位置|您的位置|现在的位置|打印本页|打印此页|关闭窗口|【打印】|【关闭】|增大字号|减小字号|默认字号|调整字号"
    r"|字号[:：]?\s*[［\[]?\s*大\s*中\s*小|发表评论|我要评论|浏览次数|阅读次数|点击数|访问量|公网安备|版权所有"
    r"|网站标识码|分辨率|本文不代表|本网站观点|免责声明|原标题|分享到|新浪微博|微信扫一扫|本词条|参考资料"
)
_FURNITURE_LATIN = re.compile(r"icp备|copyright|all rights reserved|qq空间", re.I)
_LATIN_FIRST = re.compile("[ACIQaciq\u0130\u0131]")  # what _FURNITURE_LATIN's words start with, case-blind
_FURNITURE_LINE = re.compile(r"https?://|\d+\s*of\s*\d+$|第\s*\d+\s*页\s*共\s*\d+\s*页$", re.I)  # matched at the start
_EXPORT_ROW = re.compile(r"^\|\s*[A-Z][A-Za-z_]+\s*\|")  # ``| Title | … |``: a research export's field
_LATIN = re.compile(r"[A-Za-z]")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def furniture(line: str) -> bool:
    """A short line of a site's furniture: where-you-are, print and close, counters, copyright."""
    return len(line) < 200 and bool(
        _FURNITURE_WORDS.search(line)
        or (_LATIN_FIRST.search(line) and _FURNITURE_LATIN.search(line))
        or _FURNITURE_LINE.match(line)
    )


# a character every line that is not the notice holds unless it holds a furniture word: a Latin
# letter, or one of the non-ASCII letters a case-blind rule also takes (İ ı ſ K), or 页
_MAY_NOT_BE = re.compile("[A-Za-z\u0130\u0131\u017f\u212a页]")


def lines_not_the_notice(text: str) -> list[str]:
    """The lines of ``text`` that are :func:`not_the_notice`; a text with no furniture word and no
    character of ``_MAY_NOT_BE`` is told by two scans, not line by line (half the time, on the
    generated notices, most of which are such texts)."""
    if not _FURNITURE_WORDS.search(text) and not _MAY_NOT_BE.search(text):
        return []
    return [line for line in text.split("\n") if not_the_notice(line)]


def not_the_notice(line: str) -> bool:
    """A line that is furniture, an export's metadata row, or a translation (mostly Latin letters)."""
    if furniture(line):
        return True
    if _EXPORT_ROW.match(line):
        return True
    latin = len(_LATIN.findall(line))
    return latin >= 20 and len(_HAN.findall(line)) < 0.2 * latin

"""The heading of a web page (:mod:`normalize.web`): the candidates the page shows (a metadata
table's 标题, the ArticleTitle meta, heading elements and styled cells near the notice, the
``<title>`` less the site's name), the best of them, and a heading split over lines joined."""

from __future__ import annotations

import re

from normalize.weblines import (
    _DOC_NO,
    _ENDS_SENTENCE,
    _NOTICE_END,
    clean_title,
    notice_like,
    plausible_title,
    title_parts,
)
from normalize.webtree import _META_TITLE, _WS, Line, Page


def _choose_title(
    page: Page, start: int, keep: list[Line], head_title: str, article_title: str | None, outside: str
) -> str | None:
    """The heading as the page shows it, checked against the ``<title>`` and the meta tags."""
    from_title = title_parts(_WS.sub(" ", head_title).strip(), outside) if head_title else None
    named = [t for t in (page.fields.get(k) for k in _META_TITLE) if t and plausible_title(t)]
    if article_title and plausible_title(article_title):
        named.append(article_title.strip())
    headings: list[tuple[int, str]] = []  # (score, text)
    before = [ln for ln in page.lines[max(0, start - 10) : start] if ln.links * 2 < len(ln.text)]
    for pos, line in enumerate(before):
        if line.weight or line.centered:
            text = _joined_heading(before, pos)
            if plausible_title(text):
                near = 2 if len(before) - pos <= 3 else 0
                short = -2 if len(clean_title(text)) < 8 else 0
                headings.append((line.weight + line.centered + near + short + 2 * notice_like(text), text))
    headings.reverse()  # the nearer heading first among equals
    inside: list[str] = []
    for pos, line in enumerate(keep[:8]):
        if line.weight >= 2 or (line.centered and (line.weight or notice_like(line.text))):
            text = _joined_heading(keep, pos)
            if plausible_title(text):
                inside.append(text)
                headings.append((line.weight + line.centered + 2 * notice_like(text) + (pos == 0), text))
    chosen = _best_heading(headings, named, from_title)
    # the official title the notice itself shows (…关于印发…办法的通知) rather than the page's
    # headline for what it issues (…办法)
    for text in inside:
        if "关于" in text and _NOTICE_END.search(text) and (not chosen or _squeeze(chosen) in _squeeze(text)):
            return text
    return chosen


def _best_heading(headings: list[tuple[int, str]], named: list[str], from_title: str | None) -> str | None:
    references = [_squeeze(t) for t in (*named, *([from_title] if from_title else []))]
    headings.sort(key=lambda h: -h[0])
    for _score, text in headings:
        whole = _squeeze(text)
        # the page's heading as the metadata or <title> give it, or longer (a <title> shortens)
        if whole in references or (from_title and _squeeze(from_title) in whole):
            return text
    if named:
        return named[0]
    for score, text in headings:
        if score >= 2 and (notice_like(text) or not from_title or not notice_like(from_title)):
            return text
    return from_title


def _joined_heading(lines: list[Line], pos: int) -> str:
    """A heading the page breaks over two or three lines in one style, joined."""
    text = lines[pos].text
    if _DOC_NO.search(text):  # a 文号 centred above the title is a line of its own
        return text
    for nxt in lines[pos + 1 : pos + 3]:
        if nxt.style != lines[pos].style or _NOTICE_END.search(text) or len(text) + len(nxt.text) > 120:
            break
        if nxt.text[-1:] in "。；：:" or nxt.text.startswith(("第", "（", "(")):
            break
        text += nxt.text
    return text


_LISTED = re.compile(r"[\[(（【]?\s*\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s*[\])）】]?$")  # an entry of a list page
_NOT_LETTERS = re.compile(r"[\s|\d\-:：./年月日\[\]【】()（）]+")


def _letters(text: str) -> int:
    """Characters of a line that are words (a list row's date and cell bars left out)."""
    return len(_NOT_LETTERS.sub("", text))


def _squeeze(text: str) -> str:
    return _WS.sub("", text).replace("\u3000", "")


def _join_heading(lines: list[Line], title: str | None) -> None:
    """Join, at the top of the body, the lines that together are the title (a heading the page
    breaks over two or three lines to centre it)."""
    if not title:
        return
    whole = _squeeze(title)
    for pos, line in enumerate(lines[:6]):
        acc = _squeeze(line.text)
        if not acc or acc == whole or not whole.startswith(acc):
            continue
        for n in range(pos + 1, min(pos + 4, len(lines))):
            acc += _squeeze(lines[n].text)
            if acc == whole:
                lines[pos : n + 1] = [Line(title, weight=line.weight, style=line.style, centered=line.centered)]
                return
            if not whole.startswith(acc):
                break


def _join_split_headings(lines: list[Line]) -> None:
    """A heading the page centres over two lines in one style (``2015年…子女`` / ``积分制入学积分方案``)
    is one line: joined when the second ends it like a title and the first does not."""
    i = 0
    while i < len(lines) - 1:
        a, b = lines[i], lines[i + 1]
        if (
            a.centered
            and b.centered
            and a.style == b.style
            and (a.weight or b.weight or a.style)
            and len(a.text) + len(b.text) <= 60
            and not notice_like(a.text)
            and notice_like(b.text)
            and "关于" not in b.text  # a whole title of its own
            and not _DOC_NO.search(a.text)
            and not _ENDS_SENTENCE.search(a.text)
            and not a.links
            and not b.links
        ):
            lines[i : i + 2] = [Line(a.text + b.text, weight=a.weight, style=a.style, centered=True)]
        i += 1


def _title_at(lines: list[str], title: str) -> int | None:
    """Where the body already shows the title as a line of its own, among its first lines."""
    whole = _squeeze(title)
    for pos, line in enumerate(lines[:8]):
        if _squeeze(line) == whole:
            return pos
    return None

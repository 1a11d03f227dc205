"""A web page read as a person reads it: the notice's heading, then its paragraphs, one a line.

Government pages lay a notice out in tables (the site's name in one cell, the heading in a styled
cell, the whole notice in another, navigation in a fourth), so a table is read as what it holds:
a grid of short cells in rows is data and stays ``| a | b |``; any other table is layout and its
cells are blocks of text like ``<div>``. ``<br>`` ends a line, block elements end a paragraph.

The notice is the smallest element that holds most of the page's prose (text outside links).
Inside it, furniture is dropped by what it is: elements whose class or id names navigation,
toolbars, share bars or footers, link lists, hidden elements, and, as a last line of defence,
lines such as breadcrumbs, print/close/font-size toolbars, view counters, ICP and copyright lines.
The heading comes from where the page shows it (a metadata table's 标题, the ArticleTitle meta,
a heading element or styled cell near the notice, the ``<title>`` less the site's name), and is
never a site name, a navigation bar, a metadata row or a page number.

One lxml parse and one walk of the tree: about 3 ms of CPU a page (343 pages/s a core on 315
real pages, where trafilatura read 55).
"""

from __future__ import annotations

import contextlib
import html
import re
from dataclasses import dataclass, field

from lxml import etree

from normalize.changes import ChangeLog
from normalize.errors import EmptyText, NotANotice
from normalize.webheading import _LISTED, _choose_title, _join_heading, _join_split_headings, _letters, _title_at
from normalize.weblines import (
    _DATED,
    _DOC_NO,
    _HEADER_ONLY,
    _INFO,
    _NOTICE_END,
    _POSTED_ON,
    _RELATED,
    _REPOST,
    _WORD,
    clean_title,
    is_furniture,
    is_info_line,
    notice_like,
    plausible_title,
    title_parts,
)
from normalize.webtree import _META_NUMBER, Line, Page, _text_of, walk

__all__ = ["extract", "is_furniture", "read_page", "title_parts"]

# -- the page ------------------------------------------------------------------------------------
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_GITHUB_LINE = "blob-code"
_SOURCE_TAGS = re.compile(r"<(?:html|head|body|div|table|td|p|script|meta|span|a)[\s>]", re.I)


# collect_ids=False: libxml2 keeps no table of the page's id attributes (nothing here looks an element
# up by its id; an element's id is still read where it stands), 6% of a parse
_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, huge_tree=True, collect_ids=False)
_UTF8_PARSER = etree.HTMLParser(
    remove_comments=True, remove_pis=True, no_network=True, huge_tree=True, collect_ids=False, encoding="utf-8"
)


def parse(page: str, utf8: bytes | None = None) -> etree._Element | None:
    """The page's tree, scripts and styles left out (lxml's HTML parser, recovering like a browser).

    The text is given to libxml2 as UTF-8, which it reads a quarter faster than Python's own string
    (the same trees on 315 real pages); a text UTF-8 cannot hold (a lone surrogate) is given as it is.
    ``utf8``: the page's own bytes when ``page`` is them read as UTF-8, unchanged (not encoded again:
    44 µs a page of guangzhou-html)."""
    if decl := _XML_DECL.match(page):
        page = page[decl.end() :]
        utf8 = utf8[len(decl.group().encode("utf-8")) :] if utf8 is not None else None
    if not page or page.isspace():  # (strip would copy the page to say so)
        return None
    data = utf8
    if data is None:
        with contextlib.suppress(UnicodeEncodeError):
            data = page.encode("utf-8")
    try:
        tree = etree.fromstring(data, _UTF8_PARSER) if data is not None else etree.fromstring(page, _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None
    if tree is None:
        return None
    etree.strip_elements(tree, "script", "style", "noscript", with_tail=False)
    return tree


def _meta(tree: etree._Element, *names: str) -> str | None:
    for name in names:
        for el in tree.iterfind(f".//meta[@name='{name}']"):
            value = (el.get("content") or "").strip()
            if value:
                return html.unescape(value)
        for el in tree.iterfind(f".//meta[@property='{name}']"):
            value = (el.get("content") or "").strip()
            if value:
                return html.unescape(value)
    return None


def _first_title(tree: etree._Element) -> str:
    """The text of the page's first ``<title>`` (``tree.findtext(".//title")``), looked for in its
    ``<head>`` first: an lxml iterator looks one match ahead, which for a page's one title is a walk
    of the whole page (26 µs a page of guangzhou-html, 1 µs in the head)."""
    head = tree[0] if len(tree) else None
    el = next(head.iterdescendants("title"), None) if head is not None and head.tag == "head" else None
    if el is None:
        el = next(tree.iterdescendants("title"), None)
    return (el.text or "") if el is not None else ""


def _github_source(tree: etree._Element, source: str) -> str | None:
    """A page saved from a code host's file view: the file it shows, one source line a row."""
    if _GITHUB_LINE not in source:  # most pages: no cell to look for (as fast as asking the cells first)
        return None
    cells = [td for td in tree.iter("td") if _GITHUB_LINE in (td.get("class") or "")]
    if len(cells) < 3:
        return None
    return "\n".join(_text_of(c) for c in cells)


_SENTENCE_MARK = re.compile(r"[，。；、]")


def _prose(line: Line) -> bool:
    text = line.text
    return (
        len(text) >= 20
        and not line.links
        and bool(_SENTENCE_MARK.search(text))
        and not is_furniture(text)
        and not is_info_line(text)
    )


def _adjacent_prose(lines: list[Line], start: int, end: int) -> tuple[int, int]:
    """Paragraphs right before or after the chosen element (notes above a table that holds most of
    the text) belong to the notice too."""
    while start > 0 and _prose(lines[start - 1]):
        start -= 1
    while end < len(lines) and _prose(lines[end]):
        end += 1
    # the notice's attachments listed under it (附件：, a file's link), a label or two between
    j = end
    while (
        j < len(lines) and j - end < 4 and not lines[j].links and len(lines[j].text) <= 12 and "附件" in lines[j].text
    ):
        j += 1
    if j < len(lines) and lines[j].doc_link:
        while j < len(lines) and lines[j].doc_link:
            j += 1
        end = j
    return start, end


def _red_header(lines: list[Line], start: int) -> int:
    """The notice's own head just above the element that holds its text: centred lines, a 文号,
    a 令's header and number (``中华人民共和国环境保护部令`` / ``第4号``), up to the page's heading."""
    j = start
    while j > 0 and start - j < 4:
        line = lines[j - 1]
        text = line.text
        if line.links or line.weight >= 3 or is_furniture(text) or is_info_line(text) or len(text) > 60:
            break
        if not (line.centered or _DOC_NO.search(text) or _HEADER_ONLY.search(text)):
            break
        j -= 1
    return j


def _container(page: Page) -> tuple[int, int]:
    """The smallest span of lines holding at least 70% of the page's prose (50% when only the
    whole page holds 70%)."""
    pre = [0]
    total = 0
    for line in page.lines:
        text, links = line.text, line.links
        n = len(text)
        prose = n - links
        if prose < 10 or links * 2 >= n or (not line.row and is_furniture(text)):
            prose = 0  # a link, a menu item, a footer's line
        elif line.row:  # a data table's cells count, less than paragraphs: a fee table is not the page
            prose //= 4
        total += prose
        pre.append(total)
    n = len(page.lines)
    if not total:
        return 0, n
    # a page with much prose around the notice (news lists, a long footer) gets a second chance at
    # half: the notice itself is still the smallest element that holds most of it
    for share in (0.7, 0.5):
        need = share * total
        first, last = 0, n
        for start, end, _depth in page.spans:
            if end - start < last - first and pre[end] - pre[start] >= need:
                first, last = start, end
        if last - first <= n - 3 or share == 0.5:  # an element, not the page
            return first, last
    return 0, n


@dataclass
class Reading:
    """A page read: its title, its lines, and what was left out (for the change log)."""

    title: str | None
    lines: list[str]
    removed: dict[str, list[str]] = field(default_factory=dict)
    images: int = 0
    fields: dict[str, str] = field(default_factory=dict)
    linked: int = 0  # lines that are mostly a link
    prose: int = 0  # characters in lines of prose without links
    rows: int = 0  # data table rows
    posted: str | None = None  # the date an info line above the notice gave (2025-04-08)
    page_images: int = 0

    def drop(self, step: str, text: str) -> None:
        self.removed.setdefault(step, []).append(text)


def read_page(source: str, _depth: int = 0, utf8: bytes | None = None) -> Reading:
    """The page's heading and body lines, furniture left out (``utf8``: as :func:`parse`'s)."""
    is_furniture.cache_clear()  # remembered for one page: a page is not read faster for the one before
    tree = parse(source, utf8)
    if tree is None:
        return Reading(None, [])
    if _depth == 0 and (inner := _github_source(tree, source)) is not None:
        tags = len(_SOURCE_TAGS.findall(inner))
        if tags >= 5:
            raise NotANotice(
                f"is a code host's page showing a web page's HTML source ({inner.count(chr(10)) + 1} lines, "
                f"{tags} tags), not the page itself: not a notice (save the page, not its source)"
            )
        lines = [t for t in (s.strip() for s in inner.split("\n")) if t and not is_furniture(t)]
        if (
            len(lines) > 1
            and not notice_like(lines[0])
            and _NOTICE_END.search(lines[1])
            and len(lines[0]) + len(lines[1]) <= 60
            and not _SENTENCE_MARK.search(lines[0] + lines[1])
        ):
            lines[:2] = [lines[0] + lines[1]]  # a heading broken for centring
        at = next((i for i, t in enumerate(lines[:6]) if notice_like(t) and plausible_title(t)), None)
        title = lines[at] if at is not None else None
        # the posting's facts right under the title (its issuer and date above it stay: they may be the notice's)
        below = (at or 0) + 1
        lines[below : below + 4] = [t for t in lines[below : below + 4] if not is_info_line(t)]
        return Reading(title, lines, prose=sum(len(t) for t in lines if len(t) >= 20))
    head_title = _first_title(tree)
    article_title = _meta(tree, "ArticleTitle", "articletitle")
    body = tree.find("body")
    page = walk(body if body is not None else tree, False)
    if page.hidden and not any(line.text for line in page.lines):
        page = walk(body if body is not None else tree, True)
    start, end = _container(page)
    start, end = _adjacent_prose(page.lines, start, end)
    start = _red_header(page.lines, start)
    reading = Reading(None, [], images=sum(1 for i in page.images if start <= i <= end), fields=page.fields)
    reading.page_images = len(page.images)
    keep = _body_lines(page, start, end, reading)
    around = [line.text for line in page.lines[:start] + page.lines[end:]]
    if around:
        reading.removed["web-around-notice"] = around
    outside = " ".join(line.text for line in page.lines[: max(0, start - 12)] + page.lines[end:])
    reading.linked = sum(1 for line in keep if line.links and line.links * 2 >= _letters(line.text))
    reading.prose = sum(
        len(line.text)
        for line in keep
        if not line.links and not line.row and len(line.text) >= 20 and _SENTENCE_MARK.search(line.text)
    )
    reading.rows = sum(1 for line in keep if line.row)
    title = _choose_title(page, start, keep, head_title, article_title, outside)
    reading.title = clean_title(title) if title else None
    _join_heading(keep, reading.title)
    _join_split_headings(keep)
    reading.lines = [line.text for line in keep]
    return reading


def _body_lines(page: Page, start: int, end: int, reading: Reading) -> list[Line]:
    """The container's lines, less furniture elements inside it, furniture lines and link lists."""
    dropped: set[int] = set()
    for fs, fe in page.furniture:
        if start <= fs and fe <= end and (fs, fe) != (start, end):
            dropped.update(range(fs, fe))
    lines = page.lines
    keep: list[Line] = []
    related = False
    for i in range(start, end):
        line = lines[i]
        text = line.text
        if i in dropped:
            reading.drop("web-navigation", text)
            continue
        linky = line.links * 2 >= len(text) and not line.doc_link
        if related and (linky or len(text) <= 40):
            reading.drop("web-related-list", text)
            continue
        related = False
        if _RELATED.match(text):
            related = True
            reading.drop("web-related-list", text)
        elif is_furniture(text):
            reading.drop("web-furniture", text)
        elif linky and len(text) <= 80:
            reading.drop("web-navigation", text)
        else:
            keep.append(line)
    # the posting's own facts above and below the notice (来源：… 日期：…, 编辑：…)
    for i in range(min(4, len(keep)) - 1, -1, -1):
        if is_info_line(keep[i].text) and not any("。" in ln.text for ln in keep[:i]):
            text = keep.pop(i).text
            reading.drop("web-furniture", text)
            if m := _POSTED_ON.search(text):  # the posting's date, kept as a fact (see extract)
                reading.posted = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    while keep and (is_info_line(keep[-1].text) or (keep[-1].text.startswith("（") and _INFO.match(keep[-1].text[1:]))):
        reading.drop("web-furniture", keep.pop().text)
    return keep


def _listed(line: str) -> bool:
    """The line ends in a date, as a list page's entries do (``_LISTED``). Its last character is
    looked at first: the regex tries twenty places of each line, and a line it can match ends in
    a digit, a bracket after one or a blank (35 to 8 µs a page of guangzhou-html)."""
    end = line[-1:]
    return (end.isdecimal() or end in "])）】" or end.isspace()) and _LISTED.search(line[-20:]) is not None


def extract(source: str, log: ChangeLog | None = None, utf8: bytes | None = None) -> str:
    """The page's text as a person reads it: the title first, then one paragraph a line.

    ``utf8``: the page's own bytes when ``source`` is them read as UTF-8, unchanged (see :func:`parse`).
    Raises :class:`EmptyText` when the page shows no text (only images, or nothing at all).
    """
    reading = read_page(source, utf8=utf8)
    lines = reading.lines
    if log is not None:
        for step, texts in reading.removed.items():
            log.add(step, texts[0], len(texts))
    if not any(_WORD.search(line) for line in lines):
        if reading.page_images:
            n = reading.page_images
            raise NotANotice(
                f"is a web page with {n} image{'s' if n != 1 else ''} and no text but its site's: "
                "nothing to read (run OCR on the images?)"
            )
        raise EmptyText("is a web page with no text in its body: nothing to read")
    if not reading.prose and not reading.rows:
        shown = "; ".join(lines[:3])[:60]
        n = reading.page_images
        with_images = f" with {n} image{'s' if n != 1 else ''}" if n else ""
        raise NotANotice(
            f"is a web page{with_images} whose text is {len(lines)} line(s) without a sentence ({shown!r}…): "
            "not a notice (its notice is an image, or the page is a menu)"
        )
    dated = sum(1 for line in lines if _listed(line))
    if dated >= 6 and dated * 5 >= len(lines) * 3:
        raise NotANotice(
            f"is a web page listing {dated} dated entries ({lines[0][:40]!r}…): a site's list page, not a notice"
        )
    if reading.linked >= 8 and reading.prose < 150:
        raise NotANotice(
            f"is a web page listing {reading.linked} links and no paragraph of text: "
            "a site's index or list page, not a notice"
        )
    lines[:5] = [_REPOST.sub("", line) for line in lines[:5]]
    number = next((reading.fields[k] for k in _META_NUMBER if reading.fields.get(k)), None)
    head: list[str] = []
    title = reading.title
    at = _title_at(lines, title) if title else None
    if title and at != 0:
        if at is not None and not any("。" in line or "，" in line for line in lines[:at]):
            lines = lines[:at] + lines[at + 1 :]  # under a red header (文件 name, 文号): moved up
        head.append(title)
        if log is not None:
            log.add("web-title", title)
    if number and not any(number in line for line in lines[:12]):
        head.append(number)
    text = head + lines
    if reading.posted and not any(_DATED.search(line) for line in lines):
        # a guide or a news item with no date of its own: the posting's date is its date, under the
        # title (the clean text's field rules read 发布日期： as metadata)
        text.insert(1, f"发布日期：{reading.posted}")
    return "\n".join(text)

"""The walk of a web page's tree (:mod:`normalize.web`): its blocks as lines with their style, links
and table cells, tables told apart as layout or data, hidden elements and furniture tags marked."""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass, field

from lxml import etree

MAX_DEPTH = 400  # deeper elements are read as one block of text (Python's recursion stops near 1,000)
_SKIP = frozenset(
    "script style noscript head title iframe frame frameset object embed svg select option textarea input "  # noqa: SIM905
    "button template map area canvas audio video link meta applet".split()
)
# elements whose text is not read: skipped, a line end, an image; and the nodes that are no element
# (a comment, a processing instruction, an entity: lxml's tag of each is its factory function)
_UNREAD = _SKIP | {"br", "img", etree.Comment, etree.ProcessingInstruction, etree.Entity}
_BLOCK = frozenset(
    "p div li ul ol dl dt dd tr td th table tbody thead tfoot caption h1 h2 h3 h4 h5 h6 section article main "  # noqa: SIM905
    "aside header footer nav blockquote pre center form address hr figure figcaption fieldset legend body".split()
)
# elements that may hold the notice: their span of lines is kept to choose the smallest one
_CONTAINER = frozenset(
    "body div td th table tbody tr article section main font center form span ul ol blockquote".split()  # noqa: SIM905
)
_HEADING_TAGS = {"h1": 3, "h2": 3, "h3": 2, "h4": 1, "h5": 1, "h6": 1}
_STYLED = frozenset([*_HEADING_TAGS, "b", "strong", "font"])
_CENTRED = frozenset(["center", "CENTER", "Center", "middle"])
_FURNITURE_TAGS = frozenset(["nav", "footer", "aside"])
_WS = re.compile(r"[ \t\r\n\f\v\xa0\u200b\ufeff]+")
_BLANK = " \t\r\n\f\v\xa0\u200b\ufeff\u3000"  # _WS's characters, and the ideographic space stripped after it
# the blanks that are spaces too: a piece of these alone counts no character and makes no line of its
# own, and is only added to the line (without a call of _Gather.add: 314 of a page's 518 pieces)
_SPACE = " \t\r\n\f\v\xa0\u3000"
_HIDDEN = re.compile(r"display\s*:\s*none", re.I)
_CENTER = re.compile(r"text-align\s*:\s*center", re.I)
_FONT_SIZE = re.compile(r"font-size\s*:\s*(\d+(?:\.\d+)?)\s*(px|pt|em|rem)?", re.I)
_BOLD = re.compile(r"font-weight\s*:\s*(?:bold|[6-9]00)", re.I)
# class/id words of site furniture (whole words, or the start of a word: nav, navbar, footer_box…)
_FURNITURE_CLASS = re.compile(
    r"(?:^|[\s_\-])(?:nav|navbar|navi|menu|menus|footer|foot|share|bdshare|jiathis|toolbar|tools?|crumbs?|"
    r"breadcrumbs?|breadcrumbnav|position|location|dqwz|copyright|copy|banner|sidebar|related|relate|xgwz|xgxx|"
    r"xglj|comment|comments|pinglun|login|search|friendlink|links|fenxiang|pager|pagination|ads?|advert)"
    r"(?:$|[\s_\-\d])",
    re.I,
)
_TITLE_CLASS = re.compile(r"title|biaoti|^bt$|^bt[_\-\d]|tit$|headline|article-?h|wztit|bt_?con", re.I)
_DOC_LINK = re.compile(r"\.(?:docx?|xlsx?|pdf|wps|zip|rar|7z|pptx?|txt|rtf|et|ceb)(?:$|[?#])", re.I)
# a cell naming a metadata field: 索引号：, 发文字号：, 效力…
_META_LABEL = re.compile(
    r"^(?:索引号|主题分类|发文机关|发布机关|发文单位|成文日期|发布日期|公布日期|施行日期|生效日期|实施日期|印发日期|标题|名称|"
    r"文件名称|发文字号|文号|文件编号|主题词|责任部门|生成日期|信息索引号|公开类型|公开方式|公开范围|信息分类|所属机构|"
    r"效力|效力级别|效力状况|时效性|时效|有效性|发布部门|内容概述|体裁分类|组配分类|公文种类|来源|信息来源|分类|关键词|"
    r"发布时间|文件类型|登记号|统一编号|有效期|废止日期)[：:]?$"
)
_META_TITLE = ("标题", "名称", "文件名称")
_META_NUMBER = ("发文字号", "文号", "文件编号")


@dataclass(slots=True)
class Line:
    """One line of the page as read: its text and what the page says about it."""

    text: str
    links: int = 0  # characters inside links
    doc_link: bool = False  # a link to a document (an attachment)
    weight: int = 0  # how much it looks like a heading: 0 prose … 3 a heading element or title cell
    style: str = ""  # the dominant inline style, to join a heading the page breaks over lines
    centered: bool = False
    row: bool = False  # a data table's row


@dataclass
class Page:
    """What the walk found: lines in reading order, and where each element's lines are."""

    lines: list[Line] = field(default_factory=list)
    spans: list[tuple[int, int, int]] = field(default_factory=list)  # (start, end, depth) of containers
    furniture: list[tuple[int, int]] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)  # a metadata table's fields
    images: list[int] = field(default_factory=list)  # where each image stands among the lines
    hidden: int = 0


@functools.lru_cache(maxsize=4096)
def _furniture_named(names: str) -> bool:
    """An element's class and id name site furniture (remembered: a page repeats its classes)."""
    return bool(_FURNITURE_CLASS.search(names))


class _Gather:
    """The text of the line being read: its pieces (``buf``), its characters in links, whether it
    links a document or is centred, its characters per style and the weight of each style. ``ink``
    is False while all it holds is blank: most line ends come between blocks, with nothing to make
    a line of."""

    __slots__ = ("buf", "centered", "doc_link", "ink", "lines", "links", "styles", "weights")

    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines
        self.buf: list[str] = []
        self.links = 0
        self.doc_link = self.centered = self.ink = False
        self.styles: dict[str, int] = {}
        self.weights: dict[str, int] = {}

    def add(self, s: str, style: str, weight: int, in_link: bool) -> None:
        """A piece of text (not empty) read in ``style``."""
        self.buf.append(s)
        n = len(s) if s[0] > " " and s[-1] > " " else len(s.strip())
        if n:
            self.ink = True
            if in_link:
                self.links += n
            styles = self.styles
            styles[style] = styles.get(style, 0) + n
            if weight:
                self.weights[style] = weight
        elif not self.ink and s.strip(_BLANK):
            self.ink = True

    def end(self) -> None:
        """The line ends: made from what was gathered, unless that was blank (all of _BLANK: it comes
        to nothing), in the style most of its characters are in."""
        if self.buf:
            if self.ink:
                text = "".join(self.buf)
                # runs of blanks made one space: none to make when every character is printable (no
                # blank but the space) and no two spaces meet (half the lines, 0.15 against 0.48 µs)
                if not text.isprintable() or "  " in text:
                    text = _WS.sub(" ", text)
                text = text.strip(" \u3000")
                if text:
                    styles = self.styles
                    style = max(styles, key=styles.__getitem__) if len(styles) > 1 else next(iter(styles), "")
                    links, n = self.links, len(text)
                    weight = self.weights.get(style, 0)
                    self.lines.append(
                        Line(text, links if links < n else n, self.doc_link, weight, style, self.centered)
                    )
                self.links, self.styles, self.weights, self.ink = 0, {}, {}, False
            self.buf, self.doc_link, self.centered = [], False, False


def walk(root: etree._Element, hidden: bool = False) -> Page:
    """The page's lines in reading order, with where each element's lines are.

    One loop over the tree with a stack of the open elements (no recursion: a page nested a
    thousand deep is read like any other), each element seen once, an element without children
    read and closed where it is met. An element's own text is read in the style it sets, its tail
    in its parent's; the text of an ``<a>`` counts as a link's only in its children's tails, as it
    always has. ``hidden``: read hidden elements too (a page that a script reveals). The line being read is gathered in a :class:`_Gather`."""
    page = Page()
    lines, spans = page.lines, page.spans
    g = _Gather(lines)
    in_link = False
    stack: list[tuple] = []
    # the open element (at first a frame around the root): itself, its tag, its children not yet
    # read, its style and weight, depth, whether a block, first line, class and id, whether a link and
    # whether the text around it was a link's
    el, tag, kids, style, weight, depth = root, "", iter((root,)), "", 0, -1
    block = link = was = False
    start = 0
    names: str | None = None
    ident: str | None = None
    while True:
        for child in kids:
            ctag = child.tag
            if ctag in _UNREAD:
                if ctag == "br":
                    if g.buf:
                        g.end()
                elif ctag == "img":
                    page.images.append(len(lines))
            elif depth >= MAX_DEPTH:  # read as one block of text
                s = _text_of(child) or " "
                g.add(s, style, weight, in_link)
            else:
                # the names of its attributes: a value is asked only of an attribute it has (a third of
                # a page's elements have none)
                keys = child.keys()
                css = child.get("style") if "style" in keys else None
                if css:
                    css = css.lower()
                if css and "none" in css and not hidden and depth >= 0 and _HIDDEN.search(css):
                    page.hidden += 1
                else:
                    cblock = ctag in _BLOCK
                    if cblock:
                        if g.buf:
                            g.end()
                        cstart = len(lines)  # its first line (an inline element's is taken when it opens)
                        if ("align" in keys and child.get("align") in _CENTRED) or (
                            css and "enter" in css and _CENTER.search(css)
                        ):
                            g.centered = True
                    cnames = child.get("class") if "class" in keys else None
                    cid = child.get("id") if "id" in keys else None
                    cstyle, cweight = style, weight
                    # (a class changes the style only when it names a title)
                    if (
                        ctag in _STYLED
                        or (css and ("font-size" in css or "font-weight" in css))
                        or (cnames and _title_named(cnames))
                    ):
                        cstyle, cweight = _style_of(child, ctag, css, cnames, style, weight)
                    if ctag != "table" or not _read_table(child, page):
                        s = child.text  # read once: each read of a node's text or tail makes a new string
                        if s:
                            if s[0] > " " or s.strip(_SPACE):
                                g.add(s, cstyle, cweight, in_link)
                            else:
                                g.buf.append(s)  # blank: it only parts the words around it
                        clink = ctag == "a"
                        if clink:
                            href = child.get("href")
                            if href and _DOC_LINK.search(href):
                                g.doc_link = True
                        if len(child):  # into its children
                            stack.append((el, tag, kids, style, weight, depth, block, start, names, ident, link, was))
                            if clink:
                                was, in_link = in_link, True
                            el, tag, style, weight, depth = child, ctag, cstyle, cweight, depth + 1
                            kids = iter(child[:])  # its children as a list: read faster than lxml's iterator
                            block, start, names, ident, link = cblock, len(lines), cnames, cid, clink
                            break
                    # an element without children (or a table read as a whole) ends here; only a
                    # block's end makes a line
                    if cblock:
                        if g.buf:
                            g.end()
                        if len(lines) > cstart:  # its span of lines: a container's, or furniture's
                            if ctag in _CONTAINER:
                                spans.append((cstart, len(lines), depth + 1))
                            if ctag in _FURNITURE_TAGS or (
                                (cnames or cid) and _furniture_named(f"{cnames or ''} {cid or ''}")
                            ):
                                page.furniture.append((cstart, len(lines)))
            s = child.tail
            if s:
                if s[0] > " " or s.strip(_SPACE):
                    g.add(s, style, weight, in_link)
                else:
                    g.buf.append(s)  # blank: it only parts the words around it
        else:  # the open element's children are read: it ends
            if not stack:
                break
            if link:
                in_link = was
            if block and g.buf:
                g.end()
            if len(lines) > start:  # (as above: written out, a call for each cost more)
                if tag in _CONTAINER:
                    spans.append((start, len(lines), depth))
                if tag in _FURNITURE_TAGS or ((names or ident) and _furniture_named(f"{names or ''} {ident or ''}")):
                    page.furniture.append((start, len(lines)))
            closed = el
            el, tag, kids, style, weight, depth, block, start, names, ident, link, was = stack.pop()
            s = closed.tail if stack else None  # the root's tail is not the page's
            if s:
                if s[0] > " " or s.strip(_SPACE):
                    g.add(s, style, weight, in_link)
                else:
                    g.buf.append(s)  # blank: it only parts the words around it
    if g.buf:
        g.end()
    return page


def _read_table(el: etree._Element, page: Page) -> bool:
    """Read a data or metadata table here; False for a layout table (walked as blocks)."""
    kind, rows = _table_kind(el)
    if kind == "layout":
        return False
    if kind == "meta":
        for cells in rows:
            for label, value in itertools.pairwise(cells):
                key = label.replace(" ", "").replace("\u3000", "").rstrip("：:")
                if _META_LABEL.match(key) and value and not _META_LABEL.match(value.replace(" ", "")):
                    page.fields.setdefault(key, value)
        return True
    for tr, cells in zip(_rows(el), rows, strict=False):
        if not any(cells):
            continue
        anchors = list(tr.iter("a"))  # (the row is looked through once)
        links = sum(len(_text_of(a).strip()) for a in anchors)
        docs = any(_DOC_LINK.search(a.get("href") or "") for a in anchors)
        text = "| " + " | ".join(cells) + " |"
        page.lines.append(Line(text, links, docs, 0, "", False, True))
    return True


def _style_of(
    el: etree._Element, tag: str, css: str | None, names: str | None, style: str, weight: int
) -> tuple[str, int]:
    """The inline style text inside ``el`` is shown in, and how much it marks a heading."""
    if tag in _HEADING_TAGS:
        return tag, _HEADING_TAGS[tag]
    if names and _title_named(names) and tag not in ("a", "body", "table", "tbody", "tr"):
        return "cls:" + names, max(weight, 3)
    if tag in ("b", "strong"):
        return style + "|b", max(weight, 1)
    if tag == "font":
        size = el.get("size", "")
        if size.isdigit() and int(size) >= 4:
            return f"font{size}", max(weight, 2)
        return style, weight
    if css and ("font-size" in css or "font-weight" in css):
        size, px, bold = _font_of(css)
        w = weight
        key = style
        if size:
            w = 2 if px >= 18 else min(weight, 1) if px < 15 else weight
            key = size
        if bold:
            key += "|b"
            w = max(w, 1)
        return key, w
    return style, weight


@functools.lru_cache(maxsize=4096)
def _font_of(css: str) -> tuple[str, float, bool]:
    """The font size an inline style sets (its key ``fs16`` and pixels; "" when none) and whether it
    is bold. Remembered: a page, and a site, repeat the same few styles on every paragraph."""
    m = _FONT_SIZE.search(css)
    size, px = "", 0.0
    if m:
        px = float(m.group(1)) * {"pt": 4 / 3, "em": 16, "rem": 16}.get((m.group(2) or "px").lower(), 1)
        size = f"fs{px:.0f}"
    return size, px, bool(_BOLD.search(css))


@functools.lru_cache(maxsize=4096)
def _title_named(names: str) -> bool:
    """An element's class names a title (remembered, as :func:`_font_of`)."""
    return bool(_TITLE_CLASS.search(names))


_ROWS = etree.XPath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")  # compiled once: a page may hold hundreds of tables


def _rows(table: etree._Element) -> list[etree._Element]:
    return _ROWS(table)


def _cell(td: etree._Element) -> str:
    return _WS.sub(" ", _text_of(td)).strip(" \u3000")


def _text_of(el: etree._Element) -> str:
    """All the text inside ``el`` (``"".join(el.itertext())``), written out by libxml2's serializer:
    a fifth of the time of lxml's iterator (1.3 against 5.9 µs a table cell of the real pages)."""
    return etree.tostring(el, method="text", encoding="unicode", with_tail=False)


def _table_kind(table: etree._Element) -> tuple[str, list[list[str]]]:
    """``data`` (rows of short cells), ``meta`` (label：value cells) or ``layout``, with the cells."""
    if next(table.iterdescendants("table"), None) is not None:
        return "layout", []
    rows = [[_cell(td) for td in tr if td.tag in ("td", "th")] for tr in _rows(table)]
    cells = [c for row in rows for c in row if c]
    if not cells:
        return "layout", rows
    labels = sum(1 for c in cells if len(c) <= 12 and _META_LABEL.match(c.replace(" ", "").replace("\u3000", "")))
    if (labels >= 2 and labels * 3 >= len(cells)) or (labels == 1 and len(cells) == 2):
        return "meta", rows
    wide = sum(1 for row in rows if sum(1 for c in row if c) >= 2)
    longest = max(len(c) for c in cells)
    total = sum(len(c) for c in cells)
    if wide < 2 or longest > 600 or (longest > 200 and longest * 2 > total):
        return "layout", rows
    return "data", rows

"""The walk of a web page's tree (:mod:`normalize.web`): its blocks as lines with their style, links
and table cells, tables told apart as layout or data, hidden elements and furniture tags marked."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from lxml import etree

MAX_DEPTH = 400  # deeper elements are read as one block of text (Python's recursion stops near 1,000)
_SKIP = frozenset(
    "script style noscript head title iframe frame frameset object embed svg select option textarea input "  # noqa: SIM905
    "button template map area canvas audio video link meta applet".split()
)
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


class _Walker:
    """Turns a parsed page into lines. Recursive descent; each element is seen once."""

    def __init__(self, hidden: bool = False) -> None:
        self.show_hidden = hidden  # read hidden elements too (a page that a script reveals)
        self.page = Page()
        self.buf: list[str] = []
        self.links = 0
        self.doc_link = False
        self.styles: dict[str, int] = {}
        self.weights: dict[str, int] = {}
        self.centered = False
        self.in_link = False

    # -- lines ---------------------------------------------------------------------------------
    def text(self, s: str, style: str, weight: int) -> None:
        self.buf.append(s)
        n = len(s) if s[0] > " " and s[-1] > " " else len(s.strip())
        if n:
            if self.in_link:
                self.links += n
            styles = self.styles
            styles[style] = styles.get(style, 0) + n
            if weight:
                self.weights[style] = weight

    def flush(self) -> None:
        text = "".join(self.buf)
        # blank between blocks (most flushes): what the collapse and strip below would leave empty
        text = _WS.sub(" ", text).strip(" \u3000") if text.strip(_BLANK) else ""
        if text:
            styles = self.styles
            style = max(styles, key=styles.__getitem__) if len(styles) > 1 else next(iter(styles), "")
            self.page.lines.append(
                Line(text, min(self.links, len(text)), self.doc_link, self.weights.get(style, 0), style, self.centered)
            )
        self.buf = []
        self.links = 0
        self.doc_link = False
        self.styles = {}
        self.weights = {}
        self.centered = False

    # -- the tree --------------------------------------------------------------------------------
    def walk(self, el: etree._Element, style: str, weight: int, depth: int) -> None:
        tag = el.tag
        if tag in _SKIP or tag.__class__ is not str:  # a comment or processing instruction left
            return
        if tag == "br":
            if self.buf:
                self.flush()
            return
        if tag == "img":
            self.page.images.append(len(self.page.lines))
            return
        if depth > MAX_DEPTH:
            self.text(_text_of(el) or " ", style, weight)
            return
        get = el.get
        css = get("style")
        if css:
            css = css.lower()
        if css and "none" in css and not self.show_hidden and depth and _HIDDEN.search(css):
            self.page.hidden += 1
            return
        block = tag in _BLOCK
        if block:
            if self.buf:
                self.flush()
            if get("align") in _CENTRED or (css and "enter" in css and _CENTER.search(css)):
                self.centered = True
        names = get("class")
        if css or names or tag in _STYLED:
            style, weight = _style_of(el, tag, css, names, style, weight)
        lines = self.page.lines
        start = len(lines)
        if tag != "table" or not self.table(el):
            text = el.text  # read once: each read of a node's text or tail makes a new string
            if text:
                self.text(text, style, weight)
            link = tag == "a"
            if link:
                was, self.in_link = self.in_link, True
                href = get("href")
                if href and _DOC_LINK.search(href):
                    self.doc_link = True
            for child in el:
                self.walk(child, style, weight, depth + 1)
                tail = child.tail
                if tail:
                    self.text(tail, style, weight)
            if link:
                self.in_link = was
        if block and self.buf:
            self.flush()
        end = len(lines)
        if end > start:
            if tag in _CONTAINER:
                self.page.spans.append((start, end, depth))
            ident = get("id")
            if tag in _FURNITURE_TAGS or ((names or ident) and _FURNITURE_CLASS.search(f"{names or ''} {ident or ''}")):
                self.page.furniture.append((start, end))

    def table(self, el: etree._Element) -> bool:
        """Read a data or metadata table here; False for a layout table (walked as blocks)."""
        kind, rows = _table_kind(el)
        if kind == "layout":
            return False
        if kind == "meta":
            for cells in rows:
                for label, value in itertools.pairwise(cells):
                    key = label.replace(" ", "").replace("\u3000", "").rstrip("：:")
                    if _META_LABEL.match(key) and value and not _META_LABEL.match(value.replace(" ", "")):
                        self.page.fields.setdefault(key, value)
            return True
        for tr, cells in zip(_rows(el), rows, strict=False):
            if not any(cells):
                continue
            links = sum(len(_text_of(a).strip()) for a in tr.iter("a"))
            docs = any(_DOC_LINK.search(a.get("href") or "") for a in tr.iter("a"))
            text = "| " + " | ".join(cells) + " |"
            self.page.lines.append(Line(text, links, docs, 0, "", False, True))
        return True


def _style_of(
    el: etree._Element, tag: str, css: str | None, names: str | None, style: str, weight: int
) -> tuple[str, int]:
    """The inline style text inside ``el`` is shown in, and how much it marks a heading."""
    if tag in _HEADING_TAGS:
        return tag, _HEADING_TAGS[tag]
    if names and _TITLE_CLASS.search(names) and tag not in ("a", "body", "table", "tbody", "tr"):
        return "cls:" + names, max(weight, 3)
    if tag in ("b", "strong"):
        return style + "|b", max(weight, 1)
    if tag == "font":
        size = el.get("size", "")
        if size.isdigit() and int(size) >= 4:
            return f"font{size}", max(weight, 2)
        return style, weight
    if css and ("font-size" in css or "font-weight" in css):
        m = _FONT_SIZE.search(css)
        w = weight
        key = style
        if m:
            px = float(m.group(1)) * {"pt": 4 / 3, "em": 16, "rem": 16}.get((m.group(2) or "px").lower(), 1)
            w = 2 if px >= 18 else min(weight, 1) if px < 15 else weight
            key = f"fs{px:.0f}"
        if _BOLD.search(css):
            key += "|b"
            w = max(w, 1)
        return key, w
    return style, weight


def _rows(table: etree._Element) -> list[etree._Element]:
    return table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")


def _cell(td: etree._Element) -> str:
    return _WS.sub(" ", _text_of(td)).strip(" \u3000")


def _text_of(el: etree._Element) -> str:
    return "".join(el.itertext())


def _table_kind(table: etree._Element) -> tuple[str, list[list[str]]]:
    """``data`` (rows of short cells), ``meta`` (label：value cells) or ``layout``, with the cells."""
    if table.find(".//table") is not None:
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

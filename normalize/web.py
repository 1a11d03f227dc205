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

import html
import itertools
import re
from dataclasses import dataclass, field

from lxml import etree

from normalize.changes import ChangeLog
from normalize.errors import EmptyText, NotANotice

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
        text = _WS.sub(" ", "".join(self.buf)).strip(" \u3000")
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
            if el.text:
                self.text(el.text, style, weight)
            link = tag == "a"
            if link:
                was, self.in_link = self.in_link, True
                href = get("href")
                if href and _DOC_LINK.search(href):
                    self.doc_link = True
            for child in el:
                self.walk(child, style, weight, depth + 1)
                if child.tail:
                    self.text(child.tail, style, weight)
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


# -- furniture lines -----------------------------------------------------------------------------
_BREADCRUMB = re.compile(
    r"^(?:您|你)?(?:的|目前|当前|现在)?(?:的)?(?:所在)?(?:的)?(?:位置|当前位置)\s*[：:]|^当前位置|^首页\s*[>＞»/]"
)
_TOOL_WORDS = re.compile(
    r"打印本页|打印此页|打印文章|打印|关闭窗口|关闭本页|关闭|收藏本页|加入收藏|收藏|返回顶部|返回列表|返回首页|返回|"
    r"内容纠错|我要纠错|纠错|发表评论|我要评论|查看评论|评论|增大字号|减小字号|默认字号|字号|字体|"
    r"分享到|分享|保存本页|保存|视力保护色|背景色|繁体|简体|无障碍|手机版|RSS|顶部|TOP|Top|top|默认|A[+\-]?|[大中小]"
)
_TOOL_REST = re.compile(r"[\s【】\[\]（）()|｜:：/、·,，\-]+")
# a view counter: 浏览次数：123, 点击数 -, 阅读：45, 123次浏览 (点击 alone is a guide's verb: 点击进入…)
_COUNTER = re.compile(
    r"(?:浏览|点击|阅读|访问)(?:次数|量|数|人次|率)\s*[：:]?\s*[-\d]*\s*次?|(?:浏览|点击|阅读|访问)\s*[：:]\s*[-\d]*"
    r"|\d+\s*(?:次|人次)(?:浏览|阅读|点击)|查看(?:次数|数)|人气\s*[：:]"
)
_POSTED = re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")  # a posting date
_BARE_COUNT = re.compile(r"^[-\d\s,]*次$")  # a view counter whose label is an icon
_POSTED_ON = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_DATED = re.compile(r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月|[〇○零一二三四五六七八九OΟ]{4}\s*年")
_URL_LINE = re.compile(r"^(?:[\u4e00-\u9fff]{2,8}\s*[：:]\s*)?(?:https?://|www\.)\S+$")  # a bare or labelled link
_INFO = re.compile(
    r"^(?:信息|文章|新闻)?(?:来源|发布时间|发布日期|更新时间|更新日期|创建时间|提供日期|时间|日期|作者|编辑|责任编辑|"
    r"录入者?|审核|发布人|发布者|供稿|稿源|撰稿|摄影|关键字|关键词)\s*(?:[：:]|(?=\d{4}[-/.年]))"
)
_SHARE = re.compile(
    r"QQ空间|新浪微博|腾讯微博|微信|朋友圈|人人网|豆瓣|开心网|百度贴吧|QQ好友|网易微博|搜狐微博|Facebook|Twitter"
)
_LEGAL = re.compile(
    r"ICP\s*[备证]|公网安备|网安备|版权所有|Copyright|All\s+Rights\s+Reserved|©|建议使用.{0,30}(?:分辨率|浏览器)|"
    r"分辨率.{0,10}浏览|(?:IE|浏览器)\s*\d.{0,20}(?:以上|浏览)|网站标识码|技术支持[：:]|"
    r"主办(?:单位)?\s*[：:].{0,40}(?:地址|电话|承办|协办|邮编|联系)|"
    r"隐私(?:声明|政策)|免责声明|网站声明|版权声明|不代表本(?:网|站)|仅代表作者|转载请注明|站点地图|设为首页|"
    r"^原标题\s*[：:]|^上一(?:篇|条|页)|^下一(?:篇|条|页)",
    re.I,
)
# page chrome only when it is the whole line: a guide may say 扫一扫下方二维码 or 请联系我们
_CHROME = re.compile(
    r"^[【\[]?(?:(?:微信|手机)?扫一扫(?:分享)?|(?:手机)?扫描二维码|打开微信.{0,8}|网站地图|联系我们|关于我们|手机版|"
    r"(?:微信|手机)(?:扫码|二维码)?(?:分享|阅读)?|二维码)[】\]]?$"
)
_RELATED = re.compile(
    r"^[【\[]?\s*(?:相关(?:文章|新闻|链接|阅读|文档|文件|信息|稿件|政策|报道|专题|内容|推荐|解读|附件)?(?:下载)?|延伸阅读|推荐阅读|"
    r"热点推荐|热门文章|猜你喜欢|最新(?:文章|信息|动态)|更多|网友评论|友情链接)\s*[】\]]?\s*[：:]?\s*$"
)


# words one of which a counter or a footer line holds: a cheap test before the patterns
_COUNTER_HINTS = ("浏览", "点击", "阅读", "访问", "查看", "人气")
# a character one of the footer and toolbar marks holds: cheap tests before the patterns
_LEGAL_CHARS = frozenset("P备版yY©R辨器E识技隐声表载图页办")
_LEGAL_STARTS = ("上一", "下一", "原标题")
_TOOL_CHARS = frozenset("印闭藏顶错评号体享存繁简障版STAopR默大中小回")


def is_furniture(text: str) -> bool:
    """True for a line that is the page's furniture, not the notice's, whatever the site."""
    s = text.strip()
    if not s:
        return True
    n = len(s)
    if n > 200:
        return False
    legal = n <= 160 and (not _LEGAL_CHARS.isdisjoint(s) or s.startswith(_LEGAL_STARTS)) and bool(_LEGAL.search(s))
    if legal or "。" in s or "，" in s:  # a sentence: only a footer's or a disclaimer's marks apply
        return legal
    if not _WORD.search(s) and "|" not in s:  # no word: a separator, an icon's placeholder, a lone digit
        return True
    if n <= 60 and _BREADCRUMB.match(s):
        return True
    if n <= 60 and not _TOOL_CHARS.isdisjoint(s) and not _TOOL_REST.sub("", _TOOL_WORDS.sub("", s)):
        return True
    m = _COUNTER.search(s) if n <= 120 and any(w in s for w in _COUNTER_HINTS) else None
    if m and (n <= 40 or _INFO.search(s) or m.group(0)[-1:].isdigit()):
        return True
    if _URL_LINE.match(s) or _BARE_COUNT.match(s):
        return True
    if n <= 120 and len(_SHARE.findall(s)) >= 2:
        return True
    return (n <= 16 and bool(_CHROME.match(s))) or bool(_RELATED.match(s))


def is_info_line(text: str) -> bool:
    """A page's own facts about the posting (来源：… 日期：… 作者：…), short."""
    return len(text) <= 80 and bool(_INFO.match(text) or _POSTED.match(text)) and "。" not in text


# -- titles ----------------------------------------------------------------------------------------
_TITLE_SEP = re.compile(
    r"\s+[-－–—|｜]\s+|\s*[_|｜]\s*|——|\s*－\s*|\s+-\s*|\s*-\s+|(?<=[\u4e00-\u9fff）)》])-(?=[\u4e00-\u9fff])"
)
_NOTICE_END = re.compile(
    r"(?:通知|通告|公告|办法|规定|意见|条例|细则|方案|决定|规则|规划|指引|指南|制度|纲要|标准|批复|函|令|规范|须知|"
    r"公示|说明|解读|问答|答问|报告|计划|措施|实施|目录|清单|一览表|简介|流程|政策|决议|章程|守则|要点|通报|命令|暂行|"
    r"试行|[（(]试行[）)]|[（(][^（）()]{1,20}[）)])$"
)
_SITE_END = re.compile(r"(?:网|网站|门户|之窗|信息网|公众网|在线|平台|专栏|频道|首页|主页|服务网|政务网|官网)$")
_ORG_END = re.compile(r"(?:委员会|政府|人民政府|局|厅|办公室|办公厅|中心|委|部|院|处|署|协会|学校|大学)$")
_HEADER_ONLY = re.compile(r"(?:人民政府令|政府令|国务院令|部令|院令|委员会令|[^关于]{2,12}令|文件)$")
_SECTION = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇\d]+[章节条编部分]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])"
)
_ENDS_SENTENCE = re.compile(r"[。；：:，,！？]$")
_DOC_NO = re.compile(r"[〔\[（(【]\s*\d{4}\s*[〕\]）)】]\s*第?\s*\d+\s*号$|^第\s*\d+\s*号$")
_LABELLED = re.compile(r"^[\u4e00-\u9fff\s]{1,8}[：:]")
_NAV = re.compile(r"[>＞»›].*[>＞»›]|[»›]|首页|当前位置|位置[：:]")
_NUMBERISH = re.compile(r"^[\d\s.\-—第页/共()（）]+$")


_REPOST = re.compile(r"^\s*(?:[（(【\[]\s*(?:转载|转发)\s*[）)】\]]|(?:转载|转发)\s*[：:])\s*")


def clean_title(text: str) -> str:
    """A heading less a repost mark: ``（转载）关于…的通知`` → ``关于…的通知``."""
    return _REPOST.sub("", _WS.sub(" ", text)).strip(" \u3000")


def plausible_title(text: str | None) -> bool:
    """Could this be the notice's title (not a site name, a navigation bar, a metadata row, a number)?"""
    if not text:
        return False
    t = clean_title(text)
    if not 4 <= len(t) <= 150 or _NUMBERISH.match(t) or "|" in t or "。" in t[:-1]:
        return False
    if _LABELLED.match(t) or _NAV.search(t) or is_furniture(t) or is_info_line(t):
        return False
    if (_HEADER_ONLY.search(t) and not t.startswith("关于")) or _DOC_NO.search(t) or _SECTION.match(t):
        return False
    han = sum(1 for ch in t if "\u4e00" <= ch <= "\u9fff")
    if han < 4:
        return False
    return not (_SITE_END.search(t) or _ORG_END.search(t)) or bool(_NOTICE_END.search(t)) or "关于" in t


def notice_like(text: str) -> bool:
    return "关于" in text or bool(_NOTICE_END.search(text))


def title_parts(title: str, outside: str) -> str | None:
    """``<title>`` less the site's name: the part that is the notice's, or None when all is site."""
    parts = [p.strip() for p in _TITLE_SEP.split(title) if p and p.strip()]
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0] if plausible_title(parts[0]) and parts[0] not in outside else None
    keep = [p for p in parts if plausible_title(p) and not (len(p) < 40 and p in outside)]
    notices = [p for p in keep if notice_like(p)]
    if notices:
        return max(notices, key=len)
    return keep[0] if keep else None


# -- the page ------------------------------------------------------------------------------------
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_GITHUB_LINE = "blob-code"
_SOURCE_TAGS = re.compile(r"<(?:html|head|body|div|table|td|p|script|meta|span|a)[\s>]", re.I)


_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, huge_tree=True)
MAX_DEPTH = 400  # deeper elements are read as one block of text (Python's recursion stops near 1,000)


def parse(page: str) -> etree._Element | None:
    """The page's tree, scripts and styles left out (lxml's HTML parser, recovering like a browser)."""
    page = _XML_DECL.sub("", page, count=1)
    if not page.strip():
        return None
    try:
        tree = etree.fromstring(page, _PARSER)
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


def _github_source(tree: etree._Element, source: str) -> str | None:
    """A page saved from a code host's file view: the file it shows, one source line a row."""
    cells = tree.xpath("//td[contains(@class,'blob-code')]") if _GITHUB_LINE in source else []
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


def _walk(root: etree._Element, hidden: bool) -> Page:
    walker = _Walker(hidden)
    walker.walk(root, "", 0, 0)
    walker.flush()
    return walker.page


def _container(page: Page) -> tuple[int, int]:
    """The smallest span of lines holding at least 70% of the page's prose (50% when only the
    whole page holds 70%)."""
    pre = [0]
    for line in page.lines:
        prose = len(line.text) - line.links
        if prose < 10 or line.links * 2 >= len(line.text) or (not line.row and is_furniture(line.text)):
            prose = 0  # a link, a menu item, a footer's line
        elif line.row:  # a data table's cells count, less than paragraphs: a fee table is not the page
            prose //= 4
        pre.append(pre[-1] + prose)
    total = pre[-1]
    whole = (0, len(page.lines))
    if not total:
        return whole
    # a page with much prose around the notice (news lists, a long footer) gets a second chance at
    # half: the notice itself is still the smallest element that holds most of it
    for share in (0.7, 0.5):
        best = whole
        for start, end, _depth in page.spans:
            if pre[end] - pre[start] >= share * total and end - start < best[1] - best[0]:
                best = (start, end)
        if best[1] - best[0] <= len(page.lines) - 3 or share == 0.5:  # an element, not the page
            return best
    return whole


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


def read_page(source: str, _depth: int = 0) -> Reading:
    """The page's heading and body lines, furniture left out."""
    tree = parse(source)
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
    head_title = tree.findtext(".//title") or ""
    article_title = _meta(tree, "ArticleTitle", "articletitle")
    body = tree.find("body")
    page = _walk(body if body is not None else tree, False)
    if page.hidden and not any(line.text for line in page.lines):
        page = _walk(body if body is not None else tree, True)
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
_WORD = re.compile(r"[\u4e00-\u9fff]|[A-Za-z0-9]{2}")
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


def extract(source: str, log: ChangeLog | None = None) -> str:
    """The page's text as a person reads it: the title first, then one paragraph a line.

    Raises :class:`EmptyText` when the page shows no text (only images, or nothing at all).
    """
    reading = read_page(source)
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
    dated = sum(1 for line in lines if _LISTED.search(line[-20:]))
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

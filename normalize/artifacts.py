"""Page and web artifacts: whole lines that belong to the page or the site, not to the notice.

Every rule removes whole lines only, and every removal is logged with an example, so
``normalize --explain`` can show exactly what went.
"""

from __future__ import annotations

import re

from normalize.changes import ChangeLog
from normalize.encyclopedia import remove_encyclopedia_furniture
from normalize.furniture import (
    FURNITURE_MARK,
    LONG_LINE,
    furniture_kind,
    is_footer_detail,
    menu_runs,
    window_kind,
)
from normalize.patterns import starts_item

_DASH = "\\-－—–─‒―"
# the date and time a browser prints on every page: 11/18/2015 03:25 PM, 2016/5/6 下午12:27,
# 2016年05月06日星期五12:27下午
_CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?\s*(?:AM|PM|am|pm|上午|下午)?"
_STAMP = (
    rf"(?:\d{{1,4}}[/.-]\d{{1,2}}[/.-]\d{{1,4}}|\d{{4}}年\d{{1,2}}月\d{{1,2}}日)\s*(?:星期.|周.)?\s*"
    rf"(?:(?:上午|下午)\s*)?{_CLOCK}"
)
PAGE_NUMBER = re.compile(
    rf"""^(?:
        [{_DASH}]\s*\d{{1,4}}\s*[{_DASH}]            # — 1 —   - 2 -   －3－
      | 第\s*\d{{1,4}}\s*页(?:\s*[,，/]?\s*共\s*\d{{1,4}}\s*页)?   # 第 3 页 共 10 页
      | 共\s*\d{{1,4}}\s*页\s*第\s*\d{{1,4}}\s*页
      | \d{{1,4}}\s*/\s*\d{{1,4}}                    # 3/10
      | (?:page|Page|PAGE)\s*\d{{1,4}}(?:\s*(?:of|/)\s*\d{{1,4}})?
      | (?:{_STAMP}\s*)?\d{{1,4}}\s*of\s*\d{{1,4}}(?:\s*{_STAMP})?      # a browser's 7 of 21 11/18/2015 03:25 PM
      | 第\s*\d{{1,4}}\s*页\s*[,，/]?\s*共\s*\d{{1,4}}\s*页\s*{_STAMP}
      | =+\s*(?:page|Page|PAGE)\s*\d{{1,4}}\s*=+                 # ===PAGE 3=== (a page marker of an extraction)
      | [{_DASH}\s]*PAGE(?:\s*\\\*\s*[A-Za-z]+)*[{_DASH}\s]*(?:\d{{1,4}}[{_DASH}\s]*)?  # Word's page field: —PAGE \* MERGEFORMAT 2—
    )$""",
    re.VERBOSE,
)
FORM_FEED = "\f"
# what a page number opens with (a dash, 第, 共, =, p, P, or a digit, which \d reads as str.isdecimal does)
_PAGE_STARTS = frozenset(_DASH.replace("\\", "") + "第共=pP")
# a browser print-out's header: the page's title and its address (often cut short with …), or the
# address alone; a line that points the reader to an address (网址：, 详见, 登录) is the notice's own
_URL_LINE = re.compile(
    r"^(?P<before>[^。，；：:（(\[,;!?！？、]{0,100}?)\s*(?:https?://|www\.)[\x21-\x7e]*[A-Za-z0-9/=_~#%&.-]$"
)
_POINTS_TO = re.compile(r"(?:网址|网站|链接|详见|见|登录|访问|查询|下载|点击|地址)\s*$")
_STAMP_LINE = re.compile(rf"^{_STAMP}$")


def is_print_header(line: str) -> bool:
    """A line a browser prints on every page of a web page: the address, or the date and time."""
    s = line.strip()
    if not s or len(s) > 160:
        return False
    if ("http" in s or "www." in s) and (m := _URL_LINE.match(s)):
        return not _POINTS_TO.search(m.group("before"))
    return s[:1].isdigit() and _STAMP_LINE.match(s) is not None


# Web boilerplate: exact lines, or short lines that start with a known phrase.
_WEB_EXACT = re.compile(
    r"""^[【\[]?(?:发表评论|我要评论|打印本页|打印此页|打印|关闭窗口|关闭本页|关闭|收藏|返回顶部|返回|
    打印文章|保存|纠错|我要纠错|分享|【?\s*(?:打印|关闭|收藏|返回顶部|纠错|分享)\s*】?)[】\]]?$""",
    re.VERBOSE,
)
_WEB_COMBO = re.compile(
    r"^(?:[【\[]?\s*(?:打印本页|打印|关闭窗口|关闭|收藏|返回顶部|纠错|分享|保存|发表评论)\s*[】\]]?\s*){2,}$"
)
_FONT_SIZE = re.compile(
    r"^[【\[]?\s*字[体号]\s*[:：]?\s*[【\[]?\s*大\s*[】\]]?\s*[【\[]?\s*中\s*[】\]]?\s*[【\[]?\s*小\s*[】\]]?.{0,20}$"
)
_WEB_PREFIX = re.compile(
    r"^(?:分享到|分享至|扫一扫|用手机扫|上一篇|下一篇|上一条|下一条|当前位置|您当前的位置|您的位置|"
    r"版权所有|主办单位|承办单位|网站标识码|浏览次数|阅读次数|访问量|点击数|来源[:：].{0,20}日期|"
    r"【?相关链接|相关阅读|扫码|免责声明|网站声明|版权声明|隐私(?:声明|政策)|网站地图|联系我们|发布机构)"
)
# a line of a page's counters and dates: 发布机构：… | 发布时间：… | 点击数：…
_TABLE_EDGES = re.compile(r"^[|\s]+|[|\s]+$")
_WEB_STATS = re.compile(r"(?:发布|来源).{0,60}(?:点击|浏览|阅读|访问)(?:数|次数|量|次)")
_WEB_ANYWHERE = re.compile(r"ICP备\s*\d+号|公网安备\s*\d+号|网站标识码")
_LINK_LIST = re.compile(r"^[·•●▪]\s*\S.{0,30}$")
WEB_WINDOW = 25
SHORT_LINE = 40
RUNNING_MIN = 3


def is_web_boilerplate(line: str, marked: bool = True) -> bool:
    """True for a line on the whitelist of site furniture (``发表评论``, ``【打印】``…), also as
    the cells of a table row (``| | 当前位置： |``).

    Bracketed headings such as ``【基本案情】`` are not on the list and are kept. ``marked`` False:
    the line holds no mark of :func:`may_be_furniture`, as every rule but the prefixes needs.
    """
    s = _TABLE_EDGES.sub("", line) if "|" in line else line.strip()
    if not s:
        return False
    if not marked:
        return len(s) <= SHORT_LINE and bool(_WEB_PREFIX.match(s))
    if len(s) <= 3 * SHORT_LINE and ("点击" in s or "浏览" in s or "阅读" in s or "访问" in s) and _WEB_STATS.search(s):
        return True
    if _WEB_EXACT.match(s) or _WEB_COMBO.match(s) or _FONT_SIZE.match(s):
        return True
    if len(s) <= SHORT_LINE and _WEB_PREFIX.match(s):
        return True
    return len(s) <= 2 * SHORT_LINE and bool(_WEB_ANYWHERE.search(s))


_CELL_PAGE_NUMBER = re.compile(rf"\|\s*[{_DASH}]\s*\d{{1,4}}\s*[{_DASH}]\s*(?=\|)")
# a line that is a page number or a browser's date stamp, anywhere in the text joined with a line break
# before each line: the pattern opens with the break, which the regex engine scans for, and goes on only
# at a line whose first visible character can open one (a dash, 第, 共, =, p, P or a digit)
_PAGE_LINE = re.compile(
    rf"\n[^\S\n]*(?=[{_DASH}第共=pP\d])(?:{PAGE_NUMBER.pattern[1:-1]}|{_STAMP_LINE.pattern[1:-1]})[^\S\n]*$",
    re.VERBOSE | re.MULTILINE,
)


def _may_hold_page_artifacts(lines: list[str]) -> bool:
    """False when no line of ``lines`` is a page number, a form feed, a browser's stamp or address, or
    a table row: :func:`remove_page_artifacts` then keeps every line. One scan of the text, where
    each line took a dozen steps (most texts have none)."""
    text = "\n".join(lines)
    return "|" in text or "\f" in text or "http" in text or "www." in text or _PAGE_LINE.search("\n" + text) is not None


def remove_page_artifacts(lines: list[str], log: ChangeLog) -> list[str]:
    """Drop page-number lines and form feeds, then running headers/footers at those boundaries;
    a page number a table row carries in a cell of its own (``| －2－ |``) goes too, and so do the
    address and the date a browser prints on every page of a page it prints."""
    if not _may_hold_page_artifacts(lines):
        return lines
    boundaries: list[int] = []
    kept: list[str | None] = []
    for line in lines:
        if "|" in line and _CELL_PAGE_NUMBER.search(line):
            log.add("page-number", _CELL_PAGE_NUMBER.search(line).group(0).strip("| "))
            line = _CELL_PAGE_NUMBER.sub("", line)
            if not line.strip("| \t"):
                continue
        s = line.strip()
        if (s[:1].isdecimal() or "http" in s or "www." in s) and is_print_header(s):  # an address or a stamp
            log.add("print-header", s)
            continue
        if s == FORM_FEED or ((s[:1] in _PAGE_STARTS or s[:1].isdecimal()) and PAGE_NUMBER.match(s)):
            if s != FORM_FEED:
                log.add("page-number", s)
            boundaries.append(len(kept))
            kept.append(None)
        else:
            kept.append(line)
    _remove_running_lines(kept, boundaries, log)
    return [line for line in kept if line is not None]


def _near_boundary(lines: list[str | None], boundary: int, reach: int = 2) -> list[int]:
    """Indices of the first ``reach`` non-blank lines on each side of a page boundary."""
    found: list[int] = []
    for step in (-1, 1):
        i, seen = boundary + step, 0
        while 0 <= i < len(lines) and seen < reach:
            line = lines[i]
            if line is None:
                break
            if line.strip():
                found.append(i)
                seen += 1
            i += step
    return found


def _remove_running_lines(lines: list[str | None], boundaries: list[int], log: ChangeLog) -> None:
    """A short line seen next to three or more page boundaries is a running header or footer."""
    if len(boundaries) < RUNNING_MIN:
        return
    places: dict[str, set[int]] = {}
    for boundary in boundaries:
        for i in _near_boundary(lines, boundary):
            text = (lines[i] or "").strip()
            if len(text) <= 30 and not text.endswith("。"):
                places.setdefault(text, set()).add(i)
    for text, where in places.items():
        if len(where) >= RUNNING_MIN:
            for i in where:
                lines[i] = None
            log.add("running-header", text, len(where))


def _unmarked_kind(s: str) -> str | None:
    """What :func:`is_web_boilerplate` and :func:`furniture_kind` of the window make of a line
    holding no mark of :func:`may_be_furniture` and no ``|``, stripped to ``s`` (not blank): both
    strip it as this one strip does."""
    if len(s) <= SHORT_LINE and _WEB_PREFIX.match(s):
        return "web-boilerplate"
    return window_kind(s, s) if len(s) <= LONG_LINE and not starts_item(s) else None


def remove_web_boilerplate(lines: list[str], log: ChangeLog) -> list[str]:
    """Drop site furniture: whitelisted lines and the families of :mod:`normalize.furniture`
    among the first and last lines, the families that hold only a site's marks anywhere, the
    footer block at the end, link lists at the tail, and an encyclopedia's own furniture."""
    nonblank = [i for i, line in enumerate(lines) if line and not line.isspace()]  # no stripped copies
    kinds: dict[int, str] = {}
    for run in menu_runs(lines, nonblank[: 3 * WEB_WINDOW]) + menu_runs(lines, nonblank[-WEB_WINDOW:]):
        kinds.update(dict.fromkeys(run, "web-navigation"))
    rest = [i for i in nonblank if i not in kinds] if kinds else nonblank  # the window is counted past menus
    window = set(rest[:WEB_WINDOW]) | set(rest[-WEB_WINDOW:])
    mark = FURNITURE_MARK.search
    for i in rest:
        line = lines[i]
        marked = mark(line) is not None  # may_be_furniture: most lines hold no mark, and no family is tried
        inside = i in window
        if not marked and "|" not in line:  # the rules of an unmarked line of the window, without their calls
            if inside and (kind := _unmarked_kind(line.strip())):
                kinds[i] = kind
            continue
        if not inside and not marked:
            continue
        if inside and is_web_boilerplate(line, marked):
            kinds[i] = "web-boilerplate"
        elif kind := furniture_kind(line, window=inside, marked=marked):
            kinds[i] = kind
    _footer_block(lines, nonblank, kinds)
    _posting_date(lines, kinds, log)
    drop = set(kinds)
    tail = [i for i in nonblank if i not in drop]
    run: list[int] = []
    for i in reversed(tail):
        if _LINK_LIST.match(lines[i].strip()):
            run.append(i)
        else:
            break
    if len(run) >= 5:
        drop.update(run)
        log.add("web-link-list", lines[run[-1]].strip(), len(run))
    for i in sorted(kinds):
        log.add(kinds[i], lines[i].strip())
    kept = [line for i, line in enumerate(lines) if i not in drop] if drop else lines
    return remove_encyclopedia_furniture(kept, log)


_POSTED = re.compile(r"(\d{4})\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})")


def _posting_date(lines: list[str], kinds: dict[int, str], log: ChangeLog) -> None:
    """The date a page line taken out gives for the posting (``2016年05月26日09:18来源：…``): kept
    as a fact, the notice's date when the text has none of its own."""
    for i in sorted(kinds):
        if kinds[i] in ("web-page-info", "web-boilerplate", "news-furniture") and (m := _POSTED.search(lines[i])):
            year, month, day = (int(g) for g in m.groups())
            if 1990 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31 and "星期" not in lines[i]:
                log.facts.setdefault("posted", f"{year:04d}-{month:02d}-{day:02d}")
                return


def _footer_block(lines: list[str], nonblank: list[int], kinds: dict[int, str]) -> None:
    """The lines at the very end that are furniture or footer details (contacts, menu words):
    the details go when the block holds furniture found by its own marks."""
    block: list[int] = []
    for i in reversed(nonblank[-WEB_WINDOW:]):
        if i in kinds or is_footer_detail(lines[i]):
            block.append(i)
        else:
            break
    if any(i in kinds for i in block):
        for i in block:
            kinds.setdefault(i, "web-footer")

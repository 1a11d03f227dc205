"""Lines of a web page judged by what they say (:mod:`normalize.web`): furniture (breadcrumbs,
toolbars, counters, share bars, legal footers), posting information, and what makes a title."""

from __future__ import annotations

import functools
import re

from normalize.webtree import _WS

_WORD = re.compile(r"[\u4e00-\u9fff]|[A-Za-z0-9]{2}")

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
# the characters a toolbar's words and separators are made of: a line holding any other is no toolbar
# (one scan finds it, before the two substitutions that would leave it)
_TOOLBAR_CHARS = set(re.sub(r"[|?\[\]\\]", "", _TOOL_WORDS.pattern)) | set("【】[]（）()|｜:：/、·,，-")
_NOT_TOOL = re.compile(f"[^{re.escape(''.join(sorted(_TOOLBAR_CHARS)))}\\s]")
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
# footer and legal marks, in three patterns the regex engine scans fast (one whose every alternative
# opens with a character it can look for, a second for the Latin marks, asked only of a line holding
# one of their letters, and the marks that open a line): together they say what one pattern of all
# three said, five times faster (0.60 against 3.24 µs a line on the lines of 315 real pages)
_LEGAL_HAN = re.compile(
    r"公网安备|网安备|版权所有|©|建议使用.{0,30}(?:分辨率|浏览器)|分辨率.{0,10}浏览|浏览器\s*\d.{0,20}(?:以上|浏览)|"
    r"网站标识码|技术支持[：:]|主办(?:单位)?\s*[：:].{0,40}(?:地址|电话|承办|协办|邮编|联系)|"
    r"隐私(?:声明|政策)|免责声明|网站声明|版权声明|不代表本(?:网|站)|仅代表作者|转载请注明|站点地图|设为首页"
)
_LEGAL_LATIN = re.compile(r"ICP\s*[备证]|Copyright|All\s+Rights\s+Reserved|IE\s*\d.{0,20}(?:以上|浏览)", re.I)
_LATIN_MARK = re.compile("[aAcCeE]")  # each Latin mark holds one of these (no other character matches them, re.I)
_LEGAL_HEAD = re.compile(r"原标题\s*[：:]|[上下]一(?:篇|条|页)")


def _legal(s: str) -> bool:
    return bool(
        _LEGAL_HAN.search(s)
        or (_LATIN_MARK.search(s) and _LEGAL_LATIN.search(s))
        or (s[0] in "原上下" and _LEGAL_HEAD.match(s))
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

# a bare or labelled link, a view count without its label, a related list's label, then a breadcrumb
# and page chrome, which are furniture only on a line of 60 and 16 characters at most (_WITHIN): the
# line patterns anchored at its start tried in one match (one call, where five cost 0.4 µs more a line);
# the last two are tried last and named, so that a line one of the first three matches is told so
_WHOLE_LINE = re.compile(
    "|".join(f"(?:{p.pattern})" for p in (_URL_LINE, _BARE_COUNT, _RELATED))
    + f"|(?P<crumb>{_BREADCRUMB.pattern})|(?P<chrome>{_CHROME.pattern})"
)
_WITHIN = {"crumb": 60, "chrome": 16}

# words one of which a counter or a footer line holds: a cheap test before the patterns
_COUNTER_HINT = re.compile("浏览|点击|阅读|访问|查看|人气")
# a character one of the footer and toolbar marks holds: cheap tests before the patterns
# (a pattern of one character class: the regex engine scans a line for one faster than a set is asked)
_LEGAL_CHARS = re.compile("[P备版yY©R辨器E识技隐声表载图页办]")
_LEGAL_STARTS = ("上一", "下一", "原标题")
_TOOL_CHARS = re.compile("[印闭藏顶错评号体享存繁简障版STAopR默大中小回]")


@functools.lru_cache(maxsize=4096)
def is_furniture(text: str) -> bool:
    """True for a line that is the page's furniture, not the notice's, whatever the site.

    Remembered while a page is read (:func:`normalize.web.read_page` forgets at each page): the
    reader asks of a page's lines when it chooses the notice's element and again when it keeps its
    lines, and nearly half the questions of 315 real pages had been asked before."""
    s = text.strip()
    if not s:
        return True
    n = len(s)
    if n > 200:
        return False
    legal = n <= 160 and (_LEGAL_CHARS.search(s) is not None or s.startswith(_LEGAL_STARTS)) and _legal(s)
    if legal or "。" in s or "，" in s:  # a sentence: only a footer's or a disclaimer's marks apply
        return legal
    if not _WORD.search(s) and "|" not in s:  # no word: a separator, an icon's placeholder, a lone digit
        return True
    if n <= 60 and _TOOL_CHARS.search(s) and not _NOT_TOOL.search(s) and not _TOOL_REST.sub("", _TOOL_WORDS.sub("", s)):
        return True
    m = _COUNTER.search(s) if n <= 120 and _COUNTER_HINT.search(s) else None
    if m and (n <= 40 or _INFO.search(s) or m.group(0)[-1:].isdigit()):
        return True
    line = _WHOLE_LINE.match(s)
    if line is not None and (line.lastgroup is None or n <= _WITHIN[line.lastgroup]):
        return True
    return n <= 120 and len(_SHARE.findall(s)) >= 2


def is_info_line(text: str) -> bool:
    """A page's own facts about the posting (来源：… 日期：… 作者：…), short."""
    return len(text) <= 80 and bool(_INFO.match(text) or _POSTED.match(text)) and "。" not in text


# -- titles ----------------------------------------------------------------------------------------
_TITLE_SEP = re.compile(
    r"\s+[-－–—|｜]\s+|\s*[_|｜]\s*|——|\s*－\s*|\s+-\s*|\s*-\s+|(?<=[\u4e00-\u9fff）)》])-(?=[\u4e00-\u9fff])"
)


class _AtEnd:
    """A pattern that matches only at a text's end (``$``), searched from where its longest match
    (``longest`` characters, and the line break ``$`` may stand before) can start: a search from the
    first character tries the pattern at every one. The same match, sooner (on the titles the reader asks
    about, _NOTICE_END 15.7 to 11.2 µs a page and _HEADER_ONLY 9.1 to 4.8)."""

    __slots__ = ("pattern", "reach")

    def __init__(self, pattern: str, longest: int) -> None:
        self.pattern = re.compile(pattern)
        self.reach = longest + 1

    def search(self, text: str) -> re.Match[str] | None:
        return self.pattern.search(text, max(0, len(text) - self.reach))


_NOTICE_END = _AtEnd(
    r"(?:通知|通告|公告|办法|规定|意见|条例|细则|方案|决定|规则|规划|指引|指南|制度|纲要|标准|批复|函|令|规范|须知|"
    r"公示|说明|解读|问答|答问|报告|计划|措施|实施|目录|清单|一览表|简介|流程|政策|决议|章程|守则|要点|通报|命令|暂行|"
    r"试行|[（(]试行[）)]|[（(][^（）()]{1,20}[）)])$",
    22,
)
_SITE_END = re.compile(r"(?:网|网站|门户|之窗|信息网|公众网|在线|平台|专栏|频道|首页|主页|服务网|政务网|官网)$")
_ORG_END = re.compile(r"(?:委员会|政府|人民政府|局|厅|办公室|办公厅|中心|委|部|院|处|署|协会|学校|大学)$")
_HEADER_ONLY = _AtEnd(r"(?:人民政府令|政府令|国务院令|部令|院令|委员会令|[^关于]{2,12}令|文件)$", 13)
_SECTION = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇\d]+[章节条编部分]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])"
)
_ENDS_SENTENCE = re.compile(r"[。；：:，,！？]$")
_DOC_NO = re.compile(r"[〔\[（(【]\s*\d{4}\s*[〕\]）)】]\s*第?\s*\d+\s*号$|^第\s*\d+\s*号$")
_LABELLED = re.compile(r"^[\u4e00-\u9fff\s]{1,8}[：:]")
_NAV = re.compile(r"[>＞»›].*[>＞»›]|[»›]|首页|当前位置|位置[：:]")
_NUMBERISH = re.compile(r"^[\d\s.\-—第页/共()（）]+$")
_HAN = re.compile("[\u4e00-\u9fff]")


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
    han = len(_HAN.findall(t))
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

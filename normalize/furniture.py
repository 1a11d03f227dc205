"""Site furniture in text copies of web pages, recognised by what it is, not by one site's strings.

A page saved as ``.txt``, pasted into Word or printed to PDF keeps the site around the notice:
navigation bars and breadcrumbs (``您的当前位置：首页>…``), toolbars and share bars
(``【打印本页】【关闭窗口】``, ``QQ空间新浪微博…``), the page's date, source and view counter
(``时间：2010-06-30 [ 大中小 ] 浏览次数：``), the footer (copyright, ICP and 公网安备 lines,
``建议使用1024×768分辨率…``, the site's host and contact lines), disclaimers
(``声明：本文不代表本网站观点``) and a news site's ``原标题：``. Each family is a shape: a line made
only of a vocabulary's words (toolbar, navigation), or a line holding one of a family's marks
(a copyright sign, an ICP number, a screen resolution). What belongs to the notice (its 文号,
issuer, date, 附件 names) has none of these shapes.

>>> furniture_kind("【打印本页】【关闭窗口】"), furniture_kind("打印网摘纠错商城分享推荐字号")
('web-toolbar', 'web-toolbar')
>>> furniture_kind("您的当前位置：首页>政务公开>规范性文件"), furniture_kind("关于本站 | 网站地图 | 内容纠错")
('web-navigation', 'web-footer')
>>> furniture_kind("时间：2010-06-30 [ 大中小 ] 浏览次数："), furniture_kind("粤ICP备05070829号")
('web-page-info', 'web-footer')
>>> furniture_kind("附件：1.广州市公共租赁住房申请表"), furniture_kind("东府〔2016〕3号")
(None, None)
"""

from __future__ import annotations

import re

from normalize.patterns import ORG_SUFFIX, TITLE_SUFFIX, starts_item

# the ChangeLog steps of site and page furniture this module and its callers remove
FURNITURE_STEPS = frozenset(
    {"web-navigation", "web-toolbar", "web-page-info", "web-footer", "web-disclaimer", "web-form-marker",
     "news-furniture", "encyclopedia-furniture", "print-header", "database-fields"}
)  # fmt: skip
_SEPARATORS = re.compile(r"[\s【】\[\]（）()|｜·•/、:：\-—>»«›＞→]+")


def _words(words: str) -> re.Pattern[str]:
    """An alternation of the words, longest first so that 打印本页 wins over 打印."""
    return re.compile("|".join(sorted(words.split(), key=len, reverse=True)))


TOOLBAR_WORDS = _words(
    """打印本页 打印此页 打印本稿 打印本文 打印文章 打印页面 打印预览 打印 关闭窗口 关闭本页 关闭此页 关闭页面 关闭
    收藏本页 收藏本站 加入收藏 收藏 返回顶部 返回首页 返回列表 返回上页 返回 我要纠错 内容纠错 纠错 我要分享 分享到 分享至
    分享 推荐给朋友 推荐给好友 推荐 发表评论 我要评论 查看评论 评论 网摘 商城 保存本页 保存 字体大小 字号大小 增大字号
    减小字号 默认字号 增大 减小 默认 字号 字体 大中小 视力保护色 护眼模式 背景色 复制链接 复制网址 转发 邮件 扫一扫
    手机看新闻 手机版 一键分享 更多 QQ空间 QQ好友 新浪微博 腾讯微博 人人网 微信朋友圈 朋友圈 微信 豆瓣网 豆瓣 开心网
    百度贴吧 百度收藏 微博 大 中 小"""
)
NAV_WORDS = _words(
    """首页 网站首页 设为首页 加入收藏 English 信息公开 政务公开 政府信息公开 政务大厅 政务服务 网上办事 办事服务 在线服务
    在线办事 政民互动 互动交流 公众参与 新闻中心 新闻动态 工作动态 通知公告 政策法规 政策解读 政策文件 机构简介 机构职能
    机构设置 领导信息 领导之窗 专题专栏 网上信访 数据发布 业务频道 网站导航 民生服务 便民服务 概况 热词 English版
    手机版 简体 繁体 搜索 无障碍 权威发布 互动中心 政策法规 工作专题 业界动态"""
)
FOOTER_WORDS = _words(
    """关于本站 关于我们 网站地图 站点地图 联系我们 法律声明 网站声明 隐私声明 隐私政策 使用帮助 网站帮助 帮助中心
    常见问题 访问统计 意见反馈 意见建议 网站导航 商务合作 广告服务 法律顾问 招聘信息 网站纠错 内容纠错 无障碍 设为首页
    加入收藏 ICP经营许可证 网站说明 版权声明 免责声明"""
)
_BREADCRUMB = re.compile(
    r"^(?:您|你)?(?:的|现在的|当前的|目前的|所在的)?(?:当前)?(?:所在)?位置\s*[:：]?|首页\s*(?:>|＞|>>|»|›|→|/)"
)
_NAV_ITEM = re.compile(r"^[^\s|｜，。；]{2,8}\s*[|｜]$")  # one item of a vertical menu: 综合管理|
# Each pattern searched in the lines holding a mark opens every alternative with a literal character (no
# group, class or anchor first): the regex engine then skips to where one stands, instead of trying
# each position of the line (a third to a fifth of the time).
_WIDGET_BOX = r"\s*(?:字[体号](?:大小)?\s*[:：]?\s*)?大\s*中\s*小\s*[】\]]"
_FONT_WIDGET = re.compile(
    rf"【{_WIDGET_BOX}|\[{_WIDGET_BOX}"
    r"|字[体号](?:大小)?\s*[:：]?\s*[【\[]?\s*大\s*[】\]]?\s*[【\[]?\s*中\s*[】\]]?\s*[【\[]?\s*小"
)
_COUNTER = re.compile(
    "|".join([*(rf"{w}(?:次数|量|数|率)\s*[:：]?" for w in ("浏览", "阅读", "点击", "访问")),
              *(rf"{w}\s*[:：]\s*\d+\s*次?" for w in ("浏览", "阅读", "点击"))])
)  # fmt: skip
_CLOCK_STAMP = re.compile(
    r"^(?:\d{4}[年/.-]\d{1,2}[月/.-]\d{1,2}日?|\d{1,2}/\d{1,2}/\d{4})\s*(?:星期.|周.)?\s*(?:上午|下午)?\s*\d{1,2}:\d{2}"
)
_TODAY = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日\s*(?:星期|周)[一二三四五六日天]")  # a page's clock of today
_SITE_DATE = re.compile(
    r"^[\u4e00-\u9fff]{2,30}(?:委员会|部|局|政府|网|网站|办公室|办公厅|中心|报|社)\s*\d{4}-\d{1,2}-\d{1,2}$"
)
_ADDRESS = re.compile(r"www\.|https?://|\.gov\.cn|\.com")
_POSTED_ON = re.compile(r"来源\s*[:：]|\d{4}\s*[年/-]\s*\d{1,2}\s*[月/-]\s*\d{1,2}")
_DATE_LABEL = re.compile(r"(?:发布|更新|发表)?(?:时间|日期)\s*[:：]\s*\d{4}")
_PAGE_LABELS = re.compile(r"来源\s*[:：]|作者\s*[:：]|编辑\s*[:：]|浏览|点击|阅读|字号|字体|大中小|本站原创")
_COPYRIGHT = re.compile(r"copyright|©|\(c\)\s*\d{4}|all\s+rights\s+reserved|版权所有", re.I)
_ICP = re.compile(r"ICP\s*(?:备|证|经营许可|备案)|公网安备|网站标识码|网站识别码|备案(?:编?号|序号)\s*[:：]")
_ADVICE = r"(?:您)?(?:使用|采用).{0,24}(?:分辨率|浏览器|IE\s*\d)"
_BROWSER = re.compile(
    rf"建议{_ADVICE}|推荐{_ADVICE}|请{_ADVICE}|分辨率.{{0,20}}(?:浏览|最佳|以上)|浏览器.{{0,20}}(?:浏览|最佳|以上)"
    r"|最佳(?:浏览|显示)效果"
)
_HOST = re.compile(
    r"^(?:本网站)?(?:主办|承办|协办|技术支持|技术服务|网站维护|维护|设计制作|网站设计|建设维护|运行维护|管理维护|"
    r"网站管理|制作维护)(?:单位|机构)?\s*[:：]"
)
_CONTACT = re.compile(r"(?:地址|电话|传真|邮编|邮政编码|E-?mail|邮箱)\s*[:：]", re.I)
# a site's own disclaimer speaks of the site (本网, 本站…); a law's 未经许可，不得复制 does not
_DISCLAIMER_START = re.compile(r"(?:免责)?声明\s*[:：]")  # matched at the line's start
_DISCLAIMER = re.compile(
    r"不代表本(?:网|站|报|刊|平台|公众号)|转载请注明|"
    r"本(?:网|站|报|刊|平台|文).{0,30}(?:未经|非经|不得(?:非法)?(?:转载|镜像))|网站.{0,30}(?:未经|非经|不得(?:非法)?(?:转载|镜像))"
)
_ORIGINAL_TITLE = re.compile(r"^原标题\s*[:：]")
_EDITOR = re.compile(r"^[（(【\[]?\s*(?:责任编辑|责编|编辑|作者|记者|通讯员)\s*[:：]\s*[^，。；]{1,20}[）)】\]]?$")
_SOURCE = re.compile(r"^(?:来源|稿源|文章来源|信息来源)\s*[:：].{0,40}$")
_COUNT = re.compile(r"[\s()（）\[\]【】:：]*\d{1,6}\s*(?:条|次|人)?[\s()（）\[\]【】]*")
_MENU_ROW = re.compile(r"^(?:[^|｜，。；]{1,10}[|｜]){4,}[^|｜，。；]{0,10}$")
_FORM_MARKER = re.compile(r"^(?:窗体顶端|窗体底端)$")  # Word's Top of Form / Bottom of Form of a pasted page
_SENTENCE = re.compile(r"[，。；]")
_ITEM_GAP = re.compile(r"\s+|[|｜]")
# every family recognised anywhere needs one of these: most lines of a notice are ruled out by one scan.
# Each alternative opens with a literal character (the Latin words once for each case of their first
# letter, the rest of them case-blind): the regex engine then skips to the positions holding one of
# those characters, where an alternation that the IGNORECASE flag makes case-blind is tried at every
# position (eight times slower on a notice's lines). A word whose first character is common in notices
# (关, 大, 人, 不, 合…) opens at a rarer one of its characters, after the /, the rest looked behind for
# (关/闭 is 闭(?<=关闭)): the engine stops at fewer places, the same lines match (a third less time).
_MAYBE_WORDS = (
    "打印 关/闭 收/藏 返回 纠/错 分/享 推/荐 评/论 网/摘 商城 保/存 字[号体] 大中/小 视力 护/眼 背景色 复制 转发 邮件 "
    "扫一扫 手机 更/多 微博 人人/网 微信 朋友圈 豆/瓣 开/心网 贴/吧 原标/题 公/网安备 标识/码 识别/码 备案 分/辨率 浏览 "
    "最/佳 © 版权 声明 不/代表 转/载 镜像 窗体 阅/读 点/击 访问 关/于 地/图 联系 帮助 常见问/题 意/见 导/航 合/作 广告 "
    "顾问 招/聘 无障/碍 首/页 【 \\[ \\([cC]\\)"
)


def _anchored(word: str) -> str:
    """``关/闭`` → ``闭(?<=关闭)``: the word opening at the character after its /."""
    before, slash, after = word.partition("/")
    return f"{after[0]}(?<={before}{after[0]}){after[1:]}" if slash else word


# the Latin words, matched in any case: each letter a word may open with, as IGNORECASE reads it (İ, ı are i)
_CASED_WORDS = {"QQ": "Qq", "ICP": "Ii\u0130\u0131", "copyright": "Cc", "rights": "Rr"}
# a mark of site furniture (what may_be_furniture looks for; artifacts asks it of many lines without a call each)
FURNITURE_MARK = re.compile(
    "|".join(
        [*map(_anchored, _MAYBE_WORDS.split()), *(f"{c}(?i:{w[1:]})" for w, cs in _CASED_WORDS.items() for c in cs)]
    )
)
LONG_LINE = 150


def _covered(s: str, words: re.Pattern[str]) -> tuple[int, float]:
    """How many distinct vocabulary words the line holds, and the share of its characters they
    and the separators between them cover."""
    found = words.findall(s)
    if not found:
        return 0, 0.0
    rest = _SEPARATORS.sub("", words.sub("", s))
    bare = _SEPARATORS.sub("", s)
    return len(set(found)), 1 - len(rest) / max(1, len(bare))


def may_be_furniture(line: str) -> bool:
    """Could ``line`` be furniture outside the first and last lines? False when it holds none of
    the marks every family recognised anywhere needs: :func:`furniture_kind` of it, out of the
    window, is None (the marks hold no space and no ``|``, which is all it strips)."""
    return FURNITURE_MARK.search(line) is not None


def furniture_kind(line: str, window: bool = True, marked: bool = True) -> str | None:
    """The family of site furniture ``line`` is (its ChangeLog step), or None for notice text.

    Families that hold only a site's own marks (toolbars, copyright, ICP, browser advice,
    disclaimers, ``原标题``) are recognised anywhere; those that could read like a notice's own
    line out of context (navigation words, a date with a source, an editor, contact lines) only
    among the first and last lines of the text (``window``). ``marked`` False: the caller found no
    mark of :func:`may_be_furniture` in the line, which is not looked for again.
    """
    s = line.strip().strip("|").strip()
    if not s or len(s) > LONG_LINE:
        return None
    # an article or an item (第二十七条…) is the notice's own
    if not marked or not FURNITURE_MARK.search(s) or starts_item(s):
        return window_kind(s, line.strip()) if window and not starts_item(s) else None
    if _FORM_MARKER.match(s):
        return "web-form-marker"
    # no word of a toolbar or the footer and no separator is a sentence's mark: a line holding one
    # (most marked lines: 关于…，…) is no toolbar nor footer menu, unless a short count (评论，12)
    sentence = _SENTENCE.search(s) is not None
    if not sentence or len(s) <= 12:
        tools, share = _covered(s, TOOLBAR_WORDS)
        if share == 1.0 and (tools >= 2 or s[:1] in "【[" or len(s) >= 3):
            return "web-toolbar"
        if tools and len(s) <= 12 and _COUNT.fullmatch(TOOLBAR_WORDS.sub("", s)):  # 1评论, 评论(12)
            return "web-toolbar"
    if s.count("|") >= 4 and _covered(s, NAV_WORDS)[0] and _MENU_ROW.match(s):
        return "web-navigation"  # a menu row of a page: 首页 | 机构职能 | 新闻中心 | 法规快递 | …
    if _ORIGINAL_TITLE.match(s):
        return "news-furniture"
    if _ICP.search(s) or _BROWSER.search(s) or (len(s) <= 120 and _COPYRIGHT.search(s)):
        return "web-footer"
    if _DISCLAIMER_START.match(s) or _DISCLAIMER.search(s):
        return "web-disclaimer"
    if not sentence and (covered := _covered(s, FOOTER_WORDS))[0] >= 2 and covered[1] >= 0.5:
        return "web-footer"
    if _FONT_WIDGET.search(s) or (len(s) <= 120 and not sentence and _COUNTER.search(s)):
        return "web-page-info"
    if not window:
        return None
    return window_kind(s, line.strip())


def window_kind(s: str, line: str) -> str | None:
    """The families recognised only near the top or the bottom of the text."""
    # a word each pattern needs is looked for first: a line of the window is most often the notice's own
    if len(s) <= 80 and ("位置" in s or "首页" in s) and _BREADCRUMB.search(s):
        return "web-navigation"
    # both families of navigation words need a line without a sentence's mark: a line with one (most
    # lines) has its words left uncounted (the search of a three-character class, not of the words)
    sentence = _SENTENCE.search(s) is not None
    nav, share = _covered(s, NAV_WORDS) if not sentence else (0, 0.0)
    if ((nav >= 2 and share >= 0.6) or (nav >= 4 and len(s) <= 100)) and not sentence:
        return "web-navigation"
    if line[-1:] in "|｜" and _NAV_ITEM.match(line):
        return "web-navigation"
    items = _ITEM_GAP.split(s) if nav else ()  # split only when a navigation word is there to count
    if nav and len(items) >= 3 and all(0 < len(item) <= MENU_ITEM for item in items) and not sentence:
        return "web-navigation"  # a menu's row: 热词 省政府权责清单 政府工作报告
    if len(s) <= 100 and (
        (s[:1].isdecimal() and (_CLOCK_STAMP.match(s) or _TODAY.match(s)))  # \d is a decimal digit
        or (("时间" in s or "日期" in s) and _DATE_LABEL.search(s) and _PAGE_LABELS.search(s))
    ):
        return "web-page-info"
    if len(s) <= 100 and (
        (s[-1:].isdecimal() and _SITE_DATE.match(s))
        or (("." in s or "://" in s) and _ADDRESS.search(s) and _POSTED_ON.search(s))
    ):
        return "web-page-info"  # the site and the posting date: 中国政府门户网站www.gov.cn 2005年08月01日来源：…
    if ":" not in s and "：" not in s:  # an editor, a source, a host: each a label and a colon
        return None
    if _EDITOR.match(s) or (_SOURCE.match(s) and not _SENTENCE.search(s)):
        return "news-furniture"
    if _HOST.match(s) and len(s) <= 120:
        return "web-footer"
    return None


MENU_ITEM = 8
MENU_MIN = 4
_NOT_MENU = re.compile(r"[\d，。；：:、]")


def menu_runs(lines: list[str], indices: list[int]) -> list[list[int]]:
    """Runs of menu items among ``indices`` (blank lines aside): four or more short lines in a row,
    without punctuation or digits, two of them navigation or toolbar words (``设为首页``, ``首页``,
    ``政策法规``…); a page's menu saved one item a line."""
    if sum(len(lines[i].strip()) <= MENU_ITEM for i in indices) < MENU_MIN:
        return []  # a run needs four short lines: most texts' first and last lines hold fewer
    runs: list[list[int]] = []
    run: list[int] = []
    for i in [*indices, -1]:
        s = lines[i].strip() if i >= 0 else ""
        if i >= 0 and 0 < len(s) <= MENU_ITEM and not _NOT_MENU.search(s):
            run.append(i)
            continue
        if len(run) < MENU_MIN:  # most lines end no run, or a short one: nothing to count
            run = []
            continue
        words = sum(1 for k in run if _covered(lines[k].strip(), NAV_WORDS)[1] == 1.0
                    or _covered(lines[k].strip(), TOOLBAR_WORDS)[1] == 1.0)  # fmt: skip
        items = sum(1 for k in run if _NAV_ITEM.match(lines[k].strip()))
        if words >= 2 or items >= MENU_MIN:
            runs.append(run)
        run = []
    return runs


def is_footer_detail(line: str) -> bool:
    """A contact or menu line that is furniture when it sits in the site's footer block: an
    address with a telephone number, or a lone short menu word (``网站导航``, ``国家部委``)."""
    s = line.strip()
    if len(s) > 100 or _SENTENCE.search(s):
        return False
    if len(_CONTACT.findall(s)) >= 2 or _HOST.match(s):
        return True
    # a signature (东莞市人民政府) or a date above the footer is the notice's own
    return (
        len(s) <= 10 and not re.search(r"[\d年月日]|^附", s) and not ORG_SUFFIX.search(s) and not TITLE_SUFFIX.search(s)
    )

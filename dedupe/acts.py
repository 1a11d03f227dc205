"""What act a notice is, for version chains (:mod:`dedupe.chains`): its title without its year,
its 修正/修订/草案/征求意见稿/试行/暂行 markers and its ``关于印发《…》的通知`` wrapper (``act_key``); the
place it is of (the title's, or the head's adoption record's); the date of its version."""

from __future__ import annotations

import re
from collections.abc import Sequence

from dedupe.document import Document
from normalize import comparison_key

_TABLE_TITLE = re.compile(r"^\|\s*(?:Title|标题|名称)\s*\|\s*([^|\n]{4,80}?)\s*\|", re.M)
_ASCII_LEAD = re.compile(r"^[\x00-\x7f]+")
_WRAPPER = re.compile(
    r"^.*?关于(?:印发|发布|颁布|批准|公布|转发|下发|施行|实施)?《?(?P<act>.+?)》?(?:的|之)?"
    r"(?:通知|决议|决定|公告|通告|令|函|批复)$"
)
_BRACKETED = re.compile(r"[（(〔\[【][^）)〕\]】]{0,16}[）)〕\]】]")
_MARKERS = re.compile(
    r"(?:19|20)\d{2}\s*年?\s*(?:修订|修正|修改|版)本?|征求意见稿|征集意见稿|草案|送审稿|讨论稿|修订稿|"
    r"修订|修正|试行|暂行|全文|最新"
)
_AMENDING_ACT = re.compile(r"修正案|修改决定|关于修改|关于废止")  # an act that amends another is not its version
_DRAFT = re.compile(r"征求意见|征集意见|草案|送审稿|讨论稿|修订稿")
# what a regulation's name ends with: an act, not a notice, a news item or a site's name
_ACT_SUFFIX = re.compile(
    r"(?:条例|办法|规定|细则|规则|意见|决定|方案|规划|纲要|章程|法|标准|准则|制度|目录|清单|指引|"
    r"指南|措施|规程|守则|规范|实施方案)$"
)
_TRIAL = re.compile(r"试行|暂行")
_PLACE = re.compile(
    r"^(?:[\u4e00-\u9fff]{2,3}省|[\u4e00-\u9fff]{2,8}?自治区)?"
    r"(?:[\u4e00-\u9fff]{2,9}?(?:市|自治州|州|盟|地区|经济特区))?(?:[\u4e00-\u9fff]{1,3}?(?:县|区|旗))?"
)
# the body that adopted the text: ``2020年9月4日吉安市第四届人民代表大会常务委员会…通过``
_HEAD_PLACE = re.compile(
    r"(?:^|(?<=[日\s，。、（(]))([\u4e00-\u9fff]{2,9}?(?:省|自治区|市|自治州|州|盟|县|区|旗))(?:第[一二三四五六七八九十\d]+届)?"
    r"(?:人民代表大会|人民政府|人大常委会)",
    re.M,
)
_DATE_KEY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NOT_A_PLACE = ("各", "本", "全", "该", "省、", "县级", "市级", "设区的", "所在地")  # 各省、自治区、直辖市人民代表大会…
_NATIONAL = ("中华人民共和国", "全国人民代表大会", "国务院", "中国人民解放军")  # a title naming the whole country


def clean_title(title: str | None) -> str:
    """A recognised title without the letters a site glued before it (``Content三明市…``)."""
    return _ASCII_LEAD.sub("", title or "").strip()


def title_of(docs: Sequence[Document]) -> str | None:
    """The regulation's title among a cluster's members: a member's recognised title, stripped of
    the letters a site glued before it (``Content三明市…``), else a metadata table's Title cell."""
    for doc in docs:
        title = clean_title(doc.normalized.meta.title)
        if len(title) >= 4:
            return title
    for doc in docs:
        m = _TABLE_TITLE.search(doc.text[:2000])
        if m:
            return m.group(1)
    return None


def act_title(title: str) -> str:
    """The act a title names: its ``关于印发《…》的通知`` wrapper taken away (not an amending decision's)."""
    title = title.strip()
    if not _AMENDING_ACT.search(title):
        m = _WRAPPER.match(title)
        if m and len(m.group("act")) >= 4:
            title = m.group("act")
        elif "《" in title and "》" in title and title.index("《") < title.index("》"):
            inner = title[title.index("《") + 1 : title.index("》")]
            title = inner if len(inner) >= 4 and title.startswith("关于") else title
    return title


def act_key(title: str) -> str:
    """The comparison key of the act a title names, without year, version markers or wrapper.

    >>> act_key("关于印发《广州市房屋租赁管理规定（试行）》的通知") == act_key("广州市房屋租赁管理规定（2016年修订）")
    True
    """
    act = act_title(title)
    act = _BRACKETED.sub(lambda m: "" if _MARKERS.search(m.group(0)) or _only_year(m.group(0)) else m.group(0), act)
    act = _MARKERS.sub("", act)
    return comparison_key(act)


def act_core(title: str) -> str:
    """The act's name a title gives, without wrapper, brackets or version markers (what every
    version's title holds)."""
    return _MARKERS.sub("", _BRACKETED.sub("", act_title(title)))


def is_act(title: str) -> bool:
    """A title that names a regulation (an act with a name of its own), not an amending act."""
    act = act_title(title)
    core = act_core(title)
    return len(core) >= 4 and not _AMENDING_ACT.search(act) and bool(_ACT_SUFFIX.search(core))


def _only_year(text: str) -> bool:
    return bool(re.fullmatch(r"[（(〔\[【]\s*(?:19|20)\d{2}\s*年?\s*[）)〕\]】]", text))


def place_of_title(title: str) -> str | None:
    """The place a title opens with (``白城市``, ``深圳经济特区``, ``黑龙江省``), or None."""
    act = act_title(title)
    national = next((n for n in _NATIONAL if act.startswith(n)), None)
    if national:  # 中华人民共和国城市维护建设税暂行条例 is the country's, not a city's
        return national
    m = _PLACE.match(act)
    return comparison_key(m.group(0)) if m and m.group(0) else None


def _names_place(title: str) -> bool:
    """A title that says whose act it is (a place, or the whole country): two clusters bearing it
    are one regulation's versions however much a revision rewrote."""
    return place_of_title(title) is not None or act_title(title).startswith(_NATIONAL)


def head_place(doc: Document) -> str | None:
    """The place of the congress or government that adopted the text, as its head records it."""
    for m in _HEAD_PLACE.finditer(doc.text[:600]):
        if not m.group(1).startswith(_NOT_A_PLACE) and m.group(1) not in ("直辖市", "自治区", "自治州"):
            return comparison_key(m.group(1))
    return None


def version_date(doc: Document) -> str | None:
    """The latest date the head gives of this version: adoption, approval, each amendment, and the
    dates that open its head lines (a re-adoption that the history lists as 通过)."""
    meta = doc.normalized.meta
    dates = [meta.adopted, meta.approved, *(x.split()[0] for x in meta.amendments), *meta.dates]
    found = [d for d in dates if d and _DATE_KEY.match(d)]
    return max(found) if found else meta.effective

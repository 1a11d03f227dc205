"""Metadata recognised in the clean text (never removed from it): title, 文号, issuer, dates."""

from __future__ import annotations

import re
from dataclasses import dataclass

from normalize.furniture import furniture_kind
from normalize.key import t2s_converter
from normalize.patterns import (
    DATE,
    DOC_NUMBER,
    DOC_NUMBER_LINE,
    ORG_SUFFIX,
    SIGNATURE,
    TITLE_SUFFIX,
    is_heading,
    starts_item,
)
from normalize.versions import DATE_ANY, history_head, iso, version_facts

HEAD_LINES = 20
PUBLIC_NOTE = re.compile(r"^[（(]\s*此件(?:主动|依申请|不予)?公开\s*[）)]$|^[（(]\s*(?:主动|依申请|不予)公开\s*[）)]$")
DRAFT = re.compile(r"征求意见稿|草案|送审稿|讨论稿|试行草案")
ITEM_CODE = re.compile(
    r"(职权编码|事项编码|案号|编号|项目代码|统一社会信用代码)\s*(?:[:：]|\|)?\s*\|?\s*"
    r"([A-Za-z0-9〔〕\[\]（）()\-_\u4e00-\u9fff]{4,40}?)(?=[\s，。；、|]|$)"
)
# the item a form was filled for, in running text or a table cell (``| 职权名称 | 行政处罚… |``)
ITEM_NAME = re.compile(r"(职权名称|事项名称|项目名称)\s*(?:[:：]|\|)\s*\|?\s*([^|\n]{2,60}?)\s*(?=\||\n|$)")
_PLACE = re.compile(
    r"^(?:关于)?(?P<province>[\u4e00-\u9fff]{2,3}省|[\u4e00-\u9fff]{2,8}?自治区)?"
    r"(?P<city>[\u4e00-\u9fff]{2,4}?(?:市|自治州|州|盟|地区))?"
    r"(?P<county>[\u4e00-\u9fff]{1,3}?(?:县|区|旗))?"
)
_CODE_WORDS = re.compile("编码|案号|编号|代码")  # a word each ITEM_CODE label holds: one scan, not four
_DATED_ENTRY = re.compile(r"^(?:19|20)\d{2}")
_NOT_PLACE = re.compile(r"印发|开展|推进|加强|进一步|做好|实施|关于|转发|规范|促进|建立|完善|深化|全面|城市|地区")


@dataclass(frozen=True)
class Meta:
    title: str | None = None
    doc_number: str | None = None
    issuer: str | None = None
    date: str | None = None  # ISO yyyy-mm-dd of the latest issue or revision date in the head
    dates: tuple[str, ...] = ()
    place: str | None = None
    draft: bool = False
    item_codes: tuple[str, ...] = ()
    public_note: str | None = None
    dated_entries: int = 0  # head lines that open with a year (``2019年3月2日 …第四次修订``)
    adopted: str | None = None  # version facts (normalize.versions): adoption, approval, amendments, effect
    approved: str | None = None
    amendments: tuple[str, ...] = ()
    effective: str | None = None
    amendment_marks: int = 0


def iso_date(match: re.Match[str]) -> str:
    """An ISO date from a ``2023年4月10日`` match; an OCR'd ``曰`` reads as ``日``."""
    year, month, day = (int(g) for g in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}"


# a 令's header line, not its title: 中华人民共和国国务院令, 湖南省人民政府令第242号, 东莞市人民政府令
ORDER_HEADER = re.compile(
    r"^[\u4e00-\u9fff]{0,24}?(?:人民政府|国务院|主席|部|委员会|委|局|署|办公厅|政府|法院|检察院)令"
    r"\s*(?:[（(]?\s*第\s*[\d一二三四五六七八九十百千零〇]+\s*号\s*[)）]?)?$"
)
# what stands before a title when a signature and a date were glued onto it: 市长戴相龙二〇〇七年十二月十七日
_GLUED_HEAD = re.compile(
    r"^(?:代?(?:市长|省长|区长|县长|州长|主席|主任|局长|厅长|部长|总理|署长)[\u4e00-\u9fff]{0,4}?)?"
    rf"(?:{DATE_ANY.pattern}|{DATE.pattern})"
)
_LABEL_ROW = re.compile(r"[\u4e00-\u9fff]{2,6}\s*[:：]\s*(?:\||$)")
_OFFICIAL = re.compile(r"^关于|^[\u4e00-\u9fff（）()]{2,40}?关于.{2,}(?:的)?(?:通知|通告|公告|决定|意见|批复|报告|函)$")
_REGULATION = re.compile(r"(?:条例|办法|规定|实施细则|细则|规则|规程|解释)(?:（[^）]{1,12}）|\([^)]{1,12}\))?$")


def _strip_glued_head(line: str) -> str:
    """``市长戴相龙二〇〇七年十二月十七日北京市…办法`` → ``北京市…办法``: the signature and date of a
    promulgation glued onto the regulation's name."""
    m = _GLUED_HEAD.match(line) if "年" in line else None  # both kinds of date need it
    return line[m.end() :].strip() if m and len(line) - m.end() >= 6 else line


def plausible_title(line: str) -> bool:
    """Could this line be the notice's title? Not a site's or an issuer's name, a 令's header, a
    navigation bar or other site furniture, a metadata row, a chapter heading, a salutation, a
    date, a 文号 or a page number."""
    s = line.strip()
    if len(s) < 4 or len(s) > 120 or not re.search(r"[\u4e00-\u9fff]{4}", s):
        return False
    if "|" in s and (_LABEL_ROW.search(s) or "|" in s.strip("| ")):  # a table row of several cells
        return False
    if ORDER_HEADER.match(s) or SIGNATURE.match(s) or furniture_kind(s) is not None:
        return False
    if (ORG_SUFFIX.search(s) and not TITLE_SUFFIX.search(s)) or s.endswith(("：", ":")):
        return False
    if DOC_NUMBER_LINE.match(s) or DATE.fullmatch(s) or DATE_ANY.fullmatch(s) or is_heading(s):
        return False
    return not re.match(r"^(?:第[一二三四五六七八九十百\d]+[章节条编]|附件|目\s*录|窗体)", s)


_BULLETS = "■□●○◆◇★☆▲△▶►•·"
_BULLET = re.compile(rf"^[{_BULLETS}]\s*")
_NUMBER = r"[\u4e00-\u9fff]{1,8}\s*[〔\[［【(（]\s*\d{4}\s*[〕\]］】)）]\s*\d{1,5}\s*号"
_EDGE_NUMBER = re.compile(
    rf"^{_NUMBER}\s*(?=[\u4e00-\u9fff])|[（(][^（）()]{{0,30}}令\s*第\s*[\d一二三四五六七八九十百千零〇]+\s*号[)）]$"
)
_NUMBER_BRACKETS = frozenset("〔[［【(（")  # a 文号's or a 令's opening bracket
_TAIL_NUMBER = re.compile(r"\s*[（(]?\s*[〔\[［【(（]\s*\d{4}\s*[〕\]］】)）]\s*\d{1,5}\s*号\s*[)）]?$")


def _cut_tail_number(line: str) -> str:
    """``…的决定国发〔2008〕17号`` → ``…的决定``: a 文号 after a title's last word goes."""
    m = _TAIL_NUMBER.search(line)
    if not m:
        return line
    for k in range(1, 9):  # the issuer's code before the bracket: 国发, 武劳社, 国办发…
        head = line[: m.start() - k].rstrip(" （(")
        if TITLE_SUFFIX.search(head):
            return head
    return line


# a regulation named in its promulgation: 《湖南省规范性文件管理办法》已经2009年6月22日…通过
_PROMULGATED = re.compile(r"^《([^《》]{4,60})》(?:已经|已由|业经|经)")


def _one_cell(line: str) -> str:
    """The text of a table row of one filled cell (``| 关于…的通知 | |``), else the line."""
    if not line.startswith("|"):
        return line
    cells = [cell.strip() for cell in line.strip().strip("|").split("|") if cell.strip()]
    return cells[0] if len(cells) == 1 else line


# what a line opens with when a cell or a bullet is taken off it (an empty line is a bullet's: "" in _BULLETS)
_AS_TITLE_FIRST = frozenset(["|", "", *_BULLETS])


def _as_title(line: str) -> str:
    """A head line as a title reads: without a bullet, the cell around it, a 文号 or a 令's number
    glued before or after it (国办发〔2015〕38号国务院办公厅关于…, …的决定国发〔2008〕17号), the
    book-title marks around the whole of it, a signature and date glued before it."""
    if "号" not in line and "《" not in line and "年" not in line and line[:1] not in _AS_TITLE_FIRST:
        return line.strip()  # none of those to take off (most head lines): the line stripped, told without a step
    line = _one_cell(line)
    line = _BULLET.sub("", line).strip() if line[:1] in _BULLETS else line.strip()
    if "号" in line and len(line) <= 140 and not _NUMBER_BRACKETS.isdisjoint(line):  # both patterns need one
        stripped = _cut_tail_number(_EDGE_NUMBER.sub("", line)).strip()
        line = stripped if len(stripped) >= 6 else line
    if line.startswith("《") and line.endswith("》") and line.count("《") == 1:
        line = line[1:-1]
    return _strip_glued_head(line)


def _title(lines: list[str], facts: dict[str, str] | None = None) -> str | None:
    head = [_as_title(line) for line in lines[:HEAD_LINES]]
    candidates = [
        line
        for line in head
        if 6 <= len(line) <= 120
        and TITLE_SUFFIX.search(line)
        and "。" not in line
        and not starts_item(line)
        and plausible_title(line)
    ]
    given = (facts or {}).get("title")
    if given and plausible_title(given):
        return _as_title(given)
    for line in candidates:  # the official title: …关于…的通知, then a regulation's name
        if "关于" in line:
            return line
    for line in candidates:
        if _REGULATION.search(line):
            return line
    if candidates:
        return candidates[0]
    for line in head[:5]:
        if m := _PROMULGATED.match(line):
            return m.group(1)
    if head and len(head[0]) <= 60 and plausible_title(head[0]) and not starts_item(head[0]):
        return head[0]  # a headline (a web page puts its heading first)
    return next((line for line in head[1:3] if 6 <= len(line) <= 60 and _fallback_title(line)), None)


def _fallback_title(line: str) -> bool:
    """A second or third line taken as the title when none ends like one: not an item, a history
    note (``（1997年…通过``) or a sentence."""
    return (
        plausible_title(line)
        and not starts_item(line)
        and not line.startswith(("（", "(", "《"))
        and not re.search(r"[，。；、]", line)
    )


# the red header glued to the 文号: 东莞市人民政府文件东府〔2016〕3号 (文件 ends the issuer's header)
_RED_HEADER = re.compile(r"^[\u4e00-\u9fff]{2,30}?文件(?=[\u4e00-\u9fff]{1,12}\s*[〔\[［【(（]\s*\d{4})")


def _doc_number(lines: list[str]) -> str | None:
    for line in lines[:HEAD_LINES]:
        if "号" in line and DOC_NUMBER_LINE.match(line):
            return _RED_HEADER.sub("", line)
    for line in lines[:HEAD_LINES]:
        if len(line) > 40 or "号" not in line:  # cheap tests first: the search backtracks on long lines
            continue
        m = DOC_NUMBER.search(line)
        if m and not re.search(r"[《（(]", line[: m.start()]):
            return _RED_HEADER.sub("", m.group(0))
    return None


def _dates(lines: list[str]) -> tuple[str, ...]:
    """Issue and revision dates: dates that open a head line or stand on a line of their own,
    in Arabic digits or Chinese numerals (二〇一〇年, 二O一O年)."""
    found: list[str] = []
    for i, line in enumerate(lines):
        if "年" not in line:  # both patterns need it: most lines are passed over without a match tried
            continue
        m = DATE.match(line)
        if m and (i < HEAD_LINES or len(line) <= 20):
            found.append(iso_date(m))
        elif len(line) <= 20 and (m := DATE_ANY.match(line)) and (date := iso(m)):
            found.append(date)
    return tuple(dict.fromkeys(found))


_NOTE_LINE = re.compile(r"^[（(].{2,60}[）)]$")


def _is_org(line: str) -> bool:
    return len(line) <= 40 and ORG_SUFFIX.search(line) is not None


def _issuer(lines: list[str]) -> str | None:
    """The issuer signing above the date; of several co-issuers, the lead one (the first listed)."""
    for i, line in enumerate(lines):
        if (
            "年" in line
            and DATE.fullmatch(line)
            and i > 0
            and ORG_SUFFIX.search(lines[i - 1])
            and len(lines[i - 1]) <= 40
        ):
            first = k = i - 1
            while k > 0 and (_is_org(lines[k - 1]) or _NOTE_LINE.match(lines[k - 1])):  # notes a PDF put amid
                k -= 1
                first = k if _is_org(lines[k]) else first
            return lines[first]
    for line in lines[:HEAD_LINES]:
        if len(line) <= 40 and ORG_SUFFIX.search(line) and not TITLE_SUFFIX.search(line):
            return line
    return None


def place_of(title: str | None) -> str | None:
    """The province, city and county a title opens with (``东营市制定…`` → ``东营市``).

    >>> place_of("山东省风景名胜区条例"), place_of("广州市天河区人才公寓申请公告"), place_of("关于印发开展新市民乐业行动的通知")
    ('山东省', '广州市天河区', None)
    """
    if not title:
        return None
    convert = t2s_converter()  # 浦東新區 is 浦东新区
    m = _PLACE.match(convert(title) if convert else title)
    place = m.group(0).removeprefix("关于") if m else ""
    if not place or _NOT_PLACE.search(place):
        return None
    return place


def _dates_of(amendments: tuple[str, ...]) -> list[str]:
    return [entry.split()[0] for entry in amendments]


def extract_meta(lines: list[str], facts: dict[str, str] | None = None) -> Meta:
    """The metadata of a clean text; ``facts`` are those read from fields taken out of the body
    (a law database's 公布日期, 发文字号…), used where the text itself does not say."""
    facts = facts or {}
    title = _title(lines, facts)
    dates = _dates(lines)
    whole = "\n".join(lines)
    history = version_facts(whole)
    if not dates and (given := facts.get("signed") or facts.get("published")):
        dates = (given,)
    if not dates and title and _REGULATION.search(title):  # a regulation dated only by the history in its head:
        head = "\n".join(lines[:HEAD_LINES])  # （2007年7月10日…通过　2007年8月16日…公布）, read again unless the
        head_history = history if history_head(head) == history_head(whole) else version_facts(head)  # same head
        acts = [d for d in (head_history.adopted, head_history.approved, *_dates_of(head_history.amendments)) if d]
        dates = (max(acts),) if acts else dates
    if not dates and (given := facts.get("posted")):
        dates = (given,)
    head = "\n".join(lines[:HEAD_LINES])
    window = "\n".join(lines[:120])
    rules = [rule for rule, word in ((ITEM_CODE, _CODE_WORDS.search(window)), (ITEM_NAME, "名称" in window)) if word]
    codes = tuple(dict.fromkeys(f"{m.group(1)}:{m.group(2)}" for rule in rules for m in rule.finditer(window)))
    public = (
        next((line for line in lines if "公开" in line and PUBLIC_NOTE.match(line)), None) if "公开" in whole else None
    )

    return Meta(
        title=title,
        doc_number=_doc_number(lines) or facts.get("doc_number"),
        issuer=_issuer(lines) or facts.get("issuer"),
        date=max(dates) if dates else None,
        dates=dates,
        place=place_of(title),
        draft=bool(DRAFT.search(title or "") or DRAFT.search(head[:200])),
        item_codes=codes,
        public_note=public,
        dated_entries=sum(1 for line in lines[:HEAD_LINES] if len(line) > 12 and _DATED_ENTRY.match(line)),
        adopted=history.adopted,
        approved=history.approved,
        amendments=history.amendments,
        effective=history.effective or facts.get("effective"),
        amendment_marks=history.marks,
    )

"""Metadata recognised in the clean text (never removed from it): title, 文号, issuer, dates."""

from __future__ import annotations

import re
from dataclasses import dataclass

from normalize.key import t2s_converter
from normalize.patterns import DATE, DOC_NUMBER, DOC_NUMBER_LINE, ORG_SUFFIX, TITLE_SUFFIX, starts_item
from normalize.versions import version_facts

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


def _title(lines: list[str]) -> str | None:
    head = lines[:HEAD_LINES]
    candidates = [
        line
        for line in head
        if 6 <= len(line) <= 120 and TITLE_SUFFIX.search(line) and "。" not in line and not starts_item(line)
    ]
    for line in candidates:
        if line.startswith("关于") or "关于" in line[:20]:
            return line
    return candidates[0] if candidates else (head[0] if head and len(head[0]) <= 60 else None)


def _doc_number(lines: list[str]) -> str | None:
    for line in lines[:HEAD_LINES]:
        if DOC_NUMBER_LINE.match(line):
            return line
    for line in lines[:HEAD_LINES]:
        if len(line) > 40 or "号" not in line:  # cheap tests first: the search backtracks on long lines
            continue
        m = DOC_NUMBER.search(line)
        if m and not re.search(r"[《（(]", line[: m.start()]):
            return m.group(0)
    return None


def _dates(lines: list[str]) -> tuple[str, ...]:
    """Issue and revision dates: dates that open a head line or stand on a line of their own."""
    found: list[str] = []
    for i, line in enumerate(lines):
        m = DATE.match(line)
        if m and (i < HEAD_LINES or len(line) <= 20):
            found.append(iso_date(m))
    return tuple(dict.fromkeys(found))


_NOTE_LINE = re.compile(r"^[（(].{2,60}[）)]$")


def _is_org(line: str) -> bool:
    return len(line) <= 40 and ORG_SUFFIX.search(line) is not None


def _issuer(lines: list[str]) -> str | None:
    """The issuer signing above the date; of several co-issuers, the lead one (the first listed)."""
    for i, line in enumerate(lines):
        if DATE.fullmatch(line) and i > 0 and ORG_SUFFIX.search(lines[i - 1]) and len(lines[i - 1]) <= 40:
            first = k = i - 1
            while k > 0 and (_is_org(lines[k - 1]) or _NOTE_LINE.match(lines[k - 1])):  # notes a PDF put amid
                k -= 1
                first = k if _is_org(lines[k]) else first
            return lines[first]
    for line in lines[:HEAD_LINES]:
        if ORG_SUFFIX.search(line) and len(line) <= 40 and not TITLE_SUFFIX.search(line):
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


def extract_meta(lines: list[str]) -> Meta:
    title = _title(lines)
    dates = _dates(lines)
    head = "\n".join(lines[:HEAD_LINES])
    window = "\n".join(lines[:120])
    rules = [rule for rule, word in ((ITEM_CODE, ("编码", "案号", "编号", "代码")), (ITEM_NAME, ("名称",)))
             if any(w in window for w in word)]  # fmt: skip
    codes = tuple(dict.fromkeys(f"{m.group(1)}:{m.group(2)}" for rule in rules for m in rule.finditer(window)))
    public = next((line for line in lines if PUBLIC_NOTE.match(line)), None)
    facts = version_facts("\n".join(lines))
    return Meta(
        title=title,
        doc_number=_doc_number(lines),
        issuer=_issuer(lines),
        date=max(dates) if dates else None,
        dates=dates,
        place=place_of(title),
        draft=bool(DRAFT.search(title or "") or DRAFT.search(head[:200])),
        item_codes=codes,
        public_note=public,
        dated_entries=sum(1 for line in lines[:HEAD_LINES] if len(line) > 12 and _DATED_ENTRY.match(line)),
        adopted=facts.adopted,
        approved=facts.approved,
        amendments=facts.amendments,
        effective=facts.effective,
        amendment_marks=facts.marks,
    )

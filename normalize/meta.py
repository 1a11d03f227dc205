"""Metadata recognised in the clean text (never removed from it): title, 文号, issuer, dates."""

from __future__ import annotations

import re
from dataclasses import dataclass

from normalize.patterns import DATE, DOC_NUMBER, DOC_NUMBER_LINE, ORG_SUFFIX, TITLE_SUFFIX, starts_item

HEAD_LINES = 20
PUBLIC_NOTE = re.compile(r"^[（(]\s*此件(?:主动|依申请|不予)?公开\s*[）)]$|^[（(]\s*(?:主动|依申请|不予)公开\s*[）)]$")
DRAFT = re.compile(r"征求意见稿|草案|送审稿|讨论稿|试行草案")
ITEM_CODE = re.compile(
    r"(职权编码|事项编码|案号|编号|项目代码|统一社会信用代码)\s*[:：]?\s*([A-Za-z0-9〔〕\[\]（）()\-_\u4e00-\u9fff]{4,40}?)(?=[\s，。；、]|$)"
)
_PLACE = re.compile(
    r"^(?:关于)?(?:[\u4e00-\u9fff]{2,6}?(?:省|自治区))?([\u4e00-\u9fff]{2,6}?(?:市|自治州|地区|盟|县|区|旗))"
)
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
        m = DOC_NUMBER.search(line)
        if m and not re.search(r"[《（(]", line[: m.start()]) and len(line) <= 40:
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


def _issuer(lines: list[str]) -> str | None:
    for i, line in enumerate(lines):
        if DATE.fullmatch(line) and i > 0 and ORG_SUFFIX.search(lines[i - 1]) and len(lines[i - 1]) <= 40:
            return lines[i - 1]
    for line in lines[:HEAD_LINES]:
        if ORG_SUFFIX.search(line) and len(line) <= 40 and not TITLE_SUFFIX.search(line):
            return line
    return None


def place_of(title: str | None) -> str | None:
    """The city, county or district a title opens with (``东营市制定…`` → ``东营市``)."""
    if not title:
        return None
    m = _PLACE.match(title)
    if not m or _NOT_PLACE.search(m.group(0)):
        return None
    return m.group(1)


def extract_meta(lines: list[str]) -> Meta:
    title = _title(lines)
    dates = _dates(lines)
    head = "\n".join(lines[:HEAD_LINES])
    codes = tuple(dict.fromkeys(f"{m.group(1)}:{m.group(2)}" for m in ITEM_CODE.finditer("\n".join(lines[:60]))))
    public = next((line for line in lines if PUBLIC_NOTE.match(line)), None)
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
    )

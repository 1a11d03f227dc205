"""Version facts of a regulation, from the head of its text: when it was adopted and approved,
every amendment with its kind (修正, 修改, 修订), and when it takes effect (自…起施行).

A regulation's head says its history: ``（2019年8月29日…会议通过　2019年9月27日…批准　根据2022年
8月25日…《关于修改…的决定》修正）``. Each 根据 clause is one amendment, dated by its first date;
before the first 根据, dates followed by 通过 or 批准 are the adoption, and dates followed by 修订
or 修正 are amendments too (``2010年…修订``). Dates may be written in Chinese numerals
(``二○一○年七月二十六日``) or carry an OCR slip (``5曰``).

>>> facts = version_facts("某市条例\\n（2019年8月29日某市人大常委会第十七次会议通过 2019年9月27日省人大常委会"
...     "批准 根据2022年8月25日某市人大常委会《关于修改部分地方性法规的决定》修正）\\n第一章　总则")
>>> facts.adopted, facts.amendments
('2019-08-29', ('2022-08-25 修正',))
>>> version_facts("二○一○年七月二十六日市人民政府第8次常务会议通过").adopted
'2010-07-26'
>>> iso(DATE_ANY.search("市长刘赐贵 二O一O年六月五日"))
'2010-06-05'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from normalize.key import t2s_converter

HEAD_CHARS = 4000  # the history is in the head: before the table of contents or chapter one, and not far
# a zero is written 〇, ○, 零, or (typed by hand) as the letter O or o, full- or half-width: 二O一O年
_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {z: 0 for z in "○零ＯｏOo０"}
_CN = "〇○零ＯｏOo一二三四五六七八九十"
# a year's digits may be spaced apart by a PDF or a hand: 20 10年, 二○ 一一年. The year's first character
# comes before the choice of its kind (digits or numerals, told by a look behind), so that the regex
# engine scans for a digit or a numeral instead of trying every position.
DATE_ANY = re.compile(
    rf"(?P<y>[\d{_CN}](?:(?<=\d)(?: ?\d){{3}}|(?<=[{_CN}])(?: ?[{_CN}]){{3}}))\s*年\s*(?P<m>\d{{1,2}}|[{_CN}]{{1,3}})\s*月\s*(?P<d>\d{{1,2}}|[{_CN}]{{1,3}})\s*[日曰号]"
)
_BODY_START = re.compile(r"\n(?:目\s*录|第[一1]\s*[章条])")
_EFFECTIVE = re.compile(rf"自\s*(?:{DATE_ANY.pattern})\s*起\s*(?:施行|实施|执行|生效)")
_KINDS = ("修订", "修正", "修改")
_TRADITIONAL = re.compile("[過據訂準們於發實條]")  # a traditional head's history words


@dataclass(frozen=True)
class VersionFacts:
    adopted: str | None = None  # ISO date the text was first adopted (通过) or promulgated
    approved: str | None = None
    amendments: tuple[str, ...] = ()  # "2022-08-25 修正", in the order the head lists them
    effective: str | None = None
    marks: int = 0  # 修正/修订/修改 written in the head: a date lost to OCR still leaves its mark


def cn_number(text: str) -> int:
    """``二十六`` → 26, ``二○一○`` → 2010, ``7`` → 7."""
    text = text.replace(" ", "")
    if text.isdigit():
        return int(text)
    if "十" not in text:
        return int("".join(str(_DIGIT.get(c, 0)) for c in text))
    tens, _, ones = text.partition("十")
    return (_DIGIT.get(tens, 1) if tens else 1) * 10 + (_DIGIT.get(ones, 0) if ones else 0)


def iso(match: re.Match[str]) -> str | None:
    year, month, day = (cn_number(match.group(k)) for k in ("y", "m", "d"))
    if not (1900 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def history_head(text: str) -> str:
    """The part of ``text`` its history is read from: the head, up to the contents or chapter one.
    The adoption, approval and amendments of :func:`version_facts` depend on it alone."""
    head = text[:HEAD_CHARS]
    stop = _BODY_START.search(head)
    return head[: stop.start()] if stop else head


def _bare_dates(clause: str) -> list[re.Match[str]]:
    """``DATE_ANY.finditer(clause)`` of a clause without whitespace, where a date's year is four
    characters right before its 年: tried only there, where finditer tries at every digit and numeral
    (一, 二… open many of a clause's words)."""
    found: list[re.Match[str]] = []
    end = 0
    at = clause.find("年", 4)
    while at >= 0:
        if at - 4 >= end and (m := DATE_ANY.match(clause, at - 4)):
            found.append(m)
            end = m.end()
        at = clause.find("年", at + 1)
    return found


def version_facts(text: str) -> VersionFacts:
    # whitespace out as re.sub(r"\s+", "") takes it (both ask str.isspace), five times as fast
    head = "".join(history_head(text).split())
    convert = t2s_converter()  # 通過, 修訂, 根據 in a traditional copy
    bare = True  # the head holds no whitespace: a date opens four characters before its 年
    if convert and _TRADITIONAL.search(head):
        head, bare = convert(head), False
    clauses = head.split("根据")
    adopted = approved = None
    amendments: list[str] = []
    for k, clause in enumerate(clauses):
        dates = [(m, iso(m)) for m in (_bare_dates(clause) if bare else DATE_ANY.finditer(clause))]
        dates = [(m, d) for m, d in dates if d]
        if k > 0:  # an amendment: dated by its first date, of the last kind the clause names
            kind = max(_KINDS, key=clause.rfind)
            if dates and clause.rfind(kind) >= 0:
                amendments.append(f"{dates[0][1]} {kind}")
            continue
        for n, (match, date) in enumerate(dates):
            after = clause[match.end() : dates[n + 1][0].start() if n + 1 < len(dates) else len(clause)]
            kind = next((kind for kind in _KINDS if kind in after), None)
            if kind:
                amendments.append(f"{date} {kind}")
            elif "批准" in after and approved is None:
                approved = date
            elif adopted is None and ("通过" in after or "公布" in after or "发布" in after):
                adopted = date
    effective = None
    for m in _EFFECTIVE.finditer(text) if "起" in text else ():
        effective = iso(m) or effective
    marks = len(re.findall("修正|修订|修改", head))
    return VersionFacts(adopted, approved, tuple(dict.fromkeys(amendments)), effective, marks)

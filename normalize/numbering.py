"""Word's automatic numbering, rendered: ``第一条`` that Word numbers itself must come out.

A paragraph names a list (``w:numPr``: numId and level) directly or through its style; the list
names an abstract definition whose levels give a start, a number format (``chineseCounting``,
``decimal``…) and a text (``第%1条``). Counters run per list, a level's counter restarting when a
shallower level advances, as Word does.

>>> to_chinese(1), to_chinese(10), to_chinese(14), to_chinese(20), to_chinese(105)
('一', '十', '十四', '二十', '一百零五')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DIGITS = "〇一二三四五六七八九"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
STEMS = "甲乙丙丁戊己庚辛壬癸"


def to_chinese(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五 (up to 9999)."""
    if n <= 0:
        return str(n)
    if n < 10:
        return DIGITS[n]
    if n < 20:
        return "十" + (DIGITS[n - 10] if n > 10 else "")
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            out += ("零" if zero and out else "") + DIGITS[digit] + unit
            zero = False
        elif out:
            zero = True
    return out


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                           (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):  # fmt: skip
        while n >= value:
            out, n = out + letters, n - value
    return out


def format_number(n: int, fmt: str) -> str:
    """A counter in one of Word's number formats (the common ones; others as decimal)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCountingThousand",
               "chineseLegalSimplified"):  # fmt: skip
        return to_chinese(n)
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join(DIGITS[int(d)] for d in str(n))
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return CIRCLED[n - 1] if 0 < n <= len(CIRCLED) else str(n)
    if fmt in ("ideographTraditional",):
        return STEMS[(n - 1) % 10]
    if fmt == "lowerLetter":
        return chr(ord("a") + (n - 1) % 26)
    if fmt == "upperLetter":
        return chr(ord("A") + (n - 1) % 26)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("bullet", "none"):
        return ""
    return str(n)


@dataclass
class Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    suffix: str = "tab"


@dataclass
class Numbering:
    """The lists of one document and their running counters."""

    lists: dict[str, dict[int, Level]] = field(default_factory=dict)  # numId → level → definition
    abstract_of: dict[str, str] = field(default_factory=dict)  # numId → abstractNumId (counters are shared)
    styles: dict[str, tuple[str, int]] = field(default_factory=dict)  # styleId → (numId, level)
    counters: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, numbering: ET.Element | None, styles: ET.Element | None) -> Numbering:
        out = cls()
        if numbering is not None:
            abstract = {a.get(f"{W}abstractNumId", ""): _levels(a) for a in numbering.findall(f"{W}abstractNum")}
            for num in numbering.findall(f"{W}num"):
                num_id = num.get(f"{W}numId", "")
                ref = num.find(f"{W}abstractNumId")
                abstract_id = ref.get(f"{W}val", "") if ref is not None else ""
                levels = dict(abstract.get(abstract_id, {}))
                for override in num.findall(f"{W}lvlOverride"):
                    start = override.find(f"{W}startOverride")
                    ilvl = int(override.get(f"{W}ilvl", "0"))
                    if start is not None and ilvl in levels:
                        levels[ilvl] = Level(int(start.get(f"{W}val", "1")), *_rest(levels[ilvl]))
                out.lists[num_id] = levels
                out.abstract_of[num_id] = abstract_id
        if styles is not None:
            for style in styles.findall(f"{W}style"):
                found = _num_pr(style.find(f"{W}pPr"))
                if found:
                    out.styles[style.get(f"{W}styleId", "")] = found
        return out

    def label(self, paragraph: ET.Element) -> str:
        """The number Word shows before ``paragraph`` (with its separator), or ""."""
        props = paragraph.find(f"{W}pPr")
        found = _num_pr(props)
        if found is None and props is not None:
            style = props.find(f"{W}pStyle")
            found = self.styles.get(style.get(f"{W}val", "")) if style is not None else None
        if not found or found[0] not in self.lists or found[0] == "0":
            return ""
        num_id, level = found
        levels = self.lists[num_id]
        if level not in levels:
            return ""
        key = self.abstract_of.get(num_id, num_id)
        counts = self.counters.setdefault(key, [0] * 9)
        if counts[level] == 0:
            counts[level] = levels[level].start
        else:
            counts[level] += 1
        for deeper in range(level + 1, 9):
            counts[deeper] = 0
        text = levels[level].text
        for k in range(9):
            if f"%{k + 1}" in text:
                value = counts[k] or (levels[k].start if k in levels else 1)
                text = text.replace(f"%{k + 1}", format_number(value, levels[k].fmt if k in levels else "decimal"))
        if not text:
            return ""
        return text + ("" if levels[level].suffix == "nothing" else "\u3000")


def _rest(level: Level) -> tuple[str, str, str]:
    return level.fmt, level.text, level.suffix


def _levels(abstract: ET.Element) -> dict[int, Level]:
    out = {}
    for lvl in abstract.findall(f"{W}lvl"):

        def val(tag: str, default: str, lvl: ET.Element = lvl) -> str:
            node = lvl.find(f"{W}{tag}")
            return node.get(f"{W}val", default) if node is not None else default

        out[int(lvl.get(f"{W}ilvl", "0"))] = Level(int(val("start", "1")), val("numFmt", "decimal"),
                                                   val("lvlText", ""), val("suff", "tab"))  # fmt: skip
    return out


def _num_pr(props: ET.Element | None) -> tuple[str, int] | None:
    if props is None:
        return None
    num_pr = props.find(f"{W}numPr")
    if num_pr is None:
        return None
    num_id, ilvl = num_pr.find(f"{W}numId"), num_pr.find(f"{W}ilvl")
    if num_id is None:
        return None
    return num_id.get(f"{W}val", ""), int(ilvl.get(f"{W}val", "0")) if ilvl is not None else 0

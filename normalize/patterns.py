"""Line shapes of official documents (GB/T 9704-2012) that several steps need to recognise."""

from __future__ import annotations

import re

CN_NUM = "一二三四五六七八九十百千零〇两"
# The start of a new item: 一、 （一） 1. 1、 （1） ① 第…条/章/节 —— 附件
ITEM_START = re.compile(
    rf"""^(?:
        [{CN_NUM}]+\s*[、.．]
      | [（(]\s*[{CN_NUM}]+\s*[）)]
      | \d{{1,3}}\s*[、．]
      | \d{{1,3}}\.(?!\d)
      | [（(]\s*\d{{1,3}}\s*[）)]
      | [①-⑳⑴-⒇⒈-⒛]
      | 第\s*[{CN_NUM}\d]+\s*[条章节款编部分]
      | ——
      | 附件
      | 附\s*[:：]
    )""",
    re.VERBOSE,
)
DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日曰号]")
DATE_LINE = re.compile(rf"^{DATE.pattern}$")
DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,16}\s*[〔\[［【(（]\s*(\d{4})\s*[〕\]］】)）]\s*(\d{1,5})\s*号")
DOC_NUMBER_LINE = re.compile(rf"^{DOC_NUMBER.pattern}$")


class EndPattern:
    """A pattern of words that must end the text (``(?:通知|…)$``, where ``$`` may also stand before a
    last line break): :meth:`search` looks at the last character before running the regex, which
    tries each position of the text (most lines end otherwise: a third of the time)."""

    def __init__(self, pattern: str) -> None:
        self.regex = re.compile(pattern)
        words = pattern.removeprefix("(?:").removesuffix(")$").split("|")
        if not (pattern.startswith("(?:") and pattern.endswith(")$")) or any(not w or re.escape(w) != w for w in words):
            # a class or a group in a word would make its last character another than the one read here
            raise ValueError(f"not a (?:word|word…)$ of plain words: {pattern[:60]}")
        self._last = frozenset(word[-1] for word in words)
        self.last_chars = "".join(sorted(self._last))  # what a text it matches ends with (no class metacharacter)

    def search(self, text: str) -> re.Match[str] | None:
        last = text[-2:-1] if text[-1:] == "\n" else text[-1:]
        return self.regex.search(text) if last in self._last else None


TITLE_SUFFIX = EndPattern(
    r"(?:通知|通告|公告|公报|方案|办法|意见|规定|条例|细则|决定|决议|批复|报告|规划|纲要|计划|指引|指南|"
    r"措施|规则|章程|法|函|令|清单|目录|标准|要点|守则|制度|声明|说明|解读|答复|请示)$"
)
ORG_SUFFIX = EndPattern(
    r"(?:局|委员会|委|厅|院|办公室|办公厅|政府|部门|部|中心|领导小组|小组|工会|协会|学会|公司|集团|所|处|社|署|总局|联合会|法院|检察院)$"
)
# the signature of a 令 or a regulation's promulgation: 市长　李再勇, 省长, 主任 (a name of up to four)
SIGNATURE = re.compile(
    r"^代?(?:市长|省长|区长|县长|州长|旗长|镇长|乡长|主席|主任|局长|厅长|部长|总理|署长|行长|院长|委员长)"
    r"[\s：:]*[\u4e00-\u9fff]{0,4}$"
)
SENTENCE_END = "。！？；：…!?;:"
CLOSERS = "）)”’》」』】"


# what an item opens with: a numeral, a bracket, a digit (\d is str.isdecimal), a circled number, 第, ——, 附
_ITEM_FIRST = frozenset(CN_NUM + "（(第—附")


def starts_item(line: str) -> bool:
    first = line[:1]
    if not (first in _ITEM_FIRST or first.isdecimal() or "\u2460" <= first <= "\u249b"):
        return False  # most lines: told without the pattern
    return ITEM_START.match(line) is not None


def is_heading(line: str) -> bool:
    """A numbered heading: starts an item, is short and has no sentence inside."""
    return starts_item(line) and len(line) <= 40 and not any(ch in line for ch in "，。；,;")

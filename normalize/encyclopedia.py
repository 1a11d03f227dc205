"""An encyclopedia's copy of a notice (百度百科 and the like) carries the encyclopedia's furniture:
its box of facts (``中文名``, ``发文单位``…), its table of contents, ``本词条缺少名片图…`` notes,
``编辑`` links glued to headings, footnote marks (``[1]``) and the ``参考资料`` list at the end.

Only a text that shows it is an encyclopedia's (its address, its notes, or a 参考资料 heading with
footnote marks) is touched; a notice's own ``[1]`` or ``编辑`` is never looked at otherwise.

>>> log = ChangeLog()
>>> remove_encyclopedia_furniture(["第六章 附则编辑", "第三十七条 本办法自2011年3月15日起施行。[1]", "参考资料",
...     "1. 武汉市居住证管理暂行办法 ．武汉市人民政府[引用日期2016-05-01]"], log)
['第六章 附则', '第三十七条 本办法自2011年3月15日起施行。']
>>> log.changes()[0].step, log.changes()[0].count
('encyclopedia-furniture', 4)
"""

from __future__ import annotations

import re

from normalize.changes import ChangeLog

_SIGNS = re.compile(r"baike\.baidu|百度百科|互动百科|维基百科|本词条|词条标签|\[引用日期")
_MARK = re.compile(r"\[\d{1,3}(?:\s*[-–,，]\s*\d{1,3})*\]")
_NOTE = re.compile(r"^(?:本词条|词条标签|词条统计|浏览次数|编辑次数|最近更新|突出贡献者|百度百科内容由网友共同编辑)")
_REFERENCES = re.compile(r"^参考资料\s*$")
_EDIT_LINK = re.compile(r"^(?P<heading>\S.{0,30}?)\s*编辑$")
_INFOBOX = re.compile(
    r"^(?:中文名|外文名|英文名|别\s*名|发文单位|发布单位|发文人|发文字号|发布时间|实施时间|施行时间|"
    r"性\s*质|类\s*别|所属|适用范围|目\s*录)"
)
_TOC_ENTRY = re.compile(r"^\d{1,2}\s*\S.{0,30}$")
HEAD = 40
TAIL_REFERENCES = 30


def is_encyclopedia(lines: list[str]) -> bool:
    """Does the text show it is an encyclopedia's copy?"""
    seen = "\n".join(lines[:HEAD] + lines[-TAIL_REFERENCES:])
    if _SIGNS.search(seen):  # one scan: no sign spans lines
        return True
    if "参考资料" not in seen:  # the heading the references need, in none of the last lines (most texts)
        return False
    references = any("参考资料" in line and _REFERENCES.match(line.strip()) for line in lines[-TAIL_REFERENCES:])
    return references and any(_MARK.search(line) for line in lines)


def remove_encyclopedia_furniture(lines: list[str], log: ChangeLog) -> list[str]:
    if not is_encyclopedia(lines):
        return lines
    out: list[str] = []
    in_toc = value_next = False
    for n, raw in enumerate(lines):
        line = raw.strip()
        if _REFERENCES.match(line) and len(lines) - n <= TAIL_REFERENCES:
            log.add("encyclopedia-furniture", line, len([x for x in lines[n:] if x.strip()]))
            break
        if value_next and line:  # the value of a fact whose name stands on the line above
            value_next = False
            log.add("encyclopedia-furniture", line)
            continue
        infobox = n < HEAD and len(line) <= 40 and _INFOBOX.match(line)
        if _NOTE.match(line) or infobox or (n < HEAD and line == "基本信息"):
            in_toc = "目录" in line
            value_next = bool(infobox) and not in_toc and _INFOBOX.sub("", line).strip() == ""
            log.add("encyclopedia-furniture", line)
            continue
        if in_toc and _TOC_ENTRY.match(line):
            log.add("encyclopedia-furniture", line)
            continue
        in_toc = in_toc and not line
        if (m := _EDIT_LINK.match(line)) and not re.search(r"[，。；：]", line):
            log.add("encyclopedia-furniture", "编辑")
            line = raw = m.group("heading")
        if _MARK.search(line):
            log.add("encyclopedia-furniture", _MARK.search(line).group(), len(_MARK.findall(line)))
            raw = _MARK.sub("", raw)
        out.append(raw)
    return out

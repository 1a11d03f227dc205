"""Header fields of law databases and government information-disclosure pages: metadata, not body.

A regulation copied from a law database opens with the database's fields (``分类名称 政府法制
公布机关 银川市人民政府 效力状况 有效``, ``公布日期 2010-11-03 施行日期 2010-11-03``), a notice
copied from an information-disclosure page with its catalogue row (``| 索引号： | … | 发文机关： |
国务院 | 成文日期： | 2016年07月02日 |``). Text extraction keeps them as tab-separated cells, one row
a line, or glues them into one run (``分类名称政府法制公布机关银川市人民政府效力状况有效``). They
are read into facts (title, issuer, 文号, dates) for the metadata and taken out of the body, each
line recorded as ``database-fields``.

>>> log = ChangeLog()
>>> facts: dict[str, str] = {}
>>> remove_database_fields(["银川市规范性文件管理办法", "分类名称政府法制公布机关银川市人民政府效力状况有效",
...     "公布日期\\t2010-11-03\\t施行日期\\t2010-12-01\\t失效日期\\t--", "第一章　总则"], log, facts)
['银川市规范性文件管理办法', '第一章　总则']
>>> facts
{'issuer': '银川市人民政府', 'published': '2010-11-03', 'effective': '2010-12-01'}
"""

from __future__ import annotations

import re

from normalize.changes import ChangeLog

# label → the fact it gives (None: a field that only describes the database's record)
LABELS: dict[str, str | None] = {
    "标题": "title",
    "名称": "title",
    "文件名称": "title",
    "法规名称": "title",
    "公布机关": "issuer",
    "发布机关": "issuer",
    "发文机关": "issuer",
    "发布机构": "issuer",
    "发布部门": "issuer",
    "发文单位": "issuer",
    "颁布单位": "issuer",
    "颁布机关": "issuer",
    "制定机关": "issuer",
    "发文字号": "doc_number",
    "发布文号": "doc_number",
    "文号": "doc_number",
    "文件编号": "doc_number",
    "成文日期": "signed",
    "公布日期": "published",
    "发布日期": "published",
    "颁布日期": "published",
    "发文日期": "published",
    "施行日期": "effective",
    "实施日期": "effective",
    "生效日期": "effective",
    "失效日期": None,
    "生成日期": None,
    "分类名称": None,
    "信息分类名称": None,
    "信息分类": None,
    "主题分类": None,
    "效力状况": None,
    "效力级别": None,
    "时效性": None,
    "索引号": None,
    "主题词": None,
    "所属类别": None,
    "法规类别": None,
    "关键词": None,
    "体裁分类": None,
    "分类": None,
    "公报期号": None,
    "组配分类": None,
}
# fields only a database record has: one of them on a line is enough to know the line
_STRONG = {"分类名称", "信息分类名称", "公布机关", "效力状况", "效力级别", "时效性", "索引号", "失效日期", "发布部门",
           "发布文号", "成文日期", "公布日期", "发文机关", "生成日期", "主题分类", "施行日期", "发布机构", "发文日期",
           "公报期号"}  # fmt: skip
# a label's characters may be spaced out to the width of the others: 名　　称, 索 引 号
_LABEL = re.compile(
    "(" + "|".join(r"\s*".join(label) for label in sorted(LABELS, key=len, reverse=True)) + r")\s*[:：]?"
)
_LABEL_STARTS = frozenset(label[0] for label in LABELS)  # every alternative of _LABEL opens with one
# a line opening with a label (past spaces and bars), anywhere in the text joined with a line break before
# each line: the pattern opens with the break, which the regex engine scans for
_LABEL_LINE = re.compile(r"\n[^\S\n]*[|｜]*[^\S\n]*(?=[" + "".join(sorted(_LABEL_STARTS)) + "])" + _LABEL.pattern)
_DATE = re.compile(r"(\d{4})\s*(?:[-./年])\s*(\d{1,2})\s*(?:[-./月])\s*(\d{1,2})")
_COUNTER = re.compile(r"(?:点击|浏览|阅读|访问)(?:数|次数|量)")
HEAD_LINES = 15
FAR_LINES = 80  # a print-out may put the record's row after the first page's text


def _opens_with_label(line: str) -> bool:
    """Can :func:`_pairs` read the line: does its first character, past spaces and bars, open a label?"""
    return line.lstrip().lstrip("|｜").lstrip()[:1] in _LABEL_STARTS


def _pairs(line: str) -> list[tuple[str, str]] | None:
    """The line read as label, value, label, value…; None when it does not start with a label
    or holds text outside the fields."""
    s = line.strip().strip("|｜").strip()
    if s[:1] not in _LABEL_STARTS:  # no label at the start: most lines, told without a scan
        return None
    matches = list(_LABEL.finditer(s))
    if not matches or matches[0].start() != 0:
        return None
    pairs: list[tuple[str, str]] = []
    for k, m in enumerate(matches):
        end = matches[k + 1].start() if k + 1 < len(matches) else len(s)
        value = s[m.end() : end].strip(" \t|｜:：")
        pairs.append(("".join(m.group(1).split()), re.sub(r"[\s|｜]+", " ", value).strip()))
    return pairs


def _is_field_line(pairs: list[tuple[str, str]], line: str) -> bool:
    labels = [label for label, _ in pairs]
    if len(labels) >= 2:
        return True
    label, value = pairs[0]
    spaced = r"\s*".join(label)
    colon = re.match(rf"^[|｜\s]*{spaced}\s*[:：|｜\t]", line) is not None
    return label in _STRONG or (colon and len(value) <= 60)


def _iso(value: str) -> str | None:
    m = _DATE.search(value)
    if not m:
        return None
    year, month, day = (int(g) for g in m.groups())
    return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else None


def remove_database_fields(lines: list[str], log: ChangeLog, facts: dict[str, str]) -> list[str]:
    """Take the database's header fields out of the first lines, reading their facts into ``facts``."""
    if not _LABEL_LINE.search("\n" + "\n".join(lines)):  # no line opens with a label (most texts): one scan
        return lines
    out: list[str] = []
    seen = 0
    after_field = False  # the line before was a field row: a row of one field below it is one too
    for line in lines:
        if seen >= FAR_LINES or not line.strip():
            out.append(line)
            continue
        seen += 1
        # a page's posting line with its counter (发布机构：… | 点击数：…) is site furniture, not a record
        pairs = _pairs(line) if len(line) <= 300 and _opens_with_label(line) else None  # most lines: no label
        pairs = None if pairs and _COUNTER.search(line) else pairs
        far = seen > HEAD_LINES and not after_field  # further down, only a row of two fields, one a record's own
        if (
            not pairs
            or not _is_field_line(pairs, line)
            or (far and (len(pairs) < 2 or not _STRONG & {p for p, _ in pairs}))
        ):
            out.append(line)
            after_field = False
            continue
        after_field = True
        log.add("database-fields", re.sub(r"[\s|｜]+", " ", line).strip())
        for label, value in pairs:
            fact = LABELS[label]
            if not fact or not value or value.strip("-— ") == "" or fact in facts:
                continue
            if fact in ("signed", "published", "effective"):
                if iso := _iso(value):
                    facts[fact] = iso
            else:
                facts[fact] = value
    return out

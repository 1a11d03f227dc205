"""Canonical election: the copy an archivist would keep represents its cluster.

Members are ranked by, in turn:

1. **whole**: a text cut mid-sentence loses to one that ends;
2. **completeness** of the body: key characters from the first article on (the whole text when
   there are no articles), leaving out lines that are not the notice (site furniture that survived
   cleaning, a research export's metadata table, a translation); within 3% of the longest counts as
   complete, so a stray line decides nothing;
3. **title**: the official title (``关于…的通知``, a regulation's name) over a headline, over none;
4. **source**: the published text over a copy that carried a print-out's page furniture, an
   encyclopedia's or a research export's;
5. **layout**: paragraphs over a text flattened into one line (a web page's table cell);
6. **metadata** found (title, 文号, date);
7. **decode**: a clean decode over a repaired one (mojibake, radicals of a PDF font, private-use or
   undecodable characters), fewer replacement characters;

then the earliest ingested, then the path. The reason says what decided against the runner-up.
In a growing corpus an incumbent is replaced only by a strictly better member.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import NamedTuple

from dedupe.document import Document

STEP = 50  # completeness buckets below the tolerance: 2% of the longest key
COMPLETE = 0.97  # a body within 3% of the longest is complete
FLAT_LINE = 1000  # a line this long holding several sentences is a flattened page
_OFFICIAL_TITLE = re.compile(
    r"^(?:.{0,40}关于.{2,}的(?:通知|决定|意见|通告|公告|批复|函|报告|规定|办法|实施意见|实施方案|指导意见))$"
    r"|(?:条例|办法|规定|细则|规则|方案|意见|决定|通知|通告|公告|规划|纲要|标准|指引|指南|制度|措施|规程|守则)"
    r"(?:[（(](?:试行|暂行|修订|修正|草案|征求意见稿)[）)])?$"
)
# changes or extraction facts that mark a copy made for another purpose than publishing the notice
_SECONDARY_SOURCES = (
    ("export", "a research export"),
    ("translation", "a research export"),
    ("encyclopedia", "an encyclopedia copy"),
    ("print-header", "a browser print-out"),
)
# repairs that say the copy came through a lossy extraction (a PDF's font, bytes that did not decode)
_REPAIRS = ("kangxi-radicals", "private-use-chars", "undecodable-bytes-replaced", "mojibake-repaired")


class Quality(NamedTuple):
    whole: int
    completeness: float
    title: int
    source: int
    layout: int
    metadata: int
    problems: int

    def rank(self) -> tuple[float, ...]:
        return (self.whole, self.completeness, self.title, self.source, self.layout, self.metadata, -self.problems)


def problems(doc: Document) -> int:
    """Decode problems left in the text, and repairs of a lossy extraction (each kind counts once:
    a copy whose 民 came out as the radical ⺠ lost to one that needed no repair)."""
    n = doc.normalized
    repaired = {c.step for c in n.changes} & set(_REPAIRS)
    return n.replacement_chars + n.private_use_chars + (10 if n.mojibake else 0) + 5 * len(repaired)


def title_rank(doc: Document) -> int:
    """2 an official title, 1 a title of another kind (a headline), 0 none."""
    title = doc.normalized.meta.title
    if not title:
        return 0
    return 2 if _OFFICIAL_TITLE.search(title.replace(" ", "")) else 1


def secondary_source(doc: Document) -> str | None:
    """What kind of secondary copy ``doc`` is, if normalization found the marks of one."""
    n = doc.normalized
    names = [c.step for c in n.changes] + [name for name, _ in n.extraction]
    for name in names:
        for mark, what in _SECONDARY_SOURCES:
            if mark in name:
                return what
    head = n.text[:400]
    if head.startswith("| Id |") or "\n| Translated_content |" in head:
        return "a research export"
    return None


def flattened(text: str) -> bool:
    """A whole notice on one line: a web page's table cell read as a single paragraph."""
    return any(len(line) >= FLAT_LINE and line.count("。") >= 5 for line in text.split("\n"))


def cut_mid_sentence(doc: Document) -> bool:
    """The last line is prose that stops without ending its sentence."""
    last = doc.text.rstrip().rsplit("\n", 1)[-1]
    return len(last) >= 20 and "，" in last and not last.endswith(ENDINGS)


ENDINGS = (*"。！？；：”）》」』】…", "日")


def completeness(doc: Document, longest: int) -> float:
    ratio = doc.body_chars / longest if longest else 0.0
    return 1.0 if ratio >= COMPLETE else math.floor(ratio * STEP + 1e-9) / STEP


class Facts(NamedTuple):
    """What the ranks read of one notice alone (all but completeness, which compares it with the
    longest member): measured once, by a worker when there are some (``dedupe.judges``)."""

    whole: int
    title: int
    source: str | None  # the kind of secondary copy, if it is one
    layout: int
    metadata: int
    problems: int


def facts(doc: Document) -> Facts:
    """``doc``'s facts, measured on first use and kept on it (as its cached properties are)."""
    found = doc.__dict__.get("_facts")
    if found is None:
        meta = doc.normalized.meta
        found = Facts(
            whole=0 if cut_mid_sentence(doc) else 1,
            title=title_rank(doc),
            source=secondary_source(doc),
            layout=0 if flattened(doc.text) else 1,
            metadata=sum(1 for value in (meta.title, meta.doc_number, meta.date) if value),
            problems=problems(doc),
        )
        doc.__dict__["_facts"] = found
    return found


def quality(doc: Document, longest: int) -> Quality:
    f = facts(doc)
    return Quality(
        whole=f.whole,
        completeness=completeness(doc, longest),
        title=f.title,
        source=0 if f.source else 1,
        layout=f.layout,
        metadata=f.metadata,
        problems=f.problems,
    )


def describe(doc: Document, q: Quality, longest: int) -> str:
    meta = doc.normalized.meta
    has = [name for name, value in (("title", meta.title), ("文号", meta.doc_number), ("date", meta.date)) if value]
    parts = [
        f"{doc.body_chars} key characters of body ({doc.body_chars / longest:.0%} of the longest)"
        if longest
        else "empty",
        "has " + ", ".join(has) if has else "no title, 文号 or date found",
        f"{q.problems} decode problem(s)" if q.problems else "no decode problems",
    ]
    return "; ".join(parts)


def _why_not(best: Document, qb: Quality, other: Document, qo: Quality, longest: int) -> str:
    """What decided between ``best`` and ``other``: the first rank where they differ."""
    if qb.whole != qo.whole:
        return f"{other.path} stops mid-sentence"
    if qb.completeness != qo.completeness:
        return (
            f"its body is more complete than {other.path}'s "
            f"({best.body_chars} against {other.body_chars} key characters)"
        )
    if qb.title != qo.title:
        theirs = other.normalized.meta.title
        kind = "a headline" if theirs else "no title"
        shown = f" ({theirs})" if theirs else ""
        return f"it has the official title ({best.normalized.meta.title}) where {other.path} has {kind}{shown}"
    if qb.source != qo.source:
        return f"it is the published text; {other.path} is {facts(other).source}"
    if qb.layout != qo.layout:
        return f"it keeps its paragraphs; {other.path} is flattened into one line"
    if qb.metadata != qo.metadata:
        return f"it gives more of title, 文号 and date than {other.path}"
    if qb.problems != qo.problems:
        return f"a cleaner decode than {other.path} ({qb.problems} problem(s) against {qo.problems})"
    return f"tied on quality with {other.path}, so the earliest ingested (then the path) wins"


def _ranked(members: Sequence[Document], longest: int) -> list[Document]:
    return sorted(members, key=lambda d: (tuple(-x for x in quality(d, longest).rank()), d.order, d.path))


def elect(members: Sequence[Document]) -> tuple[Document, str]:
    """The canonical member and the reason it won."""
    if len(members) == 1:
        return members[0], "the only member"
    longest = max(d.body_chars for d in members)
    best, runner = _ranked(members, longest)[:2]
    qb, qr = quality(best, longest), quality(runner, longest)
    if not qb.whole:
        head = "every member stops mid-sentence; the most complete of them"
    elif qb.completeness < 1.0:
        head = "the most complete copy that ends its last sentence (longer copies stop mid-sentence)"
    else:
        head = "most complete and cleanest"
    return best, f"{head}: {describe(best, qb, longest)}; {_why_not(best, qb, runner, qr, longest)}"


def strictly_better(newcomer: Document, incumbent: Document, longest: int) -> bool:
    """True when ``newcomer`` should replace the incumbent canonical of a growing cluster."""
    return quality(newcomer, longest).rank() > quality(incumbent, longest).rank()

"""Template and revision veto: similar texts that are nonetheless different notices.

Cities copy provincial templates, regulations are revised a few articles at a time, offices fill
one form for a series of items. When both notices carry a fact and the facts differ, they are
distinct notices however similar their text: different 文号, different issue or revision dates,
different places in the titles, a draft against a final text, different item codes.

When the facts are missing, the text tells: renderings of one notice differ by layout, by
single-character noise (OCR) or by a cut at the end or a dropped paragraph, whereas a revision or
another office's adaptation rewrites many passages — on both sides, or one change made throughout.
"""

from __future__ import annotations

import datetime
import functools
import re

from normalize import Meta, comparison_key
from normalize.key import nfkc_whole, t2s_converter

EDIT_MIN_CHARS = 2  # an edit of one character is noise (OCR, a typo); two or more is wording
EDITS_BOTH_SIDES = 3  # passages reworded on each side
EDITS_ONE_SIDE = 10  # or one side cut in many places (区、县 → 区 throughout)

_DOC_NUMBER_NOISE = re.compile(r"\s+")
_BRACKETS = str.maketrans("[［【(（〔]］】)）", "〔〔〔〔〔〔〕〕〕〕〕")


def _doc_number(value: str) -> str:
    """文号 compared without spaces and with every bracket style unified (``[2023]`` = ``〔2023〕``)."""
    return _DOC_NUMBER_NOISE.sub("", value).translate(_BRACKETS)


def _codes(meta: Meta) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in meta.item_codes:
        label, _, value = item.partition(":")
        out.setdefault(label, value)
    return out


def _one_digit_apart(x: str, y: str) -> bool:
    """Dates whose digits differ in one place: likely an OCR misread, not another date."""
    dx, dy = x.replace("-", ""), y.replace("-", "")
    return len(dx) == len(dy) and sum(1 for p, q in zip(dx, dy, strict=True) if p != q) == 1


def version_reason(a: Meta, b: Meta) -> str | None:
    """Why ``a`` and ``b`` are two versions of one regulation, by the history their heads give
    (both must give one: a copy that lost its head is judged by its body)."""
    if not (a.adopted or a.amendments) or not (b.adopted or b.amendments):
        return None
    if a.adopted and b.adopted and a.adopted != b.adopted and not _one_digit_apart(a.adopted, b.adopted):
        return f"versions differ: adopted on {a.adopted} (A) and {b.adopted} (B)"
    dates_a, dates_b = ({x.split()[0] for x in m.amendments} for m in (a, b))
    only_a = [x for x in a.amendments if x.split()[0] not in dates_b]
    only_b = [x for x in b.amendments if x.split()[0] not in dates_a]
    if a.amendment_marks == b.amendment_marks:  # as many entries: what one side lacks was lost to OCR
        if a.adopted is None or b.adopted is None:  # a head too damaged to give even its adoption
            only_a = only_b = []
        else:  # an amendment listed on both sides, its date misread by a digit on one
            only_a, only_b = [
                [x for x in one if other and not any(_one_digit_apart(x.split()[0], y.split()[0]) for y in other)]
                for one, other in ((only_a, only_b), (only_b, only_a))
            ]
    if only_a or only_b:
        side, extra = ("B", only_b) if only_b else ("A", only_a)
        listed = ", ".join(f"{x.split()[1]} of {x.split()[0]}" for x in extra)
        return f"versions differ: {side} lists {'amendments' if len(extra) > 1 else 'an amendment'} ({listed}) that " \
               f"{'A' if side == 'B' else 'B'} lacks"  # fmt: skip
    if a.effective and b.effective and a.effective != b.effective and not _one_digit_apart(a.effective, b.effective):
        return f"versions differ: in effect from {a.effective} (A) and {b.effective} (B)"
    return None


ONE_ACT_DAYS = 90  # an order is published within weeks of the meeting that adopted it


def one_act(a: Meta, b: Meta) -> bool:
    """Are the two dates the meeting and the publication of one act? One copy of an order (令) is
    dated by the meeting that adopted it (``…会议通过``), the other by its publication, a few weeks
    later, and the later copy names no adoption of its own that differs."""
    for meeting, published in ((a, b), (b, a)):
        if meeting.adopted != meeting.date or published.adopted not in (None, meeting.adopted):
            continue
        assert meeting.date is not None and published.date is not None
        days = (datetime.date.fromisoformat(published.date) - datetime.date.fromisoformat(meeting.date)).days
        if 0 < days <= ONE_ACT_DAYS:
            return True
    return False


def veto_reason(a: Meta, b: Meta) -> str | None:
    """Why ``a`` and ``b`` are distinct notices, or None when nothing tells them apart."""
    versions = version_reason(a, b)
    if versions:
        return versions
    if (
        a.doc_number
        and b.doc_number
        and comparison_key(_doc_number(a.doc_number)) != comparison_key(_doc_number(b.doc_number))
    ):
        return f"different 文号: {a.doc_number} vs {b.doc_number}"
    if a.date and b.date and a.date != b.date and not _one_digit_apart(a.date, b.date) and not one_act(a, b):
        da, db = set(a.dates), set(b.dates)
        # A date only one side has is a new revision entry when that side has more dated head
        # lines; with as many, the other side's date was lost (OCR, a cut) and the text decides.
        if not (da <= db or db <= da) or a.dated_entries != b.dated_entries:
            return f"different issue or revision dates: {a.date} vs {b.date}"
    if a.place and b.place and comparison_key(a.place) != comparison_key(b.place):  # 濱州市 = 滨州市
        return f"different places in the titles: {a.place} vs {b.place}"
    if a.draft != b.draft and a.title and b.title:
        draft, final = (a, b) if a.draft else (b, a)
        return f"a draft ({draft.title}) against a final text ({final.title})"
    codes_a, codes_b = _codes(a), _codes(b)
    for label in sorted(codes_a.keys() & codes_b.keys(), key=lambda label: ("名称" in label, label)):  # codes first
        if comparison_key(codes_a[label]) != comparison_key(codes_b[label]):
            return f"different {label}: {codes_a[label]} vs {codes_b[label]}"
    return None


_SPACE_IN_LINE = re.compile(r"[^\S\n]+")  # whitespace but the line breaks (str.split's whitespace)


@functools.lru_cache(maxsize=64)
def _diff_text(text: str) -> str:
    """A text as the edit count compares it, line by line: NFKC, simplified, no whitespace but the
    line breaks, casefolded. Done on the whole text at once: each step gives the same as on each
    line (a line break composes with nothing, and no phrase of the conversion holds one). A notice
    compared in several pairs is done once (kept for the last 64 texts)."""
    text = nfkc_whole(text)
    convert = t2s_converter()
    return _SPACE_IN_LINE.sub("", convert(text) if convert else text).casefold()


# an item number alone (（二）, 3.): one copy has the list numbers Word generated, the other lost them
_ITEM_LABEL = re.compile(
    r"^(?:[（(]?[一二三四五六七八九十百\d]{1,4}[）)、.．]?|第[一二三四五六七八九十百\d]{1,4}[章节条款编])$"
)


def _counts(text: str) -> bool:
    passage = text.replace("\n", "")
    return len(passage) >= EDIT_MIN_CHARS and not _ITEM_LABEL.match(passage)


def edit_counts(text_a: str, text_b: str) -> tuple[int, int]:
    """Passages of at least two characters found only in A, and only in B, leaving out a cut at
    either end (truncated copies) and item numbers alone — each passage counted once per place."""
    from dedupe.diff import char_diff  # rapidfuzz: imported when two texts are compared, not by every command

    ops = char_diff(_diff_text(text_a), _diff_text(text_b))
    inner = ops[1:-1]
    only_a = sum(1 for tag, t in inner if tag == "delete" and _counts(t))
    only_b = sum(1 for tag, t in inner if tag == "insert" and _counts(t))
    return only_a, only_b


def edit_reason(text_a: str, text_b: str) -> str | None:
    """Why two similar texts are different versions, judged by how they differ; None if they are not."""
    only_a, only_b = edit_counts(text_a, text_b)
    if min(only_a, only_b) >= EDITS_BOTH_SIDES or max(only_a, only_b) >= EDITS_ONE_SIDE:
        return (
            f"reworded: {only_a} passage(s) only in A and {only_b} only in B "
            "(a revision or an adapted copy, not a rendering of the same notice)"
        )
    return None

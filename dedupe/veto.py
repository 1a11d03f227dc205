"""Template and revision veto: similar texts that are nonetheless different notices.

Cities copy provincial templates, regulations are revised a few articles at a time, offices fill
one form for a series of items. When both notices carry a fact and the facts differ, they are
distinct notices however similar their text: different 文号, different issue or revision dates,
different places in the titles, a draft against a final text, different item codes.
"""

from __future__ import annotations

import re

from normalize import Meta

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


def veto_reason(a: Meta, b: Meta) -> str | None:
    """Why ``a`` and ``b`` are distinct notices, or None when nothing tells them apart."""
    if a.doc_number and b.doc_number and _doc_number(a.doc_number) != _doc_number(b.doc_number):
        return f"different 文号: {a.doc_number} vs {b.doc_number}"
    if a.date and b.date and a.date != b.date:
        return f"different issue or revision dates: {a.date} vs {b.date}"
    if a.place and b.place and a.place != b.place:
        return f"different places in the titles: {a.place} vs {b.place}"
    if a.draft != b.draft and a.title and b.title:
        draft, final = (a, b) if a.draft else (b, a)
        return f"a draft ({draft.title}) against a final text ({final.title})"
    codes_a, codes_b = _codes(a), _codes(b)
    for label in sorted(codes_a.keys() & codes_b.keys()):
        if codes_a[label] != codes_b[label]:
            return f"different {label}: {codes_a[label]} vs {codes_b[label]}"
    return None

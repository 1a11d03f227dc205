"""Character classes shared by the normalization steps (what counts as Chinese context)."""

from __future__ import annotations

import re

# CJK ideographs (BMP blocks and Extension B+), as a regex character-class body.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# Full-width punctuation and brackets of Chinese text (CJK symbols, full-width forms, quotes,
# dashes and ellipsis as used in Chinese).
CJK_PUNCT = (
    "\u3001-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u201c\u201d\u2018\u2019\u2014\u2026\u00b7"
)
CJK = HAN + CJK_PUNCT

HAN_RE = re.compile(f"[{HAN}]")


_NARROW = re.compile(f"[^{CJK}\uff00-\uffef]")


def display_width(line: str) -> int:
    """Columns a line takes on a page: CJK and full-width characters count two, others one.

    Counted through the narrow characters, which are few in Chinese text.
    """
    return 2 * len(line) - len(_NARROW.findall(line))

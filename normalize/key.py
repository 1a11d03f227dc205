"""The comparison key: lossy, for fingerprinting only, never shown as the notice's text.

NFKC of the clean text, traditional characters mapped to simplified (when OpenCC is installed),
every whitespace and punctuation character removed, casefolded. Digits are kept: they tell a
2023 plan from a 2024 plan.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable

import polars as pl

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


@functools.cache
def _t2s() -> Callable[[str], str] | None:
    try:
        from opencc import OpenCC  # type: ignore[import-untyped]
    except ImportError:
        return None
    return OpenCC("t2s").convert


def t2s_converter() -> Callable[[str], str] | None:
    """OpenCC's traditional → simplified conversion, or None when OpenCC is not installed."""
    return _t2s()


def nfkc(text: str) -> str:
    """NFKC through polars (Rust, about four times faster than ``unicodedata`` on Chinese text)."""
    if text.isascii():
        return unicodedata.normalize("NFKC", text)
    return pl.Series([text], dtype=pl.String).str.normalize("NFKC")[0]


def comparison_key(text: str, traditional_to_simplified: bool = True) -> str:
    """The key of a clean text.

    >>> comparison_key("（一）2023 年，Plan！")
    '一2023年plan'
    """
    key = nfkc(text)
    convert = _t2s() if traditional_to_simplified else None
    if convert is not None:
        key = convert(key)
    return _NOT_WORD.sub("", key).casefold()

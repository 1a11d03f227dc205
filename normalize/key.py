"""The comparison key: lossy, for fingerprinting only, never shown as the notice's text.

NFKC of the clean text, traditional characters mapped to simplified (when OpenCC is installed),
every whitespace and punctuation character removed, casefolded. Digits are kept: they tell a
2023 plan from a 2024 plan.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
_WORDS = re.compile(r"[^\W_]+")  # what _NOT_WORD leaves: the runs joined are the text less its matches


class _Table(NamedTuple):
    """OpenCC's t2s conversion and what it looks for (``normalize/t2s_table.py``)."""

    convert: Callable[[str], str]
    marks: str | None  # the body of a class of the characters it may change (None: not known, every text is sent)
    phrases: dict[str, tuple[str, ...]]  # by character of ``marks`` that changes only within them
    reach: int  # characters a phrase reaches on either side of one of its characters


@functools.cache
def _t2s_table() -> _Table | None:
    """OpenCC's conversion with its table, None when OpenCC is not installed; the table is left out
    (``marks`` None) when it was made from another OpenCC version."""
    try:
        import opencc  # type: ignore[import-untyped]
    except ImportError:
        return None
    convert: Callable[[str], str] = opencc.OpenCC("t2s").convert
    from normalize import t2s_table

    if opencc.__version__ != t2s_table.OPENCC_VERSION:
        return _Table(convert, None, {}, 0)
    phrases = t2s_table.PHRASES
    # a character the conversion changes, or one of the characters the phrases it changes are listed under
    marks = "".join(phrases) + class_body("".join(t2s_table.CHANGED))
    return _Table(convert, marks, phrases, max(len(p) for listed in phrases.values() for p in listed) - 1)


@functools.cache
def _t2s() -> Callable[[str], str] | None:
    table = _t2s_table()
    if table is None or table.marks is None:
        return table.convert if table is not None else None
    convert, marks, phrases, reach = table.convert, re.compile(f"[{table.marks}]"), table.phrases, table.reach

    def t2s(text: str) -> str:
        """OpenCC's conversion, for a text it would change (normalize/t2s_table.py): most texts are
        told by one scan, where the conversion took five times as long."""
        for mark in marks.finditer(text):
            ch = mark.group()
            if ch not in phrases:
                return convert(text)
            around = text[max(0, mark.start() - reach) : mark.end() + reach]  # where a phrase holding it would be
            if any(p in around for p in phrases[ch]):
                return convert(text)
        return text

    return t2s


def class_body(pattern: str) -> str:
    """What a regular-expression class ``[…]`` holds between its brackets (to join two classes)."""
    if not (pattern.startswith("[") and pattern.endswith("]") and not pattern.startswith("[^")):
        raise ValueError(f"not a character class: {pattern[:40]}…")
    return pattern[1:-1]


def t2s_converter() -> Callable[[str], str] | None:
    """OpenCC's traditional → simplified conversion, or None when OpenCC is not installed."""
    return _t2s()


@functools.cache
def _needs_nfkc() -> re.Pattern[str]:
    """The characters NFKC could change in a way the key would keep (:func:`nfkc_sensitive`), as
    one character class: read from ``normalize/nfkc_table.py`` when it was made from this Python's
    Unicode version (scanning every code point costs every process about 0.1 s), made here otherwise."""
    from normalize import nfkc_table

    if unicodedata.unidata_version == nfkc_table.UNIDATA_VERSION:
        return re.compile(nfkc_table.NEEDS_NFKC)
    return re.compile(char_class(nfkc_sensitive()))


def nfkc_sensitive() -> list[str]:
    """The characters NFKC could change in a way the key would keep: those it maps (but
    punctuation and spaces it maps to punctuation and spaces, which the key drops either way),
    combining marks and the second halves of compositions (which join the character before).
    Everything outside the BMP is added by :func:`char_class`. A text without them needs no NFKC
    (most do not).
    """
    wanted = []
    for cp in range(0x10000):
        ch = chr(cp)
        if 0xD800 <= cp <= 0xDFFF:
            continue
        mapped = unicodedata.normalize("NFKC", ch)
        if mapped == ch and not joins_a_neighbour(ch):
            continue
        dropped = (
            _NOT_WORD.fullmatch(ch) and _NOT_WORD.fullmatch(mapped) and not any(map(joins_a_neighbour, ch + mapped))
        )
        if not dropped:
            wanted.append(ch)
    return wanted


@functools.cache
def _seconds() -> frozenset[str]:
    """The second halves of compositions in the BMP: Hangul's vowels and finals, and the second
    character of each two-character canonical decomposition."""
    seconds = {chr(c) for c in [*range(0x1161, 0x1176), *range(0x11A8, 0x11C3)]}
    for cp in range(0x10000):
        parts = unicodedata.decomposition(chr(cp)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            seconds.add(chr(int(parts[1], 16)))
    return frozenset(seconds)


def joins_a_neighbour(ch: str) -> bool:
    """A combining mark or a second half of a composition: NFKC may join it to the character before."""
    return unicodedata.combining(ch) != 0 or ch in _seconds()


def char_class(chars: list[str]) -> str:
    """A regular-expression class of ``chars`` and everything outside the BMP, runs of
    consecutive code points written as ranges, every character as an ASCII escape."""
    return "[" + "".join(class_ranges(ord(c) for c in chars)) + "\\U00010000-\\U0010ffff]"


def class_ranges(points: Iterable[int]) -> list[str]:
    """BMP code points as the pieces of a regular-expression class: each run of consecutive ones
    a range, each an ASCII escape."""
    runs: list[list[int]] = []
    for cp in sorted(points):
        if runs and cp == runs[-1][1] + 1:
            runs[-1][1] = cp
        else:
            runs.append([cp, cp])
    return [f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in runs]


def nfkc(text: str) -> str:
    """NFKC of the lines of ``text`` that hold a character it could change in a way the key keeps
    (:func:`_needs_nfkc`); the others as they are. A line break is a point NFKC never composes
    across, so line by line gives what the whole text would; one text in a hundred has such a line,
    most of those one or two, and the standard library then does in microseconds what loading a
    Rust engine cost each reading process 40 MB for."""
    needs = _needs_nfkc()
    if not needs.search(text):
        return text
    return "\n".join(unicodedata.normalize("NFKC", line) if needs.search(line) else line for line in text.split("\n"))


_JOINS = 0xFFFFFFFF  # in _nfkc_alone: a character NFKC may join with its neighbours, or make more than one of


def nfkc_whole(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, by a table of each character's NFKC alone when no
    character of the text can join a neighbour (:func:`_nfkc_alone`): a character that decomposes
    into no combining mark and no second half of a composition composes with nothing, so the text's
    NFKC is its characters' NFKC one after the other. Most texts are such (one generated notice in
    150 is not: a Ⅱ, a ℃), and a Chinese text, whose full-width punctuation NFKC maps, took the
    standard library 0.18 ms, the table a tenth of that. Needs numpy loaded (else, and beyond the
    BMP, the standard library)."""
    np = sys.modules.get("numpy")
    if np is None or len(text) < 64:
        return unicodedata.normalize("NFKC", text)
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)
    if points.max() > 0xFFFF:
        return unicodedata.normalize("NFKC", text)
    mapped = _nfkc_alone(np)[points]
    if (mapped == _JOINS).any():
        return unicodedata.normalize("NFKC", text)
    return str(mapped.tobytes(), "utf-32-le")


@functools.cache
def _nfkc_alone(np: Any) -> Any:
    """For each BMP code point, its NFKC alone when that is one character and it decomposes into
    no character that joins a neighbour (a combining mark, a second half of a composition, a
    character beyond the BMP); else _JOINS, as for the surrogates (a numpy array, made once: about 20 ms)."""
    table = np.arange(0x10000, dtype=np.uint32)

    def joins(ch: str) -> bool:
        return joins_a_neighbour(ch) or ord(ch) > 0xFFFF

    for cp in range(0x10000):
        ch = chr(cp)
        if 0xD800 <= cp <= 0xDFFF or joins(ch):
            table[cp] = _JOINS
        elif unicodedata.decomposition(ch):  # else NFKC leaves it as it is
            alone = unicodedata.normalize("NFKC", ch)
            joined = len(alone) != 1 or any(map(joins, unicodedata.normalize("NFKD", ch)))
            table[cp] = _JOINS if joined else ord(alone)
    return table


CHUNK_CHARS = 1 << 20


def comparison_key(text: str, traditional_to_simplified: bool = True) -> str:
    """The key of a clean text.

    A long text is keyed a piece at a time, cut at line breaks (no step of the key looks across
    one), so that its copies in flight stay the size of a piece, not of the text.

    >>> comparison_key("（一）2023 年，Plan！")
    '一2023年plan'
    """
    if len(text) <= CHUNK_CHARS:
        return _key_of(text, traditional_to_simplified)
    parts, start = [], 0
    while start < len(text):
        end = text.find("\n", start + CHUNK_CHARS)
        end = len(text) if end < 0 else end + 1
        parts.append(_key_of(text[start:end], traditional_to_simplified))
        start = end
    return "".join(parts)


@functools.cache
def _changeable() -> re.Pattern[str] | None:
    """One class of the characters :func:`nfkc` and the table's t2s conversion look for: a text holding
    none (most) is changed by neither, told in one scan instead of two. None without the table."""
    table = _t2s_table()
    if table is None or table.marks is None:
        return None
    return re.compile(f"[{class_body(_needs_nfkc().pattern)}{table.marks}]")


def _key_of(text: str, traditional_to_simplified: bool) -> str:
    changeable = _changeable() if traditional_to_simplified else None
    if changeable is not None and not changeable.search(text):
        return word_characters(text, casefold=True)
    key = nfkc(text)
    convert = _t2s() if traditional_to_simplified else None
    if convert is not None:
        key = convert(key)
    return word_characters(key, casefold=True)


def word_characters(text: str, casefold: bool = False) -> str:
    """``"".join(_WORDS.findall(text))``: the characters ``str.isalnum`` calls word characters (what
    ``\\w`` is, less ``_``), in order; casefolded when asked. A process that has numpy loaded (a
    reader of notices for dedupe) picks them from the text's code points with a table, three times as
    fast as the regex, which asks each character's Unicode properties in turn, and casefolds only
    words holding a character casefolding changes (most keys are Chinese and digits); a text beyond
    the BMP goes to the regex."""
    np = sys.modules.get("numpy")
    points = (
        None if np is None or len(text) < 256 else np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)
    )
    if points is None or points.max() > 0xFFFF:
        words = "".join(_WORDS.findall(text))  # _NOT_WORD.sub("", text), a seventh faster
        return words.casefold() if casefold else words
    kinds = _word_table(np)[points]  # 0: no word character, 1: one, 2: one casefolding changes
    words = points[kinds != 0].tobytes().decode("utf-32-le")
    return words.casefold() if casefold and (kinds == 2).any() else words


@functools.cache
def _word_table(np: Any) -> Any:
    """For each BMP code point: 0 when :data:`_WORDS` does not match it, 1 when it does, 2 when it
    does and ``str.casefold`` changes it (a numpy array, made once: 15 ms)."""
    table = np.zeros(0x10000, dtype=np.uint8)
    bmp = "".join(map(chr, range(0x10000)))
    for run in _WORDS.finditer(bmp):
        table[run.start() : run.end()] = 1
    table[[cp for cp in range(0x10000) if table[cp] and bmp[cp].casefold() != bmp[cp]]] = 2
    return table

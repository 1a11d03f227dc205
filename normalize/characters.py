"""Character-level repairs of the clean text: NFC and targeted maps, never NFKC.

NFKC would turn ``①`` into ``1``, ``10²`` into ``102`` and ``（一）`` into ``(一)``; the clean text
keeps all of them. Only these are mapped:

- full-width ASCII letters and digits ``Ａ-Ｚａ-ｚ０-９`` to ASCII;
- Kangxi radicals (U+2F00–U+2FD5) and the radicals of the CJK Radicals Supplement that stand for a
  whole character (U+2E80–U+2EFF: ``⺠ ⻘ ⻚`` for 民 青 页), both PDF font artifacts, to the unified
  ideograph they look like;
- U+3000 and other space characters to a plain space; zero-width characters are dropped;
- line endings to ``\\n``;
- NUL and the other C0 control characters (but tab, line feed and form feed) are removed.

Removed, and recorded: the noncharacters U+FFFE and U+FFFF (a byte-order mark read the wrong way,
or a converter's filler), Private Use Area characters (glyphs of a PDF font that extraction could
not map: they render as nothing or as a box, and the original keeps them), and the ``[pic]`` that
antiword and catdoc print where a Word file holds a picture.

>>> log = ChangeLog()
>>> fix_characters("中华人⺠共和国\ufffe精神卫生法[pic]\ue5e5", log)
'中华人民共和国精神卫生法'
>>> [c.step for c in log.changes()]
['noncharacters', 'private-use-chars', 'image-placeholder', 'kangxi-radicals']
"""

from __future__ import annotations

import re
import unicodedata

from normalize.changes import ChangeLog

_FULLWIDTH_ALNUM = {
    **{0xFF10 + i: 0x30 + i for i in range(10)},
    **{0xFF21 + i: 0x41 + i for i in range(26)},
    **{0xFF41 + i: 0x61 + i for i in range(26)},
}
_KANGXI = {cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0x2F00, 0x2FD6)}
# CJK Radicals Supplement: NFKC maps only ⺟ and ⻳; these are the radicals a PDF font uses for a
# whole character (the components such as ⺡ or ⻖ never stand alone in text and are left alone)
_SUPPLEMENT = dict(
    zip(
        "⺁⺊⺒⺓⺜⺟⺠⺩⺬⺯⻄⻅⻆⻉⻋⻑⻓⻔⻗⻘⻙⻚⻛⻜⻝⻡⻢⻣⻤⻥⻦⻧⻨⻩⻪⻬⻮⻰⻳",
        "厂卜巳幺日母民王示糸西见角贝车長长门雨青韦页风飞食首马骨鬼鱼鸟卤麦黄黾齐齿龙龟",
        strict=True,
    )
)
_KANGXI.update({ord(radical): ideograph for radical, ideograph in _SUPPLEMENT.items()})
_SPACES = {cp: " " for cp in (0x00A0, 0x3000, 0x202F, 0x205F, *range(0x2000, 0x200B))}
_ZERO_WIDTH = {cp: None for cp in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD)}


def _class_of(table: dict[int, int | str | None]) -> re.Pattern[str]:
    return re.compile("[" + "".join(re.escape(chr(cp)) for cp in table) + "]")


_PUA = re.compile("[\ue000-\uf8ff]")
_NONCHARACTERS = re.compile("[\ufffe\uffff]")
_PIC = re.compile(r"\[pic\]")
_CLASSES = {
    "kangxi-radicals": _class_of(_KANGXI),
    "fullwidth-alnum": _class_of(_FULLWIDTH_ALNUM),
    "zero-width": _class_of(_ZERO_WIDTH),
}
_UNUSUAL = {cp: v for cp, v in _SPACES.items() if cp != 0x3000}
_ANY_MAPPED = _class_of({**_KANGXI, **_FULLWIDTH_ALNUM, **_ZERO_WIDTH, **_UNUSUAL})  # U+3000 aside: too common
_UNUSUAL_SPACES = _class_of(_UNUSUAL)
# any character the steps after NFC drop or map: most texts hold none, told in one scan instead of three
_ANY_AFTER_NFC = re.compile("[" + "".join(p.pattern[1:-1] for p in (_NONCHARACTERS, _PUA, _ANY_MAPPED)) + "]")


_PUA_HIGH_BYTES = bytes(range(0xE0, 0xF9))  # the high bytes of the UTF-16 code units U+E000–U+F8FF


def count_private_use(text: str) -> int:
    """Private Use Area code points: glyphs of a PDF font that extraction could not map.

    Counted from the high bytes of the text's UTF-16 code units, without a list of the matches of
    :data:`_PUA` (a page's whole source is counted: five times as fast)."""
    high = text.encode("utf-16-be", "surrogatepass")[::2]
    return len(high) - len(high.translate(None, _PUA_HIGH_BYTES))


def _translate(text: str, table: dict[int, int | str | None], step: str, log: ChangeLog) -> str:
    hits = _CLASSES[step].findall(text)
    if not hits:
        return text
    log.add(step, "".join(dict.fromkeys(hits))[:12], len(hits))
    return _replace(text, table, _CLASSES[step])


def _replace(text: str, table: dict[int, int | str | None], where: re.Pattern[str]) -> str:
    """``text.translate(table)``, but only the matches are looked up: ``str.translate`` with a dict
    visits every character in Python's slow path (seconds on a 100 MB text)."""

    def one(match: re.Match[str]) -> str:
        new = table[ord(match.group())]
        return "" if new is None else new if isinstance(new, str) else chr(new)

    return where.sub(one, text)


def _drop(text: str, what: re.Pattern[str], step: str, log: ChangeLog) -> str:
    """Remove every match of ``what``, recording how many went."""
    found = what.search(text)
    if not found:
        return text
    text, n = what.subn("", text)
    log.add(step, found.group().encode("unicode_escape").decode() if step != "image-placeholder" else "[pic]", n)
    return text


_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_ASCII_CONTROLS = re.compile(_CONTROLS.pattern.encode())  # the same, in the ASCII characters of a text


def has_controls(text: str) -> bool:
    """Does ``text`` hold a character of :data:`_CONTROLS`? They are ASCII: looked for among the
    text's ASCII characters alone (a few in a Chinese text, set apart in one C pass)."""
    return _ASCII_CONTROLS.search(text.encode("ascii", "ignore")) is not None


def count_controls(text: str) -> int:
    """How many characters of :data:`_CONTROLS` ``text`` holds, counted as :func:`has_controls` looks."""
    return len(_ASCII_CONTROLS.findall(text.encode("ascii", "ignore")))


def fix_characters(text: str, log: ChangeLog) -> str:
    """Apply NFC and the targeted maps, recording what each changed."""
    controls = _CONTROLS.findall(text) if has_controls(text) else ()
    if controls:
        log.add("control-chars", "".join(sorted(set(controls))).encode("unicode_escape").decode()[:24], len(controls))
        text = _CONTROLS.sub("", text)
    newlines = text.count("\r")
    if newlines:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        log.add("line-endings", "\\r\\n", newlines)
    nfc = unicodedata.normalize("NFC", text)
    if nfc != text:
        log.add("nfc", "", sum(1 for a, b in zip(nfc, text, strict=False) if a != b) or 1)
        text = nfc
    if not _ANY_AFTER_NFC.search(text):  # nothing to drop or map (the [pic] marks aside, which hold none)
        text = _drop(text, _PIC, "image-placeholder", log) if "[pic]" in text else text
        return text.replace("\u3000", " ")
    text = _drop(text, _NONCHARACTERS, "noncharacters", log)
    text = _drop(text, _PUA, "private-use-chars", log)
    if "[pic]" in text:
        text = _drop(text, _PIC, "image-placeholder", log)
    if not _ANY_MAPPED.search(text):  # one scan; most texts have none of these
        return text.replace("\u3000", " ")
    text = _translate(text, _KANGXI, "kangxi-radicals", log)
    text = _translate(text, _FULLWIDTH_ALNUM, "fullwidth-alnum", log)
    text = _translate(text, _ZERO_WIDTH, "zero-width", log)
    spaces = len(_UNUSUAL_SPACES.findall(text))
    if spaces:
        log.add("unusual-spaces", "", spaces)
    return _replace(text, _UNUSUAL, _UNUSUAL_SPACES).replace("\u3000", " ") if spaces else text.replace("\u3000", " ")

"""Character-level repairs of the clean text: NFC and targeted maps, never NFKC.

NFKC would turn ``①`` into ``1``, ``10²`` into ``102`` and ``（一）`` into ``(一)``; the clean text
keeps all of them. Only these are mapped:

- full-width ASCII letters and digits ``Ａ-Ｚａ-ｚ０-９`` to ASCII;
- Kangxi radicals (U+2F00–U+2FD5, a PDF font artifact) to the unified ideograph they look like;
- U+3000 and other space characters to a plain space; zero-width characters are dropped;
- line endings to ``\\n``;
- NUL and the other C0 control characters (but tab, line feed and form feed) are removed.
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
_SPACES = {cp: " " for cp in (0x00A0, 0x3000, 0x202F, 0x205F, *range(0x2000, 0x200B))}
_ZERO_WIDTH = {cp: None for cp in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD)}


def _class_of(table: dict[int, int | str | None]) -> re.Pattern[str]:
    return re.compile("[" + "".join(re.escape(chr(cp)) for cp in table) + "]")


_PUA = re.compile("[\ue000-\uf8ff]")
_CLASSES = {
    "kangxi-radicals": _class_of(_KANGXI),
    "fullwidth-alnum": _class_of(_FULLWIDTH_ALNUM),
    "zero-width": _class_of(_ZERO_WIDTH),
}
_UNUSUAL = {cp: v for cp, v in _SPACES.items() if cp != 0x3000}
_ANY_MAPPED = _class_of({**_KANGXI, **_FULLWIDTH_ALNUM, **_ZERO_WIDTH, **_UNUSUAL})  # U+3000 aside: too common
_UNUSUAL_SPACES = _class_of(_UNUSUAL)


def count_private_use(text: str) -> int:
    """Private Use Area code points: glyphs of a PDF font that extraction could not map."""
    return len(_PUA.findall(text))


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


_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def fix_characters(text: str, log: ChangeLog) -> str:
    """Apply NFC and the targeted maps, recording what each changed."""
    controls = _CONTROLS.findall(text) if _CONTROLS.search(text) else ()
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
    if not _ANY_MAPPED.search(text):  # one scan; most texts have none of these
        return text.replace("\u3000", " ")
    text = _translate(text, _KANGXI, "kangxi-radicals", log)
    text = _translate(text, _FULLWIDTH_ALNUM, "fullwidth-alnum", log)
    text = _translate(text, _ZERO_WIDTH, "zero-width", log)
    spaces = len(_UNUSUAL_SPACES.findall(text))
    if spaces:
        log.add("unusual-spaces", "", spaces)
    return _replace(text, _UNUSUAL, _UNUSUAL_SPACES).replace("\u3000", " ") if spaces else text.replace("\u3000", " ")

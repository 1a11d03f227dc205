"""Bytes to text: BOM, then strict UTF-8 (or UTF-8 with a few stray bytes, replaced and said), then
chardet — never a silent replacement character."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import Any

import chardet

from normalize.characters import count_controls
from normalize.errors import DecodeError, NotText

# chardet reports GB2312/GBK/GB18030 for simplified Chinese; GB18030 is a superset of all three.
# Big5 pages often carry Hong Kong characters that only Big5-HKSCS has.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb18030": "gb18030",
    "hz-gb-2312": "gb18030",
    "big5": "big5hkscs",
    "big5-tw": "big5hkscs",
    "cp950": "big5hkscs",
    "ascii": "utf-8",
}
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HTML_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_IMPLAUSIBLE = re.compile(r"[^\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\x20-\x7e\s\u2010-\u206f\u00b7]")


@dataclass(frozen=True)
class Decoded:
    """Decoded text with how it was decoded.

    ``confidence`` is 1.0 for a BOM, strict UTF-8 or an encoding the user named, otherwise
    chardet's confidence; ``via`` says which rule decided (``bom``, ``utf-8``, ``html-meta``,
    ``utf-16-heuristic``, ``chardet``, ``user``).
    """

    text: str
    encoding: str
    confidence: float
    via: str


def canonical_codec(name: str) -> str:
    """The codec used to decode an encoding chardet or a web page names (its superset)."""
    try:
        normal = codecs.lookup(name).name
    except LookupError as exc:
        raise DecodeError(f"unknown encoding {name!r}", guess=None) from exc
    return _SUPERSETS.get(normal, _SUPERSETS.get(name.lower(), normal))


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def plausibility(text: str) -> float:
    """Share of characters usual in Chinese notices (CJK, ASCII, common punctuation, whitespace)."""
    sample = text[:20000]
    return 1.0 - len(_IMPLAUSIBLE.findall(sample)) / len(sample) if sample else 1.0


def _looks_utf16(data: bytes) -> str | None:
    """BOM-less UTF-16 (chardet does not recognise it for CJK text): pick the byte order whose
    decoding is almost all plausible characters."""
    if len(data) < 4 or len(data) % 2:
        return None
    for codec in ("utf-16-le", "utf-16-be"):
        text = _strict(data, codec)
        if text and plausibility(text) >= 0.97:
            return codec
    return None


def sniff_html_charset(data: bytes) -> str | None:
    """The charset a page declares in ``<meta charset>`` or ``http-equiv`` within its first 4 KB."""
    match = _HTML_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii").lower() if match else None


def decode(data: bytes, encoding: str | None = None) -> Decoded:
    """Decode ``data`` without ever replacing a byte silently.

    >>> decode("通知".encode("gbk")).encoding
    'gb18030'
    """
    if encoding:
        codec = canonical_codec(encoding)
        text = _strict(data, codec)
        if text is None:
            raise DecodeError(f"the bytes are not valid {encoding}", guess=_guess(data))
        return _checked(Decoded(text, codec, 1.0, "user"))
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = _strict(data, codec)
            if text is not None:
                return _checked(Decoded(text.lstrip("\ufeff"), codec, 1.0, "bom"))
    text = _strict(data, "utf-8")
    plausible = text is not None and (text.isascii() or plausibility(text) >= 0.9)  # measured once
    if text is not None and not plausible and (fixed := repair_mojibake(text)):
        return _checked(Decoded(fixed[0], "utf-8", 1.0, f"utf-8 read as {fixed[1]} and saved again (repaired)"))
    if plausible:
        return _checked(Decoded(text, "utf-8", 1.0, "utf-8"))
    if text is None and (nearly := _nearly_utf8(data)):
        return _checked(Decoded(nearly[0], "utf-8", 0.99, f"utf-8 with {nearly[1]} undecodable byte(s) replaced"))
    utf8 = text  # valid UTF-8 but implausible: short GBK text can pass as UTF-8 (通知 → U+0368 U+05AA)
    declared = sniff_html_charset(data)
    if declared:
        try:
            codec = canonical_codec(declared)
        except DecodeError:
            codec = ""
        text = _strict(data, codec) if codec else None
        if text is not None:
            return _checked(Decoded(text, codec, 1.0, "html-meta"))
    utf16 = _looks_utf16(data)
    if utf16:
        return _checked(Decoded(data.decode(utf16), utf16, 0.9, "utf-16-heuristic"))
    guess = detect(data)
    name, confidence = guess.get("encoding"), float(guess.get("confidence") or 0.0)
    if name:
        codec = canonical_codec(name)
        text = _strict(data, codec)
        if text is not None and (utf8 is None or plausibility(text) > plausibility(utf8)):
            return _checked(Decoded(text, codec, confidence, "chardet"))
    if utf8 is not None:
        # too short for chardet: take the most plausible of UTF-8 and the two Chinese codecs
        best = max(
            ((t, c) for c in ("gb18030", "big5hkscs") if (t := _strict(data, c)) is not None),
            key=lambda tc: plausibility(tc[0]),
            default=(utf8, "utf-8"),
        )
        if plausibility(best[0]) > plausibility(utf8):
            return _checked(Decoded(best[0], best[1], 0.5, "plausibility"))
        return _checked(Decoded(utf8, "utf-8", 0.5, "utf-8"))
    head = data[:65536]
    controls = sum(head.count(bytes([b])) for b in (*range(0, 9), 11, *range(14, 32), 127))
    if controls >= 0.01 * len(head):
        raise NotText(
            f"binary data of a format not read here ({controls} control bytes in its first {len(head):,}, "
            "and no encoding decodes it)",
            "binary file",
            "if it is text in an unusual encoding, name that encoding with --encoding",
        )
    raise DecodeError("no encoding decodes these bytes cleanly", guess=name)


MAX_STRAY_BYTES = 8  # UTF-8 with at most this many bad bytes (and 1 in 100 of its non-ASCII text) is UTF-8


def _nearly_utf8(data: bytes) -> tuple[str, int] | None:
    """UTF-8 with a few stray bytes (a page cut and pasted, a byte lost in a copy), decoded with those
    bytes replaced (U+FFFD, counted and recorded): any 8-bit codec would decode it "cleanly" into
    mojibake, one wrong character for every Chinese one."""
    parts, bad, start = [], 0, 0
    while True:
        try:
            parts.append(data[start:].decode("utf-8"))
            break
        except UnicodeDecodeError as exc:
            parts += [data[start : start + exc.start].decode("utf-8"), "\ufffd"]
            bad, start = bad + exc.end - exc.start, start + exc.end
            if bad > MAX_STRAY_BYTES:
                return None
    if not bad:
        return None
    text = "".join(parts)
    wide = sum(1 for ch in text[:200000] if ord(ch) > 0x7F)
    if bad * 100 > wide or plausibility(text) < 0.9:
        return None
    return text, bad


_CP1252_BYTES = {
    ch: b for b in range(0x80, 0xA0) if (ch := bytes([b]).decode("cp1252", errors="ignore"))
}  # € ‚ ƒ … : the characters cp1252 puts where latin-1 has C1 controls


def _as_latin1(text: str) -> bytes | None:
    """The bytes ``text`` would come from if it was decoded as latin-1/cp1252, if it could."""
    out = bytearray()
    for ch in text:
        code = ord(ch)
        if code < 256:
            out.append(code)
        elif ch in _CP1252_BYTES:
            out.append(_CP1252_BYTES[ch])
        else:
            return None
    return bytes(out)


def repair_mojibake(text: str) -> tuple[str, str] | None:
    """UTF-8 text that was decoded as latin-1/cp1252 (``å…³äºŽ`` for 关于) or as GBK (``鍏充簬``)
    and saved again, repaired when the repair is certain: the whole text turns back into bytes of
    that encoding and those bytes are valid UTF-8, of plausible Chinese text. Returns the repaired
    text and what it was read as, or None.

    >>> repair_mojibake("关于印发通知".encode("utf-8").decode("gb18030"))
    ('关于印发通知', 'GBK')
    """
    for name, undo in (("latin-1", _as_latin1), ("GBK", _as_gb18030)):
        data = undo(text)
        fixed = _strict(data, "utf-8") if data is not None else None
        if fixed and fixed != text and not fixed.isascii() and plausibility(fixed) >= 0.9:
            return fixed, name
    return None


def _as_gb18030(text: str) -> bytes | None:
    try:
        return text.encode("gb18030")
    except UnicodeEncodeError:
        return None


# the encodings a notice is in: Unicode, the East Asian and Windows code pages, KOI8 (chardet's
# modern web), and HZ (legacy regional). chardet then leaves out the ISO-8859, Mac, DOS and EBCDIC
# code pages: 2,461 real and generated files that are not UTF-8 decode exactly as with every
# encoding considered, confidence included, and detection takes a third less time
_ERAS = chardet.EncodingEra.MODERN_WEB | chardet.EncodingEra.LEGACY_REGIONAL


def detect(data: bytes) -> dict[str, Any]:
    """chardet's guess, among the encodings a notice is in (``_ERAS``)."""
    return dict(chardet.detect(data, encoding_era=_ERAS))


def warm_detector() -> None:
    """Have chardet read its tables (what its first detection does)."""
    detect("中文编码的识别".encode("gb18030"))


def forget_detector() -> None:
    """Let chardet's tables go (24 MB, read again by its next use): a process done reading keeps
    them for nothing. They live in chardet's cached functions, each cleared here."""
    import sys

    for name, module in list(sys.modules.items()):
        if name == "chardet" or name.startswith("chardet."):
            for value in list(vars(module).values()):
                if callable(getattr(value, "cache_clear", None)) and hasattr(value, "cache_info"):
                    value.cache_clear()


def _guess(data: bytes) -> str | None:
    return detect(data).get("encoding")


def _checked(decoded: Decoded) -> Decoded:
    """Reject text that is really binary: control characters other than tab, newline, form feed."""
    controls = count_controls(decoded.text[:65536])
    if controls > 0 and controls >= 0.01 * min(len(decoded.text), 65536):
        raise NotText(
            f"binary data of a format not read here ({controls} control characters in its first "
            f"{min(len(decoded.text), 65536):,} characters, decoded as {decoded.encoding})",
            "binary file",
            "if it is text in an unusual encoding, name that encoding with --encoding",
        )
    return decoded

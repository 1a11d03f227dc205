"""RTF documents: their text through striprtf, a small pure-Python reader."""

from __future__ import annotations

import codecs
import re

from normalize.errors import Unsupported

_RTF_CODEPAGE = re.compile(rb"\\ansicpg(\d+)")
_RTF_CHARSETS = {b"134": "gb18030", b"136": "big5hkscs", b"128": "cp932", b"129": "cp949"}


def read_rtf(data: bytes) -> str:
    """RTF through striprtf (a small pure-Python reader). Its ``\\'hh`` bytes are in the code page
    of the font in use: Chinese fonts (``\\fcharset134``, GB2312) are GBK whatever ``\\ansicpg``
    says (macOS TextEdit writes ``\\ansicpg1252`` above them), else the document's code page."""
    from striprtf.striprtf import rtf_to_text

    codec = next((c for cs, c in _RTF_CHARSETS.items() if b"\\fcharset" + cs in data[:65536]), None)
    if codec is None:
        page = _RTF_CODEPAGE.search(data[:4096])
        codec = (
            {b"936": "gb18030", b"950": "big5hkscs"}.get(page.group(1), f"cp{page.group(1).decode()}")
            if page
            else "cp1252"
        )
    try:
        codecs.lookup(codec)
    except LookupError:
        codec = "cp1252"
    try:
        text = rtf_to_text(data.decode(codec, errors="replace"), encoding=codec, errors="replace")
    except (ValueError, IndexError, RecursionError) as exc:
        raise Unsupported(f"is a damaged RTF file ({exc}): open it in Word or WPS and save it as .docx") from None
    return text

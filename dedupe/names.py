"""What a file's name says: whether it makes the file a web page, and how it is shown (in a
manifest, a log line, a terminal)."""

from __future__ import annotations

import re

PAGE_NAMES = (".html", ".htm")  # a file so named is read as a web page whatever its markup


def names_a_page(path: str) -> bool:
    return path.lower().endswith(PAGE_NAMES)


_SURROGATE = re.compile("[\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` with the bytes of a file name that are not UTF-8 (Python holds them as lone
    surrogates) written as ``%FF``: what a manifest, a log line or a terminal can take. A name is
    read with its real bytes; it is shown, and copied into raw/, under this one."""
    return _SURROGATE.sub(
        lambda m: f"%{ord(m.group()) - 0xDC00:02X}" if "\udc80" <= m.group() <= "\udcff" else "\ufffd", text
    )

"""How a file's name is shown: in a manifest, a log line, a terminal."""

from __future__ import annotations

import re

_SURROGATE = re.compile("[\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` with the bytes of a file name that are not UTF-8 (Python holds them as lone
    surrogates) written as ``%FF``: what a manifest, a log line or a terminal can take. A name is
    read with its real bytes; it is shown, and copied into raw/, under this one."""
    return _SURROGATE.sub(
        lambda m: f"%{ord(m.group()) - 0xDC00:02X}" if "\udc80" <= m.group() <= "\udcff" else "\ufffd", text
    )

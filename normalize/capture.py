"""Markdown captures of web pages (``Title: … / URL Source: … / Markdown Content:``).

Such a capture holds the whole page: login bars, menus, share buttons and footers as Markdown
lists of links. The notice is what remains once link lists are gone, from the page's own title
line down to its trailer (``相关附件``, ``相关新闻``, ``上一篇``…).
"""

from __future__ import annotations

import re

from normalize.changes import ChangeLog

_HEADER = re.compile(
    r"\ATitle:\s*(?P<title>[^\n]+)\n+URL Source:\s*\S+\n+(?:[A-Z][A-Za-z ]+:[^\n]*\n+)*?Markdown Content:\n"
)
_LINK = re.compile(r"!?\[([^\]]*)\]\((?:[^()\s]|\([^)]*\))*\)")
_LIST = re.compile(r"^\s*(?:[*+-]|\d+\.)\s+")
_MARKS = re.compile(r"[*_#>`\\]|\s")
_TRAILER = re.compile(r"^(?:相关附件|相关新闻|相关链接|相关阅读|相关文件|上一篇|下一篇|扫一扫|分享到)")
NAV_ITEM_CHARS = 30


def _visible(line: str) -> str:
    return _MARKS.sub("", _LINK.sub(lambda m: m.group(1), line))


def _is_navigation(line: str) -> bool:
    """A list item of links or a short list item, or a line that is only links and images."""
    visible = _visible(line)
    without_links = _MARKS.sub("", _LINK.sub("", line))
    if not visible or not without_links:
        return True
    return bool(_LIST.match(line)) and (len(visible) <= NAV_ITEM_CHARS or len(without_links) < 0.5 * len(visible))


def extract_capture(text: str, log: ChangeLog) -> str | None:
    """The notice inside a Markdown page capture, or None when ``text`` is not one."""
    header = _HEADER.match(text)
    if not header:
        return None
    title = header.group("title").split(" - ")[0].strip()
    lines = text[header.end() :].split("\n")
    kept = [line for line in lines if line.strip() and not _is_navigation(line)]
    log.add(
        "capture-navigation",
        next((ln for ln in lines if ln.strip() and _is_navigation(ln)), ""),
        len([ln for ln in lines if ln.strip()]) - len(kept),
    )
    start = next((i for i, line in enumerate(kept) if _visible(line) == _MARKS.sub("", title)), None)
    if start is not None:
        log.add("capture-head", kept[0], start)
        kept = kept[start:]
    else:
        kept = [title, *kept]
    end = next((i for i, line in enumerate(kept) if i > 0 and _TRAILER.match(_visible(line))), len(kept))
    log.add("capture-trailer", kept[end] if end < len(kept) else "", len(kept) - end)
    return "\n".join(kept[:end])

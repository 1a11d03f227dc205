"""Main-content extraction from web pages.

trafilatura finds the notice among a page's navigation, menus, share bars and footers (its
extraction is tuned on thousands of real pages; a hand-written rule set would be site-specific).
The page's declared article title is put back in front when the extraction dropped it.

Metadata is not asked of trafilatura: its date search hands strings to dateparser, which tries
every locale and took seconds on some pages; only the title is used, and it is read from the
page's meta tags, its JSON-LD and its ``<title>`` or headings (the same rules, without the dates).
"""

from __future__ import annotations

import contextlib
import re

import lxml.html

from normalize import web
from normalize.changes import ChangeLog

_HTML_START = re.compile(r"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|div|p)[\s>]", re.I | re.S)
_TAGS = re.compile(r"</?(p|div|br|span|table|td|a|body|html)[\s/>]", re.I)
_ARTICLE_TITLE = re.compile(r"""<meta\s+name=["']ArticleTitle["']\s+content=["']([^"']+)["']""", re.I)
_BLOCKS = ("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article")


def looks_like_html(text: str) -> bool:
    """True for a web page: it opens with an HTML tag or carries many block tags early on."""
    head = text[:4096]
    return bool(_HTML_START.match(head)) or len(_TAGS.findall(head)) >= 8


def extract_main_text(page: str, log: ChangeLog | None = None) -> str:
    """The readable main content of ``page``, one paragraph a line, title first (see normalize.web)."""
    return web.extract(page, log)


def trafilatura_text(page: str) -> str:
    """The page's main content as trafilatura extracts it (the former extractor, kept to compare)."""
    # imported on first use: most notices are not web pages, and trafilatura is slow to load
    import trafilatura
    from trafilatura.utils import load_html

    tree = load_html(page)
    doc = None
    if tree is not None:  # bare_extraction copies the tree before it prunes it
        doc = trafilatura.bare_extraction(tree, include_tables=True, include_comments=False, with_metadata=False)
    body = (doc.text if doc is not None else None) or _fallback_text(page)
    title = _article_title(page) or (_page_title(tree) if tree is not None else None)
    if title:
        title = title.split(" - ")[0].split("_")[0].strip()
        if title and title not in body[: max(400, len(title) * 3)]:
            body = f"{title}\n{body}"
    return body


def _article_title(page: str) -> str | None:
    match = _ARTICLE_TITLE.search(page[:20000])
    return match.group(1).strip() if match else None


def _page_title(tree: lxml.html.HtmlElement) -> str | None:
    """The title trafilatura's metadata would give: meta tags, then JSON-LD, then the page."""
    from trafilatura.metadata import examine_meta, extract_meta_json, extract_title

    meta = examine_meta(tree)
    with contextlib.suppress(Exception):  # broken JSON-LD only loses a title candidate
        meta = extract_meta_json(tree, meta)
    return meta.title or extract_title(tree)


def _fallback_text(page: str) -> str:
    """Block-level text of the whole body when trafilatura finds no main content."""
    tree = lxml.html.fromstring(page)
    for bad in tree.xpath("//script|//style|//nav|//header|//footer|//noscript"):
        bad.drop_tree()
    for block in tree.iter(*_BLOCKS):
        block.tail = "\n" + (block.tail or "")
    return tree.text_content()

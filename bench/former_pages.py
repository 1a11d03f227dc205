"""The former page reader, kept to compare with :mod:`normalize.web` (``bench/pages.py --compare``).

trafilatura's main-content extraction with the page's declared title put back in front, as
``normalize`` read pages before. trafilatura is not a dependency of the package: install it for
the comparison (``pip install trafilatura``); without it the comparison prints the reader alone.
"""

from __future__ import annotations

import contextlib
import re

import lxml.html

_ARTICLE_TITLE = re.compile(r"""<meta\s+name=["']ArticleTitle["']\s+content=["']([^"']+)["']""", re.I)
_BLOCKS = ("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article")


def available() -> bool:
    try:
        import trafilatura  # noqa: F401
    except ImportError:
        return False
    return True


def trafilatura_text(page: str) -> str:
    """The page's main content as trafilatura extracts it, title first."""
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

"""The walk of a real page's tree (:func:`normalize.webtree.walk`): what it says of its lines."""

from __future__ import annotations

import pytest

from normalize.decode import decode
from normalize.web import parse
from normalize.webtree import walk
from tests.conftest import DATA

NOTICE = DATA / "06_城乡居民医保集中参保缴费通告.html"


def _body():
    tree = parse(decode(NOTICE.read_bytes()).text)
    return tree.find("body")


def test_a_link_inside_a_link_counts_as_a_link():
    """``<a href=…><span>…</span></a>``: the characters of the link's children are a link's."""
    body = _body()
    lines = walk(body).lines
    nested = [
        (a.findtext("span") or "").strip()
        for a in body.iter("a")
        if len(a) == 1 and a[0].tag == "span" and not (a.text or "").strip()
    ]
    nested = [t for t in nested if t]
    by_text = {line.text: line.links for line in lines}
    seen = [t for t in nested if t in by_text]
    assert seen, "the page holds links whose text is in a span"
    assert all(by_text[t] == len(t) for t in seen)


@pytest.mark.xfail(
    strict=True,
    reason="an <a>'s own text is read before the walk marks the link open, so a plain <a>市民网页</a> "
    "counts no link characters (only text in the link's children does); counting it changes which "
    "lines the reader takes for navigation, a change of output of its own",
)
def test_a_plain_links_text_counts_as_a_link():
    body = _body()
    lines = walk(body).lines
    by_text = {line.text: line.links for line in lines}
    plain = [t for a in body.iter("a") if len(a) == 0 and (t := (a.text or "").strip()) in by_text]
    assert len(plain) >= 20  # the page's menus: 市民网页, 简体, 繁體, English, 政务邮箱…
    assert all(by_text[t] == len(t) for t in plain)


def test_an_elements_text_is_what_lxml_iterates_in_it():
    """``_text_of`` (libxml2's text serializer) gives ``"".join(el.itertext())`` of every table cell,
    row and link of real pages, and of an element whose text runs on past a comment, a child and
    an entity."""
    from lxml import etree

    from normalize.webtree import _text_of

    elements = []
    for path in [NOTICE, *sorted((DATA / "web").glob("*.htm*")), *sorted(DATA.glob("*.html"))]:
        tree = parse(decode(path.read_bytes()).text)
        elements += [el for tag in ("td", "th", "tr", "a", "table") for el in tree.iter(tag)]
    assert len(elements) > 300
    made = etree.fromstring("<div>关于<!-- 注 -->印发<b>通知</b>的&amp;通知&nbsp;<br/>尾</div>", etree.HTMLParser())
    for el in [*elements, made.find(".//div")]:
        assert _text_of(el) == "".join(el.itertext())


def test_a_line_is_its_pieces_with_each_run_of_blanks_one_space():
    """A line's text skips the substitution of blank runs when it has none to make: the text is the
    one the substitution gives, whatever blank a piece holds (a tab, a line break, a no-break or
    zero-width space, a byte order mark, two spaces, an ideographic space at an end)."""
    from normalize.webtree import _WS, _Gather

    texts = [line.text for line in walk(_body()).lines]
    blanks = ["\t", "\n", "\xa0", "\u200b", "\ufeff", "  ", " ", "\u3000", "\r\n  "]
    for text in [
        *texts[:200],
        *(f"{blank}关于{blank}印发 通知{blank}" for blank in blanks),
        "一、 总则",
        "\u3000\u3000各区：",
    ]:
        for pieces in ([text], [text[: len(text) // 2], text[len(text) // 2 :]]):
            lines = []
            g = _Gather(lines)
            for piece in pieces:
                if piece:
                    g.add(piece, "", 0, False)
            g.end()
            expected = _WS.sub(" ", "".join(pieces)).strip(" \u3000")
            assert [line.text for line in lines] == ([expected] if expected else []), pieces

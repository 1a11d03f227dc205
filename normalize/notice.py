"""Is the clean text a notice at all? Measured facts, so that a refusal says what was found.

A scraped folder holds files that are no notice whatever their name: a GitHub or HTTP error page
saved as ``.pdf`` (English page chrome only), a page whose notice was images (what is left is the
site's name, a heading and ``点击图片放大``), a page's HTML source saved as text (``<script>`` by
the hundred thousand characters). A notice is Chinese prose: it holds Chinese characters, most of
its text is not markup or code, and it holds at least one sentence. Short real notices (a law
database's record of a regulation: its title and ``…会议通过``) are sentences too.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from normalize.errors import NotANotice

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# the high bytes of the UTF-16 code units of _CJK's ranges; of those, U+4DC0–U+4DFF (hexagrams) are not Chinese
_CJK_HIGH_BYTES = bytes([*range(0x34, 0xA0), 0xF9, 0xFA])
_HEXAGRAMS = re.compile("[\u4dc0-\u4dff]")
# markup and code: tags, entities, CSS/JS punctuation and keywords, attribute assignments
_CODE = re.compile(
    r"</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>|&[#\w]+;|[{};]|\b(?:var|function|return|document|window|if|else|for)\b"
    r"|\b\w{1,64}\s*=\s*[\"'][^\"'\n]{0,2000}[\"']|//|/\*|\*/|\$\("  # bounded: linear on a long run of one letter
)
# a sentence: Chinese words and sentence punctuation, or an act's dated record (…会议通过, …公布施行)
_SENTENCE = re.compile(
    r"[\u4e00-\u9fff][^\n]{0,200}?[，。；！？、]"
    r"|[\u4e00-\u9fff]{2}[^\n]{0,80}(?:通过|批准|公布|发布|施行|印发|修正|修订|废止)\s*$",
    re.M,
)
MIN_CJK_SHARE = 0.10  # less than this share of the text is Chinese: no Chinese notice (a real one has 60% and up)
MIN_CODE_TOKENS = 20  # from this many tags or code tokens, a text of little Chinese is a page's source
MAX_SENTENCES = 10  # counted up to this many: only none, or fewer than a page's, matters
SAMPLE = 1_000_000  # characters measured at each end of a very long text
MAX_CJK_WITHOUT_SENTENCE = 300  # a text without one sentence longer than this is a table, kept


@dataclass(frozen=True)
class NoticeFacts:
    """What the clean text holds: Chinese characters, visible characters, and sentences and tags
    and code tokens (``<td …>``, ``{``, ``;``, ``var``, ``href="…"``), those two counted when first
    asked for: only a text of little Chinese needs them, to say what it is."""

    cjk: int
    visible: int
    measured: str = field(default="", repr=False, compare=False)  # the text sentences and code tokens are counted in

    @property
    def cjk_share(self) -> float:
        return self.cjk / self.visible if self.visible else 0.0

    @functools.cached_property
    def code(self) -> int:
        return sum(1 for _ in _CODE.finditer(self.measured))

    @functools.cached_property
    def sentences(self) -> int:
        """Sentences, up to :data:`MAX_SENTENCES` (a notice has one early: only none, or fewer than a
        page's, matters)."""
        return sum(1 for _, _ in zip(_SENTENCE.finditer(self.measured), range(MAX_SENTENCES), strict=False))

    @classmethod
    def of(cls, text: str) -> NoticeFacts:
        """Counted without a list of matches; a text over 2 million characters is measured on its
        first and last million (what it is shows there), so that a 100 MB text costs what a 2 MB one
        does."""
        text = text if len(text) <= 2 * SAMPLE else f"{text[:SAMPLE]}\n{text[-SAMPLE:]}"
        visible = len(text) - sum(text.count(ch) for ch in " \t\n\f\u3000")
        return cls(count_cjk(text), visible, text)

    def refusal(self) -> str | None:
        """Why this text is not a notice, with the figures; None when it is one."""
        if self.cjk == 0:
            return f"holds no Chinese text ({self.visible:,} other characters): not a notice (an error page?)"
        if self.cjk_share < MIN_CJK_SHARE:
            what = "a page's source saved as text?" if self.code >= MIN_CODE_TOKENS else "a page in another language?"
            return (f"is {self.cjk_share:.0%} Chinese ({self.cjk:,} of {self.visible:,} characters) and holds "
                    f"{self.code:,} tags or code tokens: not a notice ({what})")  # fmt: skip
        if self.cjk < MAX_CJK_WITHOUT_SENTENCE and self.sentences == 0:  # a longer text is kept: not counted
            what = "images only, or page chrome only?" if self.cjk_share >= 0.5 else "an error page, or page chrome?"
            return (f"holds {self.cjk} Chinese characters ({self.cjk_share:.0%} of {self.visible:,}) and no sentence: "
                    f"not a notice ({what})")  # fmt: skip
        return None


def count_cjk(text: str) -> int:
    """How many characters of ``text`` :data:`_CJK` matches, read from the high bytes of its UTF-16
    code units (one C pass over bytes, where a regex building the text less its Chinese took 15 times
    as long); a character outside the BMP is two surrogates, never counted, as the regex counts it."""
    high = text.encode("utf-16-be", "surrogatepass")[::2]
    n = len(high) - len(high.translate(None, _CJK_HIGH_BYTES))
    return n - len(_HEXAGRAMS.findall(text)) if n and b"\x4d" in high else n


def require_notice(text: str, page: Callable[[], str | None] | None = None) -> NoticeFacts:
    """The facts of ``text``; raises :class:`NotANotice` when they say it is no notice.

    ``page`` gives the whole visible text of the web page ``text`` was taken from: when the page
    holds sentences that its clean text lacks, the notice was missed by the page extraction, not
    absent, and the file is not refused for want of Chinese or of a sentence.
    """
    facts = NoticeFacts.of(text)
    why = facts.refusal()
    if why and (facts.cjk == 0 or facts.cjk_share >= MIN_CJK_SHARE) and page is not None:
        whole = page()
        if whole and NoticeFacts.of(whole).sentences > facts.sentences:
            return facts
    if why:
        raise NotANotice(why, facts.cjk, facts.visible)
    return facts


def page_text(html: str) -> str:
    """Every visible text of a web page (scripts and styles left out), for :func:`require_notice`."""
    import lxml.html
    from lxml.etree import ParserError

    try:
        root = lxml.html.document_fromstring(html)
    except (ParserError, ValueError):
        return ""
    for node in root.xpath("//script|//style|//noscript"):
        node.drop_tree()
    return root.text_content()

"""What changed between two versions of a regulation, article by article.

An amendment inserts an article and every later one takes a new number: comparing 第十四条 with
第十四条 would call the whole second half of the text amended. Articles are therefore matched by
their text, not their number: the same text is the same article (renumbered when its number
moved), a text mostly the same is that article amended, and what is left over was added or removed.
Each amended article carries a short before → after of what differs (``5–20万元`` → ``1–5%``).
A regulation whose articles Word numbered as a list has no 第N条 once extracted, only ``1.``, ``2.``, …:
its articles are read from that list, and the diff says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from dedupe.body import body_of
from dedupe.diff import char_diff
from normalize import comparison_key
from normalize.versions import cn_number

AMENDED_MIN = 0.5  # character-bigram Dice of two articles' texts from which one is the other amended
SNIPPET = 40  # characters of each side of a change shown
SHOWN = 3  # changes shown per amended article

_ARTICLE = re.compile(r"^[ \t　#]*第([一二三四五六七八九十百千零〇○\d]{1,7})条(?:之([一二三四五六七八九十]{1,3}))?[ \t　]*",
                      re.M)  # fmt: skip
# a chapter heading, and its name when extraction put it on a line of its own (第三章 / 职责与实施)
_HEADING = re.compile(
    r"^[ \t　#]*第[一二三四五六七八九十百零〇\d]{1,5}[章节编][^\n。；]{0,30}(?:\n[^\n。；，：]{1,15})?$|^[ \t　#]*附[ \t　]*则$",
    re.M,
)
# a chapter's name whose 第X章 extraction lost (Word numbered it): a short bare line closing an article
_LAST_NAME = re.compile(r"\n[\u4e00-\u9fff]{2,10}$")
# an article's or an item's number where the text cites it: renumbering changes it, an amendment does not
_NUMBERING = re.compile(r"第[一二三四五六七八九十百零〇\d]{1,7}[条款项章节]|[（(][一二三四五六七八九十\d]{1,3}[）)]")
_INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufeff]")
# a paragraph numbered by a list, as Word's automatic numbering of articles comes out of a .doc: 1. / 1、 / （一）
_LISTED = re.compile(r"^[ \t　#]*(?:(\d{1,3})([.．、])(?!\d)|[（(]([一二三四五六七八九十百]{1,5})[）)])[ \t　]*", re.M)
_CHAPTER = re.compile(r"^[ \t　#]*第[一二三四五六七八九十百零〇\d]{1,5}章", re.M)
MIN_LISTED = 5  # numbered paragraphs from which a list running across chapters is read as the articles
_NUMERAL = re.compile(r"^[\d一二三四五六七八九十百千零〇○两]+$")


@dataclass(frozen=True)
class Article:
    """An article: its number as written (``第十四条``, or ``14.`` in a list), its order in the text, and its text."""

    number: str
    order: int
    text: str
    listed: bool = False  # numbered by a list (``14.``), not by 第N条

    @property
    def key(self) -> str:
        return comparison_key(self.text)


@dataclass(frozen=True)
class Change:
    """One article's fate between two versions: ``amended``, ``renumbered``, ``added`` or ``removed``."""

    kind: str
    old: str | None  # the number in the older version
    new: str | None  # the number in the newer version
    edits: tuple[tuple[str, str], ...] = ()  # (before, after) snippets of an amended article
    similarity: float | None = None

    def describe(self) -> str:
        if self.kind == "added":
            return f"{self.new} added"
        if self.kind == "removed":
            return f"{self.old} removed"
        moved = f"{self.old} → {self.new}" if self.old != self.new else str(self.new)
        if self.kind == "renumbered":
            return f"{moved} renumbered"
        shown = "; ".join(f"{before or '∅'} → {after or '∅'}" for before, after in self.edits)
        return f"{moved} amended: {shown}"

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "old": self.old,
            "new": self.new,
            **({"edits": [list(e) for e in self.edits]} if self.edits else {}),
            **({"similarity": self.similarity} if self.similarity is not None else {}),
        }


@dataclass(frozen=True)
class ArticleDiff:
    """The article changes from an older to a newer version; ``unchanged`` counts the rest."""

    changes: tuple[Change, ...] = field(default=())
    unchanged: int = 0
    articles: tuple[int, int] = (0, 0)  # articles in the older and the newer version
    listed: tuple[bool, bool] = (False, False)  # whose articles were read from a list numbering them (1., 2., …)

    def of(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]

    def summary(self) -> str:
        counts = {k: len(self.of(k)) for k in ("amended", "added", "removed", "renumbered")}
        parts = [f"{n} {k}" for k, n in counts.items() if n]
        return f"{self.articles[0]} → {self.articles[1]} articles: {', '.join(parts) or 'no article changed'}" \
               f", {self.unchanged} unchanged{self._listed_note()}"  # fmt: skip

    def _listed_note(self) -> str:
        """Which version has no 第N条 and had its articles read from the list numbering its paragraphs."""
        which = {(True, False): "the older version's", (False, True): "the newer version's", (True, True): "both"}
        if self.listed not in which:
            return ""
        return f" ({which[self.listed]} articles read from the list numbering them, 1., 2., … as 第一条, 第二条, …: no 第N条)"

    def to_json(self) -> dict[str, Any]:
        return {
            "articles": list(self.articles),
            "unchanged": self.unchanged,
            "changes": [c.to_json() for c in self.changes],
            **({"numbered_by_list": list(self.listed)} if any(self.listed) else {}),
        }


def articles(text: str) -> list[Article]:
    """The articles of a text, from its first article on (chapter headings left out). A regulation
    without 第N条 whose articles a list numbers (Word's numbering, extracted as 1., 2., …) is read
    from that list, each article marked ``listed``."""
    body = body_of(text) or text
    starts = [(m, f"第{m.group(1)}条" + (f"之{m.group(2)}" if m.group(2) else "")) for m in _ARTICLE.finditer(body)]
    listed = not starts
    if listed:
        body, starts = text, _listed(text)
    out = []
    for k, (m, number) in enumerate(starts):
        end = starts[k + 1][0].start() if k + 1 < len(starts) else len(body)
        chunk = _LAST_NAME.sub("", _INVISIBLE.sub("", _HEADING.sub("", body[m.end() : end])).strip())
        out.append(Article(number, k, chunk, listed))
    return out


def _listed(text: str) -> list[tuple[re.Match[str], str]]:
    """The paragraphs of a list that numbers a regulation's articles, each with its number as a label
    (``14.``), or none. One style of number (1. / 1、 / （一）) whose every paragraph in the text runs
    1, 2, 3 … in order, at least MIN_LISTED of them, across a chapter heading: the items of an article
    start again in each article, and the numbered points of a notice start again under each of its
    headings and cross no 第X章."""
    styles: dict[str, list[re.Match[str]]] = {}
    for m in _LISTED.finditer(text):
        styles.setdefault("（）" if m.group(3) else "、" if m.group(2) == "、" else ".", []).append(m)
    chapters = [m.start() for m in _CHAPTER.finditer(text)]
    for style, found in styles.items():
        values = [_list_value(m) for m in found]
        if len(found) < MIN_LISTED or values != list(range(1, len(found) + 1)):
            continue
        if any(found[0].start() < c < found[-1].start() for c in chapters):
            return [(m, f"（{m.group(3)}）" if style == "（）" else f"{m.group(1)}{style}") for m in found]
    return []


def _list_value(m: re.Match[str]) -> int:
    if m.group(1):
        return int(m.group(1))
    try:
        return _hundreds(m.group(3)) if "百" in m.group(3) else cn_number(m.group(3))
    except ValueError:
        return 0


def _bigrams(key: str) -> set[str]:
    return {key[i : i + 2] for i in range(len(key) - 1)} or {key}


def _dice(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a or b else 1.0


def _edits(old: str, new: str) -> tuple[tuple[str, str], ...]:
    """The changed spots of an amended article, each as (before, after), at most SHOWN of them."""
    spots: list[list[str]] = []
    joined = True
    for tag, text in char_diff(" ".join(old.split("\n")), " ".join(new.split("\n"))):  # one line: a diff by character
        if tag == "equal":
            joined = len(text.strip()) < 2  # a one-character island joins two changes
            if not joined or not spots:
                continue
            spots[-1][0] += text
            spots[-1][1] += text
            continue
        if not spots or not joined:
            spots.append(["", ""])
            joined = True
        spots[-1][0 if tag == "delete" else 1] += text
    real = [(b, a) for b, a in spots if comparison_key(b) != comparison_key(a) and not _same_number(b, a)]
    worded = [(b, a) for b, a in real if not (_numeral(b) and _numeral(a))]
    # items renumbered (（六） → （七）) beside a worded change are the numbering's, not the amendment's
    return tuple((_cut(b), _cut(a)) for b, a in (worded or real)[:SHOWN])


def _numbered(text: str) -> str:
    """An article's key with the article and item numbers it cites made one: what an amendment changes."""
    return comparison_key(_NUMBERING.sub("第N条", text))


def _numeral(text: str) -> bool:
    text = "".join(text.split())
    return not text or bool(_NUMERAL.match(text))


def _same_number(before: str, after: str) -> bool:
    """``20`` and ``二十``: one number written two ways, not an amendment."""
    before, after = before.strip(), after.strip()
    if not (_NUMERAL.match(before) and _NUMERAL.match(after)):
        return False
    try:
        return (
            _hundreds(before) == _hundreds(after) if "百" in before + after else cn_number(before) == cn_number(after)
        )
    except ValueError:
        return False


def _cut(text: str) -> str:
    text = " ".join(_INVISIBLE.sub("", text).split())
    return text if len(text) <= SNIPPET else text[: SNIPPET - 1] + "…"


def article_diff(old_text: str, new_text: str) -> ArticleDiff:
    """Match the articles of two versions by text and say what became of each: the same text is
    the same article; then the most alike of the rest (bigram Dice ≥ AMENDED_MIN), an amendment;
    then an article rewritten in place (alone between the same matched neighbours on both sides)."""
    old, new = articles(old_text), articles(new_text)
    pairs = _same_text(old, new)
    rest_old = [a for a in old if a.order not in pairs]
    taken = {b.order for b in pairs.values()}
    pairs.update(_alike(rest_old, [b for b in new if b.order not in taken]))
    taken = {b.order for b in pairs.values()}
    pairs.update(_in_place(old, new, pairs, taken))
    changes: list[Change] = []
    unchanged = 0
    for a in old:
        b = pairs.get(a.order)
        if b is None:
            changes.append(Change("removed", a.number, None))
            continue
        edits = _edits(a.text, b.text) if _numbered(a.text) != _numbered(b.text) else ()
        if edits:
            similarity = round(_dice(_bigrams(a.key), _bigrams(b.key)), 3)
            changes.append(Change("amended", a.number, b.number, edits, similarity))
        elif _value(a.number) != _value(b.number):  # the same text, or only the numbers it cites moved
            changes.append(Change("renumbered", a.number, b.number))
        else:
            unchanged += 1
    taken = {b.order for b in pairs.values()}
    changes += [Change("added", None, b.number) for b in new if b.order not in taken]
    changes.sort(key=lambda c: (_value(c.new) if c.new else _value(c.old or "") - 0.5, c.kind))
    listed = (any(a.listed for a in old), any(b.listed for b in new))
    return ArticleDiff(tuple(changes), unchanged, (len(old), len(new)), listed)


def _same_text(old: list[Article], new: list[Article]) -> dict[int, Article]:
    """Old articles whose text the new version holds unchanged (the nearest such if several)."""
    free: dict[str, list[Article]] = {}
    for b in new:
        free.setdefault(b.key, []).append(b)
    pairs = {}
    for a in old:
        same = free.get(a.key)
        if same:
            b = min(same, key=lambda x: abs(x.order - a.order))
            same.remove(b)
            pairs[a.order] = b
    return pairs


def _alike(old: list[Article], new: list[Article]) -> dict[int, Article]:
    """The most alike old and new articles, best first, one to one, from AMENDED_MIN."""
    grams = {id(x): _bigrams(x.key) for x in (*old, *new)}
    scored = sorted(
        ((_dice(grams[id(a)], grams[id(b)]), -abs(a.order - b.order), a.order, b.order, a, b) for a in old for b in new),
        key=lambda s: s[:4],
        reverse=True,
    )  # fmt: skip
    pairs: dict[int, Article] = {}
    used: set[int] = set()
    for score, _, _, _, a, b in scored:
        if score < AMENDED_MIN:
            break
        if a.order not in pairs and b.order not in used:
            pairs[a.order] = b
            used.add(b.order)
    return pairs


def _in_place(old: list[Article], new: list[Article], pairs: dict[int, Article], taken: set[int]) -> dict[int, Article]:
    """An old and a new article left over alone between the same matched neighbours: one article
    rewritten in place (武汉's 第四十五条 of 2015 and 2022 share little wording but not their place)."""
    anchor_of_new = {b.order: a_order for a_order, b in pairs.items()}
    gaps_old: dict[int, list[Article]] = {}
    last = -1
    for a in old:
        if a.order in pairs:
            last = a.order
        else:
            gaps_old.setdefault(last, []).append(a)
    gaps_new: dict[int, list[Article]] = {}
    last = -1
    for b in new:
        if b.order in taken:
            last = anchor_of_new[b.order]
        else:
            gaps_new.setdefault(last, []).append(b)
    out = {}
    for gap, lost in gaps_old.items():
        found = gaps_new.get(gap, [])
        if len(lost) == 1 and len(found) == 1:
            out[lost[0].order] = found[0]
    return out


def _value(number: str | None) -> float:
    """``第十四条`` → 14, ``第十四条之一`` → 14.1, ``14.`` or ``（十四）`` of a list → 14: the place of an article."""
    listed = _LISTED.fullmatch(number or "")
    if listed:
        return float(_list_value(listed))
    m = re.match(r"第(.+?)条(?:之(.+))?$", number or "")
    if not m:
        return 0.0
    try:
        main = cn_number(m.group(1).replace("百", "")) if "百" not in m.group(1) else _hundreds(m.group(1))
        return main + (cn_number(m.group(2)) / 10 if m.group(2) else 0.0)
    except ValueError:
        return 0.0


def _hundreds(text: str) -> int:
    hundreds, _, rest = text.partition("百")
    rest = rest.lstrip("零〇○")
    return cn_number(hundreds or "一") * 100 + (cn_number(rest) if rest else 0)

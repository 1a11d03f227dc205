"""Articles read from a list: a regulation whose articles Word numbered (1., 2., … once extracted, no 第N条)
is compared article by article, and the numbered points of an ordinary notice are not taken for articles."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dedupe import read_document
from dedupe.articles import _LISTED, MIN_LISTED, article_diff, articles

DATA = Path(__file__).parent / "data"
SHENZHEN_2013 = DATA / "chains" / "2013_深圳经济特区文明行为促进条例.docx"
SHENZHEN_2020 = DATA / "chains" / "2020_深圳经济特区文明行为条例.doc"  # 第一章　总则, then 1. 为了… to 74.
NOTICES = [
    DATA / "mirror_text" / "河南_户籍改革意见.docx",  # （一） to （二十一）, under 一、二、…
    DATA / "web" / "广州_仲裁网上申请流程.html",  # the steps 1. to 8.
    DATA / "web" / "szpl_t20130723_94284_cut.html",  # （一） to （五）
]


def text_of(path: Path) -> str:
    return read_document(str(path)).text


def _renumbered_without(text: str, dropped: int) -> str:
    """The list-numbered text with its paragraph ``dropped.`` taken out and the later ones numbered one less."""
    lines = [line for line in text.split("\n") if not line.startswith(f"{dropped}. ")]
    shifted = (re.sub(r"^(\d+)\. ", lambda m: f"{int(m.group(1)) - (int(m.group(1)) > dropped)}. ", x) for x in lines)
    return "\n".join(shifted)


def test_the_articles_of_a_regulation_numbered_by_a_list_are_read_from_the_list() -> None:
    found = articles(text_of(SHENZHEN_2020))
    assert [a.number for a in found] == [f"{k}." for k in range(1, 75)]
    assert all(a.listed for a in found)
    assert found[0].text.startswith("为了加快推进城市文明建设")
    assert found[8].text.endswith("鼓励市民宣传文明行为规范，对不文明行为进行劝导。")  # 第二章 left out
    assert re.findall(r"^（(.+?)）", found[9].text, re.M) == list("一二三四五六七八九")  # its items, in it
    assert not any("第二章" in a.text for a in found)


@pytest.mark.parametrize("mark", ["、", "．"])
def test_a_list_numbered_with_another_mark_is_read_too(mark: str) -> None:
    text = re.sub(r"^(\d+)\. ", lambda m: f"{m.group(1)}{mark}", text_of(SHENZHEN_2020), flags=re.M)
    found = articles(text)
    assert len(found) == 74 and found[13].number == f"14{mark if mark == '、' else '.'}"


@pytest.mark.parametrize("path", NOTICES, ids=lambda p: p.name)
def test_the_numbered_points_of_a_notice_are_not_articles(path: Path) -> None:
    text = text_of(path)
    assert len(_LISTED.findall(text)) >= MIN_LISTED  # numbered paragraphs there are, but under no chapter heading
    assert articles(text) == []


def test_the_diff_from_a_version_with_articles_says_the_other_was_read_from_a_list() -> None:
    diff = article_diff(text_of(SHENZHEN_2013), text_of(SHENZHEN_2020))
    assert diff.articles == (50, 74) and diff.listed == (False, True)
    assert diff.summary().endswith(
        "(the newer version's articles read from the list numbering them, 1., 2., … as 第一条, 第二条, …: no 第N条)"
    )
    assert diff.to_json()["numbered_by_list"] == [False, True]
    first = diff.changes[0]
    assert (first.kind, first.old, first.new) == ("amended", "第一条", "1.")


def test_an_article_taken_out_of_a_list_renumbers_the_later_ones() -> None:
    old = text_of(SHENZHEN_2020)
    diff = article_diff(old, _renumbered_without(old, 5))
    assert diff.listed == (True, True) and diff.articles == (74, 73)
    assert [c.describe() for c in diff.changes[:3]] == ["5. removed", "6. → 5. renumbered", "7. → 6. renumbered"]
    assert len(diff.of("renumbered")) == 69 and diff.unchanged == 4 and diff.of("amended") == []


@pytest.mark.xfail(
    strict=True,
    reason="a list is read as articles only across chapter headings: a regulation without chapters whose articles "
    "a list numbers ((一) to (五) in 保护海底电缆规定 of 1973) is not told from a notice's numbered points",
)
def test_a_regulation_without_chapters_numbered_by_a_list_is_read_from_it() -> None:
    found = articles(text_of(DATA / "listnum" / "保护海底电缆规定(1973-05-30).md"))
    assert [a.number for a in found] == ["（一）", "（二）", "（三）", "（四）", "（五）"]

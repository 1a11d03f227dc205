"""Acceptance of the normalize stage on the five real seed notices."""

from __future__ import annotations

import itertools

import pytest

from dedupe.shingle import shingle_hashes64
from normalize import normalize
from tests.conftest import SEED_NAMES, seed_path


def lines(text: str) -> list[str]:
    return text.split("\n")


def test_pdf_seed_title_is_one_line(seeds):
    assert "威海市开展新市民乐业行动推进县域农民工市民化质量提升实施方案" in lines(seeds["002"].text)


def test_pdf_seed_paragraph_is_joined(seeds):
    paragraph = next(line for line in lines(seeds["002"].text) if line.startswith("为深入贯彻落实党的二十大精神"))
    assert paragraph.startswith("为深入贯彻落实党的二十大精神和中央、省、市经济工作会议、农村工作会议精神")
    assert paragraph.endswith("现制定如下实施方案：")


def test_pdf_seed_metadata_and_spacing(seeds):
    text = seeds["002"].text
    assert "威人社字〔2023〕13号" in lines(text)
    assert "2023年4月10日" in lines(text)
    assert "— 1 —" not in text
    assert "2023 年" not in text
    assert seeds["002"].meta.doc_number == "威人社字〔2023〕13号"
    assert seeds["002"].meta.date == "2023-04-10"


def test_pdf_seed_rejoins_across_page_break(seeds):
    assert "岗位推荐、职业指导" in seeds["002"].text


def test_web_seed(seeds):
    text = seeds["003"].text
    assert "（一）新市民转移就业质量提升行动" in lines(text)
    assert "主要目标：稳定全市县域农村转移就业人员规模30万左右。" in lines(text)
    assert "（责任单位：市人力资源社会保障局）" in text
    assert "发表评论" not in text
    assert not any(f"({ch}" in text for ch in "一二三四五责含分市")
    assert "(" not in text


def test_markdown_seed(seeds):
    text = seeds["004"].text
    assert "#" not in text
    assert "**" not in text
    assert lines(text)[0] == "济宁市农村劳动力就业创业支持行动实施方案"


def test_soft_wrapped_seed(seeds):
    text = seeds["000"].text
    assert "设施农业" in text
    assert "市农业农村局）" in text
    assert "市农业农村局)" not in text


def _jaccard(a: str, b: str) -> float:
    sa, sb = set(shingle_hashes64(a).tolist()), set(shingle_hashes64(b).tolist())
    return len(sa & sb) / len(sa | sb)


def test_seed_key_similarity(seeds):
    assert _jaccard(seeds["002"].key, seeds["003"].key) >= 0.97
    for a, b in itertools.combinations(SEED_NAMES, 2):
        if {a, b} != {"002", "003"}:
            assert _jaccard(seeds[a].key, seeds[b].key) <= 0.2, (a, b)


@pytest.mark.parametrize("short", sorted(SEED_NAMES))
def test_seeds_are_idempotent(seeds, short):
    once = seeds[short].text
    assert normalize(once).text == once


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le", "utf-16-be"])
def test_encodings_give_identical_output(seeds, encoding):
    data = seed_path("002").read_text(encoding="utf-8").encode(encoding)
    result = normalize(data)
    assert result.text == seeds["002"].text
    assert result.key == seeds["002"].key


def test_changes_are_recorded(seeds):
    steps = {c.step: c for c in seeds["002"].changes}
    assert steps["page-number"].count == 1
    assert "— 1 —" in steps["page-number"].examples
    assert steps["hard-wrap"].count > 50
    assert "web-boilerplate" in {c.step for c in seeds["003"].changes}
    assert "发表评论" in next(c for c in seeds["003"].changes if c.step == "web-boilerplate").examples

"""Invariants of normalization, checked on generated text (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from normalize import comparison_key, normalize

FRAGMENTS = [
    "关于印发",
    "实施方案的通知",
    "一、",
    "（一）",
    "1.",
    "第三条",
    "2023",
    " 年",
    "4月10日",
    "，",
    "。",
    "：",
    "；",
    "、",
    ",",
    ":",
    ";",
    "(",
    ")",
    "（",
    "）",
    "《",
    "》",
    "〔2023〕",
    "13号",
    "\n",
    "\n\n",
    " ",
    "　",
    "— 1 —",
    "发表评论",
    "## ",
    "**",
    "市人力资源社会保障局",
    "农村劳动力",
    "就业创业",
    "Open Data",
    "http://a.b/c?x=1",
    "①",
    "45—65周岁",
    "·",
    "～",
    "Ａ１",
    "⼀",
]
texts = st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=40).map("".join)


@given(texts)
@settings(max_examples=300, deadline=None)
def test_normalizing_twice_changes_nothing(text):
    once = normalize(text).text
    assert normalize(once).text == once


WIDTH = str.maketrans({"，": ",", "：": ":", "；": ";", "（": "(", "）": ")", "！": "!", "？": "?"})


@given(texts)
@settings(max_examples=300, deadline=None)
def test_key_ignores_punctuation_width_and_whitespace(text):
    key = comparison_key(normalize(text).text)
    assert comparison_key(text.translate(WIDTH)) == comparison_key(text)
    assert comparison_key(text.replace(" ", "").replace("\n", "")) == comparison_key(text)
    assert key == comparison_key(normalize(text.translate(WIDTH)).text)


@given(st.text(min_size=0, max_size=200))
@settings(max_examples=300, deadline=None)
def test_any_text_normalizes_without_error(text):
    result = normalize(text)
    assert "\r" not in result.text
    assert result.key == result.key.casefold()

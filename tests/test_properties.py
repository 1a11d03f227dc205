"""Invariants of normalization, checked on generated text (hypothesis)."""

from __future__ import annotations

import re

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from normalize import EmptyText, comparison_key, normalize
from normalize.artifacts import is_print_header

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
    once = _text_or_none(text)
    assume(once is not None)
    assert normalize(once).text == once


WIDTH = str.maketrans({"，": ",", "：": ":", "；": ";", "（": "(", "）": ")", "！": "!", "？": "?"})


@given(texts)
@example("http://a.b/c?x=1，http://a.b/c?x=1")
@example("关于印发http://a.b/c?x=1，http://a.b/c?x=1")
@settings(max_examples=300, deadline=None)
def test_key_ignores_punctuation_width_and_whitespace(text):
    clean = _text_or_none(text)
    assume(clean is not None)
    key = comparison_key(clean)
    assert comparison_key(text.translate(WIDTH)) == comparison_key(text)
    assert comparison_key(text.replace(" ", "").replace("\n", "")) == comparison_key(text)
    narrow = _text_or_none(text.translate(WIDTH))
    if narrow is None:
        # a full-width comma ends a URL; made half-width it is part of one: a line of links only, or a
        # title and its address, which a browser prints at the head of each page (is_print_header)
        lines = [line for line in text.translate(WIDTH).split("\n") if line.strip()]
        assert lines and all(
            re.fullmatch(r"(https?://\S+\s*)+", line.strip()) or is_print_header(line) for line in lines
        )
        return
    assert key == comparison_key(narrow)


@given(st.text(min_size=0, max_size=200))
@settings(max_examples=300, deadline=None)
def test_any_text_normalizes_without_error(text):
    """Any text is normalized, or refused as empty exactly when no comparable character is left."""
    try:
        result = normalize(text)
    except EmptyText:
        assert _keyless_after_cleaning(text)
        return
    assert result.key
    assert "\r" not in result.text
    assert result.key == result.key.casefold()


def _text_or_none(text: str) -> str | None:
    try:
        return normalize(text).text
    except EmptyText:
        return None


def _keyless_after_cleaning(text: str) -> bool:
    from normalize import clean_text

    return not comparison_key(clean_text(text))


def _mojibake_by_every_run(text: str) -> bool:
    """The plain definition: some run of 6+ Chinese characters re-encodes to UTF-8 text."""
    import re

    from normalize import any_utf8_run

    return any_utf8_run(re.findall(r"[\u4e00-\u9fff\ue000-\uf8ff]{6,}", text[:5000]))


def test_utf8_read_as_gbk_is_mojibake_and_the_seeds_are_not():
    from normalize import looks_mojibake
    from tests.conftest import SEED_NAMES, seed_path

    garbled = "关于印发".encode().decode("gb18030")  # 鍏充簬鍗板彂
    assert looks_mojibake(f"标题：{garbled}，质量提升")
    assert not looks_mojibake("标题：关于印发，质量提升")
    for name in SEED_NAMES:
        text = normalize(seed_path(name).read_bytes()).text
        assert not looks_mojibake(text)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(["关于印发", "鍏充簬", "鍗版", "实施方案的通知", "锛", "，", "\n", "a"]),
            st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=12),
        ),
        max_size=30,
    ).map("".join)
)
def test_mojibake_check_agrees_with_checking_every_run(text):
    from normalize import looks_mojibake

    assert looks_mojibake(text) == _mojibake_by_every_run(text)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(["中", "文", "，", "a", "Z", "7", "%", " ", "  ", "\t", "\n", "-", "𠀀", "é"]), max_size=40
    ).map("".join)
)
def test_space_removal_is_the_regex_definition(text):
    from normalize.spacing import _AROUND_CJK, _drop_cjk_spaces

    fixed, _, n = _drop_cjk_spaces(text)
    assert (fixed, n) == _AROUND_CJK.subn("", text)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(["中", "文", "a", ",", ":", "(", ")", "!", "?", ";", "\n", " ", "，"]), max_size=12).map(
        "".join
    )
)
def test_mixed_width_check_is_the_plain_definition(text):
    import re

    from normalize import _HALFWIDTH_IN_CJK

    plain = re.compile(r"[\u4e00-\u9fff][,:;()!?]|[,:;()!?][\u4e00-\u9fff]")
    assert bool(_HALFWIDTH_IN_CJK.search(text)) == bool(plain.search(text))


@settings(max_examples=600, deadline=None)
@given(
    st.lists(
        st.sampled_from(["甲乙丙丁", "戊己庚辛", "壬癸", "，", "、", "；", "。", "\n", "子丑寅卯辰巳"]), max_size=24
    ).map("".join)
)
@example("前甲乙丙丁戊己庚辛，甲乙丙丁戊己庚辛，后")  # the first copy starts inside a clause
@example("甲乙丙丁，戊己庚辛，甲乙丙丁，戊己庚辛，")  # a copy of two clauses
@example("甲乙丙丁戊己庚辛；甲乙丙丁戊己庚辛；")
@example("甲乙丙丁戊己庚辛。甲乙丙丁戊己庚辛。")  # sentences, not clauses: not flagged
def test_repeated_passage_finds_what_the_regex_finds(text):
    from dedupe.quality import _REPEAT, repeated_passage

    m = _REPEAT.search(text)
    assert repeated_passage(text) == (m.group(1) if m else None)


# text where NFKC matters: punctuation of every width, combining marks, compatibility and
# traditional characters, characters outside the BMP
KEY_FRAGMENTS = [*FRAGMENTS, "＝", "\u0338", "e\u0301", "①", "㈠", "²", "豈", "ｶﾞ", "…", "·", "・", "﹐", "︰",
                 "\u1100\u1161", "\U0001d400", "\U00020001", "看著", "乾隆", "發展", "「", "」", "‧", "〃", "\n"]  # fmt: skip


@given(st.lists(st.sampled_from(KEY_FRAGMENTS) | st.text(max_size=3), max_size=40).map("".join))
@settings(max_examples=500)
def test_key_equals_its_definition_when_nfkc_is_skipped(text):
    """The key skips NFKC on the lines it cannot change in a way the key keeps: it must equal
    NFKC of the whole text → traditional to simplified → punctuation and spaces removed → casefold."""
    import unicodedata

    from normalize.key import _NOT_WORD, t2s_converter

    convert = t2s_converter() or (lambda s: s)
    whole = unicodedata.normalize("NFKC", text)
    assert comparison_key(text) == _NOT_WORD.sub("", convert(whole)).casefold()


@given(st.lists(st.sampled_from(KEY_FRAGMENTS) | st.text(max_size=3), max_size=60).map("".join))
@settings(max_examples=300)
def test_a_long_text_is_keyed_piece_by_piece_as_a_whole(text):
    """Pieces are cut at line breaks, which no step of the key looks across."""
    import normalize.key as key_module

    whole = comparison_key(text)
    saved = key_module.CHUNK_CHARS
    key_module.CHUNK_CHARS = 4
    try:
        assert comparison_key(text) == whole
    finally:
        key_module.CHUNK_CHARS = saved

"""The faster forms of normalization's tests give what the plain forms gave, on real text.

Each fast form (a pre-filter, a count without a regex, a pattern written so that the regex engine
can skip ahead) is checked against the plain form it replaced, written out here.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalize import _HAN_RUN, _RUN_CHARS, _utf8_lead_chars, looks_mojibake
from normalize.artifacts import (
    PAGE_NUMBER,
    is_print_header,
    is_web_boilerplate,
    remove_page_artifacts,
    remove_web_boilerplate,
)
from normalize.changes import ChangeLog
from normalize.characters import count_private_use
from normalize.decode import decode
from normalize.furniture import (
    _BREADCRUMB,
    FURNITURE_MARK,
    NAV_WORDS,
    _covered,
    furniture_kind,
    may_be_furniture,
    window_kind,
)
from normalize.linescan import lines_holding, lines_matching
from normalize.markup import _MARKUP_CHARS as MARKUP_CHARS
from normalize.markup import _strip_line, strip_markup
from normalize.notice import _CODE, NoticeFacts, count_cjk
from normalize.punctuation import _HALFWIDTH as HALFWIDTH
from normalize.punctuation import _PROTECTED, _fix_once, _protected_mask, fix_line, fix_punctuation
from normalize.script import display_width
from normalize.spacing import _MAYBE_SPACED_YEAR, _join_spaced_years, _strip_lines, _stripped, fix_spacing
from normalize.versions import DATE_ANY
from normalize.wraps import modal_width

DATA = Path(__file__).parent / "data"
REAL = [
    DATA / "mirror_text" / "广东_居住证_打印页.txt",
    DATA / "mirror_text" / "广东_人口计生条例_打印页.txt",
    DATA / "mirror_text" / "哈尔滨_居住证_新闻.txt",
    DATA / "formats" / "page_named_aspx_厦门_2016.aspx",
    DATA / "06_城乡居民医保集中参保缴费通告.html",
]
# the case-blind alternation the furniture families were first screened with
PLAIN_MAYBE = re.compile(
    r"打印|关闭|收藏|返回|纠错|分享|推荐|评论|网摘|商城|保存|字[号体]|大中小|视力|护眼|背景色|复制|转发|邮件|扫一扫|手机|"
    r"更多|QQ|微博|人人网|微信|朋友圈|豆瓣|开心网|贴吧|原标题|ICP|公网安备|标识码|识别码|备案|分辨率|浏览|最佳|"
    r"copyright|©|\(c\)|rights|版权|声明|不代表|转载|镜像|窗体|阅读|点击|访问|关于|地图|联系|帮助|常见问题|意见|"
    r"导航|合作|广告|顾问|招聘|无障碍|首页|收藏|[【\[]",
    re.I,
)
PLAIN_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Latin words in every case, and the characters IGNORECASE folds onto Latin letters (İ ı ſ K)
CASES = ["QQ群", "qq", "Qq", "ICP备", "icp", "İCP", "ıcp", "iCp", "COPYRIGHT", "CopyRight ©", "(C) 2020", "(c)",
         "RIGHTS", "riGhts reserved", "ſ", "\u212a", "All Rights", "【打印】", "[关闭]", "abc", "(d)"]  # fmt: skip


@pytest.fixture(scope="module")
def real_lines() -> list[str]:
    lines: list[str] = []
    for path in REAL:
        lines += decode(path.read_bytes()).text.split("\n")
    assert len(lines) > 500
    return lines


def test_furniture_marks_screen_as_the_case_blind_alternation(real_lines: list[str]) -> None:
    hits = [line for line in real_lines if PLAIN_MAYBE.search(line)]
    assert len(hits) > 20  # print pages and web pages: furniture there is
    for line in real_lines + CASES:
        assert bool(FURNITURE_MARK.search(line)) == bool(PLAIN_MAYBE.search(line)), line


def test_a_line_without_the_marks_is_no_furniture_out_of_the_window(real_lines: list[str]) -> None:
    """The pre-filter of remove_web_boilerplate skips only lines furniture_kind gives None out of the window."""
    skipped = [line for line in real_lines if not may_be_furniture(line)]
    assert len(skipped) > 100
    assert all(furniture_kind(line, window=False) is None for line in skipped)
    assert any(furniture_kind(line, window=False) for line in real_lines if may_be_furniture(line))


def test_boilerplate_of_a_print_page_is_removed_as_it_was() -> None:
    """A printed page's lines, its furniture amid the body: the lines removed and the log are the
    ones each line judged alone gives (the pre-filter only skips lines no family takes)."""
    lines = decode((DATA / "mirror_text" / "广东_居住证_打印页.txt").read_bytes()).text.split("\n")
    log = ChangeLog()
    kept = remove_web_boilerplate(lines, log)
    assert len(kept) < len(lines) and log.changes()
    body = lines[len(lines) // 3 : 2 * len(lines) // 3]
    dropped = [line for line in body if line.strip() and furniture_kind(line, window=False)]
    assert all(line not in kept for line in dropped)


def test_chinese_characters_counted_as_the_regex_counts_them(real_lines: list[str]) -> None:
    edges = "".join(chr(c) for c in (0x33FF, 0x3400, 0x4DBF, 0x4DC0, 0x4DFF, 0x4E00, 0x9FFF, 0xA000))
    edges += "".join(chr(c) for c in (0xF8FF, 0xF900, 0xFAFF, 0xFB00, 0x20000, 0x2A6DF)) + "\ud800\udfff"
    for text in ["\n".join(real_lines), edges, edges * 3 + "通知", "", "abc", "\u4dc0" * 5 + "\u4d00"]:
        assert count_cjk(text) == len(PLAIN_CJK.findall(text)), text[:20]


def test_code_tokens_are_counted_when_asked_for() -> None:
    page = (DATA / "06_城乡居民医保集中参保缴费通告.html").read_text(encoding="utf-8")
    facts = NoticeFacts.of(page)
    assert facts.code == sum(1 for _ in _CODE.finditer(page)) > 100
    assert facts == NoticeFacts.of(page) and "measured" not in repr(facts)


# the year of a date as first written: its two kinds as alternatives, tried at every position
PLAIN_DATE_ANY = re.compile(
    r"(?P<y>\d(?: ?\d){3}|[〇○零ＯｏOo一二三四五六七八九十](?: ?[〇○零ＯｏOo一二三四五六七八九十]){3})\s*年\s*"
    r"(?P<m>\d{1,2}|[〇○零ＯｏOo一二三四五六七八九十]{1,3})\s*月\s*(?P<d>\d{1,2}|[〇○零ＯｏOo一二三四五六七八九十]{1,3})\s*[日曰号]"
)
DATES = ["二O一O年六月五日", "20 10年1月2日", "２０２３年１月１日", "2023年十二月三十一日", "1 2 3 4年5月6日",
         "市长戴相龙二〇〇七年十二月十七日北京市", "2023年1月1曰", "于12023年1月1日", "二〇二三年1月1日"]  # fmt: skip


def test_dates_found_where_they_were(real_lines: list[str]) -> None:
    text = "\n".join(real_lines + DATES)
    found = [(m.span(), m.groupdict()) for m in DATE_ANY.finditer(text)]
    assert len(found) > 20
    assert found == [(m.span(), m.groupdict()) for m in PLAIN_DATE_ANY.finditer(text)]
    for line in DATES:
        assert bool(DATE_ANY.match(line)) == bool(PLAIN_DATE_ANY.match(line)), line
        assert bool(DATE_ANY.fullmatch(line)) == bool(PLAIN_DATE_ANY.fullmatch(line)), line


def test_spaced_years_joined_and_others_left(real_lines: list[str]) -> None:
    log = ChangeLog()
    assert fix_spacing(["二○ 一一年三月", "20 10年", "颁布于2010年"], log) == [
        "二○一一年三月",
        "2010年",
        "颁布于2010年",
    ]
    assert [c.count for c in log.changes() if c.step == "year-spacing"] == [2]
    skipped = [line for line in real_lines if "年" in line and not _MAYBE_SPACED_YEAR.search(line)]
    assert len(skipped) > 10  # lines with years, none spaced: the join is not tried, and would change nothing
    assert all(_join_spaced_years(line, log) == line for line in skipped)
    assert [c.count for c in log.changes() if c.step == "year-spacing"] == [2]


def test_mojibake_runs_found_as_they_were(real_lines: list[str]) -> None:
    plain = re.compile(f"(?<![{_RUN_CHARS}])[{_utf8_lead_chars()}][{_RUN_CHARS}]{{5,}}")
    broken = "关于印发通知".encode().decode("gb18030")  # 鍏充簬鍗板彂閫氱煡
    for text in ["\n".join(real_lines), broken, "通知" + broken]:
        assert _HAN_RUN.findall(text) == plain.findall(text)
    assert looks_mojibake(broken)


def test_a_line_without_marks_judged_as_before(real_lines: list[str]) -> None:
    """Told that a line holds no furniture mark, the judges give what they give finding it out."""
    unmarked = [line for line in real_lines if not may_be_furniture(line)]
    assert any(is_web_boilerplate(line) or furniture_kind(line) for line in unmarked)  # 当前位置：, 来源：…
    for line in [*unmarked, "当前位置：首页", "上一篇：关于印发…的通知", "来源：市政府办公室"]:
        assert is_web_boilerplate(line, marked=False) == is_web_boilerplate(line), line
        assert furniture_kind(line, marked=False) == furniture_kind(line), line


def test_page_numbers_and_print_headers_found_as_before(real_lines: list[str]) -> None:
    """remove_page_artifacts tries its patterns only on lines opening as they must: the same lines go."""
    extra = ["— 3 —", "－2－", "第 3 页 共 10 页", "共10页第3页", "3/10", "Page 2 of 5", "=== PAGE 3 ===", "-PAGE 2-",
             "7 of 21 11/18/2015 03:25 PM", "2016/5/6 下午12:27", "www.gd.gov.cn/x", "² of 3", "PAGE \\* MERGEFORMAT 2"]  # fmt: skip
    lines = [line for line in [*real_lines, *extra] if line.strip() and "|" not in line]  # a cell's number aside
    gone = [line for line in lines if not remove_page_artifacts([line], ChangeLog())]
    assert len(gone) >= len(extra) - 1  # each but ² of 3
    assert gone == [line for line in lines if PAGE_NUMBER.match(line.strip()) or is_print_header(line)]


def test_punctuation_fixed_as_by_passes_until_nothing_changes(real_lines: list[str]) -> None:
    """fix_line stops when no half-width mark is left: the pass after it would change nothing."""

    def plain(line: str, log: ChangeLog) -> str:
        mask = _protected_mask(line)
        while (fixed := _fix_once(line, mask, log)) != line:
            line = fixed
        return line

    lines = [*real_lines, "关于,(印发)的通知", "（责任单位：市农业农村局)", "见http://a.b/c?x=1,y=2。", "9:30开始(1)"]
    for line in lines:
        log, plain_log = ChangeLog(), ChangeLog()
        assert fix_line(line, log) == plain(line, plain_log), line
        assert log.changes() == plain_log.changes(), line


def test_a_page_parsed_from_utf8_is_the_tree_of_its_text() -> None:
    from lxml import etree

    from normalize.web import _PARSER, parse

    for path in [*DATA.glob("*.html"), DATA / "formats" / "page_named_aspx_厦门_2016.aspx"]:
        page = decode(path.read_bytes()).text
        as_text = etree.fromstring(page, _PARSER)
        etree.strip_elements(as_text, "script", "style", "noscript", with_tail=False)
        assert etree.tostring(parse(page), encoding="unicode") == etree.tostring(as_text, encoding="unicode"), path
    assert parse("<p>关于\ud800印发</p>") is not None  # a lone surrogate: parsed from the text as it is


def test_a_page_given_with_its_utf8_bytes_is_read_as_its_text() -> None:
    """The page reader given a UTF-8 page's own bytes parses them, not its text encoded again: the
    same tree (an XML declaration in front, ``<?xml … encoding="gbk"?>``, is left out of both), and
    ``normalize`` the same result whether it hands them on or not."""
    from lxml import etree

    import normalize as package
    from normalize import normalize
    from normalize.web import parse

    pages = [path.read_bytes() for path in sorted(DATA.glob("*.html"))]
    assert len(pages) >= 3
    declared = '<?xml version="1.0" encoding="gbk"?>\n<html><body><p>关于印发通知的通知，各单位：</p></body></html>'
    for data in [*pages, declared.encode("utf-8")]:
        page = decode(data).text
        assert etree.tostring(parse(page, data), encoding="unicode") == etree.tostring(parse(page), encoding="unicode")
    given: list[bytes | None] = []
    reader = package.extract_main_text

    def text_only(page: str, log: ChangeLog | None = None, utf8: bytes | None = None) -> str:
        given.append(utf8)
        return reader(page, log)

    for data in pages:
        fast = normalize(data)
        package.extract_main_text = text_only
        try:
            plain = normalize(data)
        finally:
            package.extract_main_text = reader
        assert given.pop() is data  # the bytes were handed on
        assert (fast.text, fast.key, fast.changes) == (plain.text, plain.key, plain.changes)


def test_private_use_counted_as_the_regex_counts_it(real_lines: list[str]) -> None:
    edges = "".join(chr(c) for c in (0xDFFF - 0x2000, 0xE000, 0xE001, 0xF8FF, 0xF900, 0xFFFF, 0xF0000, 0x10FFFD))
    for text in ["\n".join(real_lines), edges, edges * 2 + "\ud800", ""]:
        assert count_private_use(text) == len(re.findall("[\ue000-\uf8ff]", text))


def test_a_text_without_markup_characters_is_cleaned_as_before() -> None:
    """clean_text skips strip_markup on a text holding no markup character: what it gives and logs
    is what the two passes over its lines gave (they found nothing to do)."""
    from normalize import clean_text
    from normalize.markup import may_hold_markup, strip_markup

    text = decode((DATA / "mirror_text" / "广东_居住证_打印页.txt").read_bytes()).text
    plain = "\n".join(line for line in text.split("\n") if not may_hold_markup(line))
    assert not may_hold_markup(plain) and len(plain) > 1000
    lines = plain.split("\n")
    assert strip_markup(lines, ChangeLog()) == lines
    log = ChangeLog()
    assert clean_text(plain, log=log) and not any(c.step.startswith("markdown") for c in log.changes())


def test_key_keeps_the_word_characters_the_substitution_kept(real_lines: list[str]) -> None:
    from normalize.key import _NOT_WORD, _WORDS

    for text in ["\n".join(real_lines), "a_b__c 1２３ Ｆｕｌｌ é́ (一)、二。", "___", "", "　\u200b\ufeff"]:
        assert "".join(_WORDS.findall(text)) == _NOT_WORD.sub("", text), text[:20]


def test_items_told_as_the_pattern_tells_them(real_lines: list[str]) -> None:
    from normalize.patterns import ITEM_START, starts_item

    items = ["一、总则", "（一）", "(1)", "1.", "12、", "①", "⒛", "第三条", "——", "附件", "附：", "２．", "百、", "x1."]
    for line in [*real_lines, *items, *(line.strip() for line in real_lines)]:
        assert starts_item(line) == (ITEM_START.match(line) is not None), line


def test_one_scan_finds_what_the_three_after_nfc_find() -> None:
    """fix_characters returns early when _ANY_AFTER_NFC finds nothing: it must find every character
    the noncharacter, private-use and mapping steps would (the whole BMP and a few beyond)."""
    from normalize.characters import _ANY_AFTER_NFC, _ANY_MAPPED, _NONCHARACTERS, _PUA

    for cp in [*range(0xD800), *range(0xE000, 0x10000), 0x1F600, 0xF0000, 0x2F800]:
        ch = chr(cp)
        each = bool(_NONCHARACTERS.search(ch) or _PUA.search(ch) or _ANY_MAPPED.search(ch))
        assert bool(_ANY_AFTER_NFC.search(ch)) == each, hex(cp)


def test_a_text_without_page_artifacts_is_told_by_one_scan(real_lines: list[str]) -> None:
    """remove_page_artifacts returns the lines as they are when one scan of the text finds no line it
    could take: the scan finds each line the patterns take (a cell, an address or a form feed aside,
    told by a character)."""
    from normalize.artifacts import _may_hold_page_artifacts

    extra = ["— 3 —", "－2－", "第 3 页 共 10 页", "共10页第3页", "3/10", "Page 2 of 5", "=== PAGE 3 ===", "-PAGE 2-",
             "7 of 21 11/18/2015 03:25 PM", "2016/5/6 下午12:27", "  第3页　", "\tPAGE \\* MERGEFORMAT 2"]  # fmt: skip
    lines = [line for line in [*real_lines, *extra] if not any(c in line for c in ("|", "http", "www.", "\f"))]
    for line in lines:
        gone = bool(PAGE_NUMBER.match(line.strip())) or is_print_header(line)
        assert _may_hold_page_artifacts(["关于印发的通知", line, "各单位："]) == gone, line
    assert not _may_hold_page_artifacts([line for line in lines if line not in extra])


def test_a_text_without_field_rows_is_told_by_one_scan(real_lines: list[str]) -> None:
    """remove_database_fields returns the lines as they are when no line opens with a label: one scan
    of the text finds every line that the row reader reads as fields."""
    from normalize.fields import _LABEL_LINE, _pairs

    rows = ["分类名称政府法制公布机关银川市人民政府效力状况有效", "公布日期\t2010-11-03\t施行日期\t2010-12-01",
            "| 索引号： | 000014349/2016-00120 | 发文机关： | 国务院 |", " ｜ 名　　称：关于印发的通知", "标 题：x"]  # fmt: skip
    read = [line for line in [*real_lines, *rows] if _pairs(line) is not None]
    assert len(read) >= len(rows)
    for line in read:
        assert _LABEL_LINE.search(f"\n关于印发的通知\n{line}\n各单位："), line


def test_word_characters_picked_by_the_table_are_the_regex_s(real_lines: list[str]) -> None:
    import numpy  # noqa: F401  (loaded: the table picks them)

    from normalize.key import _WORDS, word_characters

    bmp = "".join(map(chr, range(0x10000)))  # surrogates too
    cased = ["关于" * 200 + c for c in ("ǅ", "ß", "İ", "Ａ", "Σ", "ﬁ", "A", "1")]
    for text in [
        "\n".join(real_lines),
        bmp,
        bmp[::-1],
        "关于" * 200 + "\U00020000",
        "a_b_ ＡＢ１" * 100,
        "短_",
        *cased,
    ]:
        words = "".join(_WORDS.findall(text))
        assert word_characters(text) == words, text[:20]
        assert word_characters(text, casefold=True) == words.casefold(), text[-20:]


def test_control_characters_found_among_the_ascii_ones(real_lines: list[str]) -> None:
    """fix_characters and the decoder's check look for control characters among a text's ASCII
    characters alone: they find and count what the regex finds in the whole text."""
    from normalize.characters import _CONTROLS, count_controls, has_controls

    texts = [
        "\n".join(real_lines),
        "".join(map(chr, range(0x10000))),
        "关于\x00通知\x7f",
        "\ud800\x1f",
        "é\x0b",
        "",
        "\t\n\f",
    ]
    for text in texts:
        assert has_controls(text) == (_CONTROLS.search(text) is not None), repr(text[:9])
        assert count_controls(text) == len(_CONTROLS.findall(text)), repr(text[:9])


def test_t2s_leaves_alone_only_texts_opencc_leaves_alone(real_lines: list[str]) -> None:
    """The conversion skips a text without a character it changes and without a phrase it changes:
    OpenCC gives back every such text as it is (each character alone, each phrase in a sentence)."""
    from opencc import OpenCC

    from normalize.key import t2s_converter
    from normalize.t2s_table import PHRASES

    plain, convert = OpenCC("t2s").convert, t2s_converter()
    assert convert is not None
    phrases = [f"前{p}后" for listed in PHRASES.values() for p in listed]
    chars = [chr(c) for c in [*range(0x2E80, 0xD800), *range(0xE000, 0x10000), 0x20000, 0x2F800]]
    for text in ["\n".join(real_lines), *real_lines, *phrases, *chars, "沈阳市", "覆盖", "破坏", "反覆", "苏醒"]:
        assert convert(text) == plain(text), text


def test_the_t2s_table_is_what_the_dictionaries_say() -> None:
    from normalize import t2s_make, t2s_table

    version, pairs = t2s_make.read_dictionaries()
    assert version == t2s_table.OPENCC_VERSION, "run python -m normalize.t2s_make"
    changed, phrases = t2s_make.made(pairs)
    assert "".join(changed) == "".join(t2s_table.CHANGED)
    assert phrases == t2s_table.PHRASES


def test_dates_of_a_bare_clause_found_where_finditer_finds_them(real_lines: list[str]) -> None:
    """version_facts tries a date only four characters before each 年 of its head, which holds no
    whitespace: the same dates as trying at every position."""
    from normalize.versions import _bare_dates

    dates = [
        "二○一○年七月二十六日",
        "2019年8月29日",
        "二O一O年六月五日",
        "1997年10月1日",
        "20 10年5月6日",
        "２０１０年",
    ]
    for text in ["".join("\n".join(real_lines).split()), "".join("、".join(dates).split()), "年年2019年1月1日年"]:
        for clause in text.split("根据"):
            assert [m.span() for m in _bare_dates(clause)] == [m.span() for m in DATE_ANY.finditer(clause)]


def test_runs_read_as_utf8_together_as_one_by_one(real_lines: list[str]) -> None:
    """any_utf8_run encodes and decodes the runs together: it finds a run of UTF-8 read as GBK where
    decoding each run on its own finds one, among real runs and broken ones (cut at each byte)."""
    from normalize import _any_utf8_run_each, any_utf8_run

    runs = _HAN_RUN.findall("\n".join(real_lines))
    garbled = "关于印发质量提升行动方案的通知".encode().decode("gb18030", errors="replace")
    broken = [garbled[:k] for k in range(len(garbled) + 1)] + [garbled[k:] for k in range(len(garbled))]
    assert len(runs) > 100 and any(_any_utf8_run_each([b]) for b in broken)
    for batch in [runs, *([*runs[:50], b] for b in broken), *([b, *runs[:5]] for b in broken), [], ["a\nb"]]:
        assert any_utf8_run(batch) == _any_utf8_run_each(batch), batch[-3:]


def test_sentences_are_counted_only_when_the_refusal_needs_them(real_lines: list[str]) -> None:
    """A text of 300 Chinese characters or more is kept whatever its sentences: they are counted
    only when asked for, and then as before (up to ten)."""
    from normalize.notice import _SENTENCE, MAX_SENTENCES

    text = "\n".join(real_lines)
    facts = NoticeFacts.of(text)
    assert facts.refusal() is None and "sentences" not in facts.__dict__
    assert facts.sentences == min(MAX_SENTENCES, len(_SENTENCE.findall(text))) == MAX_SENTENCES
    short = NoticeFacts.of("关于印发工作方案的通知\n附件")
    assert "no sentence" in (short.refusal() or "") and short.sentences == 0


def test_suffixes_found_as_the_regex_finds_them(real_lines: list[str]) -> None:
    """TITLE_SUFFIX and ORG_SUFFIX look at the last character first: the same matches as the regex,
    a line break at the end (which ``$`` stands before) included."""
    from normalize.patterns import ORG_SUFFIX, TITLE_SUFFIX

    extra = ["关于印发方案的通知\n", "通知\n\n", "", "\n", "局", "市人民政府办公厅\n", "法", "x法\n", "通知 "]
    for suffix in (TITLE_SUFFIX, ORG_SUFFIX):
        for line in [*real_lines, *(line.strip() for line in real_lines), *extra]:
            found, plain = suffix.search(line), suffix.regex.search(line)
            assert (found and found.span()) == (plain and plain.span()), line


def test_an_end_pattern_of_other_than_plain_words_is_refused() -> None:
    """EndPattern reads each word's last character from the pattern's text: a class, a group or an
    escape there (whose last character is not the last one matched) is refused, not misread."""
    from normalize.patterns import EndPattern

    assert EndPattern("(?:通知|法)$").last_chars == "法知"
    for pattern in (
        "(?:通知|[法令])$",
        "(?:通知|(?:公告))$",
        "(?:通知|办法\\s*)$",
        "(?:通知|法)",
        "通知$",
        "(?:通知||法)$",
    ):
        with pytest.raises(ValueError, match="plain words"):
            EndPattern(pattern)


def test_a_line_ending_in_a_date_is_told_as_the_regex_tells_it(real_lines: list[str]) -> None:
    """A list page's dated entries are counted by a look at a line's last character before the
    regex: on real lines and made-up ones (a bracket, a blank or a line break after the date, a
    full-width digit, an empty line) it says what ``_LISTED`` alone says."""
    from normalize.web import _listed, parse
    from normalize.webheading import _LISTED
    from normalize.webtree import walk

    lines = list(real_lines)
    for path in sorted((DATA / "web").glob("*.htm*")):
        lines += [line.text for line in walk(parse(decode(path.read_bytes()).text)).lines]
    made = [
        "通知 2024-03-05",
        "通知（2024-3-5）",
        "通知 [2024/03/05] ",
        "通知 2024.03.05\n",
        "通知 ２０２４-０３-０５",
        "",
    ]
    made += ["通知 2024-03-05 附件", "通知 2024-03", "2024-03-05】", "2024-03-05\u3000"]
    assert sum(bool(_LISTED.search(line[-20:])) for line in lines) >= 6
    for line in [*lines, *made]:
        assert _listed(line) == bool(_LISTED.search(line[-20:])), line


def test_the_whole_line_patterns_in_one_match_as_each_alone(real_lines: list[str]) -> None:
    """A link, a bare view count, a related list's label, a breadcrumb (60 characters at most) and
    page chrome (16 at most) are tried in one match: it tells a line furniture where one of the
    five patterns alone, within its length, does, on real lines and made-up ones (a breadcrumb too
    long that is a labelled link too, chrome too long)."""
    from normalize.weblines import _BARE_COUNT, _BREADCRUMB, _CHROME, _RELATED, _URL_LINE, _WHOLE_LINE, _WITHIN

    made = ["https://www.gz.gov.cn/xxgk/", "网址：www.gz.gov.cn", "1,234 次", "次", "【相关链接】：", "相关文件下载"]
    made += ["更多 ", "www.gz.gov.cn 首页", "https://a.b/c 。", "浏览 123 次", "相关政策解读稿", ""]
    made += ["当前位置：首页 > 政务公开", "当前位置：" + "政务公开 > " * 10, "首页 > 通知", "首页>" + "公告" * 40]
    made += ["当前位置：www.gz.gov.cn/" + "a" * 80, "微信扫一扫", "【二维码】", "扫描二维码" + "关注" * 8, "联系我们"]
    lines = [line.strip() for line in [*real_lines, *made]]
    assert sum(bool(_BREADCRUMB.match(line)) for line in lines) >= 4
    for line in lines:
        n = len(line)
        alone = any(p.match(line) for p in (_URL_LINE, _BARE_COUNT, _RELATED))
        alone = alone or (n <= 60 and bool(_BREADCRUMB.match(line))) or (n <= 16 and bool(_CHROME.match(line)))
        m = _WHOLE_LINE.match(line)
        assert (m is not None and (m.lastgroup is None or n <= _WITHIN[m.lastgroup])) == alone, line


def test_lines_found_in_one_scan_are_the_lines_each_search_finds(real_lines: list[str]) -> None:
    """lines_holding and lines_matching give the lines a search of each line finds (None when a line
    holds a line break, which the callers then search one by one)."""
    for chars in (",:;!?()", "#*_>[!<=+-", "：", "局 "):
        plain = re.compile("[" + re.escape(chars) + "]")
        expect = [i for i, line in enumerate(real_lines) if plain.search(line)]
        assert expect, chars
        assert lines_holding(chars, real_lines) == expect
        assert lines_matching(plain, real_lines) == expect
    assert lines_holding(",", ["a,b", "c\nd"]) is None
    assert lines_matching(re.compile(","), ["a,b", "c\nd"]) is None


def test_steps_of_a_few_lines_change_what_the_line_by_line_forms_changed(real_lines: list[str]) -> None:
    """strip_markup, fix_punctuation and the stripping of fix_spacing look only at the lines one scan
    finds: the same lines and the same changes as looking at each."""
    made = [
        "## 第一章 总则",
        "**关于,(印发)的通知**",
        "> 引文",
        "威海市教育局 威海市公安局",
        "  各区人民政府：",
        "",
        "甲 乙",
    ]
    stripped = [s for line in real_lines if (s := line.strip())]
    for lines in (real_lines + made, stripped + [s for line in made if (s := line.strip())]):
        log, plain_log = ChangeLog(), ChangeLog()
        plain = [_strip_line(line, plain_log) if MARKUP_CHARS.search(line) else line for line in lines]
        assert strip_markup(lines, log) == plain
        assert log.changes() == plain_log.changes()
        log, plain_log = ChangeLog(), ChangeLog()
        plain = [fix_line(line, plain_log) if HALFWIDTH.search(line) else line for line in lines]
        assert fix_punctuation(lines, log) == plain
        assert log.changes() == plain_log.changes()
        log, plain_log = ChangeLog(), ChangeLog()
        assert _strip_lines(lines, log) == "\n".join(_stripped(lines, range(len(lines)), plain_log))
        assert log.changes() == plain_log.changes()


def test_a_line_with_a_sentence_mark_is_no_navigation_whatever_its_words(real_lines: list[str]) -> None:
    """window_kind counts navigation words only in a line without ，。；: every family they make needs it."""

    def navigation(s: str) -> bool:
        nav, share = _covered(s, NAV_WORDS)
        items = re.split(r"\s+|[|｜]", s) if nav else []
        return bool(
            ((nav >= 2 and share >= 0.6) or (nav >= 4 and len(s) <= 100))
            or (nav and len(items) >= 3 and all(0 < len(item) <= 8 for item in items))
        )

    lines = [*real_lines, "首页 政务公开 通知公告", "首页 | 政务公开 | 通知公告，新闻中心", "首页 政务公开 通知公告。"]
    assert any(navigation(line.strip()) for line in lines if "，" not in line)
    assert navigation("首页 | 政务公开 | 通知公告，新闻中心")  # its words alone would make it navigation
    for line in lines:
        s = line.strip()
        if s and re.search("[，。；]", s):
            assert navigation(s) is False or window_kind(s, s) != "web-navigation" or _BREADCRUMB.search(s), s


def test_protected_spans_masked_as_the_pattern_masks_them(real_lines: list[str]) -> None:
    """A line holding no @, :// or www. has no protected span: its mask is told without the pattern."""
    for line in [*real_lines, "见http://a.b/c?x=1,y=2。", "邮箱a.b@c.gov.cn,电话", "www.gd.gov.cn,x"]:
        plain = [False] * len(line)
        for m in _PROTECTED.finditer(line):
            plain[m.start() : m.end()] = [True] * (m.end() - m.start())
        assert _protected_mask(line) == plain, line


def test_the_modal_width_is_the_most_frequent_then_the_widest(real_lines: list[str]) -> None:
    """modal_width picks the width as max(counts, key=(count, width)) did."""

    def plain(lines: list[str]) -> int | None:
        widths = [w for line in lines if (w := display_width(line)) >= 30]
        if len(widths) < 5:
            return None
        counts = Counter(widths)
        best = max(counts, key=lambda w: (counts[w], w))
        return best if sum(counts[v] for v in range(best - 2, best + 3)) >= max(5, 0.3 * len(widths)) else None

    samples = [real_lines, [line.strip() for line in real_lines if line.strip()]]
    samples += [["一" * 20, "二" * 20, "三" * 21, "四" * 21, "五" * 15, "六" * 16, "七" * 16]]
    samples += [real_lines[k : k + 40] for k in range(0, len(real_lines), 40)]
    assert any(plain(lines) is not None for lines in samples)
    for lines in samples:
        assert modal_width(lines) == plain(lines)


def test_a_head_line_as_a_title_is_what_every_step_made_of_it(real_lines: list[str]) -> None:
    """_as_title returns a line without 号, 《, 年, a cell or a bullet stripped, without the steps."""
    from normalize.meta import (
        _BULLET,
        _BULLETS,
        _EDGE_NUMBER,
        _NUMBER_BRACKETS,
        _as_title,
        _cut_tail_number,
        _one_cell,
        _strip_glued_head,
    )

    def plain(line: str) -> str:
        line = _one_cell(line)
        line = _BULLET.sub("", line).strip() if line[:1] in _BULLETS else line.strip()
        if "号" in line and len(line) <= 140 and not _NUMBER_BRACKETS.isdisjoint(line):
            stripped = _cut_tail_number(_EDGE_NUMBER.sub("", line)).strip()
            line = stripped if len(stripped) >= 6 else line
        if line.startswith("《") and line.endswith("》") and line.count("《") == 1:
            line = line[1:-1]
        return _strip_glued_head(line)

    made = ["", " ", "■ 关于印发方案的通知", "| 关于印发方案的通知 | |", "《某市条例》", " 关于开展工作的通知 "]
    for line in [*real_lines, *made]:
        assert _as_title(line) == plain(line), line


def test_an_unmarked_line_of_the_window_judged_as_the_two_rules_judge_it(real_lines: list[str]) -> None:
    """remove_web_boilerplate judges an unmarked line without ``|`` in one call: what
    is_web_boilerplate, then furniture_kind, made of it."""
    from normalize.artifacts import _unmarked_kind

    made = [
        "当前位置：首页 > 政务公开",
        "上一篇：关于印发…的通知",
        "来源：市政府办公室",
        "首页 政务公开 通知公告",
        "  责任编辑：张三  ",
    ]
    lines = [line for line in [*real_lines, *made] if line.strip() and "|" not in line and not may_be_furniture(line)]
    kinds = [_unmarked_kind(line.strip()) for line in lines]
    assert {"web-boilerplate", "web-navigation", "news-furniture"} <= set(kinds)
    for line, kind in zip(lines, kinds, strict=True):
        plain = "web-boilerplate" if is_web_boilerplate(line, marked=False) else furniture_kind(line, marked=False)
        assert kind == plain, line


def test_a_mark_opening_at_a_rarer_character_matches_where_the_word_does() -> None:
    """Each mark written to open at a rarer character (关/闭) is found where the whole word is, and not
    where only a part of it is (闭, 关 alone): the same lines as the plain alternation."""
    from normalize.furniture import _MAYBE_WORDS

    words = [w.replace("/", "") for w in _MAYBE_WORDS.split() if "/" in w]
    assert len(words) >= 20
    for word in words:
        for line in (f"甲{word}乙", word, f"甲{word[1:]}乙", f"甲{word[:-1]}乙", word[-1] + word[:-1]):
            assert bool(FURNITURE_MARK.search(line)) == bool(PLAIN_MAYBE.search(line)), line
        assert FURNITURE_MARK.search(f"甲{word}乙")


def test_a_line_with_a_sentence_mark_is_no_toolbar(real_lines: list[str]) -> None:
    """furniture_kind skips the toolbar's words in a line longer than 12 holding ，。；: no toolbar word
    or separator is one of them, so the words never cover such a line."""
    from normalize.furniture import TOOLBAR_WORDS

    made = ["【打印】【关闭】，【收藏】【分享】", "打印，关闭；收藏。分享到：微信", "评论，12"]
    lines = [s for line in [*real_lines, *made] if (s := line.strip()) and re.search("[，。；]", s)]
    assert any(may_be_furniture(s) for s in lines)
    for s in lines:
        if len(s) > 12:
            assert _covered(s, TOOLBAR_WORDS)[1] < 1.0, s
    assert furniture_kind("【打印】【关闭】【收藏】【分享】") == "web-toolbar"
    assert furniture_kind("【打印】【关闭】，【收藏】【分享】") != "web-toolbar"


def test_footer_patterns_opening_with_a_literal_find_what_the_plain_ones_found(real_lines: list[str]) -> None:
    """The browser advice, font widget, view counter and disclaimer patterns, written so that each
    alternative opens with a literal, find the lines their plain forms found."""
    from normalize.furniture import _BROWSER, _COUNTER, _DISCLAIMER, _DISCLAIMER_START, _FONT_WIDGET

    plain = {
        "browser": re.compile(
            r"(?:建议|推荐|请)(?:您)?(?:使用|采用).{0,24}(?:分辨率|浏览器|IE\s*\d)|(?:分辨率|浏览器).{0,20}(?:浏览|最佳|以上)"
            r"|最佳(?:浏览|显示)效果"
        ),
        "font": re.compile(
            r"[【\[]\s*(?:字[体号](?:大小)?\s*[:：]?\s*)?大\s*中\s*小\s*[】\]]"
            r"|字[体号](?:大小)?\s*[:：]?\s*[【\[]?\s*大\s*[】\]]?\s*[【\[]?\s*中\s*[】\]]?\s*[【\[]?\s*小"
        ),
        "counter": re.compile(
            r"(?:浏览|阅读|点击|访问)(?:次数|量|数|率)\s*[:：]?|(?:浏览|阅读|点击)\s*[:：]\s*\d+\s*次?"
        ),
        "disclaimer": re.compile(
            r"^(?:免责)?声明\s*[:：]|不代表本(?:网|站|报|刊|平台|公众号)|转载请注明|"
            r"(?:本网|本站|网站|本报|本刊|本平台|本文).{0,30}(?:未经|非经|不得(?:非法)?(?:转载|镜像))"
        ),
    }
    fast = {
        "browser": _BROWSER.search,
        "font": _FONT_WIDGET.search,
        "counter": _COUNTER.search,
        "disclaimer": lambda s: _DISCLAIMER_START.match(s) or _DISCLAIMER.search(s),
    }
    made = ["声明：本网", "免责声明：x", " 声明：", "本网站所载内容未经许可不得转载", "网站内容未经许可不得镜像", "建议您使用IE 8浏览",
            "请使用1024分辨率", "推荐采用Chrome浏览器", "浏览器最佳", "最佳显示效果", "【 字体：大 中 小 】", "[大中小]",
            "字号：【大】【中】【小】", "浏览次数：12", "点击：12次", "访问量", "不代表本网观点", "转载请注明出处", "本文未经授权"]  # fmt: skip
    for name, pattern in plain.items():
        found = [line for line in [*real_lines, *made] if pattern.search(line)]
        assert len([line for line in made if pattern.search(line)]) >= 3, name
        assert found == [line for line in [*real_lines, *made] if fast[name](line)], name


def test_a_key_told_unchangeable_in_one_scan_is_the_key_of_both_steps(real_lines: list[str]) -> None:
    """comparison_key skips NFKC and the t2s conversion for a text holding none of the characters
    either looks for: the same key as running both."""
    from normalize.key import _changeable, _t2s, comparison_key, nfkc, word_characters

    convert = _t2s()
    if convert is None or _changeable() is None:
        pytest.skip("OpenCC or its table is not there")
    texts = [
        "\n".join(real_lines),
        *real_lines[:300],
        "關於印發的通知",
        "ＡＢＣ２０２３年",
        "干部",
        "乾隆",
        "于是",
        "é",
    ]
    assert any(_changeable().search(text) for text in texts) and not all(_changeable().search(t) for t in texts)
    for text in texts:
        assert comparison_key(text) == word_characters(convert(nfkc(text)), casefold=True), text


# characters NFKC maps alone (full-width forms, ｶ → カ) or leaves, often; now and then one it joins
# with a neighbour or makes several of: a combining mark, a Hangul vowel or final, a half-width
# voiced mark (ｶﾞ → ガ), ①, a surrogate, a character beyond the BMP
_ALONE = "eAＡｅ가\u1100ｶカ（，：\u00a0\u3000\n关于"
_JOINING = "\u0301\u0327\u1161\u11a8ﾞﾟ\u3099ﬁ①Ⅱ℃㍿…\ud800\U0001d15e"


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(list(_ALONE * 40 + _JOINING)), min_size=60, max_size=120).map("".join))
def test_nfkc_by_the_table_is_the_standard_library_s(text: str) -> None:
    import numpy  # noqa: F401  (loaded: the table is used)

    from normalize.key import nfkc_whole

    assert nfkc_whole(text) == unicodedata.normalize("NFKC", text)


def test_each_character_the_nfkc_table_maps_is_mapped_as_nfkc_maps_it_alone(real_lines: list[str]) -> None:
    import numpy

    from normalize.key import _JOINS, _nfkc_alone, nfkc_whole

    table = _nfkc_alone(numpy)
    kept = [cp for cp in range(0x10000) if table[cp] != _JOINS]
    assert all(unicodedata.normalize("NFKC", chr(cp)) == chr(table[cp]) for cp in kept)
    assert len(kept) > 60_000 and table[ord("，")] == ord(",") and table[ord("关")] == ord("关")
    assert all(table[ord(c)] == _JOINS for c in "\u0301\u1161\u11a8ﾞ\u3099Ⅱ…\ud800")  # each joins, or is several
    for text in ["\n".join(real_lines), "关于，" * 30 + "ｶﾞ", "关于，" * 30 + "\U00020000", "短，"]:
        assert nfkc_whole(text) == unicodedata.normalize("NFKC", text), text[-4:]


def test_no_two_characters_the_nfkc_table_maps_compose() -> None:
    """Every pair that composes (each two-character canonical decomposition, and Hangul's) is
    given to the standard library: one of its characters is not in the table."""
    import numpy  # noqa: F401

    from normalize.key import nfkc_whole

    pairs = [("\u1100", "\u1161"), ("가", "\u11a8")]
    for cp in range(0x110000):
        parts = unicodedata.decomposition(chr(cp)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            pairs.append((chr(int(parts[0], 16)), chr(int(parts[1], 16))))
    assert len(pairs) > 900
    for first, second in pairs:
        text = "关于，" * 30 + first + second
        assert nfkc_whole(text) == unicodedata.normalize("NFKC", text), f"U+{ord(first):04X} U+{ord(second):04X}"

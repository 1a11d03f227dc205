"""A dedupe run does each piece of work once per notice (and per pair): counted on real notices."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dedupe.document
import dedupe.files
import dedupe.shingle
import dedupe.verify
from dedupe import Document
from dedupe.body import _LATIN_FIRST, _MAY_NOT_BE, body_of, furniture, lines_not_the_notice, not_the_notice
from dedupe.files import read_document, read_documents
from dedupe.verify import measure, shared_passage_chars
from dedupe.veto import _diff_text
from normalize import comparison_key, normalize
from normalize.key import t2s_converter
from tests.helpers import calls

DATA = Path(__file__).parent / "data"
LAW = DATA / "election" / "中华人民共和国精神卫生法.txt"
PRINT_OUT = DATA / "election" / "精神卫生法_print-out.txt"
NOTICE = DATA / "b3_生育津贴直接发放个人.md"  # no article, no furniture line
REGULATION = DATA / "once" / "科学技术档案工作条例(1980-12-27).md"  # articles; one line dropped (参考资料)
PRINTED = DATA / "once" / "国发2014-35号_print.txt"  # no article; a print-out's 【打印】【关闭】

# The furniture as one alternation, as it was written before it was split in three: the lines it
# finds are the lines the three find.
_ONE_PATTERN = re.compile(
    r"当前位置|您的位置|现在的位置|打印本页|打印此页|关闭窗口|【打印】|【关闭】|(?:增大|减小|默认|调整)字号|字号[:：]?\s*[［\[]?\s*大\s*中\s*小"
    r"|发表评论|我要评论|浏览次数|阅读次数|点击数|访问量|ICP备|公网安备|版权所有|copyright|all rights reserved"
    r"|网站标识码|分辨率|本文不代表|本网站观点|免责声明|原标题|分享到|QQ空间|新浪微博|微信扫一扫|本词条|参考资料"
    r"|^https?://|^\d+\s*of\s*\d+$|^第\s*\d+\s*页\s*共\s*\d+\s*页$",
    re.I,
)


def _read(path: Path) -> Document:
    doc = read_document(str(path))
    assert isinstance(doc, Document)
    return doc


def _body_chars_apart(doc: Document) -> int:
    """The body measure as made before: the head and the dropped lines keyed apart."""
    body = body_of(doc.text)
    head = doc.text[: len(doc.text) - len(body)] if body is not None else ""
    dropped = "\n".join(line for line in (body or doc.text).split("\n") if not_the_notice(line))
    return len(doc.key) - len(comparison_key(head)) - len(comparison_key(dropped))


def test_the_body_measure_keys_the_head_and_dropped_lines_in_one_call(monkeypatch):
    law, printed, plain = _read(REGULATION), _read(PRINTED), _read(NOTICE)
    assert body_of(law.text) is not None and any(map(not_the_notice, body_of(law.text).split("\n")))
    assert body_of(printed.text) is None and any(map(furniture, printed.text.split("\n")))
    assert body_of(plain.text) is None and not any(map(not_the_notice, plain.text.split("\n")))
    expected = [_body_chars_apart(doc) for doc in (law, printed, plain)]
    keyed = calls(monkeypatch, dedupe.document, "comparison_key")
    assert law.body_chars == expected[0] < len(law.key) and len(keyed) == 1  # its head and a dropped line together
    assert printed.body_chars == expected[1] < len(printed.key) and len(keyed) == 2  # its 【打印】【关闭】
    assert plain.body_chars == expected[2] == len(plain.key) and len(keyed) == 2  # nothing left out: no key to make


def test_the_body_measure_is_what_keying_the_parts_apart_gives():
    for path in (LAW, PRINT_OUT, NOTICE, REGULATION, PRINTED, *sorted(DATA.glob("*制定地方性法规条例*.md"))):
        doc = _read(path)
        assert doc.body_chars == _body_chars_apart(doc)


def test_a_fingerprint_hashes_the_key_once_for_its_shingles_and_their_order(monkeypatch):
    doc = _read(LAW)  # its fingerprint made in the reading, then its n-gram hashes dropped
    in_document = calls(monkeypatch, dedupe.document, "positional_hashes64")
    in_shingle = calls(monkeypatch, dedupe.shingle, "positional_hashes64")
    shingles, positional = doc.fingerprint.shingles, doc.fingerprint.positional
    assert len(in_document) + len(in_shingle) == 1
    assert shingles.tolist() == sorted(set(positional.tolist()))
    assert shingles.tolist() == dedupe.shingle.shingle_hashes64(doc.key, doc.config.ngram).tolist()


def test_measuring_a_pair_reads_no_key_once_the_hashes_are_made(monkeypatch):
    a, b = _read(LAW), _read(PRINT_OUT)
    before = measure(a, b)
    reads = calls(monkeypatch, Document, "key")
    assert measure(a, b) == before and before.shared_passage_chars > 1000
    assert not reads


def test_the_furniture_lines_are_those_of_the_single_pattern():
    lines = [
        "当前位置：首页 > 政策法规",
        "【打印】【关闭】",
        "字号：[大 中 小]",
        "粤ICP备05070829号",
        "粤icp备05070829号",
        "Copyright © 2016 广州市人民政府",
        "COPYRİGHT 2016",  # a dotted capital I is a case-blind i
        "All Rights Reserved",
        "分享到：QQ空间 新浪微博 微信",
        "qq空间",
        "https://www.gz.gov.cn/zwgk/",
        "HTTP://WWW.GZ.GOV.CN/",
        "3 of 12",
        "第 2 页 共 5 页",
        "见 https://www.gz.gov.cn/ 公布的名单",
        "第一条 为了发展精神卫生事业，规范精神卫生服务，维护精神障碍患者的合法权益，制定本法。",
    ]
    for path in sorted(DATA.rglob("*")):
        if path.is_file() and path.suffix in (".txt", ".md", ".html", ".htm") and path.stat().st_size < 100_000:
            lines += path.read_text(encoding="utf-8", errors="replace").split("\n")
    found = [line for line in lines if furniture(line)]
    assert len(found) >= 15
    assert found == [line for line in lines if len(line) < 200 and _ONE_PATTERN.search(line)]


def test_the_latin_words_first_characters_are_every_one_a_case_blind_match_takes():
    first = re.compile("[icaq]", re.I)
    takes = {chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF and first.match(chr(c))}
    assert takes == {chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF and _LATIN_FIRST.match(chr(c))}


def test_a_pair_whose_every_shingle_of_the_first_is_shared_looks_up_no_n_gram(monkeypatch):
    law = _read(LAW)
    lines = law.text.split("\n")
    excerpt = Document("excerpt", "excerpt.txt", normalize("\n".join(lines[10:40])))
    edited = Document("edited", "edited.txt", normalize("\n".join(lines[10:40]).replace("精神", "心理")))
    expected = [shared_passage_chars(d.key, law.fingerprint.shingles, d.config) for d in (excerpt, edited)]
    lookups = calls(monkeypatch, dedupe.verify, "in_sorted_filtered")
    assert measure(excerpt, law).shared_passage_chars == expected[0] == len(excerpt.key) and not lookups
    assert measure(edited, law).shared_passage_chars == expected[1] < len(edited.key) and len(lookups) == 1


def _real_texts() -> list[str]:
    return [
        path.read_text(encoding="utf-8", errors="replace")
        for path in sorted(DATA.rglob("*"))
        if path.is_file() and path.suffix in (".txt", ".md", ".html", ".htm") and path.stat().st_size < 100_000
    ]


# lines of furniture, exports and translations, and the characters around them
_PIECES = ["\n", " ", "|", "第", "页", "共", "2", "٣", "of", "Title", "http://", "ICP备", "qq空间", "COPYRİGHT", "ıcp备",
           "ſ", "K", "当前位置", "字号：大 中 小", "字号", "大", "中", "小", "参考资料", "条", "规定", "x" * 20, "本法。",
           "第 2 页 共 5 页", "3 of 12", "| Title |"]  # fmt: skip
_TRICKY = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)


@settings(max_examples=500, deadline=None)
@given(_TRICKY)
def test_the_lines_not_the_notice_are_those_told_line_by_line(text):
    assert lines_not_the_notice(text) == [line for line in text.split("\n") if not_the_notice(line)]


def test_the_lines_not_the_notice_of_real_texts_are_those_told_line_by_line():
    texts = _real_texts()
    told = [lines_not_the_notice(text) for text in texts]
    assert told == [[line for line in text.split("\n") if not_the_notice(line)] for text in texts]
    assert sum(map(bool, told)) >= 10  # texts with such lines, besides those with none


def test_every_letter_a_case_blind_latin_rule_takes_is_one_the_gate_looks_for():
    latin = re.compile("[a-z]", re.I)
    takes = {chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF and latin.match(chr(c))}
    assert takes <= {chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF and _MAY_NOT_BE.match(chr(c))}


# line breaks and other whitespace, marks that compose, compatibility forms, traditional phrases
_AROUND_LINES = (
    "\n\r\u2028\u2029\x85\x1c\x0b\x0c \u3000\u00a0\u0301\u1100\u1161\u11a8가é（Ａ１ﬁ㍿①發展國際後臺灣乾隆頭髮\tİ"
)


def _diff_lines(text: str) -> str:
    """What the edit count compared, as it was made: line by line."""
    convert = t2s_converter()

    def one(line: str) -> str:
        line = unicodedata.normalize("NFKC", line)
        return "".join((convert(line) if convert else line).split()).casefold()

    return "\n".join(one(line) for line in text.split("\n"))


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=_AROUND_LINES, max_size=40))
def test_the_text_the_edit_count_compares_is_what_each_line_gives(text):
    assert _diff_text(text) == _diff_lines(text)


def test_the_real_texts_the_edit_count_compares_are_what_each_line_gives():
    texts = _real_texts()
    assert len(texts) >= 20
    assert [_diff_text(text) for text in texts] == [_diff_lines(text) for text in texts]


def _copies_folder(tmp_path: Path, times: int) -> list[str]:
    """Real notices, each saved ``times`` times under other names (and one as a web page's name and
    a plain text's), besides notices saved once."""
    sources = [LAW, PRINT_OUT, NOTICE, REGULATION, PRINTED, *sorted(DATA.glob("*制定地方性法规条例*.md"))]
    paths = []
    for k in range(times):
        for n, source in enumerate(sources):
            path = tmp_path / f"{k:02d}_{n:02d}{source.suffix}"
            path.write_bytes(source.read_bytes())
            paths.append(str(path))
    page = (DATA / "06_城乡居民医保集中参保缴费通告.html").read_bytes()
    for name in ("page.html", "page_saved_as.txt", "page_again.html"):
        (tmp_path / name).write_bytes(page)
        paths.append(str(tmp_path / name))
    return paths


def _fields(doc: object) -> object:
    if not isinstance(doc, Document):
        return doc
    n = doc.normalized
    return (doc.id, doc.path, doc.order, doc.sha256, doc.size, doc.names_repeal, n.text, n.key, n.meta, n.changes,
            n.encoding, n.was_html, doc.fingerprint.signature.tolist(), doc.fingerprint.passages.tolist())  # fmt: skip


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_file_with_the_bytes_of_one_read_before_is_that_notice_not_read_again(tmp_path, monkeypatch, jobs):
    paths = _copies_folder(tmp_path, times=12)
    apart = [read_document(p, i) for i, p in enumerate(paths)]  # each file on its own
    normalized = calls(monkeypatch, dedupe.files, "normalize_named")
    read = read_documents(paths, jobs)
    assert [_fields(d) for d in read] == [_fields(d) for d in apart]
    docs = [d for d in read if isinstance(d, Document)]
    first: dict[tuple[str, bool], Document] = {}
    shared = 0
    for doc in docs:
        earlier = first.setdefault((doc.sha256, doc.path.endswith(".html")), doc)
        shared += earlier is not doc and earlier.normalized is doc.normalized
    copies = len(docs) - len(first)
    assert copies == 11 * 9 + 1  # the page saved as .txt is read as a text: a notice of its own
    if jobs == 1:
        assert shared == copies and len(normalized) == len(first)
    else:  # a worker's copy of what this process read (or reads meanwhile) is read again, the others not
        assert shared >= copies // 2


def test_a_reader_gives_a_copy_of_what_it_read_in_the_batch_and_reads_it_for_another_batch(tmp_path):
    from dedupe.config import DedupeConfig
    from dedupe.files import Copy, _read_chunk
    from normalize import NormalizeConfig

    paths = _copies_folder(tmp_path, times=2)
    tasks = [(p, i, NormalizeConfig(), DedupeConfig(), None, 10**8) for i, p in enumerate(paths)]
    half = 9  # the first save of each of the nine notices
    first, second = _read_chunk(tasks[:half], 1001), _read_chunk(tasks[half:], 1001)  # as a worker does
    assert not any(isinstance(r, Copy) for r in first)
    copied = [r for r in second if isinstance(r, Copy)]
    assert [c.path for c in copied] == [*paths[half : half + 9], paths[-1]]  # the sources again, the page again
    assert [c.order for c in copied] == [*range(half, half + 9), len(paths) - 1]
    again = _read_chunk(tasks[half:], 1002)  # another batch: read anew, but the page saved again
    assert [r.path for r in again if isinstance(r, Copy)] == [paths[-1]]


@pytest.mark.parametrize("ignored", [False, True])
def test_a_pair_of_the_same_key_is_measured_on_one_set_as_on_both(tmp_path, ignored):
    """A notice saved as UTF-8 and as GBK: two files, one key. The pair's measure is what comparing
    both shingle sets gives, and the second's set is not made."""
    text = NOTICE.read_text(encoding="utf-8")
    (tmp_path / "utf8.md").write_bytes(text.encode("utf-8"))
    (tmp_path / "gbk.md").write_bytes(text.encode("gb18030"))
    a, b, apart = (_read(tmp_path / name) for name in ("utf8.md", "gbk.md", "gbk.md"))
    assert a.id != b.id and a.key == b.key
    ignore = a.fingerprint.shingles[::7].copy() if ignored else None
    apart.fingerprint.__dict__["digest"] = b"\0" * 16  # told apart by its digest: both sets compared
    assert measure(a, b, ignore) == measure(a, apart, ignore)
    assert "shingles" not in b.fingerprint.__dict__ and "shingles" in apart.fingerprint.__dict__
    assert measure(a, b, ignore).jaccard == 1.0


def test_a_copy_of_a_notice_not_given_is_read_instead(tmp_path):
    from dedupe.copies import Copies, Copy, read_as
    from normalize import NormalizeConfig

    path = _copies_folder(tmp_path, times=1)[0]
    copies = Copies()
    try:
        stray = Copy(path, 3, read_as("0" * 64, path, NormalizeConfig()))
        assert copies.given(stray, NormalizeConfig(), lambda: "read again") == "read again"
    finally:
        copies.close()

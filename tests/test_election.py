"""Canonical election on real text: the copy an archivist would keep, and a reason that names
what decided (dedupe/elect.py)."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from dedupe import Document, find_duplicates, read_document
from dedupe.elect import elect
from dedupe.quality import quality_flags
from normalize import normalize
from tests.conftest import seed_path

FORMATS = Path(__file__).resolve().parent / "data" / "formats"


def read(path: Path, order: int = 0) -> Document:
    doc = read_document(str(path), order)
    assert isinstance(doc, Document), doc
    return doc


def text_doc(name: str, text: str, order: int) -> Document:
    return Document(name, name, normalize(text), order)


def weihai() -> str:
    """Seed 002's clean text: the Weihai notice as its PDF gives it."""
    return normalize(seed_path("002").read_bytes()).text


@pytest.mark.parametrize("city", ["三明_2020", "锦州_2019"])
def test_the_published_text_beats_a_research_export_ingested_first(city):
    """The export (a metadata table, the whole text again in English) was ingested first and is
    far longer; the published Word file is the notice."""
    published = FORMATS / f"published_{city}.docx"
    if not published.exists():
        published = FORMATS / f"published_{city}.doc"
        if not shutil.which("antiword"):
            pytest.skip("antiword (Debian package)")
    exported, published_doc = read(FORMATS / f"exported_{city}.docx", 0), read(published, 1)
    result = find_duplicates([exported, published_doc])
    (cluster,) = result.clusters
    assert cluster.canonical.path == published_doc.path, cluster.reason
    assert "research export" in cluster.reason or "official title" in cluster.reason


def test_boilerplate_is_not_completeness():
    """A repost carrying a site's furniture is longer, not more complete: the first copy stays."""
    clean = weihai()
    furniture = "\n".join(
        [
            "您的当前位置：首页 > 政务公开 > 通知公告",
            "【打印本页】【关闭窗口】",
            "【增大字号】【减小字号】【默认字号】【发表评论】",
            "时间：2023-04-10 [ 大 中 小 ] 浏览次数：1234",
            "版权所有：威海市人力资源和社会保障局 鲁ICP备05012345号 鲁公网安备 37100202000123号",
            "建议使用1024×768分辨率浏览本网站，IE8.0以上浏览器",
            "声明：本文不代表本网站观点，如有侵权请联系删除，分享到：QQ空间 新浪微博 微信",
        ]
        * 4
    )
    first = text_doc("clean", clean, 0)
    noisy = text_doc("noisy", f"{clean}\n{furniture}", 1)
    canonical, reason = elect([first, noisy])
    assert canonical is first, reason
    assert abs(first.body_chars - noisy.body_chars) <= 0.03 * first.body_chars


def test_paragraphs_beat_a_text_flattened_into_one_line():
    lines = weihai().split("\n")
    text, flat = "\n".join(lines), "\n".join([*lines[:3], "".join(lines[3:])])  # the head kept, the rest one line
    flattened, paragraphs = text_doc("flat", flat, 0), text_doc("paragraphs", text, 1)
    assert max(len(line) for line in flattened.text.split("\n")) > 1000
    canonical, reason = elect([flattened, paragraphs])
    assert canonical is paragraphs
    assert "flattened into one line" in reason


def test_the_official_title_beats_a_headline():
    """A news site's copy is titled by its headline (its ``<h1>``); the same text under its
    official title is the one to keep."""
    official = text_doc("official", weihai(), 1)
    news = official.normalized
    news = dataclasses.replace(news, meta=dataclasses.replace(news.meta, title="威海九部门联手 新市民乐业有保障"))
    headline = Document("headline", "headline", news, 0)
    canonical, reason = elect([headline, official])
    assert canonical is official
    assert "official title" in reason and "a headline" in reason


def test_a_clean_decode_beats_a_repaired_one():
    text = weihai()
    garbled = text.encode("utf-8").decode("latin-1").encode("utf-8")  # UTF-8 read as latin-1, saved again
    repaired = Document("repaired", "repaired", normalize(garbled), 0)
    assert any(c.step == "mojibake-repaired" for c in repaired.normalized.changes)
    clean = text_doc("clean", text, 1)
    canonical, reason = elect([repaired, clean])
    assert canonical is clean
    assert "cleaner decode" in reason


def test_a_truncated_canonical_is_never_called_most_complete():
    text = weihai()
    lines = text.split("\n")
    cut = "\n".join(lines[: len(lines) // 2])
    first, whole = text_doc("cut", cut, 0), text_doc("whole", text, 1)
    canonical, reason = elect([first, whole])
    assert canonical is whole and reason.startswith("most complete")
    # two copies that both stop mid-sentence: the better one is kept, and not called complete
    tail = "\n各区市人力资源和社会保障部门要加强组织领导，认真抓好贯彻落实，确保各项"
    a, b = text_doc("cut-a", cut + tail, 0), text_doc("cut-b", cut + tail + "工作", 1)
    canonical, reason = elect([a, b])
    assert "truncated" in quality_flags(canonical, [a, b])
    assert reason.startswith("every member stops mid-sentence"), reason


def test_a_copy_cut_mid_sentence_loses_to_a_shorter_whole_one():
    text = weihai()
    cut_line = text.rstrip() + "\n各区市人力资源和社会保障部门要加强组织领导，认真抓好贯彻落实，确保各项工作"
    longer_but_cut, whole = text_doc("cut", cut_line, 0), text_doc("whole", text, 1)
    canonical, reason = elect([longer_but_cut, whole])
    assert canonical is whole
    assert "stops mid-sentence" in reason
    assert "truncated" in quality_flags(longer_but_cut, [longer_but_cut, whole])


def test_a_clean_text_copy_beats_a_browser_print_out_of_the_law():
    """A real pair from an archive: the mental-health law printed from a web page to PDF (its
    URL, date-time and 第N页 共M页 on every page, 民 come out as the radical ⺠) and a clean text
    copy. The print-out was ingested first; the clean copy is kept."""
    folder = Path(__file__).resolve().parent / "data" / "election"
    printout = read(folder / "精神卫生法_print-out.txt", 0)
    clean = read(folder / "中华人民共和国精神卫生法.txt", 1)
    steps = {c.step for c in printout.normalized.changes}
    assert {"print-header", "kangxi-radicals"} <= steps
    result = find_duplicates([printout, clean])
    (cluster,) = result.clusters
    assert cluster.canonical.path == clean.path, cluster.reason
    assert "browser print-out" in cluster.reason

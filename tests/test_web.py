"""Real Guangzhou government pages: main content, navigation removed, captures match pages."""

from __future__ import annotations

import pytest

from dedupe import Document, find_duplicates, read_document
from normalize import normalize
from tests.conftest import DATA

NOTICE = DATA / "06_城乡居民医保集中参保缴费通告.html"
PAGE = DATA / "09_生育津贴直接发放个人_2025.html"
CAPTURE = DATA / "b3_生育津贴直接发放个人.md"
OTHER = DATA / "07_异地就医备案_穗好办.html"


@pytest.fixture(scope="module")
def notice():
    return normalize(NOTICE.read_bytes())


def test_page_title_comes_first(notice):
    assert notice.text.split("\n")[0] == (
        "广州市医疗保险服务中心关于开展2026年度广州市城乡居民基本医疗保险集中参保缴费工作的通告"
    )
    assert notice.was_html


def test_navigation_and_link_lists_are_gone(notice):
    assert "市委组织部" not in notice.text
    # the link list sits outside the element that holds the notice: left out with the page around it
    assert "web-around-notice" in {c.step for c in notice.changes}
    assert notice.text.split("\n")[-1] == "2025年10月14日"
    assert notice.meta.date == "2025-10-14"


def test_markdown_capture_drops_site_furniture():
    result = normalize(CAPTURE.read_bytes())
    assert result.text.startswith("本月起，这笔钱直接发放至个人！\n")
    for furniture in ("用户登录", "搜索热词", "当前位置", "相关新闻", "分享到"):
        assert furniture not in result.text
    assert "capture-navigation" in {c.step for c in result.changes}


def test_capture_matches_its_web_page_and_not_another_page():
    docs = [read_document(str(p), i) for i, p in enumerate((PAGE, CAPTURE, OTHER))]
    assert all(isinstance(d, Document) for d in docs)
    result = find_duplicates(docs)  # type: ignore[arg-type]
    groups = sorted(sorted(m.path for m in c.members) for c in result.clusters)
    assert groups == sorted([sorted([str(PAGE), str(CAPTURE)]), [str(OTHER)]])


def test_a_page_is_read_without_a_date_search(monkeypatch):
    """htmldate's date search hands strings to dateparser, which tries every locale (seconds on
    some pages); the page's dates come from its text by the notice's own rules instead."""
    import htmldate
    import trafilatura.metadata

    def no_search(*args, **kwargs):
        raise AssertionError("htmldate's date search was called")

    monkeypatch.setattr(htmldate, "find_date", no_search)
    monkeypatch.setattr(trafilatura.metadata, "find_date", no_search)
    result = normalize(NOTICE.read_bytes())
    assert result.meta.date == "2025-10-14"
    assert result.text.startswith("广州市医疗保险服务中心关于开展2026年度")

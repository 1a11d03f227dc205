"""Real Guangzhou government pages: main content, navigation removed, captures match pages."""

from __future__ import annotations

import subprocess
import sys

import pytest

from dedupe import Document, find_duplicates, read_document
from normalize import NotANotice, normalize
from tests.conftest import DATA, ROOT

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


def test_a_page_is_read_without_trafilatura_or_a_date_search():
    """htmldate's date search hands strings to dateparser, which tries every locale (seconds on
    some pages), and trafilatura's extraction took 20 ms a page: the page reader needs neither,
    and the page's dates come from its text by the notice's own rules."""
    code = (
        "import sys; from normalize import normalize; "
        f"r = normalize(open({str(NOTICE)!r}, 'rb').read()); "
        "print(r.meta.date, sorted(m for m in ('trafilatura', 'htmldate', 'dateparser') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.split() == ["2025-10-14", "[]"]


# -- pages as a person reads them (tests/data/web/: real pages, two cut short to stay small) ------------------------
WEB = DATA / "web"
SZPL = WEB / "szpl_t20130807_94955.htm"  # a planning bureau's page: the whole notice in one table cell
SZPL_TABLE = WEB / "szpl_t20130723_94284_cut.html"  # a notice in a cell, then its fee table (cut after 60 KB)
GOVCN = WEB / "govcn_国发2016-40号.htm"  # a metadata table (索引号…), the title over two centred lines
BEIJING = WEB / "首都之窗_经济适用住房管理办法.html"  # 首都之窗: a script's text was the first line
GUANGZHOU = WEB / "广州_仲裁网上申请流程.html"  # posting info, font-size bar, view counter, downloads list
HUIZHOU = WEB / "惠州_press.html"  # a news page: its URL and 更新日期 above the article
# the notice is six images: the text is the title and a date
IMAGES = DATA / "not_notice" / "chrome_only_中山_2014.html"
LISTING = WEB / "广州_仲裁服务指南_list.html"  # a channel page: titles of notices with their dates
SOURCE = WEB / "github_source_view_cut.htm"  # a code host's view of a page's HTML source (cut short)
SITE_NAMES = ("深圳市规划和国土资源委员会", "首都之窗", "北京市政务门户网站", "政府信息公开专栏")


def lines_of(path):
    return normalize(path.read_bytes()).text.split("\n")


def test_a_notice_in_one_table_cell_reads_as_paragraphs():
    lines = lines_of(SZPL)
    assert max(len(line) for line in lines) < 300
    assert not any(line.startswith("|") for line in lines)  # layout, not data: no cells, no | | | residue
    articles = [line[:3] for line in lines if line.startswith("第") and "条" in line[:5]]
    assert articles[:3] == ["第一条", "第二条", "第三条"]
    assert lines[-1].startswith("第十条")


def test_the_heading_comes_from_the_styled_cell_and_the_site_name_goes():
    lines = lines_of(SZPL)
    assert lines[0] == "深圳市规划土地监察行政执法主体及其职责规定"
    assert not any(name in line for line in lines for name in SITE_NAMES)


def test_a_data_table_stays_a_table_below_the_notice_in_a_cell():
    lines = lines_of(SZPL_TABLE)
    assert lines[0] == "广东省国土资源厅关于公布和实施《广东省协议出让国有土地使用权最低价标准》的通知"
    assert lines[1] == "各地级以上市人民政府："
    assert "| 地级市 | 市（县）区 | 乡镇（街道） | 最低价格 |" in lines
    assert any(line.startswith("| 广州市 | 越秀区 | 东湖街道") and line.endswith("| 230 |") for line in lines)
    assert "二○○六年七月十日" in lines  # the date stays a line of its own
    assert "广东省协议出让国有土地使用权最低价标准表.doc" in lines  # an attachment's name is the notice's


@pytest.mark.parametrize(
    ("page", "title"),
    [
        (GOVCN, "国务院关于统筹推进县域内城乡义务教育一体化改革发展的若干意见"),
        (BEIJING, "北京市经济适用住房管理办法（试行）"),
        (GUANGZHOU, "【人社】广州市劳动人事争议仲裁网上申请流程"),
    ],
)
def test_the_title_is_the_notice_s_never_the_site_or_a_metadata_row(page, title):
    lines = lines_of(page)
    assert lines[0] == title
    assert not any(name in lines[0] for name in SITE_NAMES)


def test_a_metadata_table_is_not_the_text_and_a_br_ends_a_line():
    lines = lines_of(GOVCN)
    assert not any("索引号" in line or "主题分类" in line for line in lines)
    assert lines[1] == "国发〔2016〕40号"  # after a <br> in the heading's paragraph
    assert lines[2] == "各省、自治区、直辖市人民政府，国务院各部委、各直属机构："
    assert lines[-3:] == ["国务院", "2016年7月2日", "（此件公开发布）"]


@pytest.mark.parametrize(
    ("page", "furniture"),
    [
        (SZPL, ("RSS信息订阅", "当前位置", "字号", "内容纠错", "相关文档", "文档附件")),
        (BEIJING, ("function", "changeSize", "来源：", "日期：")),
        (GUANGZHOU, ("发布日期", "字体大小", "A+", "浏览次数", "相关文件下载", "网站地图", "ICP")),
        (HUIZHOU, ("http://www.huizhou.gov.cn", "更新日期")),
    ],
)
def test_site_furniture_is_gone_and_the_notice_stays(page, furniture):
    text = "\n".join(lines_of(page))
    assert [f for f in furniture if f in text] == []


def test_a_guide_s_steps_that_name_a_qr_code_stay():
    lines = lines_of(GUANGZHOU)
    assert lines[1:5] == [
        "1.先扫二维码，关注粤省事公众号",
        "2.再扫二维码，进入粤省事小程序",
        "3.进入“粤省事”小程序，搜索“调解仲裁”服务",
        "4.点击进入“调解仲裁”服务",  # 点击 alone is no view counter
    ]


@pytest.mark.parametrize(
    ("page", "said"),
    [
        (IMAGES, "with 6 images whose text is 1 line"),
        (LISTING, "listing 15 dated entries"),
        (SOURCE, "HTML source"),
    ],
)
def test_a_page_that_is_no_notice_is_refused_saying_what_it_is(page, said):
    with pytest.raises(NotANotice, match=said):
        normalize(page.read_bytes())


def test_the_title_is_the_site_s_title_less_the_site_name():
    from normalize.web import title_parts

    real = "关于印发《北京市公共租赁住房申请、审核及配租管理办法》的通知-公告公示-首都之窗-北京市政务门户网站"
    assert title_parts(real, "") == "关于印发《北京市公共租赁住房申请、审核及配租管理办法》的通知"
    assert title_parts("国务院关于统筹推进县域内城乡义务教育一体化改革发展的若干意见_政府信息公开专栏", "") == (
        "国务院关于统筹推进县域内城乡义务教育一体化改革发展的若干意见"
    )
    assert title_parts("深圳市规划和国土资源委员会", "") is None  # the whole <title> is the site's name


@pytest.mark.parametrize(
    "line",
    [
        "【TOP】 【内容纠错】 【打印本页】 【关闭窗口】",
        "【字号 大 中 小】 【内容纠错】",
        "字体大小：【 A- A A+ 】",
        "浏览次数：-",
        "您目前的位置：首页>教育资讯>正文",
        "当前位置：首页 > 中考中招 > 中考政策",
        "来源：发表时间：2014-05-05访问次数：7839",
        "http://www.huizhou.gov.cn/bjssviewArticle.shtml?method=viewArticlE&id=279af4c246328b590146362bfc3c00d7",
        "政策解读：https://www.gz.gov.cn/zwgk/zcjd/",
        "相关文件下载",
    ],
)
def test_a_real_furniture_line_is_furniture(line):
    from normalize.web import is_furniture

    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "第十九条　办理下列房屋登记，房屋登记机构应当实地查看：",
        "微信扫一扫下方二维码，即可查看附近的优待卡业务办理网点。",
        "1.先扫二维码，关注粤省事公众号",
        "附件：环境行政复议法律文书示范文本",
        "国发〔2016〕40号",
        "二○○六年七月十日",
        "| r≤1 | 1.5 |",
    ],
)
def test_a_real_line_of_a_notice_is_not_furniture(line):
    from normalize.web import is_furniture

    assert not is_furniture(line)


def test_a_news_page_with_prose_around_the_article_keeps_only_the_article():
    """Related news and a long footer hold a third of this page's prose: the article is still the
    element that holds most of it, not the whole page with its menus."""
    lines = lines_of(OTHER)
    assert lines[0] == "无需个人垫付！广州异地就医备案，上“穗好办”快速办理！"
    assert lines[1].startswith("广州市现已开通省内及跨省异地就医")
    assert not {"政务公开", "魅力广州", "搜索", "听全文"} & set(lines)


def test_a_code_host_s_view_of_a_text_copy_reads_as_the_copy():
    """A page saved from a code host's file view (saved as .txt): the file's lines, not the
    host's chrome (Permalink, Fetching contributors…), and the posting's date under the title goes."""
    lines = lines_of(WEB / "github_text_view_深圳就近入学.txt")
    assert lines[:3] == ["深圳市义务教育就近入学管理办法", "深府办〔2008〕130号", "各区人民政府，市政府直属各单位："]
    assert not any(s in line for line in lines for s in ("Permalink", "contributors", "信息提供日期", "GitHub"))


def test_a_page_nested_deeper_than_python_recurses_is_read():
    """A page's elements are walked recursively: past 400 levels a subtree is read as one block
    (libxml2 itself keeps 2,000 levels with huge_tree), never a RecursionError."""
    notice = "各区人民政府，市政府直属各单位：现将《深圳市义务教育就近入学管理办法》印发给你们，请认真遵照执行。"
    page = "<html><body>" + "<div>" * 1500 + notice + "</div>" * 1500 + "</body></html>"
    assert normalize(page.encode()).text == notice


def test_the_notice_s_attachment_listed_under_it_stays():
    lines = lines_of(WEB / "szpl_t20160825_262170_attachment.htm")
    assert lines[-3:] == ["中华人民共和国住房和城乡建设部", "2015年11月18日", "城市轨道沿线地区规划设计导则.pdf"]
    assert not any("相关文档" in line or "文档附件" in line for line in lines)


def test_a_footer_s_lines_do_not_count_as_the_page_s_prose():
    """The footer (内容纠错 | 使用帮助…, 版权所有, ICP) is not links here: counted as prose it made
    the whole page, menus included, the element that holds the notice."""
    lines = lines_of(DATA / "agreement" / "27_残疾人两项补贴标准_2026.html")
    assert lines[0] == "广州市残疾人两项补贴2025年发放情况和2026年发放标准"
    assert lines[1] == "一、2025年发放情况"
    assert not {"政务公开", "互动交流", "扫一扫在手机打开当前页", "相关新闻"} & set(lines)


def test_a_guide_without_a_date_of_its_own_keeps_the_posting_s_date():
    page = GUANGZHOU.read_bytes()
    from normalize.decode import decode
    from normalize.web import extract

    assert extract(decode(page).text).split("\n")[:2] == [
        "【人社】广州市劳动人事争议仲裁网上申请流程",
        "发布日期：2022-05-06",
    ]
    result = normalize(page)
    assert result.meta.date == "2022-05-06"
    assert "字体大小" not in result.text and "浏览次数" not in result.text


def test_a_pattern_anchored_at_the_end_finds_what_a_search_of_the_whole_line_finds():
    """_NOTICE_END and _HEADER_ONLY are searched only where their longest match can start: that
    length is the pattern's own (a longer alternative added without it would be missed), and on the
    lines of real pages, with a line break after each too, the match is the one of a whole search."""
    import re._parser

    from normalize.web import parse
    from normalize.weblines import _HEADER_ONLY, _NOTICE_END
    from normalize.webtree import walk

    lines = [
        line.text
        for path in [NOTICE, PAGE, OTHER, *sorted(WEB.glob("*.htm*"))]
        for line in walk(parse(path.read_text(encoding="utf-8", errors="replace"))).lines
    ]
    assert len(lines) > 500
    for at_end in (_NOTICE_END, _HEADER_ONLY):
        assert at_end.reach == re._parser.parse(at_end.pattern.pattern).getwidth()[1] + 1
        for text in [*lines, *(line + "\n" for line in lines), "关于（2024年修订）\n"]:
            whole = at_end.pattern.search(text)
            assert (whole and whole.span()) == ((found := at_end.search(text)) and found.span()), text

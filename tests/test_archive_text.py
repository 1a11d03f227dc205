"""What the archive keeps, on real files saved from government sites, news portals, encyclopedias and
law databases (tests/data/mirror_text: excerpts and files of a civil-society archive's mirror):
site furniture and print-out headers out of the clean text, database fields read as metadata,
titles, dates and 文号 right, radicals and placeholders repaired."""

from __future__ import annotations

import pytest

from normalize import normalize
from tests.conftest import DATA

MIRROR = DATA / "mirror_text"


def read(name: str):
    return normalize((MIRROR / name).read_bytes())


def steps(result) -> dict[str, tuple[str, ...]]:
    return {c.step: c.examples for c in result.changes}


@pytest.mark.parametrize(
    ("name", "furniture", "step"),
    [
        ("贵阳_居住证_网页文本.txt", "【返回顶部】", "web-toolbar"),
        ("贵阳_居住证_网页文本.txt", "内容纠错", "web-footer"),
        ("贵阳_居住证_网页文本.txt", "All Rights Reserved", "web-footer"),
        ("贵阳_居住证_网页文本.txt", "分辨率", "web-footer"),
        ("哈尔滨_居住证_新闻.txt", "原标题", "news-furniture"),
        ("哈尔滨_居住证_新闻.txt", "网摘", "web-toolbar"),
        ("哈尔滨_居住证_新闻.txt", "来源：哈尔滨新闻网", "web-page-info"),
        ("厦门_户籍管理规定.txt", "浏览次数", "web-page-info"),
        ("湖南_暂住登记_网页文本.txt", "字体", "web-page-info"),
        ("湖南_暂住登记_网页文本.txt", "湘ICP备", "web-footer"),
        ("湖南_暂住登记_网页文本.txt", "主办单位", "web-footer"),
        ("新疆_居住证_网页文本.txt", "不得转载", "web-disclaimer"),
        ("新疆_居住证_网页文本.txt", "版权所有", "web-footer"),
        ("新疆_居住证_网页文本.txt", "联系电话", "web-footer"),
        ("网信办_约谈规定_网页文本.txt", "设为首页", "web-navigation"),
        ("网信办_约谈规定_网页文本.txt", "丙申年", "web-page-info"),
        ("武汉_居住证_百科.txt", "参考资料", "encyclopedia-furniture"),
        ("武汉_居住证_百科.txt", "中文名", "encyclopedia-furniture"),
        ("国务院_经费保障_信息公开.txt", "首页>政策", "web-navigation"),
    ],
)
def test_site_furniture_of_text_copies_is_removed_and_named(name, furniture, step):
    result = read(name)
    assert furniture not in result.text
    assert step in steps(result), steps(result)


def test_furniture_removal_keeps_the_notice_whole():
    """The 文号, the signature, the date and the last article stay where the footer went."""
    text = read("贵阳_居住证_网页文本.txt").text
    assert "贵阳市人民政府令第1号" in text
    assert "二○一二年三月五日" in text
    assert text.split("\n")[-1].startswith("第三十八条　本办法自公布之日起施行。")


def test_a_page_menu_does_not_glue_onto_the_title():
    result = read("网信办_约谈规定_网页文本.txt")
    assert result.text.split("\n")[0] == "互联网新闻信息服务单位约谈工作规定"
    assert result.meta.title == "互联网新闻信息服务单位约谈工作规定"


def test_an_encyclopedia_copy_keeps_the_regulation_without_the_encyclopedia():
    result = read("武汉_居住证_百科.txt")
    lines = result.text.split("\n")
    assert "[1]" not in result.text and "baike.baidu.com" not in result.text
    assert "二〇一一年二月十日" in lines  # the date is not glued to the regulation's name below it
    assert "武汉市居住证管理暂行办法" in lines
    assert lines[-1] == "本办法实施前发放的《武汉市暂住证》，持证人可凭《武汉市暂住证》免费换领《武汉市居住证》。"


@pytest.mark.parametrize(
    ("name", "header", "counter"),
    [
        ("广东_人口计生条例_打印页.txt", "http://www.moh.gov.cn", "of 21"),
        ("广东_居住证_打印页.txt", "http://zwgk.gd.gov.cn", "of 5"),
        ("精神卫生法_打印页.txt", "http://www.chinalaw.gov.cn", "共7页"),
    ],
)
def test_browser_print_outs_lose_their_page_headers(name, header, counter):
    result = read(name)
    assert header not in result.text and counter not in result.text
    assert "11/18/2015" not in result.text and "12:27" not in result.text
    found = steps(result)
    assert "print-header" in found and "page-number" in found


def test_a_print_out_line_cut_by_a_page_header_is_one_line_again():
    text = read("广东_人口计生条例_打印页.txt").text
    assert "广东省人口与计划生育条例 - " not in text
    assert text.split("\n")[0] == "广东省人口与计划生育条例"


def test_law_database_fields_are_metadata_not_body():
    result = read("西安_规范性文件管理办法_法规库.doc")
    assert "分类名称" not in result.text and "效力状况" not in result.text and "公布日期" not in result.text
    assert result.text.split("\n")[0] == "西安市规范性文件管理办法"
    assert result.meta.issuer == "西安市人民政府"
    assert result.meta.date == "2010-11-03"
    assert "database-fields" in steps(result)


def test_information_disclosure_fields_give_issuer_number_and_date():
    result = read("国务院_经费保障_信息公开.txt")
    assert "索引号" not in result.text and "发文机关" not in result.text
    assert result.meta.title == "国务院关于进一步完善城乡义务教育经费保障机制的通知"
    assert result.meta.doc_number == "国发〔2015〕67号"
    assert result.meta.issuer == "国务院"


def test_a_print_out_catalogue_row_after_the_first_page_is_taken_out():
    result = read("广东_居住证_打印页.txt")
    for label in ("索 引 号", "发布机构", "公报期号", "热词"):
        assert label not in result.text
    assert result.meta.doc_number == "粤府〔2003〕81号"


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("天津_城乡居民医保规定.docx", "关于印发天津市城乡居民基本医疗保险规定的通知"),
        ("北京_规范性文件备案监督办法.doc", "北京市行政规范性文件备案监督办法"),
        ("河南_户籍改革意见.docx", "河南省人民政府关于深化户籍制度改革的实施意见"),
        ("广东_人口计生条例_打印页.txt", "广东省人口与计划生育条例"),
        ("精神卫生法_打印页.txt", "中华人民共和国精神卫生法"),
    ],
)
def test_the_title_is_the_notices_own(name, title):
    assert read(name).meta.title == title


def test_a_promulgation_date_and_signature_are_not_glued_to_the_regulation_name():
    lines = read("北京_规范性文件备案监督办法.doc").text.split("\n")
    assert lines[1:4] == ["市长", "二〇〇五年十月八日", "北京市行政规范性文件备案监督办法"]
    lines = read("天津_城乡居民医保规定.docx").text.split("\n")
    assert "天津市城乡居民基本医疗保险规定" in lines


def test_a_title_in_three_lines_is_joined():
    text = read("河南_户籍改革意见.docx").text
    assert text.split("\n")[0] == "河南省人民政府关于深化户籍制度改革的实施意见"


@pytest.mark.parametrize(
    ("lines", "title"),
    [
        (
            [
                "中华人民共和国国务院令",
                "第337号",
                "《法规规章备案条例》已经2001年12月6日国务院第50次常务会议通过，现予公布。",
                "法规规章备案条例",
            ],
            "法规规章备案条例",
        ),
        (
            ["深圳市规划和国土资源委员会", "广东省建设厅委托实施行政许可项目（8项）", "相关文档："],
            "广东省建设厅委托实施行政许可项目（8项）",
        ),
        (["1", "小学入学服务系统使用手册", "目录"], "小学入学服务系统使用手册"),
        (["English首页|信息公开|政务大厅|在线服务|互动交流", "广东省人口与计划生育条例"], "广东省人口与计划生育条例"),
        (["市长戴相龙二〇〇七年十二月十七日天津市居住证管理暂行办法", "第一条　为了…"], "天津市居住证管理暂行办法"),
    ],
)
def test_head_lines_that_are_never_the_title(lines, title):
    """Real head lines of mirror files: a 令's header, the site's name, a metadata row, a page
    number, a navigation bar, a signature and date glued on."""
    assert normalize("\n".join(lines)).meta.title == title


@pytest.mark.parametrize(
    ("lines", "title"),
    [
        (
            [
                "湖南省人民政府令第242号",
                "《湖南省规范性文件管理办法》已经2009年6月22日省人民政府第31次常务会议通过，现予公布，自公布之日起施行。",
                "省长周强",
                "2009年7月9日",
                "第一章　总则",
            ],
            "湖南省规范性文件管理办法",
        ),
        (
            ["国务院关于加强市县政府依法行政的决定国发〔2008〕17号", "各省、自治区、直辖市人民政府："],
            "国务院关于加强市县政府依法行政的决定",
        ),
        (
            ["国办发〔2015〕38号国务院办公厅关于城市公立医院综合改革试点的指导意见", "各省、自治区、直辖市人民政府："],
            "国务院办公厅关于城市公立医院综合改革试点的指导意见",
        ),
        (
            ["■ 中山市教育局关于印发中山市义务教育阶段学校招生工作意见的通知", "各镇区教办："],
            "中山市教育局关于印发中山市义务教育阶段学校招生工作意见的通知",
        ),
        (
            ["| 关于做好2016年杭州市区各类高中招生工作的通知 | |", "各区教育局："],
            "关于做好2016年杭州市区各类高中招生工作的通知",
        ),
        (
            [
                "河南省人民政府办公厅转发省教育厅等部门关于做好进城务工人员随迁子女接受义务教育后在当地参加升学考试工作实施意见的通知",
                "豫政办〔2012〕180号",
                "省教育厅、发展改革委、公安厅、人力资源社会保障厅制定的《关于进城务工人员随迁子女接受义务教育后在当地参加升学考试工作的实施意见》已经省政府同意，现转发给你们，请认真贯彻落实。",
                "关于进城务工人员随迁子女接受义务教育后在当地参加升学考试工作的实施意见",
            ],
            "河南省人民政府办公厅转发省教育厅等部门关于做好进城务工人员随迁子女接受义务教育后在当地参加升学考试工作实施意见的通知",
        ),
    ],
)
def test_the_title_is_read_without_what_is_glued_around_it(lines, title):
    """Real head lines of mirror files: a regulation named only in its promulgation, a 文号 glued
    before or after the title, a bullet, a row of one filled cell, the official title before the
    title of what it forwards."""
    assert normalize("\n".join(lines)).meta.title == title


def test_a_metadata_row_is_never_the_title():
    head = ["| 责任部门： | 东坑镇党政办 | 文件编号： | |", "|---|---|---|---|",
            "| 生成日期： | 2015-05-05 | 信息索引号： | 719346854/2015-00662 |", "（2014年4月8日发布）", "一、申请对象："]  # fmt: skip
    assert normalize("\n".join(head)).meta.title is None


def test_a_date_written_with_the_letter_o_is_read():
    result = read("厦门_户籍管理规定.txt")
    assert "二O一O年六月五日" in result.text
    assert result.meta.date == "2010-06-05"


def test_the_red_header_glued_to_the_number_is_the_issuer_not_the_number():
    lines = ["东莞市人民政府文件东府〔2016〕3号", "关于印发《东莞市重大疾病医疗保险试行办法》的通知",
             "各镇人民政府（街道办事处），市府直属各单位："]  # fmt: skip
    assert normalize("\n".join(lines)).meta.doc_number == "东府〔2016〕3号"
    assert read("东莞_重大疾病医保.doc").meta.doc_number == "东府〔2016〕3号"


def test_year_digits_spaced_apart_are_joined_in_the_text_and_read_as_a_date():
    result = normalize("关于做好2016年招生工作的通知\n各区教育局：\n现将有关事项通知如下。\n市教育局\n20 16年3月24日")
    assert result.text.split("\n")[-1] == "2016年3月24日"
    assert result.meta.date == "2016-03-24"


def test_radicals_supplement_noncharacters_private_use_and_pictures_are_repaired():
    result = read("精神卫生法_打印页.txt")
    assert not any("\u2e80" <= ch <= "\u2eff" or "\u2f00" <= ch <= "\u2fdf" for ch in result.text)
    assert "中华人民共和国" in result.text
    doc = read("东莞_重大疾病医保.doc")
    assert "[pic]" not in doc.text and "image-placeholder" in steps(doc)
    marked = normalize("中华人民共和国精神卫生法\n第一条\ufffe　为了发展精神卫生事业\ue5e5，规范精神卫生服务。")
    assert marked.text.split("\n")[1] == "第一条　为了发展精神卫生事业，规范精神卫生服务。"
    assert {"noncharacters", "private-use-chars"} <= set(steps(marked))


def test_a_regulation_dated_only_by_its_history_takes_that_date():
    head = ["济南市规范性文件管理规定",
            "（2007年7月10日济南市人民政府第49次常务会议审议通过2007年8月16日济南市人民政府令第225号公布自2008年1月1日起施行）",
            "第一章　总则", "第一条　为加强对行政机关规范性文件的管理，推进依法行政，维护国家法制统一，制定本规定。"]  # fmt: skip
    assert normalize("\n".join(head)).meta.date in ("2007-07-10", "2007-08-16")


@pytest.mark.parametrize(
    "line",
    [
        "1评论",
        "首页 | 机构职能 | 新闻中心 | 法规快递 | 地方信息 | 法制监督 | 行政复议 | 机关工作",
        "中华人民共和国国家卫生和计划生育委员会2012-11-02",
        "中国政府门户网站www.gov.cn 2005年08月01日来源：全国人大法规库",
    ],
)
def test_more_page_furniture_of_real_text_copies(line):
    """Real lines of mirror text copies: a comment counter, a menu row, the site and the posting date."""
    body = [
        "医疗机构管理条例",
        line,
        "第一条　为了加强对医疗机构的管理，促进医疗卫生事业的发展，保障公民健康，制定本条例。",
    ]
    result = normalize("\n".join(body))
    assert line not in result.text and result.text.startswith("医疗机构管理条例\n第一条")


def test_a_law_forbidding_copies_is_not_a_site_disclaimer():
    """Real articles of lawrefbook regulations: 未经…许可，不得复制 is the law's own sentence."""
    body = ["测绘成果管理规定", "第二十七条　测绘成果属于知识产权的，适用有关法律的规定，任何单位和个人未经成果所有权人许可，不得复制、转让或者转借。",
            "第三十三条　使用测绘成果，应当征得该测绘成果所有权人的同意，未经同意不得擅自复制、使用、转让或者转借。"]  # fmt: skip
    assert normalize("\n".join(body)).text.split("\n") == body

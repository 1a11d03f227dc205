"""The archive bench's checks can fail: each helper on hand-made strings, right and wrong."""

from __future__ import annotations

from bench.archive import date_matches, flagged, flattened_lines, leftover_furniture, missing_keeps, title_matches


def test_furniture_found_by_label_and_by_pattern() -> None:
    text = "关于印发办法的通知\n您的当前位置：首页>政策\n【打印本页】【关闭窗口】\n粤ICP备05070829号\n各区："
    found = leftover_furniture(text, ["深圳市规划和国土资源委员会", "【打印本页】"])
    assert "【打印本页】" in found and "深圳市规划和国土资源委员会" not in found
    names = {f.split(":")[0] for f in found}
    assert {"breadcrumb", "print/close links", "ICP line"} <= names


def test_print_out_headers_are_furniture() -> None:
    for line in ("http://www.gd.gov.cn/zwgk/wjk/t20100101_1.htm", "1 of 21", "第1页 共7页", "2016/5/9 15:58"):
        assert leftover_furniture(f"第一条 为了规范管理。\n{line}\n第二条 本办法适用于本市。"), line


def test_a_clean_notice_has_no_furniture() -> None:
    text = (
        "深圳市人民政府关于印发管理办法的通知\n深府〔2016〕3号\n各区人民政府：\n"
        "第一条 相片分辨率350DPI，营业执照信息或者相关链接标识应当公示，微信扫一扫下方二维码查看网点。\n附件：管理办法\n深圳市人民政府\n2016年3月15日"
    )
    assert leftover_furniture(text) == []


def test_keep_strings_must_survive() -> None:
    assert missing_keeps("东府〔2012〕12号\n各镇人民政府：", ["东府〔2012〕12号", "附件：东莞市廉租住房保障办法"]) == [
        "附件：东莞市廉租住房保障办法"
    ]
    assert missing_keeps("深府〔2016〕 3号", ["深府〔2016〕3号"]) == []


def test_a_notice_in_one_cell_is_a_flattened_line() -> None:
    articles = [
        f"第{n}条 本办法规定了有关事项的具体内容、申请条件和办理程序，各区遵照执行" for n in "一二三四五六七八九十"
    ]
    body = "。".join(articles * 2) + "。"  # 20 articles glued: about 700 characters
    assert flattened_lines(f"| {body} |")
    assert flattened_lines(body)  # the same glued line outside a cell
    assert flattened_lines("| | | |\n第一条 总则。")
    assert not flattened_lines("\n".join(a + "。" for a in articles))


def test_a_real_table_row_with_a_long_cell_is_not_flattened() -> None:
    cell = "在医疗服务价格动态调整中，优先将技术劳务占比高的项目纳入调整范围" * 10
    assert not flattened_lines(f"| 21 | 发挥基本医保支持作用。 | {cell} | 市医保局 |")
    listed = "考察激励机制的落实情况：1.签约服务费由医保基金、基本公共卫生服务经费和签约居民付费分担。2.签约服务费用于家庭医生团队。"
    assert not flattened_lines(f"| 17.家庭医生签约服务费 | 定性指标，查看落实情况 | {listed * 5} | 10 |")


def test_titles_compare_without_whitespace_and_width() -> None:
    assert title_matches(
        "广州市医疗保障局 广州市财政局关于印发办法的通知", ["广州市医疗保障局广州市财政局关于印发办法的通知"]
    )
    assert title_matches("住宅室内装饰装修管理办法(试行)", ["住宅室内装饰装修管理办法（试行）"])
    assert not title_matches("深圳市规划和国土资源委员会", ["国土资源听证规定"])
    assert not title_matches(None, ["国土资源听证规定"])
    assert title_matches(None, []) and not title_matches("首都之窗", [])


def test_dates_and_the_non_notice_flag() -> None:
    assert date_matches("2016-03-15", ["2016-03-15", "2016-03-01"]) and date_matches(None, [])
    assert not date_matches(None, ["2016-03-15"]) and not date_matches("2014-04-29", [])

    class Result:
        non_notice = True

    assert flagged(Result()) and not flagged(object())

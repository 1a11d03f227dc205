"""The same notice vs a different notice, on real files as they were scraped (docs/architecture.md §4):
versions stay apart, form series stay apart, re-headed copies merge, boilerplate does not count."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dedupe import DedupeConfig, Document, find_duplicates, judge, read_document
from normalize import normalize
from normalize.versions import version_facts
from tests.conftest import seed_path

FORMATS = Path(__file__).resolve().parent / "data" / "formats"
GUANGZHOU = Path(__file__).resolve().parent / "data"


def read(path: Path, order: int = 0) -> Document:
    doc = read_document(str(path), order)
    assert isinstance(doc, Document), doc
    return doc


def test_an_amended_regulation_is_another_version_and_the_reason_names_the_amendment():
    old, new = read(FORMATS / "商丘_2019.docx"), read(FORMATS / "商丘_2022.docx", 1)
    verdict, veto = judge(old, new, DedupeConfig())
    assert verdict.similarity.jaccard > 0.9  # nearly the same words
    assert veto == "versions differ: B lists an amendment (修正 of 2022-08-25) that A lacks"
    assert len(find_duplicates([old, new]).clusters) == 2


def test_version_facts_read_chinese_numerals_and_ocr_slips():
    facts = version_facts("某市人民政府令\n二○一○年七月二十六日市人民政府第8次常务会议通过\n第一条　为了")
    assert facts.adopted == "2010-07-26"
    facts = version_facts("（2014年10月31日某市人大常委会通过　根据2019年6月28曰某市人大常委会《关于修改的决定》修正）")
    assert facts.amendments == ("2019-06-28 修正",)


def test_a_chain_through_a_copy_without_a_head_cannot_join_two_versions():
    """A headless copy matches both versions; the versions' own veto keeps them apart."""
    old, new = read(FORMATS / "商丘_2019.docx"), read(FORMATS / "商丘_2022.docx", 1)
    body = old.text[old.text.index("第一条") :]
    headless = Document("headless", "headless", normalize(body), 2)
    result = find_duplicates([old, new, headless])
    cluster = {d.id: result.membership[d.id].cluster.id for d in (old, new)}
    assert cluster[old.id] != cluster[new.id]


@pytest.mark.skipif(not shutil.which("antiword"), reason="antiword (Debian package)")
def test_a_reexport_with_a_metadata_table_is_the_same_regulation():
    """The export adds a metadata table and list numbers Word generated; the body is the same."""
    published, exported = read(FORMATS / "published_佳木斯_2021.doc"), read(FORMATS / "exported_佳木斯_2021.docx", 1)
    verdict, veto = judge(published, exported, DedupeConfig())
    assert veto is None and verdict.merges
    result = find_duplicates([published, exported])
    assert len(result.clusters) == 1


def test_a_reexport_with_an_english_translation_in_its_head_is_the_same_regulation():
    if not shutil.which("catdoc"):
        pytest.skip("catdoc (Debian package)")
    published, exported = read(FORMATS / "published_滁州_2020_wps.doc"), read(FORMATS / "exported_滁州_2020.docx", 1)
    verdict, veto = judge(published, exported, DedupeConfig())
    assert verdict.relation == "near" and veto is None
    assert verdict.similarity.jaccard > 0.9  # the export's fields and translation are left out when it is read


def test_the_election_measures_the_body_not_the_head():
    published = read(FORMATS / "published_三明_2020.docx")
    exported = read(FORMATS / "exported_三明_2020.docx", 1)
    assert exported.normalized.extraction[-1] == ("export fields", 18)  # its head of fields is read, not kept
    assert abs(exported.body_chars - published.body_chars) < 0.05 * published.body_chars


FORM = """行政职权办事指南
| 职权编码 | {code} |
| 职权名称 | {name} |
| 职权类型 | 行政处罚 |
| 实施主体 | 某市市场监督管理局 |
| 法定依据 | 《中华人民共和国产品质量法》第{article}条 |
| 办理流程 | 立案、调查取证、审查、告知、听证、决定、送达、执行 |
| 办理时限 | 自立案之日起九十日内作出处理决定；案情复杂的，经批准可以延长 |
| 收费标准 | 不收费 |
| 监督电话 | 12345 |
| 救济途径 | 当事人对处罚决定不服的，可以依法申请行政复议或者提起行政诉讼 |
| 申请材料 | 一、身份证明；二、现场检查笔录；三、询问笔录；四、抽样取证记录；五、检验报告；六、其他证据材料 |
| 办理地点 | 某市政务服务中心一楼综合窗口，工作日上午九时至十二时，下午一时至五时 |
| 咨询方式 | 窗口咨询、电话咨询、网上咨询，咨询电话为本局法制科办公电话，网上咨询请登录本局门户网站 |
"""


def test_a_form_series_filled_from_one_template_stays_apart():
    pages = [
        FORM.format(code="222130", name="对生产者未按规定标注产品标识的行政处罚", article="五十四"),
        FORM.format(code="222125", name="对销售失效变质产品的行政处罚", article="五十二"),
    ]
    docs = [Document(f"p{i}", f"p{i}.md", normalize(p), i) for i, p in enumerate(pages)]
    verdict, veto = judge(docs[0], docs[1], DedupeConfig())
    assert verdict.similarity.jaccard > 0.8  # one form: the text alone would merge them
    assert veto == "different 职权编码: 222130 vs 222125"
    assert len(find_duplicates(docs).clusters) == 2


@pytest.mark.parametrize(
    ("line", "step"),
    [
        ("| | 当前位置：首页 > 政务公开 |", "web-boilerplate"),
        ("【字号大中小】", "web-boilerplate"),
        ("发布机构：广州市人力资源和社会保障局 | 发布时间：2024-05-20 | 点击数：3521", "web-boilerplate"),
        ("免责声明：本网站所载文章仅供参考", "web-boilerplate"),
    ],
)
def test_site_furniture_in_clean_text_is_removed_and_recorded(line, step):
    body = seed_path("000").read_text(encoding="utf-8")
    result = normalize(f"{line}\n{body}")
    assert line.strip("| ").split("：")[0] not in result.text.split("\n")[0]
    assert any(c.step == step for c in result.changes)


def test_page_numbers_in_table_cells_and_tag_residue_are_removed():
    result = normalize(
        '关于印发办法的通知\n| 在京注 | －2－ | 册登记 |\n< span style="color: rgb(0,0,0)">第一条　为了规范管理。</span>'
    )
    assert result.text == "关于印发办法的通知\n| 在京注 | 册登记 |\n第一条\u3000为了规范管理。"
    assert {c.step for c in result.changes} >= {"page-number", "markup-residue"}


def test_the_lead_issuer_is_the_first_of_the_co_issuers():
    assert normalize(seed_path("002").read_bytes()).meta.issuer == "威海市人力资源和社会保障局"

"""Word, PDF and saved web pages, read as what their bytes are (real files from tests/data/formats,
and files made here for controlled cases)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from html import escape
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from normalize import EmptyText, Unsupported, normalize
from normalize.extract import sniff
from tests.conftest import seed_path

DATA_DIR = Path(__file__).resolve().parent / "data"
FORMATS = DATA_DIR / "formats"
NEEDS_WORD_TOOLS = pytest.mark.skipif(
    not (shutil.which("antiword") and shutil.which("catdoc")), reason="antiword and catdoc (Debian packages)"
)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def dedupe(*paths: Path) -> dict:
    code, out, err = run("dedupe", *map(str, paths), "--json", "--jobs", "1")
    assert code == 0, err
    return json.loads(out)


def together(data: dict, a: Path, b: Path) -> bool:
    cluster = {d["path"]: d["cluster"] for d in data["documents"]}
    return cluster[str(a)] == cluster[str(b)]


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("published_三明_2020.docx", "docx"),
        ("docx_named_doc_台州_2020.doc", "docx"),
        ("published_锦州_2019.doc", "ole"),
        ("flat_opc_海南_2020.doc", "flatopc"),
        ("东莞_人才入户_2015.pdf", "pdf"),
        ("web_page_named.pdf", "text"),
    ],
)
def test_the_format_is_sniffed_from_the_bytes_not_the_name(name, kind):
    assert sniff((FORMATS / name).read_bytes()) == kind


def test_word_numbering_is_rendered_and_published_and_exported_copies_cluster():
    published, exported = FORMATS / "published_三明_2020.docx", FORMATS / "exported_三明_2020.docx"
    text = normalize(published.read_bytes()).text
    assert "\n第一条\u3000" in text and "\n第二条\u3000" in text  # numbers Word puts there itself
    result = normalize(published.read_bytes())
    assert result.format == "docx" and dict(result.extraction)["paragraphs"] > 50
    assert together(dedupe(published, exported), published, exported)


def test_different_years_of_one_regulation_stay_apart():
    a, b = FORMATS / "厦门_2014.doc", FORMATS / "厦门_2019.doc"
    if not shutil.which("antiword"):
        pytest.skip("antiword (Debian package)")
    assert not together(dedupe(a, b), a, b)


@NEEDS_WORD_TOOLS
def test_binary_word_through_antiword_and_a_wps_file_through_catdoc():
    jinzhou = normalize((FORMATS / "published_锦州_2019.doc").read_bytes())
    assert jinzhou.format == "doc" and jinzhou.text.startswith("锦州市文明行为促进条例")
    chuzhou = normalize((FORMATS / "published_滁州_2020_wps.doc").read_bytes())
    assert chuzhou.text.startswith("滁州市文明行为促进条例") and "fast-saved" not in chuzhou.text
    a, b = FORMATS / "published_锦州_2019.doc", FORMATS / "exported_锦州_2019.docx"
    assert together(dedupe(a, b), a, b)


@NEEDS_WORD_TOOLS
@pytest.mark.parametrize("name", ["published_滁州_2020_wps.doc", "published_襄阳_2018.doc"])
def test_word_page_fields_are_page_numbers(name):
    """antiword and catdoc print Word's page-number field as text (``—PAGE \\* MERGEFORMAT 24—``,
    ``─  PAGE   10  ─``, or a bare ``PAGE``): page numbers, removed and recorded, never glued to
    the line before (``…印发─ PAGE 8 ─``)."""
    result = normalize((FORMATS / name).read_bytes())
    assert "PAGE" not in result.text and "MERGEFORMAT" not in result.text
    removed = [example for c in result.changes if c.step == "page-number" for example in c.examples]
    assert any("PAGE" in example for example in removed)


def test_binary_word_without_the_tools_is_refused_saying_what_to_install(monkeypatch):
    monkeypatch.setattr("normalize.extract.shutil.which", lambda name: None)
    with pytest.raises(Unsupported, match="apt-get install antiword catdoc"):
        normalize((FORMATS / "published_锦州_2019.doc").read_bytes())


def test_word_xml_in_one_file():
    result = normalize((FORMATS / "flat_opc_海南_2020.doc").read_bytes())
    assert result.format == "flatopc" and result.text.startswith("海南省文明行为促进条例")


def test_pdf_pages_and_their_numbers():
    code, out, err = run("normalize", "--explain", str(FORMATS / "东莞_人才入户_2015.pdf"))
    assert code == 0
    assert "format: pdf (9 pages)" in err and "page-number" in err
    assert "关于印发《东莞市人才入户管理办法》的通知" in out


def test_a_pdf_without_a_text_layer_is_refused(tmp_path):
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument.new()
    for _ in range(3):
        document.new_page(595, 842)
    buffer = io.BytesIO()
    document.save(buffer)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(buffer.getvalue())
    code, _, err = run("normalize", str(scan))
    assert code == 2 and "a PDF of 3 page(s) with no text layer (scanned images): run OCR first" in err


def test_an_empty_extraction_is_refused_with_its_page_count():
    with pytest.raises(EmptyText, match="holds only 66 page marker"):
        normalize((FORMATS / "empty_extraction.txt").read_bytes())


def test_a_zip_that_is_not_word_and_a_zip_bomb_are_refused(tmp_path):
    plain, bomb = io.BytesIO(), io.BytesIO()
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("notes.txt", "关于")
    with pytest.raises(Unsupported, match="not a Word document"):
        normalize(plain.getvalue())
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<" + b" " * 80_000_000)
    assert len(bomb.getvalue()) < 1_000_000
    with pytest.raises(Unsupported, match="zip bomb"):
        normalize(bomb.getvalue())


def make_docx(paragraphs: list[str]) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{escape(p)}</w:t></w:r></w:p>" for p in paragraphs)
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
        f'wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", xml)
    return out.getvalue()


def make_mhtml(text: str) -> bytes:
    page = "<html><body>" + "".join(f"<p>{escape(line)}</p>" for line in text.split("\n") if line) + "</body></html>"
    message = MIMEMultipart("related")
    message.attach(MIMEText(page, "html", "gb18030"))
    return message.as_bytes()


def test_one_notice_as_text_word_web_page_and_saved_page_is_one_cluster(tmp_path):
    text = seed_path("000").read_text(encoding="utf-8")
    files = {"a.txt": text.encode("gb18030"), "b.docx": make_docx(text.split("\n")), "c.md": make_mhtml(text)}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    assert sniff(files["c.md"]) == "mhtml"
    data = dedupe(tmp_path)
    assert len(data["clusters"]) == 1 and len(data["clusters"][0]["members"]) == 3


def test_the_manifest_says_what_was_extracted(tmp_path):
    root = tmp_path / "corpus"
    code, _, err = run("ingest", str(FORMATS / "published_三明_2020.docx"), str(FORMATS / "东莞_人才入户_2015.pdf"),
                       "--corpus", str(root))  # fmt: skip
    assert code == 0, err
    with (root / "manifest.csv").open(encoding="utf-8") as handle:
        formats = {Path(r["path"]).suffix: r["format"] for r in csv.DictReader(handle)}
    assert formats[".pdf"] == "pdf (9 pages)"
    assert formats[".docx"].startswith("docx (") and "paragraphs" in formats[".docx"]
    assert (root / "raw" / "published_三明_2020.docx").read_bytes() == (
        FORMATS / "published_三明_2020.docx"
    ).read_bytes()


# -- formats found in a real archive's folders (mirror) ----------------------------------------
def test_rtf_is_read_as_text_not_as_control_codes():
    """macOS TextEdit's RTF of a regulation: \\ansicpg1252 above a GB2312 font, its text in \\'hh bytes."""
    result = normalize((FORMATS / "rtf_陕西_2016.rtf").read_bytes())
    assert result.format == "rtf"
    assert result.text.startswith("陕西省流动人口服务管理办法\n（修订征求意见稿）\n第一条〔立法目的和依据〕")
    assert "\\" not in result.text and "cocoa" not in result.text and result.replacement_chars == 0


@pytest.mark.parametrize("name", ["page_named_aspx_厦门_2016.aspx", "泉州2012.10推行流动人口居住证制度-press"])
def test_pages_named_aspx_or_with_no_real_extension_are_read_by_their_bytes(name):
    result = normalize((FORMATS / name).read_bytes())
    assert sniff((FORMATS / name).read_bytes()) == "text"
    assert "居住证" in result.text or "招生" in result.text


def test_an_mhtml_header_above_plain_text_is_not_an_archive():
    """The header lines of a saved page above a whole regulation: the regulation is the file."""
    code, out, err = run("normalize", "--explain", str(FORMATS / "mhtml_header_东营_2016.md"))
    assert code == 0, err
    assert out.startswith("东营市制定地方性法规条例\n") and "MIME-Version" not in out and "multipart" not in out
    assert "mhtml-header: 2 (e.g. 'MIME-Version: 1.0')" in err


def test_an_empty_wps_document_says_so():
    """WPS wrote a .doc with an empty text stream: antiword finds it too small, catdoc prints nothing."""
    code, _, err = run("normalize", str(FORMATS / "empty_wps_杭州_2016.doc"))
    assert code == 2
    assert "is an empty WPS document" in err and "cannot read" not in err


def test_a_spreadsheet_in_an_ole_file_is_not_called_binary_word():
    """The real WPS file with its WordDocument stream renamed Workbook, as Excel names its stream."""
    data = (FORMATS / "empty_wps_杭州_2016.doc").read_bytes()
    word, book = "WordDocument".encode("utf-16-le"), "Workbook".encode("utf-16-le").ljust(24, b"\0")
    assert sniff(data.replace(word, book)) == "xls"
    with pytest.raises(Unsupported, match=r"is an Excel spreadsheet \(\.xls\), not a notice"):
        normalize(data.replace(word, book))


@pytest.mark.parametrize(
    ("head", "what"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is a PNG image, not a notice"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "is a JPEG image, not a notice"),
        (b"Rar!\x1a\x07\x01\x00", "is a RAR archive, not a notice: unpack it"),
        (
            b"MZ\x90\x00\x03" + b"\x00" * 59 + b"This program cannot be run in DOS mode",
            "is a Windows program, not a notice",
        ),
        (b"\x00\x01\x02\x03 no known signature", "is binary data of a format not read here"),
    ],
)
def test_a_refusal_names_what_the_bytes_are(tmp_path, head, what):
    path = tmp_path / "附件.doc"
    path.write_bytes(head + bytes(range(256)) * 40)
    code, _, err = run("normalize", str(path))
    assert code == 2 and what in err
    assert ("--encoding" in err) == what.startswith("is binary data")  # a known format is never an encoding problem


def test_a_utf8_page_with_two_stray_bytes_is_utf8_with_two_replacements():
    """Any 8-bit codec decodes such a page "cleanly" into mojibake (chardet said ISO-8859)."""
    page = (DATA_DIR / "06_城乡居民医保集中参保缴费通告.html").read_bytes()
    at = page.index("参保".encode())
    damaged = page[:at] + b"\xa0\xa0" + page[at:]
    result = normalize(damaged)
    assert result.encoding == "utf-8" and result.replacement_chars == 2
    assert result.text == normalize(page).text.replace("参保", "\ufffd\ufffd参保", 1)
    assert "undecodable-bytes-replaced: 2 (e.g. 'utf-8 with 2 undecodable byte(s) replaced')" in result.explain()


def test_a_research_export_keeps_the_chinese_notice_not_its_fields_and_translation():
    """A research group's .docx: a table of fields (Id, Title, Publish, Translated_content: the whole
    text in English), a table of its coding, a 'Content' label, then the regulation."""
    result = normalize((FORMATS / "exported_滁州_2020.docx").read_bytes())
    assert result.text.startswith("滁州市文明行为促进条例\n（2019年10月31日")
    assert result.meta.title == "滁州市文明行为促进条例"
    for leftover in ("| Id |", "ZmY4", "Translated_content", "Regulations on Promoting", "| Key |", "Content"):
        assert leftover not in result.text
    steps = {c.step: c.count for c in result.changes}
    assert steps["export-translation"] == 86 and steps["export-metadata"] == 17
    published = normalize((FORMATS / "published_滁州_2020_wps.doc").read_bytes())
    assert published.text.split("\n")[0] == result.text.split("\n")[0]

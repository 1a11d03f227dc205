"""Fuzzing: hostile bytes through normalize, dedupe, ingest and check.

Properties: no exception but the documented ones; exit codes in {0, 1, 2} (exit 4 is always a
bug); the corpus passes ``verify`` after every ingest. Inputs: hostile bytes, tiny pages, XML
declaring any encoding, and file names that are not UTF-8, hold controls or run long. The suite runs a short profile; ``bench/fuzz.py`` runs it long
(POLICY_DEDUP_FUZZ_EXAMPLES sets the number of cases of each test).
"""

from __future__ import annotations

import codecs
import io
import os
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli import main
from normalize import NormalizeError, normalize
from tests.conftest import SEEDS

EXAMPLES = int(os.environ.get("POLICY_DEDUP_FUZZ_EXAMPLES", "0"))
LONG_LINE = 1_000_000 if EXAMPLES else 100_000

chinese = st.text(
    alphabet=st.sampled_from("关于印发通知各单位：，。（一）第条年月日市县区2023abc \n\u3000《》"), max_size=300
)
encodings = st.sampled_from(["utf-8", "gb18030", "big5hkscs", "utf-16-le", "utf-16-be", "latin-1"])


@st.composite
def mixed_encodings(draw: st.DrawFn) -> bytes:
    parts = draw(st.lists(st.tuples(chinese, encodings), min_size=1, max_size=4))
    return b"".join(text.encode(enc, errors="ignore") for text, enc in parts)


@st.composite
def bom_in_the_middle(draw: st.DrawFn) -> bytes:
    head, tail = draw(chinese), draw(chinese)
    bom = draw(st.sampled_from([codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF32_BE]))
    return head.encode() + bom + tail.encode()


@st.composite
def lone_surrogates(draw: st.DrawFn) -> bytes:
    text = draw(chinese).encode("utf-16-le")
    at = draw(st.integers(0, len(text) // 2)) * 2
    return codecs.BOM_UTF16_LE + text[:at] + draw(st.sampled_from([b"\x00\xd8", b"\x00\xdc"])) + text[at:]


@st.composite
def controls(draw: st.DrawFn) -> bytes:
    text = draw(chinese)
    noise = draw(st.text(alphabet=st.characters(max_codepoint=0x1F), min_size=1, max_size=20))
    at = draw(st.integers(0, len(text)))
    return (text[:at] + noise + text[at:]).encode()


@st.composite
def long_line(draw: st.DrawFn) -> bytes:
    return (draw(st.sampled_from("关于通知,a ")) * LONG_LINE).encode()


@st.composite
def nested_html(draw: st.DrawFn) -> bytes:
    depth = draw(st.integers(100, 3000))
    return ("<html><body>" + "<div>" * depth + draw(chinese) + "</div>" * depth + "</body></html>").encode()


@st.composite
def zip_bomb(draw: st.DrawFn) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * draw(st.integers(1, 20)) * 1_000_000)
    return buffer.getvalue()


FORMATS = Path(__file__).resolve().parent / "data" / "formats"
CONTAINERS = [
    (FORMATS / n).read_bytes() for n in ("published_三明_2020.docx", "东莞_人才入户_2015.pdf", "flat_opc_海南_2020.doc")
]


@st.composite
def damaged_container(draw: st.DrawFn) -> bytes:
    """A real Word or PDF file with bytes changed and perhaps cut short."""
    data = bytearray(draw(st.sampled_from(CONTAINERS)))
    for at, value in draw(st.lists(st.tuples(st.integers(0, len(data) - 1), st.integers(0, 255)), max_size=30)):
        data[at] = value
    return bytes(data[: draw(st.integers(1, len(data)))])


TINY = [
    "<?xml",
    "<!--",
    "<?php",
    "<?",
    "<!",
    "<",
    "<!DOCTYPE html>",
    "<html>",
    "<html><body></body></html>",
    "-->",
    "<![CDATA[",
    "<?xml version='1.0'?>",
    "<!-- -->",
    "<?xml ?><!DOCTYPE x [<!ENTITY a 'b'>]>",
    "\ufeff<?xml",
]


@st.composite
def tiny_page(draw: st.DrawFn) -> bytes:
    """A page of a few characters: a declaration, a comment or processing instruction left open."""
    head = draw(st.sampled_from(TINY))
    tail = draw(st.text(alphabet=st.sampled_from("<>?!-/ \nxml关于"), max_size=8))
    return (head + tail).encode(draw(st.sampled_from(["utf-8", "utf-16", "gb18030"])), errors="ignore")


ROOTS = [
    ("w:wordDocument xmlns:w='http://schemas.microsoft.com/office/word/2003/wordml'", "w:wordDocument",
     "<w:body><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:body>"),
    ("pkg:package xmlns:pkg='http://schemas.microsoft.com/office/2006/xmlPackage'", "pkg:package",
     "<pkg:part pkg:name='/word/document.xml'><pkg:xmlData>{}</pkg:xmlData></pkg:part>"),
    ("html", "html", "<body><p>{}</p></body>"),
    ("rss", "rss", "<channel><title>{}</title></channel>"),
]  # fmt: skip


@st.composite
def xml_declaration(draw: st.DrawFn) -> bytes:
    """An XML document (Word 2003, flat OPC, XHTML) declaring an encoding: real, wrong, unknown or junk."""
    encoding = draw(st.one_of(st.sampled_from(["utf-8", "gb2312", "GBK", "big5", "utf-16", "klingon", "", "x" * 300,
                                               "utf-8\x00", "ebcdic-cp-us", "latin-1"]),
                              st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=12)))  # fmt: skip
    opening, closing, body = draw(st.sampled_from(ROOTS))
    pi = "<?mso-application progid='Word.Document'?>" if "office" in opening else ""
    text = f"<?xml version='1.0' encoding='{encoding}'?>{pi}<{opening}>{body.format(draw(chinese))}</{closing}>"
    return text.encode(draw(st.sampled_from(["utf-8", "gb18030", "utf-16-le"])), errors="ignore")


hostile = st.one_of(
    damaged_container(),
    st.binary(max_size=4096), mixed_encodings(), bom_in_the_middle(), lone_surrogates(), controls(),
    long_line(), nested_html(), zip_bomb(), chinese.map(str.encode), tiny_page(), xml_declaration(),
)  # fmt: skip
suffixes = st.sampled_from([".txt", ".md", ".html", ".htm", ".docx", ".doc", ".xml", ".pdf", ""])
# a file's name as bytes: not UTF-8, control characters, Chinese, spaces, a leading dash, a very long one
name_bytes = st.one_of(
    st.binary(min_size=1, max_size=40).map(lambda b: b.replace(b"/", b"_").replace(b"\0", b"_")),
    st.text(alphabet=st.sampled_from("关于通知 -_.,;:'\"$`*?[]{}()%&#\t\n\r\u3000\u200b\ufeff"), min_size=1, max_size=30)
    .map(lambda t: t.encode("utf-8")),
    st.integers(200, 250).map(lambda n: "长".encode() * (n // 3)),
)  # fmt: skip


def _settings(default: int) -> settings:
    return settings(max_examples=EXAMPLES or default, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])  # fmt: skip


@given(hostile)
@_settings(200)
def test_normalize_raises_only_its_own_errors(data):
    try:
        result = normalize(data)
    except NormalizeError:
        return
    assert result.key and "\x00" not in result.text


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz") / "corpus"
    assert CliRunner().invoke(main, ["ingest", str(SEEDS), "--corpus", str(root), "--jobs", "1"]).exit_code == 0
    return root


def _write(folder: Path, i: int, name: bytes | None, suffix: str, data: bytes) -> str:
    """The file ``name + suffix`` (or ``f<i>``), made unique in ``folder``; its path as Python names it."""
    stem = name if name not in (None, b".", b"..") else f"f{i}".encode()
    path = os.fsencode(folder) + b"/" + stem[:200] + f"_{i}".encode() + suffix.encode()
    with open(path, "wb") as handle:
        handle.write(data)
    return os.fsdecode(path)


@given(st.lists(st.tuples(hostile, suffixes, st.none() | name_bytes), min_size=1, max_size=4))
@_settings(10)
def test_commands_exit_with_documented_codes_and_the_corpus_stays_sound(corpus, tmp_path_factory, files):
    """Exit 4 is a bug whatever the input: every command ends 0, 1 or 2 here (3 would mean the
    corpus itself went wrong), and the corpus passes verify after every ingest."""
    folder = tmp_path_factory.mktemp("batch")
    named = [_write(folder, i, name, suffix, data) for i, (data, suffix, name) in enumerate(files)]
    runner = CliRunner()
    for args in (["normalize", named[0]], ["dedupe", str(folder), "--jobs", "1"],
                 ["check", str(folder), "--corpus", str(corpus)], ["check", *named, "--corpus", str(corpus)],
                 ["ingest", str(folder), "--corpus", str(corpus), "--jobs", "1"]):  # fmt: skip
        result = runner.invoke(main, args)
        assert result.exit_code in (0, 1, 2), (args, result.output, result.exception)
        assert "Traceback" not in result.output and "unexpected" not in result.output, (args, result.output)
    verified = runner.invoke(main, ["verify", "--corpus", str(corpus)])
    assert verified.exit_code == 0, verified.output
    for args in (["report", "--corpus", str(corpus)], ["export", "--corpus", str(corpus)]):
        result = runner.invoke(main, args)
        assert result.exit_code == 0, (args, result.output, result.exception)

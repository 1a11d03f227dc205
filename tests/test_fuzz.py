"""Fuzzing: hostile bytes through normalize, dedupe, ingest and check.

Properties: no exception but the documented ones; exit codes in {0, 1, 2, 3}; the corpus passes
``verify`` after every ingest. The suite runs a short profile; ``bench/fuzz.py`` runs it long
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

chinese = st.text(alphabet=st.sampled_from("关于印发通知各单位：，。（一）第条年月日市县区2023abc \n\u3000《》"), max_size=300)
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
CONTAINERS = [(FORMATS / n).read_bytes() for n in ("published_三明_2020.docx", "东莞_人才入户_2015.pdf", "flat_opc_海南_2020.doc")]


@st.composite
def damaged_container(draw: st.DrawFn) -> bytes:
    """A real Word or PDF file with bytes changed and perhaps cut short."""
    data = bytearray(draw(st.sampled_from(CONTAINERS)))
    for at, value in draw(st.lists(st.tuples(st.integers(0, len(data) - 1), st.integers(0, 255)), max_size=30)):
        data[at] = value
    return bytes(data[: draw(st.integers(1, len(data)))])


hostile = st.one_of(
    damaged_container(),
    st.binary(max_size=4096), mixed_encodings(), bom_in_the_middle(), lone_surrogates(), controls(),
    long_line(), nested_html(), zip_bomb(), chinese.map(str.encode),
)  # fmt: skip
suffixes = st.sampled_from([".txt", ".md", ".html", ".docx", ""])


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


@given(st.lists(st.tuples(hostile, suffixes), min_size=1, max_size=4))
@_settings(15)
def test_commands_exit_with_documented_codes_and_the_corpus_stays_sound(corpus, tmp_path_factory, files):
    folder = tmp_path_factory.mktemp("batch")
    for i, (data, suffix) in enumerate(files):
        (folder / f"f{i}{suffix}").write_bytes(data)
    runner = CliRunner()
    for args in (["dedupe", str(folder), "--jobs", "1"], ["check", str(folder), "--corpus", str(corpus)],
                 ["ingest", str(folder), "--corpus", str(corpus), "--jobs", "1"]):  # fmt: skip
        result = runner.invoke(main, args)
        assert result.exit_code in (0, 1, 2), (args, result.output, result.exception)
        assert "Traceback" not in result.output
    verified = runner.invoke(main, ["verify", "--corpus", str(corpus)])
    assert verified.exit_code == 0, verified.output

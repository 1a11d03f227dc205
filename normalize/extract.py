"""Formats other than plain text: sniffed from the bytes, never from the file name.

Scraped ``.doc`` files are often ``.docx`` zips, ``.docx`` files binary Word, ``.pdf`` files saved
web pages, ``.md`` files MHTML archives. :func:`sniff` names the format; :func:`extract_text` gives the
text of a Word or PDF file (paragraphs and tables in order, Word's automatic numbering rendered,
PDF pages separated by form feeds so that page numbers and running headers are found per page),
or the HTML part of an MHTML archive. What cannot be extracted raises :class:`Unsupported` with
what to do. Binary Word goes through ``antiword`` (a Debian package), the only step here that
runs a program.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from normalize.errors import NormalizeError

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from normalize.numbering import Numbering

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W2003 = "{http://schemas.microsoft.com/office/word/2003/wordml}"
MAX_XML_BYTES = 64 * 1024 * 1024  # a document.xml larger than this once unpacked is refused (zip bombs)
ANTIWORD_SECONDS = 60


class Unsupported(NormalizeError):
    """A file whose text cannot be extracted here; the message says why and what to do."""


@dataclass(frozen=True)
class Extracted:
    """Text taken out of a container: ``text`` (Word, PDF) or ``html`` bytes (MHTML), what format
    it came from, and counts for ``--explain`` (pages, paragraphs, tables)."""

    format: str
    text: str | None = None
    html: bytes | None = None
    facts: tuple[tuple[str, int], ...] = ()


def sniff(data: bytes) -> str:
    """``pdf``, ``docx``, ``zip``, ``ole`` (binary Word/WPS), ``word2003``, ``flatopc``, ``mhtml`` or ``text``
    (which the text path tells from HTML)."""
    head = data[:4096]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx" if b"word/" in data[:65536] or _zip_has(data, "word/document.xml") else "zip"
    if head.startswith(OLE):
        return "ole"
    lowered = head.lstrip(b"\xef\xbb\xbf").lower()
    if lowered.startswith(b"<?xml") and b"schemas.microsoft.com/office/word/2003/wordml" in lowered:
        return "word2003"
    if lowered.startswith(b"<?xml") and b"schemas.microsoft.com/office/2006/xmlpackage" in lowered:
        return "flatopc"  # Word 2007+ saved as one XML file ("Word XML Document")
    if b"mime-version:" in lowered[:2048] and b"multipart/related" in lowered:
        return "mhtml"
    return "text"


def _zip_has(data: bytes, name: str) -> bool:
    try:
        return name in zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        return False


def extract_text(data: bytes, kind: str) -> Extracted:
    """The text (or HTML) of a file of the sniffed ``kind`` (not ``text``)."""
    if kind == "pdf":
        return _pdf(data)
    if kind == "docx":
        return _docx(data)
    if kind == "word2003":
        return _word2003(data)
    if kind == "flatopc":
        return _flat_opc(data)
    if kind == "ole":
        return _antiword(data)
    if kind == "mhtml":
        return _mhtml(data)
    raise Unsupported("is a zip archive but not a Word document (.docx): unpack it and give the files inside")


# -- Word 2007+ ----------------------------------------------------------------------------------
def _docx(data: bytes) -> Extracted:
    from xml.etree import ElementTree as ET

    from normalize.numbering import Numbering

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        info = archive.getinfo("word/document.xml")
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError, NotImplementedError):
        raise Unsupported("is a damaged .docx (no word/document.xml): open it in Word and save it again") from None
    if info.file_size > MAX_XML_BYTES:
        raise Unsupported(f"is a .docx whose text would unpack to {info.file_size / 1e6:.0f} MB: refused (a zip bomb?)")
    try:
        body = ET.fromstring(archive.read(info)).find(f"{W}body")
        numbering = Numbering.of(_part(archive, "word/numbering.xml"), _part(archive, "word/styles.xml"))
    except (ET.ParseError, zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error, NotImplementedError,
            RuntimeError) as exc:  # fmt: skip
        raise Unsupported(f"is a damaged .docx ({exc}): open it in Word and save it again") from None
    return _document(body, numbering, "docx")


def _document(body: Element | None, numbering: Numbering, kind: str) -> Extracted:
    lines: list[str] = []
    counts = {"paragraphs": 0, "tables": 0}
    if body is not None:
        _blocks(body, numbering, lines, counts)
    return Extracted(kind, "\n".join(lines), facts=tuple(counts.items()))


PKG = "{http://schemas.microsoft.com/office/2006/xmlPackage}"


def _flat_opc(data: bytes) -> Extracted:
    """A .docx saved as one XML file: its parts are elements, each holding its own XML."""
    from xml.etree import ElementTree as ET

    from normalize.numbering import Numbering

    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise Unsupported(f"is damaged Word XML ({exc}): open it in Word and save it as .docx") from None
    parts = {}
    for part in root.findall(f"{PKG}part"):
        content = part.find(f"{PKG}xmlData")
        if content is not None and len(content):
            parts[part.get(f"{PKG}name", "")] = content[0]
    document = parts.get("/word/document.xml")
    numbering = Numbering.of(parts.get("/word/numbering.xml"), parts.get("/word/styles.xml"))
    return _document(document.find(f"{W}body") if document is not None else None, numbering, "flatopc")


def _part(archive: zipfile.ZipFile, name: str) -> Element | None:
    from xml.etree import ElementTree as ET

    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_XML_BYTES:
        return None
    return ET.fromstring(archive.read(info))


def _blocks(parent: Element, numbering: Numbering, lines: list[str], counts: dict[str, int]) -> None:
    """Paragraphs and tables in document order (content controls opened)."""
    for child in parent:
        if child.tag == f"{W}p":
            text = numbering.label(child) + _runs(child)
            if text.strip():
                lines.append(text)
                counts["paragraphs"] += 1
        elif child.tag == f"{W}tbl":
            counts["tables"] += 1
            for row in child.iter(f"{W}tr"):
                cells = [" ".join(_runs(p) for p in cell.iter(f"{W}p")).strip() for cell in row.findall(f"{W}tc")]
                if any(cells):
                    lines.append("| " + " | ".join(cells) + " |")
        elif child.tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml", f"{W}smartTag"):
            _blocks(child, numbering, lines, counts)


def _runs(paragraph: Element, ns: str = W) -> str:
    """A paragraph's visible text: runs, tabs and breaks, not deleted text nor field codes."""
    out: list[str] = []
    for node in paragraph.iter():
        tag = node.tag
        if tag == f"{ns}t" and node.text:
            out.append(node.text)
        elif tag == f"{ns}tab":
            out.append("\t")
        elif tag in (f"{ns}br", f"{ns}cr"):
            out.append("\n")
        elif tag == f"{ns}noBreakHyphen":
            out.append("-")
    return "".join(out)


# -- Word 2003 XML -------------------------------------------------------------------------------
def _word2003(data: bytes) -> Extracted:
    from xml.etree import ElementTree as ET

    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise Unsupported(f"is damaged Word 2003 XML ({exc}): open it in Word and save it as .docx") from None
    lines, tables = [], 0
    body = root.find(f"{W2003}body")
    for node in body.iter() if body is not None else ():
        if node.tag == f"{W2003}tbl":
            tables += 1
        if node.tag == f"{W2003}p":
            text = _runs(node, W2003)
            if text.strip():
                lines.append(text)
    return Extracted("word2003", "\n".join(lines), facts=(("paragraphs", len(lines)), ("tables", tables)))


# -- binary Word ---------------------------------------------------------------------------------
def _antiword(data: bytes) -> Extracted:
    """Binary Word through antiword, else catdoc (which reads the fast-saved files of WPS that
    antiword refuses); both are Debian packages."""
    tools = [t for t in ("antiword", "catdoc") if shutil.which(t)]
    if not tools:
        raise Unsupported(
            "is a binary Word (.doc/.wps) file, which needs antiword or catdoc: install them "
            "(apt-get install antiword catdoc), or save the file as .docx"
        )
    why = ""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "in.doc")
        with open(path, "wb") as handle:
            handle.write(data)
        for tool in tools:
            command = [tool, "-m", "UTF-8.txt", "-w", "0", path] if tool == "antiword" else [tool, "-d", "utf-8", path]
            try:
                done = subprocess.run(command, capture_output=True, timeout=ANTIWORD_SECONDS)
            except subprocess.TimeoutExpired:
                why = f"{tool} did not finish in {ANTIWORD_SECONDS} s"
                continue
            text = _FAST_SAVED.sub("", done.stdout.decode("utf-8", "replace"))
            if done.returncode == 0 and text.strip():
                paragraphs = sum(1 for line in text.split("\n") if line.strip())
                return Extracted("doc", text, facts=(("paragraphs", paragraphs),))
            message = done.stderr.decode("utf-8", "replace").replace(path, "the file").strip().splitlines()
            why = f"{tool}: {message[-1] if message else 'no text'}"
    raise Unsupported(
        f"is a binary Word file that {' and '.join(tools)} cannot read ({why}): "
        "open it in Word, WPS or LibreOffice and save it as .docx"
    )


_FAST_SAVED = re.compile(r"^\[This was fast-saved\s+\d+ times\. Some information is lost\]\s*", re.M)


# -- PDF -----------------------------------------------------------------------------------------
def _pdf(data: bytes) -> Extracted:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise Unsupported(f"is a PDF that cannot be opened ({exc}): it may be damaged or encrypted; give its text instead") from None
    pages: list[str] = []
    try:
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
    except pdfium.PdfiumError as exc:
        raise Unsupported(f"is a PDF whose page {len(pages) + 1} cannot be read ({exc}): give its text") from None
    finally:
        document.close()
    if not any(p.strip() for p in pages):
        raise Unsupported(f"is a PDF of {len(pages)} page(s) with no text layer (scanned images): run OCR first")
    return Extracted("pdf", "\f".join(pages), facts=(("pages", len(pages)),))


# -- MHTML ---------------------------------------------------------------------------------------
def _mhtml(data: bytes) -> Extracted:
    import email
    import email.policy

    message = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes) and payload.strip():
                charset = part.get_content_charset()
                if charset:
                    head = f'<meta charset="{charset}">'.encode("ascii", "ignore")
                    payload = head + payload
                return Extracted("mhtml", html=payload, facts=(("parts", len(message.get_payload() or [])),))
    raise Unsupported("is a saved web page (MHTML) without an HTML part: save the page again as HTML")

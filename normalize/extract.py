"""Formats other than plain text: sniffed from the bytes, never from the file name.

Scraped ``.doc`` files are often ``.docx`` zips, ``.docx`` files binary Word, ``.pdf`` files saved
web pages, ``.md`` files MHTML archives, ``.aspx`` files web pages. :func:`sniff` names the format;
:func:`extract_text` gives the text of a Word, RTF or PDF file (paragraphs and tables in order,
Word's automatic numbering rendered, PDF pages separated by form feeds so that page numbers and
running headers are found per page), or the HTML part of an MHTML archive. Bytes that are no text
format at all (images, archives, spreadsheets, programs) raise :class:`NotText` naming what they
are; what cannot be extracted raises :class:`Unsupported` with what to do. Binary Word goes
through ``antiword`` (a Debian package), the only step here that runs a program.
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

from normalize.errors import EmptyText, NotText, Unsupported
from normalize.sniff import NOT_TEXT, OLE, sniff

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from normalize.numbering import Numbering

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W2003 = "{http://schemas.microsoft.com/office/word/2003/wordml}"
MAX_XML_BYTES = 64 * 1024 * 1024  # a document.xml larger than this once unpacked is refused (zip bombs)
ANTIWORD_SECONDS = 60


@dataclass(frozen=True)
class Extracted:
    """Text taken out of a container: ``text`` (Word, RTF, PDF), ``html`` bytes (MHTML) or ``raw``
    bytes to decode, what format it came from, and counts for ``--explain`` (pages, paragraphs, tables)."""

    format: str
    text: str | None = None
    html: bytes | None = None
    facts: tuple[tuple[str, int], ...] = ()
    raw: bytes | None = None  # bytes to decode as text (what follows an MHTML header that heads no archive)
    dropped: tuple[tuple[str, str, int], ...] = ()  # (step, example, count): what the extraction left out


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
    if kind == "rtf":
        from normalize.rtf import read_rtf

        text = read_rtf(data)
        return Extracted("rtf", text, facts=(("paragraphs", sum(1 for line in text.split("\n") if line.strip())),))
    if kind in NOT_TEXT:
        raise NotText(*NOT_TEXT[kind])
    raise Unsupported(f"is of a format not read here ({kind})")


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
    export = _export_head(body) if body is not None else None
    if body is not None:
        _blocks(body, numbering, lines, counts, skip=export.blocks if export else ())
    if export is None:
        return Extracted(kind, "\n".join(lines), facts=tuple(counts.items()))
    title = export.fields.get("title", "")
    first = next((line for line in lines if line.strip(_INVISIBLE)), "")
    if title and first.strip(_INVISIBLE) != title:
        lines.insert(0, title)  # the export's own title field, above its text
    facts = (*counts.items(), ("export fields", len(export.fields)))
    return Extracted(kind, "\n".join(lines), facts=facts, dropped=export.dropped)


# -- research exports: a metadata table (Id, Title, Publish, Translated_content…) above the text ---
_FIELD = re.compile(r"[A-Za-z][A-Za-z0-9_ ]{0,80}")
_INVISIBLE = " \t\u3000\ufeff\u200b"


@dataclass(frozen=True)
class _Export:
    """The head of a database export: its fields (lower-case keys), the blocks to leave out (the
    field tables, a translation among them, and a label such as ``Content``), and what they were."""

    fields: dict[str, str]
    blocks: tuple[Element, ...]
    dropped: tuple[tuple[str, str, int], ...]


def _field_rows(table: Element) -> list[tuple[str, str]] | None:
    """The (key, value) rows of a two-column table whose keys are field names, else None."""
    rows = []
    for row in table.iter(f"{W}tr"):
        cells = ["\n".join(_runs(p) for p in cell.iter(f"{W}p")).strip() for cell in row.findall(f"{W}tc")]
        if not any(cells):
            continue
        if len(cells) != 2 or not _FIELD.fullmatch(cells[0]):
            return None
        rows.append((cells[0], cells[1]))
    return rows or None


def _export_head(body: Element) -> _Export | None:
    """A research group's export of a regulation puts a table of fields (``| Id | ZmY4…%3D |``,
    ``| Title | … |``, ``| Publish | … |``, ``| Translated_content | <the text in English> |``) and a
    table of its coding above the text: metadata, and a translation that is not the notice. Found by
    the structure (leading two-column tables keyed by field names, one of them ``Title``)."""
    blocks: list[Element] = []
    fields: dict[str, str] = {}
    dropped: list[tuple[str, str, int]] = []
    for child in body:
        if child.tag == f"{W}tbl" and (rows := _field_rows(child)) is not None:
            blocks.append(child)
            for key, value in rows:
                fields.setdefault(key.strip().lower(), value)
            translated = [(k, v) for k, v in rows if "translat" in k.lower()]
            for key, value in translated:
                paragraphs = sum(1 for line in value.split("\n") if line.strip())
                dropped.append(("export-translation", f"{key}: {value[:40]}", paragraphs))
            metadata = [(k, v) for k, v in rows if "translat" not in k.lower()]
            if metadata:
                dropped.append(("export-metadata", f"| {metadata[0][0]} | {metadata[0][1][:30]} |", len(metadata)))
        elif child.tag == f"{W}p" and (not (text := _runs(child).strip()) or _FIELD.fullmatch(text)):
            blocks.append(child)  # an empty paragraph, or a label (Content) between the tables and the text
            if text:
                dropped.append(("export-label", text, 1))
        else:
            break
    if "title" not in fields or len(fields) < 3:
        return None
    return _Export(fields, tuple(blocks), tuple(dropped))


PKG = "{http://schemas.microsoft.com/office/2006/xmlPackage}"


def _flat_opc(data: bytes) -> Extracted:
    """A .docx saved as one XML file: its parts are elements, each holding its own XML."""
    from xml.etree import ElementTree as ET

    from normalize.numbering import Numbering

    try:
        root = _xml(data)
    except (ET.ParseError, LookupError, ValueError) as exc:  # LookupError: an encoding no codec knows
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


def _blocks(
    parent: Element, numbering: Numbering, lines: list[str], counts: dict[str, int], skip: tuple[Element, ...] = ()
) -> None:
    """Paragraphs and tables in document order (content controls opened), ``skip`` left out."""
    for child in parent:
        if any(child is block for block in skip):
            continue
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


_DECLARED = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']{1,40})[\"'][^>]*\?>")


def _xml(data: bytes) -> Element:
    """The parsed XML; one declaring a multi-byte encoding expat cannot read (gb2312, big5) is
    decoded here with that codec and parsed as text (LookupError, UnicodeDecodeError otherwise)."""
    from xml.etree import ElementTree as ET

    try:
        return ET.fromstring(data)
    except ValueError as exc:
        found = _DECLARED.match(data)
        if found is None or "multi-byte" not in str(exc):
            raise
        text = data[found.end() :].decode(found.group(1).decode("ascii", "replace"))
        return ET.fromstring(text)


# -- Word 2003 XML -------------------------------------------------------------------------------
def _word2003(data: bytes) -> Extracted:
    from xml.etree import ElementTree as ET

    try:
        root = _xml(data)
    except (ET.ParseError, LookupError, ValueError) as exc:  # LookupError: an encoding no codec knows
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
    why, empty = "", False
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
            empty = empty or (not text.strip() and _EMPTY_STREAM in done.stderr)
    if empty:
        writer = "WPS" if _WPS in data else "Word"
        raise EmptyText(f"is an empty {writer} document (its text stream holds no text): there is no notice to read")
    raise Unsupported(
        f"is a binary Word file that {' and '.join(tools)} cannot read ({why}): "
        "open it in Word, WPS or LibreOffice and save it as .docx"
    )


_EMPTY_STREAM = b"text stream of this file is too small"  # antiword, on a document of no text
_WPS = "WPS Office".encode("utf-16-le")  # the application name in the summary of a file WPS wrote
_FAST_SAVED = re.compile(r"^\[This was fast-saved\s+\d+ times\. Some information is lost\]\s*", re.M)


# -- PDF -----------------------------------------------------------------------------------------
def _pdf(data: bytes) -> Extracted:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise Unsupported(
            f"is a PDF that cannot be opened ({exc}): it may be damaged or encrypted; give its text instead"
        ) from None
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
    if not message.is_multipart():
        # an MHTML header line above plain text (a page's text pasted under the header of its saved
        # archive): no archive at all; the text that follows is the file
        body = message.get_payload(decode=True)
        if isinstance(body, bytes) and body.strip():
            header = f"{message.keys()[0]}: {message.values()[0]}" if message.keys() else ""
            return Extracted("text", raw=body, dropped=(("mhtml-header", header, len(message.keys())),))
    raise Unsupported("is a saved web page (MHTML) without an HTML part: save the page again as HTML")


__all__ = ["NOT_TEXT", "OLE", "Extracted", "NotText", "Unsupported", "extract_text", "sniff"]

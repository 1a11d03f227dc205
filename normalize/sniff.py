"""What a file's bytes are, whatever its name: a document format read here, or a format that holds
no notice text (an image, an archive, a spreadsheet, a program), named so that a refusal says it."""

from __future__ import annotations

import io
import zipfile

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# (leading bytes, offset, kind): formats that hold no notice text, told by their signature
_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG", 0, "png"),
    (b"\xff\xd8\xff", 0, "jpeg"),
    (b"GIF87a", 0, "gif"),
    (b"GIF89a", 0, "gif"),
    (b"II*\x00", 0, "tiff"),
    (b"MM\x00*", 0, "tiff"),
    (b"WEBP", 8, "webp"),
    (b"Rar!\x1a\x07", 0, "rar"),
    (b"7z\xbc\xaf\x27\x1c", 0, "7z"),
    (b"\x1f\x8b\x08", 0, "gzip"),
    (b"BZh91AY&SY", 0, "bzip2"),
    (b"\x7fELF", 0, "elf"),
    (b"FWS", 0, "swf"),
    (b"CWS", 0, "swf"),
    (b"ID3", 0, "mp3"),
    (b"ftyp", 4, "mp4"),
    (b"AVI ", 8, "avi"),
    (b"WAVE", 8, "wav"),
)
# kind: (what it is, category, what to do)
NOT_TEXT: dict[str, tuple[str, str, str]] = {
    "png": ("a PNG image", "image", "run OCR on it to read its text"),
    "jpeg": ("a JPEG image", "image", "run OCR on it to read its text"),
    "gif": ("a GIF image", "image", "run OCR on it to read its text"),
    "tiff": ("a TIFF image", "image", "run OCR on it to read its text"),
    "webp": ("a WebP image", "image", "run OCR on it to read its text"),
    "bmp": ("a BMP image", "image", "run OCR on it to read its text"),
    "rar": ("a RAR archive", "archive", "unpack it and give the files inside"),
    "7z": ("a 7-Zip archive", "archive", "unpack it and give the files inside"),
    "gzip": ("a gzip archive", "archive", "unpack it and give the files inside"),
    "bzip2": ("a bzip2 archive", "archive", "unpack it and give the files inside"),
    "zip": ("a zip archive (not a Word document)", "archive", "unpack it and give the files inside"),
    "exe": ("a Windows program", "program", ""),
    "elf": ("a Linux program", "program", ""),
    "swf": ("a Flash animation", "media", ""),
    "mp3": ("an MP3 sound file", "media", ""),
    "mp4": ("an MP4 video", "media", ""),
    "avi": ("an AVI video", "media", ""),
    "wav": ("a WAV sound file", "media", ""),
    "xls": ("an Excel spreadsheet (.xls)", "spreadsheet", "save its sheets as text if they hold a notice"),
    "xlsx": ("an Excel spreadsheet (.xlsx)", "spreadsheet", "save its sheets as text if they hold a notice"),
    "ppt": ("a PowerPoint presentation (.ppt)", "presentation", "save it as PDF or text"),
    "pptx": ("a PowerPoint presentation (.pptx)", "presentation", "save it as PDF or text"),
    "ole-other": ("an Office file that is not a Word document", "office file", "save it as .docx or text"),
}


def sniff(data: bytes) -> str:
    """``pdf``, ``docx``, ``ole`` (binary Word/WPS), ``word2003``, ``flatopc``, ``rtf``, ``mhtml``, a
    kind of :data:`NOT_TEXT` (``png``, ``zip``, ``xls``…) or ``text`` (which the text path tells from
    HTML, whatever the file's name: ``.aspx``, ``.php``, none)."""
    head = data[:4096]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if head.startswith(OLE):
        return _ole_kind(data)
    for signature, offset, kind in _SIGNATURES:
        if head[offset : offset + len(signature)] == signature:
            return kind
    if head.startswith(b"BM") and head[6:10] == b"\0\0\0\0" and head[14:15] in (b"\x0c", b"(", b"@", b"l", b"|"):
        return "bmp"
    if head.startswith(b"MZ") and (b"This program cannot be run in DOS mode" in head or b"PE\0\0" in head[:1024]):
        return "exe"
    lowered = head.lstrip(b"\xef\xbb\xbf").lower()
    if lowered.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    if lowered.startswith(b"<?xml") and b"schemas.microsoft.com/office/word/2003/wordml" in lowered:
        return "word2003"
    if lowered.startswith(b"<?xml") and b"schemas.microsoft.com/office/2006/xmlpackage" in lowered:
        return "flatopc"  # Word 2007+ saved as one XML file ("Word XML Document")
    if b"mime-version:" in lowered[:2048] and b"multipart/related" in lowered:
        return "mhtml"
    return "text"


def _zip_kind(data: bytes) -> str:
    """A zip is Word (``word/``), a spreadsheet (``xl/``), a presentation (``ppt/``) or an archive."""
    start = data[:65536]
    for folder, kind in ((b"word/", "docx"), (b"xl/", "xlsx"), (b"ppt/", "pptx")):
        if folder in start:
            return kind
    for name, kind in (("word/document.xml", "docx"), ("xl/workbook.xml", "xlsx"), ("ppt/presentation.xml", "pptx")):
        if zip_has(data, name):
            return kind
    return "zip"


def _ole_kind(data: bytes) -> str:
    """An OLE compound file is Word (a ``WordDocument`` stream), Excel (``Workbook``/``Book``) or
    PowerPoint; its directory names them in UTF-16."""
    for name, kind in (("WordDocument", "ole"), ("Workbook", "xls"), ("Book", "xls"),
                       ("PowerPoint Document", "ppt")):  # fmt: skip
        if name.encode("utf-16-le") + b"\0\0" in data:
            return kind
    return "ole-other"


def zip_has(data: bytes, name: str) -> bool:
    try:
        return name in zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        return False

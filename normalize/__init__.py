"""Bytes → clean text → comparison key, with every change recorded.

>>> result = normalize("关于印发 2023 年工作方案的通知\\n— 1 —\\n各单位:".encode("gbk"))
>>> result.text
'关于印发2023年工作方案的通知\\n各单位：'
>>> result.encoding, result.meta.title
('gb18030', '关于印发2023年工作方案的通知')
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from normalize.artifacts import remove_page_artifacts, remove_web_boilerplate
from normalize.capture import extract_capture
from normalize.changes import Change, ChangeLog
from normalize.characters import count_private_use, fix_characters
from normalize.config import NormalizeConfig
from normalize.decode import Decoded, decode, repair_mojibake
from normalize.errors import DecodeError, EmptyText, NormalizeError, NotANotice
from normalize.extract import Unsupported, extract_text, sniff
from normalize.fields import remove_database_fields
from normalize.html import extract_main_text, looks_like_html
from normalize.key import comparison_key
from normalize.markup import may_hold_markup, strip_markup
from normalize.meta import Meta, extract_meta
from normalize.punctuation import fix_punctuation
from normalize.spacing import fix_spacing
from normalize.wraps import rejoin_wraps

__all__ = [
    "Change",
    "DecodeError",
    "EmptyText",
    "Meta",
    "NormalizeConfig",
    "NormalizeError",
    "Normalized",
    "NotANotice",
    "Unsupported",
    "comparison_key",
    "decode",
    "normalize",
    "prepare",
]

# UTF-8 text read as GBK/GB18030 turns into runs such as 鍏充簬 (关于); re-encoding them as
# GB18030 gives back valid UTF-8, which ordinary Chinese text almost never does.
_RUN_CHARS = "\u4e00-\u9fff\ue000-\uf8ff"


def _utf8_lead_chars() -> str:
    """The run characters whose GB18030 bytes open a UTF-8 sequence (a lead byte, then a
    continuation byte): only a run starting with one of them can re-encode to valid UTF-8."""
    pairs = bytes(b for lead in range(0xC2, 0xF5) for trail in range(0x80, 0xC0) for b in (lead, trail))
    chars = pairs.decode("gb18030", errors="replace")  # two bytes a character: GB18030 has them all
    return "".join(ch for ch in chars if "\u4e00" <= ch <= "\u9fff" or "\ue000" <= ch <= "\uf8ff")


# whole runs of 6+ such characters that start with a possible UTF-8 lead: the others cannot decode (the
# lead comes first and the look behind after it, so that the regex engine scans for a lead character)
_HAN_RUN = re.compile(f"[{_utf8_lead_chars()}](?<![{_RUN_CHARS}].)[{_RUN_CHARS}]{{5,}}")
# half-width punctuation next to a Chinese character (written to start at the punctuation, which
# the regex engine finds by a fast scan, instead of at every Chinese character)
_HALFWIDTH_IN_CJK = re.compile(r"[,:;()!?](?:(?<=[\u4e00-\u9fff].)|(?=[\u4e00-\u9fff]))")


@dataclass(frozen=True)
class Normalized:
    """The result of :func:`normalize`: clean text, key, decoding facts, changes and metadata."""

    text: str
    key: str
    encoding: str
    confidence: float
    changes: tuple[Change, ...]
    meta: Meta
    replacement_chars: int = 0
    private_use_chars: int = 0
    mojibake: bool = False
    mixed_width_punctuation: bool = False
    was_html: bool = False
    format: str = "text"  # text, html, mhtml, docx, doc, word2003, pdf: sniffed from the bytes
    extraction: tuple[tuple[str, int], ...] = ()  # what was taken out: pages, paragraphs, tables

    def describe_format(self) -> str:
        counts = ", ".join(f"{n} {name}" for name, n in self.extraction)
        return f"{self.format} ({counts})" if counts else self.format

    def explain(self) -> str:
        """One line per step that changed something, with counts and examples."""
        head = f"encoding: {self.encoding} (confidence {self.confidence:.2f})"
        if self.format not in ("text", "html"):
            head = f"format: {self.describe_format()}\n{head}"
        return "\n".join([head, *(c.describe() for c in self.changes)])


def looks_mojibake(text: str) -> bool:
    """True when runs of Chinese characters are really UTF-8 bytes read as GBK (``鍏充簬``)."""
    return any_utf8_run(_HAN_RUN.findall(text[:5000]))


def any_utf8_run(runs: Iterable[str]) -> bool:
    """Does one of these runs re-encode as GB18030 into UTF-8 text of two characters or more?

    The runs are encoded and decoded together, a line break between two (its byte is in no other
    character's GB18030 bytes, and a UTF-8 decoder never takes it into a bad sequence); decoded with
    bad bytes left out, a run is valid UTF-8 when what is left encodes back to all of its bytes. One
    encoding and one decoding, where each run cost two and an exception (most runs are no UTF-8)."""
    runs = list(runs)
    joined = "\n".join(runs)
    if joined.count("\n") != len(runs) - 1:  # a run holding a line break: each on its own
        return _any_utf8_run_each(runs)
    try:
        data = joined.encode("gb18030")
    except UnicodeEncodeError:
        return _any_utf8_run_each(runs)
    backs = data.decode("utf-8", "ignore").split("\n")
    return any(
        len(back) >= 2 and len(back.encode("utf-8")) == len(part)
        for part, back in zip(data.split(b"\n"), backs, strict=True)
    )


def _any_utf8_run_each(runs: Iterable[str]) -> bool:
    for run in runs:
        try:
            back = run.encode("gb18030").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if len(back) >= 2:
            return True
    return False


def clean_text(text: str, config: NormalizeConfig = NormalizeConfig(), log: ChangeLog | None = None) -> str:
    """The clean-text pipeline on already-decoded text (docs/architecture.md §3)."""
    log = log if log is not None else ChangeLog()
    text = fix_characters(text, log)
    markup = may_hold_markup(text)  # a text without a markup character (a quarter of them): no line looked at
    lines = text.replace("\f", "\n\f\n").split("\n")  # held as lines only from here
    lines = strip_markup(lines, log) if markup else lines
    if config.strip_pages:
        lines = remove_page_artifacts(lines, log)
    lines = remove_database_fields(lines, log, log.facts)
    if config.strip_web:
        lines = remove_web_boilerplate(lines, log)
    if config.rejoin_wraps:
        # emphasis can span a hard wrap (``**…⏎…**``): look again once lines are joined
        lines = rejoin_wraps(lines, log)
        lines = strip_markup(lines, log) if markup else lines
    if config.fix_punctuation:
        lines = fix_punctuation(lines, log)
    lines = fix_spacing(lines, log)
    return "\n".join(lines)


def prepare() -> None:
    """Load now what reading notices loads on first need: chardet's tables (24 MB), OpenCC's
    conversion and the key's tables, the web page parser. A process about to fork its readers calls
    it, so that they share one copy of these pages instead of each reading its own."""
    from normalize import web  # noqa: F401 (imported for its pages; normalize.html is imported above)
    from normalize.decode import warm_detector

    warm_detector()
    comparison_key("預備，ﬁ")  # the key's tables, with the conversion and NFKC its characters call for


def normalize(data: bytes | str, config: NormalizeConfig = NormalizeConfig()) -> Normalized:
    """Normalize one notice given as bytes (any encoding) or text.

    Raises :class:`DecodeError` when the bytes decode cleanly in no encoding, and
    :class:`EmptyText` when no text is left to compare.
    """
    kind = sniff(data) if isinstance(data, bytes) else "str"
    extracted = extract_text(data, kind) if isinstance(data, bytes) and kind != "text" else None
    if extracted is not None and extracted.text is not None:
        decoded = Decoded(extracted.text, extracted.format, 1.0, extracted.format)
    elif extracted is not None and extracted.html is not None:
        decoded = decode(extracted.html, config.encoding)
        config = config._replace(html=True)
    elif extracted is not None and extracted.raw is not None:
        decoded = decode(extracted.raw, config.encoding)
    else:
        decoded = decode(data, config.encoding) if isinstance(data, bytes) else Decoded(data, "str", 1.0, "str")
    raw = decoded.text
    if not raw.strip():
        what = f"its {extracted.format} holds no text" if extracted else "is empty (or holds only whitespace)"
        raise EmptyText(f"{what}: there is no notice to read")
    log = ChangeLog()
    if decoded.via.endswith("(repaired)"):
        log.add("mojibake-repaired", decoded.via.removesuffix(" (repaired)"), 1)
    if decoded.via.endswith("replaced"):
        log.add("undecodable-bytes-replaced", decoded.via, decoded.text.count("\ufffd"))
    for step, example, count in extracted.dropped if extracted else ():
        log.add(step, example, count)
    mojibake = looks_mojibake(raw)
    if mojibake and (fixed := repair_mojibake(raw)):
        raw, mojibake = fixed[0], False
        log.add("mojibake-repaired", f"utf-8 read as {fixed[1]} and saved again", 1)
    was_html = config.html if config.html is not None else looks_like_html(raw)
    if was_html:
        # a page read as UTF-8 and left as it was: the parser is given its bytes (not the text encoded again)
        read = extracted.html or extracted.raw if extracted is not None else data
        utf8 = read if decoded.via == "utf-8" and raw is decoded.text and isinstance(read, bytes) else None
        raw = extract_main_text(raw, log, utf8)
        log.add("html-main-content", "", 1)
        config = config._replace(rejoin_wraps=False)  # a page's lines are its paragraphs, not wraps
    else:
        raw = extract_capture(raw, log) or raw
    text = clean_text(raw, config, log)
    key = comparison_key(text, config.traditional_to_simplified)
    if not key:
        pages = sum(c.count for c in log.changes() if c.step == "page-number")
        if pages:
            raise EmptyText(f"holds only {pages} page marker(s) and no text: an empty extraction (run OCR first?)")
        raise EmptyText("has no text left after normalization (only markup, page numbers or boilerplate)")
    lines = text.split("\n") if text else []
    return Normalized(
        text=text,
        key=key,
        encoding=decoded.encoding,
        confidence=decoded.confidence,
        changes=log.changes(),
        meta=extract_meta(lines, log.facts),
        replacement_chars=decoded.text.count("\ufffd"),
        private_use_chars=count_private_use(decoded.text),
        mojibake=mojibake,
        mixed_width_punctuation=any(ch in raw for ch in "，：；（）") and bool(_HALFWIDTH_IN_CJK.search(raw)),
        was_html=was_html,
        format=extracted.format if extracted else ("html" if was_html else "text"),
        extraction=extracted.facts if extracted else (),
    )

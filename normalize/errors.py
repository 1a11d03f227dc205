"""Exceptions of the normalize stage; the CLI turns them into messages that say what to do."""

from __future__ import annotations


class NormalizeError(Exception):
    """Base class of every error the normalize package raises."""


class DecodeError(NormalizeError):
    """The bytes decode cleanly in no encoding we tried. ``guess`` is chardet's best guess."""

    def __init__(self, reason: str, guess: str | None) -> None:
        self.reason = reason
        self.guess = guess
        hint = f"chardet's best guess is {guess}" if guess else "chardet has no guess"
        super().__init__(f"{reason} ({hint}); name the encoding with --encoding if you know it")


class EmptyText(NormalizeError):
    """Nothing is left to compare: the input is empty, or only page numbers, markup or boilerplate."""


class NotANotice(NormalizeError):
    """Text is left, but it is no notice: no Chinese, mostly markup or code, or no sentence (an error
    page, a page's source, a page whose notice was images). ``cjk`` and ``visible`` are its counts."""

    def __init__(self, reason: str, cjk: int = 0, visible: int = 0) -> None:
        self.cjk = cjk
        self.visible = visible
        super().__init__(reason)


class Unsupported(NormalizeError):
    """A file whose text cannot be extracted here; the message says why and what to do."""


class NotText(Unsupported):
    """Bytes of a format that holds no notice text (an image, an archive, a spreadsheet, a program):
    the message names it; ``category`` (``image``, ``archive``…) is what a folder's summary counts."""

    def __init__(self, what: str, category: str, advice: str = "") -> None:
        self.what = what
        self.category = category
        super().__init__(f"is {what}, not a notice" + (f": {advice}" if advice else ""))

"""The one configuration object of the normalize stage."""

from __future__ import annotations

from typing import NamedTuple


class NormalizeConfig(NamedTuple):
    """Options of :func:`normalize.normalize`; the defaults are what archivists want.

    - ``encoding``: decode with this codec instead of detecting one (``--encoding``).
    - ``html``: ``None`` detects HTML from the bytes; ``True``/``False`` force it.
    - ``strip_web``: remove whitelisted web boilerplate lines near the head and tail.
    - ``strip_pages``: remove page numbers and running headers/footers.
    - ``rejoin_wraps``: rejoin lines broken mid-sentence by PDF extraction.
    - ``fix_punctuation``: half-width ``,:;()!?`` in Chinese context become full-width.
    - ``traditional_to_simplified``: the comparison key maps traditional characters to
      simplified ones (needs the ``opencc`` extra); the clean text is never converted.
    """

    encoding: str | None = None
    html: bool | None = None
    strip_web: bool = True
    strip_pages: bool = True
    rejoin_wraps: bool = True
    fix_punctuation: bool = True
    traditional_to_simplified: bool = True

"""What a folder search passes over, counted and named: nothing in a folder is left out silently.

A scraped folder holds more than notices: the images and scripts a saved page brought along, the
spreadsheets and archives of a download, hidden files. Each file of a folder is read by what its
bytes are; one that is no text format (an image, an archive, a spreadsheet…) is skipped by what it
is, and so is a saved page's script or style sheet by its name. ``policy-dedup --verbose`` lists
them; every command's summary counts them (``skipped 3 files: 2 images, 1 spreadsheet``). A file
named on the command line is never skipped: it is refused with the same reason.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field

# a saved page's companions, by name: what a browser writes beside page.html in page_files/
RESOURCES = {".js": "a script", ".css": "a style sheet", ".map": "a source map", ".woff": "a font",
             ".woff2": "a font", ".ttf": "a font", ".eot": "a font", ".otf": "a font", ".ico": "an icon"}  # fmt: skip
SYSTEM_FILES = {"thumbs.db": "Windows' thumbnail cache", "desktop.ini": "Windows' folder settings"}
PLURALS = {"sound or video file": "sound or video files", "office file": "office files"}


@dataclass(frozen=True)
class Skipped:
    """A file of a folder that was not read as a notice because of what it is (``category``)."""

    path: str
    reason: str
    category: str


def by_name(path: str) -> Skipped | None:
    """A web page's resource or a system file, told by its name (such files are never notices)."""
    name = os.path.basename(path)
    suffix = os.path.splitext(name)[1].lower()
    if suffix in RESOURCES:
        return Skipped(
            path, f"is {RESOURCES[suffix]} ({suffix}) a saved web page uses, not a notice", "web page resource"
        )
    if name.lower() in SYSTEM_FILES:
        return Skipped(path, f"is {SYSTEM_FILES[name.lower()]}, not a notice", "system file")
    return None


def plural(category: str, n: int) -> str:
    return f"{n} {category if n == 1 else PLURALS.get(category, category + 's')}"


@dataclass
class PassedOver:
    """Hidden files and folders passed over, and files skipped for what they are."""

    hidden: int = 0
    skipped: list[Skipped] = field(default_factory=list)

    def summary(self) -> str:
        """``skipped 3 files: 2 images, 1 spreadsheet`` (empty when nothing was skipped)."""
        if not self.skipped:
            return ""
        counts = Counter(s.category for s in self.skipped)
        kinds = ", ".join(plural(c, n) for c, n in sorted(counts.items(), key=lambda cn: (-cn[1], cn[0])))
        return f"skipped {plural('file', len(self.skipped))}: {kinds}"

    def notes(self) -> list[str]:
        """One line for the hidden files; the skipped ones are told by ``skipped_lines``, which knows
        whether ``--verbose`` names them."""
        what = "hidden file(s) or folder(s) (names starting with '.', such as macOS ._ files)"
        return [f"passed over {self.hidden} {what}"] if self.hidden else []


def skipped_lines(skipped: list[Skipped], verbose: bool) -> list[str]:
    """The note counting the files skipped, then, with ``verbose``, each file and why; without it,
    the note says how to have them listed (never asking for ``--verbose`` when it is given)."""
    if not skipped:
        return []
    summary = f"note: {PassedOver(skipped=list(skipped)).summary()}"
    if not verbose:
        return [f"{summary} (policy-dedup --verbose … lists them)"]
    return [summary, *(f"skipped {s.path}: {s.reason}" for s in skipped)]

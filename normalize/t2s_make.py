"""Makes ``normalize/t2s_table.py`` (what OpenCC's ``t2s`` conversion can change) from the installed
OpenCC's dictionaries; see that file for what it holds and why.

    python -m normalize.t2s_make && ruff format normalize/t2s_table.py    # writes it anew
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from normalize.key import class_ranges

# t2s.json: the normalization dictionary, then the group of phrases and characters
DICTIONARIES = ("CJK_Compatibility_Ideographs", "TSPhrases", "TSCharactersExt", "TSCharacters")


def read_dictionaries() -> tuple[str, list[tuple[str, str]]]:
    """The installed OpenCC's version and its ``t2s`` dictionaries' (key, value) pairs, each value
    the first candidate (the one a conversion writes), read with the ``opencc_dict`` tool it ships."""
    import opencc  # type: ignore[import-untyped]

    clib = Path(opencc.__file__).parent / "clib"
    tool, share = clib / "bin" / "opencc_dict", clib / "share" / "opencc"
    pairs: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in DICTIONARIES:
            out = Path(tmp) / f"{name}.txt"
            subprocess.run(
                [str(tool), "-i", str(share / f"{name}.ocd2"), "-o", str(out), "-f", "ocd2", "-t", "text"],
                check=True,
                capture_output=True,
                env={**os.environ, "LD_LIBRARY_PATH": str(clib / "lib64")},
            )
            for line in out.read_text(encoding="utf-8").splitlines():
                key, values = line.split("\t", 1)
                pairs.append((key, values.split(" ")[0]))
    return opencc.__version__, pairs


def made(pairs: list[tuple[str, str]]) -> tuple[list[str], dict[str, tuple[str, ...]]]:
    """The class of characters that convert to another (in pieces, a range or a character each),
    and the phrases that convert to another while holding none of them, each listed under one
    character it holds: the one the most of those phrases hold (fewer characters to look for)."""
    changed = sorted({key for key, value in pairs if len(key) == 1 and value != key})
    chars = set(changed)
    phrases = sorted({key for key, value in pairs if len(key) > 1 and value != key and not chars & set(key)})
    # each phrase under the character it holds that the most of them hold (沈, 藉, 覆…, not 土 or 打)
    holders = {ch: sum(ch in p for p in phrases) for p in phrases for ch in p}
    listed: dict[str, list[str]] = {}
    for phrase in phrases:
        listed.setdefault(max(phrase, key=lambda ch: (holders[ch], ch)), []).append(phrase)
    pieces = ["[", *class_ranges(ord(ch) for ch in changed if ord(ch) < 0x10000)]
    pieces += ["\\ud800-\\udfff", "\\U00010000-\\U0010ffff]"]
    return pieces, {ch: tuple(ps) for ch, ps in sorted(listed.items())}


def write(path: Path) -> None:
    version, pairs = read_dictionaries()
    changed, phrases = made(pairs)
    head = path.read_text(encoding="utf-8").split("\n# generated below\n")[0]
    lines = [head, "# generated below", f"OPENCC_VERSION = {version!r}", "CHANGED = ("]
    row = ""
    for piece in changed:  # a row of pieces at a time: an escape is never cut
        if len(row) + len(piece) > 100:
            lines.append(f'    r"{row}"')
            row = ""
        row += piece
    lines.append(f'    r"{row}"')
    lines += [")", "PHRASES: dict[str, tuple[str, ...]] = {"]
    lines += [f"    {ch!r}: {phrases[ch]!r}," for ch in phrases]
    lines += ["}", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("t2s_table.py"))

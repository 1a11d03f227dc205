"""How a person gives each correction: the table the command line makes its correction commands
from (``dedupe.console.corrections``), beside the code that records them (``dedupe.store.corrections``
re-exports it). It imports nothing, so the command line reads it without loading the store."""

from __future__ import annotations

from dataclasses import dataclass

WHY = "Why: recorded in the decision log with who and when."


@dataclass(frozen=True)
class Form:
    """A correction as a person gives it (the command line makes a command of each): its kind,
    what it says (the command's help), the names of what it is given, the help of its reason and
    whether one is required. ``listed``: the notices are taken as one list, ``correct`` checking
    their number; ``file``: it is given a file, in the corpus or anywhere."""

    kind: str
    says: str
    takes: tuple[str, ...]
    listed: bool = False
    file: bool = False
    why: str = WHY
    why_required: bool = True


FORMS = (
    Form("merge", "A and B are the same notice: join their clusters, whatever the automatic judgement said.",
         ("A", "B"), listed=True),
    Form("split", "A and B are different notices: never put them in one cluster.", ("A", "B"), listed=True),
    Form("canonical", "NOTICE represents its cluster (by id, id prefix or path).", ("NOTICE",), listed=True),
    Form("withdraw", "NOTICE should not be in the corpus: its original stays in raw/, its row says withdrawn.",
         ("NOTICE",), listed=True),
    Form("link", "B is a version of A's regulation: put them in one chain of versions, whatever the titles and "
         "texts say.", ("A", "B"), why_required=False),
    Form("unlink", "B's version is not one of A's regulation: take it out of A's chain of versions.", ("A", "B"),
         why_required=False),
    Form("accept", "PATH is a reviewed, deliberate duplicate: check lets a file of its bytes pass, and history "
         "shows who accepted it and why.", ("PATH",), file=True,
         why="Why it stays: recorded in the decision log with who and when."),
)  # fmt: skip

"""What each process measures and judges, written to the file ``$WORKER_PROBE_LOG`` names.

The engine's workers are started afresh, so a test cannot patch them from its own process: it
hands the engine :func:`logged_judge`, and a worker that unpickles it imports this module, which
then logs that worker's measures too (when the variable is set, as it is only while such a test
runs). The test patches its own process with :func:`install`.
"""

from __future__ import annotations

import os
from functools import cached_property
from typing import Any

import dedupe.elect as elect
import dedupe.engine as engine
from dedupe.document import Document

VARIABLE = "WORKER_PROBE_LOG"
_judge = engine.judge
_cut = elect.cut_mid_sentence
_measure = Document.__dict__["body_chars"].func


def _log(*words: object) -> None:
    with open(os.environ[VARIABLE], "a", encoding="utf-8") as out:
        out.write(" ".join(map(str, (words[0], os.getpid(), *words[1:]))) + "\n")


def logged_judge(a: Document, b: Document, config: Any, ignore: Any = None) -> Any:
    _log("judge", a.id, b.id)
    return _judge(a, b, config, ignore)


def logged_measure(self: Document) -> int:
    _log("body", self.id)
    return _measure(self)


def logged_cut(doc: Document) -> bool:
    _log("facts", doc.id)
    return _cut(doc)


def install(setattr: Any = setattr) -> None:
    """Log this process's measures and judgements (``setattr``: a test's ``monkeypatch.setattr``)."""
    body_chars = cached_property(logged_measure)
    body_chars.__set_name__(Document, "body_chars")
    setattr(Document, "body_chars", body_chars)
    setattr(engine, "judge", logged_judge)
    setattr(elect, "cut_mid_sentence", logged_cut)


if os.environ.get(VARIABLE) and __name__ != "__main__":
    install()

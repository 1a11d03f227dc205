"""Near-duplicate detection for normalized notices: MinHash + LSH (datasketch), exact
verification, a template/revision veto, union-find clusters and canonical election.

Layers: this package is the engine (``dedupe.engine`` and the modules it uses); ``dedupe.store``
keeps a corpus folder and runs the engine over it; ``dedupe.reports`` formats what both found.
The engine imports neither."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dedupe.config import DedupeConfig
    from dedupe.document import Document, Fingerprint
    from dedupe.engine import find_duplicates, judge
    from dedupe.errors import CorpusError, DedupeError, IndexUnavailable
    from dedupe.files import Rejected, discover, read_document, read_documents
    from dedupe.model import Cluster, Known, Link, Membership, Pair, Result

_HOME = {
    "DedupeConfig": "config",
    **dict.fromkeys(("Document", "Fingerprint"), "document"),
    **dict.fromkeys(("find_duplicates", "judge"), "engine"),
    **dict.fromkeys(("CorpusError", "DedupeError", "IndexUnavailable"), "errors"),
    **dict.fromkeys(("Rejected", "discover", "read_document", "read_documents"), "files"),
    **dict.fromkeys(("Cluster", "Known", "Link", "Membership", "Pair", "Result"), "model"),
}


def __getattr__(name: str) -> Any:
    """The names below, imported when first asked for: importing the package (as every module
    under it does, the command line's support among them) loads no engine, polars or numpy."""
    if name not in _HOME:
        raise AttributeError(f"module 'dedupe' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"dedupe.{_HOME[name]}"), name)
    globals()[name] = value
    return value


__all__ = [
    "Cluster",
    "CorpusError",
    "DedupeConfig",
    "DedupeError",
    "Document",
    "Fingerprint",
    "IndexUnavailable",
    "Known",
    "Link",
    "Membership",
    "Pair",
    "Rejected",
    "Result",
    "discover",
    "find_duplicates",
    "judge",
    "read_document",
    "read_documents",
]

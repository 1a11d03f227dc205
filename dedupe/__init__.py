"""Near-duplicate detection for normalized notices: MinHash + LSH (datasketch), exact
verification, a template/revision veto, union-find clusters and canonical election.

Layers: this package is the engine (``dedupe.engine`` and the modules it uses); ``dedupe.store``
keeps a corpus folder and runs the engine over it; ``dedupe.reports`` formats what both found.
The engine imports neither."""

from __future__ import annotations

from dedupe.config import DedupeConfig
from dedupe.document import Document, Fingerprint
from dedupe.engine import find_duplicates, judge
from dedupe.errors import CorpusError, DedupeError, IndexUnavailable
from dedupe.files import Rejected, discover, read_document, read_documents
from dedupe.model import Cluster, Known, Link, Membership, Pair, Result

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

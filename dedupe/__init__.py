"""Near-duplicate detection for normalized notices: MinHash + LSH (datasketch), exact
verification, a template/revision veto, union-find clusters and canonical election."""

from __future__ import annotations

from dedupe.config import DedupeConfig
from dedupe.document import Document, Fingerprint
from dedupe.errors import CorpusError, DedupeError, IndexUnavailable
from dedupe.files import Rejected, discover, read_document, read_documents
from dedupe.pipeline import Cluster, Membership, Pair, Result, find_duplicates, judge

__all__ = [
    "Cluster",
    "CorpusError",
    "DedupeConfig",
    "DedupeError",
    "Document",
    "Fingerprint",
    "IndexUnavailable",
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

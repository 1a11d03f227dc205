"""The corpus store: a folder of originals, canonical texts, a manifest and a decision log, with a
derived SQLite cache; runs the engine (``dedupe.engine``) over what it holds."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dedupe.store import log, manifest
    from dedupe.store.corpus import Addition, Corpus, Plan


def __getattr__(name: str) -> Any:
    """``Corpus`` and the others imported when first asked for: a module of the store (the table of
    corrections the command line reads) is imported without the corpus, polars and the engine."""
    if name in ("log", "manifest"):
        return importlib.import_module(f"dedupe.store.{name}")
    if name not in ("Addition", "Corpus", "Plan"):
        raise AttributeError(f"module 'dedupe.store' has no attribute {name!r}")
    value = getattr(importlib.import_module("dedupe.store.corpus"), name)
    globals()[name] = value
    return value


__all__ = ["Addition", "Corpus", "Plan", "log", "manifest"]

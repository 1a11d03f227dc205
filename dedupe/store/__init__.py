"""The corpus store: a folder of originals, canonical texts, a manifest and a decision log, with a
derived SQLite cache; runs the engine (``dedupe.engine``) over what it holds."""

from __future__ import annotations

from dedupe.store import log, manifest
from dedupe.store.corpus import Addition, Corpus, Plan

__all__ = ["Addition", "Corpus", "Plan", "log", "manifest"]

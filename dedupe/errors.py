"""Exceptions of the dedupe stage; the CLI turns them into messages that say what to do."""

from __future__ import annotations


class DedupeError(Exception):
    """Base class of every error the dedupe package raises."""


class IndexUnavailable(DedupeError):
    """The candidate index cannot be built or reached (bad URL, Redis down, extra missing)."""


class CorpusError(DedupeError):
    """The corpus folder is missing, locked, or inconsistent."""


class NothingToRead(DedupeError):
    """The paths given hold no notice to read (an empty folder, only other kinds of files)."""

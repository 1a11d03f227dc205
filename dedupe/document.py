"""A notice as dedupe sees it: who it is, its normalized form, and its fingerprint."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import Any, TypeVar

import numpy as np

from dedupe.arrays import in_sorted, sorted_unique
from dedupe.config import DedupeConfig
from dedupe.passages import kept_passages
from dedupe.shingle import positional_hashes64, shingle_hash32, shingle_strings
from dedupe.signature import signature
from normalize import Normalized, comparison_key


def reference_signature(key: str, config: DedupeConfig) -> np.ndarray:
    """The signature as datasketch computes it, one shingle at a time (slow; for checking)."""
    from datasketch import MinHash

    m = MinHash(num_perm=config.num_perm, seed=config.seed, hashfunc=shingle_hash32, scheme="affine32")
    m.update_batch(shingle_strings(key, config.ngram))
    return m.hashvalues.astype(np.uint32)


T = TypeVar("T")
REPEAL = "废止"
PACK_FROM = 1024  # characters of text and key from which they are held packed
_EXPANDED: OrderedDict[int, tuple[Normalized, str, str]] = OrderedDict()  # the last read, by id (kept alive)
EXPANDED_KEEP = 256


class Packed(Normalized):
    """A :class:`Normalized` whose text and key are held as one blob of their UTF-8, decoded when
    read (the last few are kept decoded). The blobs of a batch read from files wait in a temporary
    file (:func:`gather`), read back when a text is asked for: most of a batch's texts are never
    read again, and its memory is then its signatures and facts. The blob is not compressed: zlib
    took about 8% of a run's CPU on 10,000 generated notices (1.27 s compressing every notice, 0.64 s
    decompressing those read again), for texts that wait on disk (about 14 KB a notice, in the
    system's file cache). It reads, compares and pickles as the Normalized it packs."""

    def __getattribute__(self, name: str) -> Any:
        if name == "text" or name == "key":
            held = object.__getattribute__(self, "__dict__")
            if "_blob" in held:
                return _expand(self, held)[name == "key"]
        return object.__getattribute__(self, name)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Normalized):
            return NotImplemented
        return all(getattr(self, f.name) == getattr(other, f.name) for f in fields(Normalized))

    __hash__ = Normalized.__hash__

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_blob"] = _bytes(state["_blob"])  # its own bytes, not a view of the others' nor a place in a file
        return state


def pack(normalized: Normalized) -> Normalized:
    """``normalized`` with its text and key packed (see :class:`Packed`); a short one as it is."""
    text, key = normalized.text, normalized.key
    if isinstance(normalized, Packed) or len(text) + len(key) < PACK_FROM:
        return normalized
    head = text.encode("utf-8", "surrogatepass")
    blob = head + key.encode("utf-8", "surrogatepass")
    packed = object.__new__(Packed)
    packed.__dict__.update(normalized.__dict__, text="", key="", _blob=blob, _cut=len(head))
    _keep(packed, text, key)
    return packed


def same_text(a: Normalized, b: Normalized) -> bool:
    """``a.text == b.text``; two packed texts are compared by their UTF-8 (the same text has the
    same bytes), not expanded: the clusters' merges are sorted by it, and expanding both texts of
    every merged pair was a tenth of the clustering's time."""
    if isinstance(a, Packed) and isinstance(b, Packed):
        return a.__dict__["_cut"] == b.__dict__["_cut"] and _text_bytes(a) == _text_bytes(b)
    return a.text == b.text


def _text_bytes(packed: Packed) -> bytes | memoryview:
    """The UTF-8 of a packed text, as its blob holds it."""
    blob, cut = packed.__dict__["_blob"], packed.__dict__["_cut"]
    return blob.spill.get(blob.at, cut) if isinstance(blob, Spilled) else memoryview(blob)[:cut]


class Spill:
    """A temporary file (in ``TMPDIR``) that packed blobs are written to and read back from, by
    offset: its pages belong to the system's file cache, not to this process. Deleted when the
    last notice referring to it is gone."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile(prefix="policy-dedup-texts-")  # noqa: SIM115 (closed with the last notice)
        self.end = 0
        self._lock = threading.Lock()

    def put(self, data: bytes) -> int:
        """Write ``data`` at the end; its offset."""
        with self._lock:
            start, self.end = self.end, self.end + len(data)
        view, at = memoryview(data), start
        while view:  # pwrite may write less than asked
            done = os.pwrite(self.file.fileno(), view, at)
            view, at = view[done:], at + done
        return start

    def get(self, at: int, size: int) -> bytes:
        data = os.pread(self.file.fileno(), size, at)
        if len(data) != size:
            raise OSError(f"the temporary file of texts ends early (byte {at + len(data):,} of {at + size:,})")
        return data


class Spilled:
    """Where a blob waits in a :class:`Spill`."""

    __slots__ = ("at", "size", "spill")

    def __init__(self, spill: Spill, at: int, size: int) -> None:
        self.spill, self.at, self.size = spill, at, size


def _bytes(blob: bytes | memoryview | Spilled) -> bytes:
    return blob.spill.get(blob.at, blob.size) if isinstance(blob, Spilled) else bytes(blob)


def gather(normalized: Iterable[Normalized], spill: Spill | None = None) -> None:
    """Hold the blobs of these packed notices together: written in one piece to ``spill`` (each
    then a :class:`Spilled`), or, without one or when it cannot be written, in one bytes object
    (each a view of its part)."""
    # each once: the copies of a file (the same bytes) share its notice's
    packed = list(
        {id(n): n for n in normalized if isinstance(n, Packed) and isinstance(n.__dict__["_blob"], bytes)}.values()
    )
    if not packed or (len(packed) < 2 and spill is None):
        return
    joined = b"".join(n.__dict__["_blob"] for n in packed)
    start: int | None = None
    if spill is not None:
        with contextlib.suppress(OSError):  # a full or unwritable TMPDIR: the blobs stay in memory
            start = spill.put(joined)
    arena = memoryview(joined)
    at = 0
    for n in packed:
        size = len(n.__dict__["_blob"])
        n.__dict__["_blob"] = arena[at : at + size] if start is None else Spilled(spill, start + at, size)  # type: ignore[arg-type]
        at += size


def _expand(packed: Packed, held: dict[str, Any]) -> tuple[str, str]:
    found = _EXPANDED.get(id(packed))
    if found is not None and found[0] is packed:
        with contextlib.suppress(KeyError):  # another thread may have let it go meanwhile
            _EXPANDED.move_to_end(id(packed))
        return found[1], found[2]
    blob = held["_blob"]
    raw, cut = memoryview(_bytes(blob) if isinstance(blob, Spilled) else blob), held["_cut"]
    text, key = str(raw[:cut], "utf-8", "surrogatepass"), str(raw[cut:], "utf-8", "surrogatepass")
    _keep(packed, text, key)
    return text, key


def let_go(normalized: Normalized) -> None:
    """Stop holding the text and key of a packed notice expanded (read again from its blob when
    asked for): a reader holds them while it reads the notice, not for the next 255 notices it
    reads, which at the end of 10,000 generated notices were 5–7 MB in each reading process."""
    with contextlib.suppress(KeyError):  # threads: another may have let it go meanwhile
        del _EXPANDED[id(normalized)]


def _keep(packed: Packed, text: str, key: str) -> None:
    _EXPANDED[id(packed)] = (packed, text, key)
    with contextlib.suppress(KeyError):  # threads: the dict may change between these steps
        _EXPANDED.move_to_end(id(packed))
        while len(_EXPANDED) > EXPANDED_KEEP:
            _EXPANDED.popitem(last=False)


class Fingerprint:
    """A key's shingle hashes, MinHash signature and passage fingerprints, each computed when first
    asked for (a corpus's signatures come from its cache, not from here). It reads the key from
    ``source`` when it needs it (a packed key is not held expanded)."""

    def __init__(self, source: Normalized, config: DedupeConfig) -> None:
        self.source = source
        self.config = config

    @property
    def key(self) -> str:
        return self.source.key

    @cached_property
    def shingles(self) -> np.ndarray:
        """The sorted unique n-gram hashes, made from :attr:`positional` (kept: verifying a pair
        reads both, and hashing the key twice cost as much as the rest of the pair's measure)."""
        return sorted_unique(self.positional)

    @cached_property
    def positional(self) -> np.ndarray:
        """The key's n-gram hashes in text order (repeats kept); dropped once both users are done."""
        return positional_hashes64(self.key, self.config.ngram)

    @cached_property
    def signature(self) -> np.ndarray:
        if not self.config.vectorized:
            return reference_signature(self.key, self.config)
        # repeats do not change a minimum: no need to make the shingles unique first
        return signature(self.positional, self.config.num_perm, self.config.seed)

    @cached_property
    def passages(self) -> np.ndarray:
        return kept_passages(self.key, self.config, positional=self.positional)

    def count_in(self, values: np.ndarray) -> int:
        """How many of the shingles are in the sorted ``values`` (remembered for the last array
        asked about: a batch asks about one boilerplate set for every pair)."""
        last = self.__dict__.get("_count_in")
        if last is None or last[0] is not values:
            last = (values, int(in_sorted(self.shingles, values).sum()))
            self.__dict__["_count_in"] = last
        return last[1]

    def forget(self) -> None:
        """Drop the large derived arrays (computed again when asked for)."""
        for name in ("shingles", "positional", "_count_in"):
            self.__dict__.pop(name, None)

    def compute(self) -> Fingerprint:
        """Compute the signature, passage fingerprints and digest now (in a worker), then drop the
        n-gram hashes they share: they are large, and sending them back to the parent would cost
        more than computing them again for the few notices that are verified."""
        _ = self.signature, self.passages, self.digest, self.empty
        self.__dict__.pop("positional", None)
        return self

    @cached_property
    def empty(self) -> bool:
        return not self.key

    @cached_property
    def digest(self) -> bytes:
        """A 128-bit hash of the key: notices with the same key are found without reading every key."""
        return hashlib.blake2b(self.key.encode("utf-8", "surrogatepass"), digest_size=16).digest()


@dataclass(frozen=True)
class Document:
    """One notice: ``id`` (stable), ``path`` (as the user gave it), ``order`` (ingestion order),
    and the SHA-256 and size of the bytes it was read from (when read from a file)."""

    id: str
    path: str
    normalized: Normalized
    order: int = 0
    config: DedupeConfig = field(default_factory=DedupeConfig, compare=False, repr=False)
    sha256: str = field(default="", compare=False, repr=False)
    size: int = field(default=0, compare=False, repr=False)

    @property
    def key(self) -> str:
        return self.normalized.key

    @property
    def text(self) -> str:
        return self.normalized.text

    def moved(self, path: str, id: str | None = None, order: int | None = None) -> Document:
        """The same notice under another path (and id, order), sharing its fingerprint (which
        depends on the text alone: signature and passages are not computed again)."""
        moved = dataclasses.replace(
            self,
            path=path,
            id=self.id if id is None else id,
            order=self.order if order is None else order,
        )
        moved.__dict__["fingerprint"] = self.fingerprint
        return moved

    @cached_property
    def body_chars(self) -> int:
        """Key characters of the body (from the first article on; the whole key when there is no
        article), less the lines that are not the notice (furniture, an export's metadata rows, a
        translation): what the election measures, so that boilerplate wins nothing."""
        from dedupe.body import body_of, lines_not_the_notice

        text = self.text
        body = body_of(text)
        head = text[: len(text) - len(body)] if body is not None else ""
        dropped = lines_not_the_notice(body or text)
        # the key is made line by line: the body's is the whole key less the head's and the dropped
        # lines' (keyed together: the head ends its last line; nothing to key when both are empty)
        rest = head + "\n".join(dropped)
        return len(self.key) - (len(comparison_key(rest)) if rest else 0)

    @cached_property
    def names_repeal(self) -> bool:
        """Whether the text says 废止 (a repeal): known when it is read, so that the chains of a
        batch look for repeals in those few texts only, not in every text held packed."""
        return REPEAL in self.text

    @cached_property
    def fingerprint(self) -> Fingerprint:
        return Fingerprint(self.normalized, self.config)


GATHER = 256  # notices whose packed texts are written together


def gathering(results: Iterable[T]) -> Iterator[T]:
    """``results``, the packed texts of each GATHER notices then written together to a temporary
    file of the run's (see :func:`gather`): a batch's memory is its signatures and facts, not its
    texts, most of which are never read again. The notices read so far are left out of the
    collector's passes meanwhile (see :func:`frozen`)."""
    held: list[Normalized] = []
    spill: Spill | None = None
    with frozen() as freeze:
        for result in results:
            yield result
            if isinstance(result, Document):
                held.append(result.normalized)
            if len(held) >= GATHER:
                spill = spill or _spill()
                gather(held, spill)
                held = []
                freeze()
        gather(held, spill)


@contextmanager
def frozen() -> Iterator[Callable[[], None]]:
    """The objects alive now, those alive whenever the function given is called, and those that
    outlive two collections meanwhile (:func:`_freeze_survivors`), left out of the collector's passes
    until the end: each full pass walks every object of every notice held, which cost more than
    linear time as a batch grew. Nothing is done when something else froze objects already (their
    owner decides when they are collected again)."""
    if gc.get_freeze_count():
        yield lambda: None
        return
    gc.freeze()
    gc.callbacks.append(_freeze_survivors)
    try:
        yield gc.freeze
    finally:
        gc.callbacks.remove(_freeze_survivors)
        gc.unfreeze()


def _freeze_survivors(phase: str, info: dict[str, int]) -> None:
    """While :func:`frozen` holds, what outlives a collection of the middle generation is frozen
    too instead of joining the oldest: a batch frozen leaves the oldest generation nearly empty, so
    that full passes came often, each walking every verdict, decision and membership made since
    (1.8 s of matching and 0.4 s of the report at 100,000 generated notices)."""
    if phase == "stop" and info["generation"] == 1:
        gc.freeze()


def _spill() -> Spill | None:
    try:
        return Spill()
    except OSError:  # no writable TMPDIR: the texts stay in memory
        return None

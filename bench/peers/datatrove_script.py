"""Peer: datatrove's MinHash dedup, its four stages (signatures, buckets, clusters, filter) run by
its ``LocalPipelineExecutor`` on two workers, as its documentation sets them up.

    python bench/peers/datatrove_script.py FILE_LIST OUT_JSON [--jobs 2]

Runs in its own environment (``pip install datatrove regex nltk 'xxhash<4' chardet``: the
minhash stages need those of its 'processing' extra). Its readers take JSONL, Parquet or WARC, so
a small reader yields each plain file as a document (chardet decode, as the other scripts). Its
shingles are n-grams of words from a tokenizer per language; Chinese has no spaces, so the
tokenizer here yields characters: its 5-grams are character 5-grams, as the other peers'.
Configuration is datatrove's default (14 buckets of 8 hashes, 5-grams); the filter stage loads
the cluster ids, and each document's id and cluster id is what this script reports.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import chardet
from datatrove.data import Document, DocumentsPipeline
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.dedup.minhash import (
    MinhashConfig,
    MinhashDedupBuckets,
    MinhashDedupCluster,
    MinhashDedupFilter,
    MinhashDedupSignature,
)
from datatrove.utils.word_tokenizers import WordTokenizer


class Characters(WordTokenizer):
    """Chinese has no spaces between words: each character is a token."""

    def word_tokenize(self, text: str) -> list[str]:
        return [c for c in text if not c.isspace()]

    def sent_tokenize(self, text: str) -> list[str]:
        return [text]

    def span_tokenize(self, text: str) -> list[tuple[int, int]]:
        return [(0, len(text))]


class PlainFiles(PipelineStep):
    """Each task reads every ``world_size``-th file of the list (the same split in every stage)."""

    name = "plain files"
    type = "Reader"

    def __init__(self, list_file: str) -> None:
        super().__init__()
        self.list_file = list_file

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        paths = Path(self.list_file).read_text(encoding="utf-8").splitlines()
        for path in paths[rank::world_size]:
            raw = Path(path).read_bytes()
            text = raw.decode(chardet.detect(raw)["encoding"] or "utf-8", errors="replace")
            yield Document(text=text, id=path)


class Kept:
    """Writes each document that reaches it (kept or, as the exclusion writer, removed) with its
    cluster id (-1: alone)."""

    def __init__(self, folder: str, label: str) -> None:
        self.folder, self.label = folder, label

    def __enter__(self) -> Kept:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def write(self, doc: Document, rank: int = 0) -> None:
        with open(f"{self.folder}/{self.label}-{rank:05d}.tsv", "a", encoding="utf-8") as out:
            out.write(f"{doc.metadata.get('minhash_cluster_id', -1)}\t{doc.id}\n")


class Collect(PipelineStep):
    name = "collect"
    type = "Writer"

    def __init__(self, folder: str) -> None:
        super().__init__()
        self.sink = Kept(folder, "kept")

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        for doc in data:
            self.sink.write(doc, rank)
            yield doc


def main() -> None:
    list_file, out = sys.argv[1], sys.argv[2]
    jobs = int(sys.argv[sys.argv.index("--jobs") + 1]) if "--jobs" in sys.argv else 2
    config = MinhashConfig(n_grams=5)
    with tempfile.TemporaryDirectory(prefix="datatrove-peer-") as tmp:
        sigs, buckets, remove, logs, got = (f"{tmp}/{d}" for d in ("sigs", "buckets", "remove", "logs", "got"))
        Path(got).mkdir()
        stages = [
            LocalPipelineExecutor(
                [PlainFiles(list_file), MinhashDedupSignature(sigs, config=config, language=Characters())],
                tasks=jobs, workers=jobs, logging_dir=f"{logs}/1",
            ),
            LocalPipelineExecutor(
                [MinhashDedupBuckets(sigs, buckets, config=config)],
                tasks=config.num_buckets, workers=jobs, logging_dir=f"{logs}/2",
            ),
            LocalPipelineExecutor(
                [MinhashDedupCluster(buckets, remove, config=config, save_cluster_id=True)],
                tasks=1, logging_dir=f"{logs}/3",
            ),
            LocalPipelineExecutor(
                [
                    PlainFiles(list_file),
                    MinhashDedupFilter(remove, exclusion_writer=Kept(got, "removed"), load_cluster_ids=True),
                    Collect(got),
                ],
                tasks=jobs, workers=jobs, logging_dir=f"{logs}/4",
            ),
        ]  # fmt: skip
        for stage in stages:
            stage.run()
        groups: dict[str, list[str]] = defaultdict(list)
        for part in Path(got).glob("*.tsv"):
            for line in part.read_text(encoding="utf-8").splitlines():
                cluster, path = line.split("\t", 1)
                groups[path if cluster == "-1" else cluster].append(path)
    Path(out).write_text(json.dumps(list(groups.values())), encoding="utf-8")


if __name__ == "__main__":
    main()

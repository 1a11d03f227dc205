"""Connected components of the candidate graph in Spark: iterative min-label propagation on RDDs
(no extra JVM package), each notice labelled with the smallest id of its component."""

from __future__ import annotations

from typing import Any

CHECKPOINT_EVERY = 4  # iterations between cuts of the lineage (it grows with each join)


def components(edges: Any, parts: int, max_iterations: int = 1000) -> Any:
    """``edges``: an RDD of (id, id) pairs. Returns an RDD of (id, label) for every id in an edge,
    the label being the smallest id of its component. Each round gives every node the smallest
    label among itself and its neighbours; it stops when a round changes nothing (rounds: about
    the diameter of the largest component). Every shuffle keeps ``parts`` partitions."""
    both = edges.flatMap(lambda e: [(e[0], e[1]), (e[1], e[0])]).distinct(parts).cache()
    labels = both.keys().distinct(parts).map(lambda x: (x, x), preservesPartitioning=True).cache()
    for step in range(max_iterations):
        offered = both.join(labels, parts).map(lambda kv: (kv[1][0], kv[1][1]))  # (neighbour, my label)
        updated = labels.union(offered).reduceByKey(min, parts).cache()
        if step % CHECKPOINT_EVERY == CHECKPOINT_EVERY - 1:
            updated.localCheckpoint()
        changed = updated.join(labels, parts).filter(lambda kv: kv[1][0] != kv[1][1]).count()
        labels.unpersist()
        labels = updated
        if not changed:
            break
    both.unpersist()
    return labels

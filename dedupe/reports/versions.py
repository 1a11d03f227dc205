"""``versions``: the chain of one regulation in a corpus, each version with what changed from the one before."""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING, Any

from dedupe.acts import act_key
from dedupe.articles import article_diff
from dedupe.chains import Chain
from dedupe.errors import UnknownNotice
from dedupe.store.chained import corpus_chains

if TYPE_CHECKING:
    from dedupe.store import Corpus

CHANGES_SHOWN = 30  # article changes printed per pair of versions (JSON lists them all)


def find_chain(chains: list[Chain], name: str) -> Chain:
    """The chain of the notice named by path, file name, cluster id or id prefix, or by its title."""
    for chain in chains:
        for v in chain.versions:
            names = {*v.paths, *v.clusters, *(p.rsplit("/", 1)[-1] for p in v.paths)}
            if name in names or (len(name) >= 6 and any(c.startswith(name) for c in v.clusters)):
                return chain
    key = act_key(name)
    for chain in chains:
        if act_key(chain.act) == key:
            return chain
    raise UnknownNotice(f"no chain of versions holds {name!r}: give a notice's path, id or title "
                        f"({len(chains)} chain(s) in the corpus)")  # fmt: skip


def versions_report(chain: Chain) -> dict[str, Any]:
    """The chain as JSON, with the article changes between each version and the next final one."""
    out = chain.to_json()
    finals = [v for v in chain.versions if v.status != "draft"]
    out["changes"] = [
        {"from": a.path, "to": b.path, **article_diff(a.canonical.text, b.canonical.text).to_json()}
        for a, b in pairwise(finals)
    ]
    return out


def _count(chain: Chain) -> str:
    return f"{len(chain.versions)} version{'s' if len(chain.versions) > 1 else ''}"


def format_versions(chain: Chain) -> str:
    """The chain for people: each version, oldest first, and what changed from one to the next."""
    lines = [f"{chain.act}{f' [{chain.place}]' if chain.place else ''}: {_count(chain)}, "
             f"current {chain.current or '(none: repealed)'}"]  # fmt: skip
    finals = [v for v in chain.versions if v.status != "draft"]
    for v in chain.versions:
        facts = ", ".join(
            x for x in (f"adopted {v.adopted}" if v.adopted else "", *v.amendments,
                        f"in effect {v.effective}" if v.effective else "") if x
        )  # fmt: skip
        lines.append(f"  {v.status:<10} {v.when or '(no date)':<10}  {v.path}{f'  ({facts})' if facts else ''}")
        lines += [f"  {'':<10} {'':<10}  = {p}" for p in v.paths[1:]]
        if v.became:
            lines.append(f"  {'':<21}  became cluster {v.became}")
        if v.repealed_by:
            lines.append(f"  {'':<21}  repealed by {v.repealed_by}")
    for a, b in pairwise(finals):
        diff = article_diff(a.canonical.text, b.canonical.text)
        lines += ["", f"{a.path} → {b.path}: {diff.summary()}"]
        shown = [c for c in diff.changes if c.kind != "renumbered"]
        lines += [f"  {c.describe()}" for c in shown[:CHANGES_SHOWN]]
        if len(shown) > CHANGES_SHOWN:
            lines.append(f"  … and {len(shown) - CHANGES_SHOWN} more (--format json lists them all)")
    return "\n".join(lines)


def chain_lines(chain: dict[str, Any]) -> list[str]:
    """A chain (as JSON) for people: its act, then each version with its status and date."""
    lines = [f"  {chain['act']}: {len(chain['versions'])} version(s), current {chain['current'] or '(none)'}"]
    for v in chain["versions"]:
        by = f", repealed by {v['repealed_by']}" if v.get("repealed_by") else ""
        lines.append(f"    {v['status']:<10} {v['date'] or '(no date)':<10}  {v['canonical']}{by}")
    return lines


def notice_chain(corpus: Corpus, path: str) -> dict[str, Any] | None:
    """The chain a notice (by its corpus path) is a version of, as JSON, or None."""
    for chain in corpus_chains(corpus):
        if any(path in v.paths for v in chain.versions):
            return chain.to_json()
    return None

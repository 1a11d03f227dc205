"""A self-contained HTML report of a corpus: figures, a similarity histogram, clusters with
side-by-side character diffs against the canonical, related and vetoed pairs with theirs, withdrawn
notices, quality flags with a filter, and rejected files. No external script, font or image: it
opens offline, from a mail attachment. Clusters and diffs are collapsed until opened, and the
notices with no duplicate are paged through, so a page of 100,000 notices opens in a browser.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

from dedupe.articles import article_diff
from dedupe.chains import Chain
from dedupe.decisions import Withdraw
from dedupe.document import Document
from dedupe.quality import ARTIFACT_STEPS, FLAGS
from dedupe.reports.htmlparts import CSS, SCRIPT, _e, aligned_columns
from dedupe.reports.pairdiff import align
from dedupe.reports.table import report_of
from dedupe.store import Corpus
from dedupe.store.holdings import holdings

PAGE = 200  # notices with no duplicate shown at a time; the rest are paged through, not laid out
MAX_PAIR_DIFFS = 300  # related and vetoed pairs shown with a diff
DIFFS_PER_CLUSTER = 10  # members shown with a diff; the others are in the cluster's table
MAX_DIFFS = 300  # diffs in the whole report, so that it stays a few MB at 10,000 notices


def _histogram(values: Sequence[float], bins: int = 20) -> str:
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, int(v * bins))] += 1
    top = max(counts) or 1
    width, height, bar = 600, 160, 600 / bins
    rects = []
    for i, n in enumerate(counts):
        h = 0 if not n else max(2, n / top * (height - 30))
        x = i * bar
        color = "#0a6" if i / bins >= 0.8 else "#a60"
        rects.append(
            f'<rect x="{x + 1:.1f}" y="{height - 20 - h:.1f}" width="{bar - 2:.1f}" height="{h:.1f}" fill="{color}">'
            f"<title>{i / bins:.2f}–{(i + 1) / bins:.2f}: {n}</title></rect>"
        )
        if n:
            rects.append(
                f'<text x="{x + bar / 2:.1f}" y="{height - 23 - h:.1f}" font-size="10" text-anchor="middle">{n}</text>'
            )
    labels = "".join(
        f'<text x="{i * bar * 4:.1f}" y="{height - 5}" font-size="10">{i * 4 / bins:.1f}</text>'
        for i in range(bins // 4 + 1)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width + 20}" height="{height}" role="img" '
        f'aria-label="similarity histogram">{"".join(rects)}{labels}</svg>'
    )


Links = Callable[[str], str]


def _link(links: Links, path: str, label: str | None = None) -> str:
    """A relative link to a file of the corpus (an original, a canonical text)."""
    return f'<a href="{_e(links(path))}">{_e(label or path)}</a>'


def _via(m: dict[str, Any]) -> str:
    """Whom a member's relation and figure are about, when not the canonical its diff is against."""
    return f' to <span class="path">{_e(m["via"])}</span>' if m.get("via") else ""


def _member_row(m: dict[str, Any], canonical: bool, links: Links) -> str:
    flags = " ".join(m["flags"])
    relation = "canonical" if canonical else m["relation"]
    sim = "" if canonical else f"{m['similarity'] or 0:.3f}" + (f" to {_e(m['via'])}" if m.get("via") else "")
    badges = "".join(f'<span class="flag">{_e(f)}</span>' for f in m["flags"])
    text = f"{m['path']} {m['title'] or ''} {m['doc_number'] or ''} {m['issuer'] or ''}"
    return (
        f'<tr data-flags="{_e(flags)}" data-text="{_e(text)}"><td class="path {"canonical" if canonical else ""}">'
        f"{_link(links, m['path'])}</td>"
        f'<td class="rel-{_e(relation)}">{_e(relation)}</td><td>{sim}</td><td>{_e(m["encoding"])}</td>'
        f"<td>{_e(m['title'])}</td><td>{badges}</td></tr>"
    )


def _removed(doc: Document) -> str:
    notes = [c.describe() for c in doc.normalized.changes if c.step in ARTIFACT_STEPS]
    if not notes:
        return ""
    return f'<p class="note">removed while normalizing {_e(doc.path)}: ' + _e("; ".join(notes)) + "</p>"


def render_html(corpus: Corpus, base: Path | None = None) -> str:
    """The page; links to the corpus's files are relative to ``base`` (where the page is written).

    Only the notices a diff shows are read from the cache (at most MAX_DIFFS members with their
    canonicals, and MAX_PAIR_DIFFS related or vetoed pairs), so a corpus of 100,000 notices makes a
    page of the same few diffs; its notices with no duplicate are data the page shows a page at a time."""
    start = (base or Path.cwd()).resolve()

    def links(path: str) -> str:
        return Path(os.path.relpath((corpus.root / path).resolve(), start)).as_posix()

    held = holdings(corpus)
    report = report_of(held)
    multi = [c for c in report["clusters"] if len(c["members"]) > 1]
    diffed, budget = [], MAX_DIFFS
    for c in multi:
        shown = c["members"][1 : 1 + min(DIFFS_PER_CLUSTER, budget)]
        budget -= len(shown)
        diffed.append(shown)
    with corpus.session() as (view, _):
        ids = {row["path"]: row["id"] for row in [*held.active, *held.withdrawn]}
        pairs = view.cache.pairs()
        paths = {v: k for k, v in ids.items()}
        vetoed_paths = {frozenset((paths.get(p["a"]), paths.get(p["b"]))) for p in pairs if p["veto"]}
        apart = sorted(
            report["related"], key=lambda r: (frozenset((r["a"], r["b"])) not in vetoed_paths, -r["jaccard"])
        )
        apart = apart[:MAX_PAIR_DIFFS]
        wanted = {c["canonical"] for c, shown in zip(multi, diffed, strict=True) if shown}
        wanted |= {m["path"] for shown in diffed for m in shown} | {r[k] for r in apart for k in ("a", "b")}
        by_path = {d.path: d for d in view.fetch([ids[p] for p in wanted]).values()}
    parts = [_head(report, len(multi)), _histogram([p["jaccard"] for p in pairs]), _clusters_intro(report)]
    for c, shown in zip(multi, diffed, strict=True):
        parts.append(_cluster(c, shown, by_path, links))
    parts.append(_singles(report, links))
    parts.append(_related(report["related"], vetoed_paths, links))
    parts.append(_pair_diffs(apart, report["related"], vetoed_paths, by_path))
    parts.append(_chains(held.chains, links))
    parts.append(_withdrawn(held.withdrawals, report["withdrawn"], links))
    parts.append(_flags_and_rejected(report))
    return "".join(parts)


def _head(report: dict[str, Any], multi: int) -> str:
    s = report["summary"]
    cards = (
        ("originals", s["originals"]),
        ("clusters", s["clusters"]),
        ("duplicates", s["duplicates"]),
        ("multi-member clusters", multi),
        ("related pairs", len(report["related"])),
        ("withdrawn", len(report["withdrawn"])),
        ("rejected files", len(report["rejected"])),
    )
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>policy-dedup report: {_e(report['corpus'])}</title><style>{CSS}</style>"
        f"<script>{SCRIPT % {'page': PAGE}}</script></head><body><h1>policy-dedup report — {_e(report['corpus'])}</h1>"
        '<div class="cards">' + "".join(f'<div class="card"><b>{v}</b>{_e(k)}</div>' for k, v in cards) + "</div>"
        "<h2>Similarity of verified pairs</h2>"
    )


def _clusters_intro(report: dict[str, Any]) -> str:
    options = "".join(
        f'<option value="{_e(f)}">{_e(f)} ({info["count"]})</option>' for f, info in report["flags"].items()
    )
    return (
        '<p class="note">Exact Jaccard of every verified pair; green from 0.8 (the near-duplicate threshold).</p>'
        '<h2>Clusters</h2><p><label>Search titles, 文号 and paths <input id="q" type="search" oninput="filt()"></label> '
        f'<label>Show only notices flagged <select id="flag" onchange="filt()"><option value="">(any)</option>{options}'
        '</select></label> <span id="found" class="note"></span> '
        '<span class="note">(click a cluster to open it, a column heading to sort)</span></p><div id="clusters">'
    )


HEADER = "<tr><th>path</th><th>relation</th><th>similarity</th><th>encoding</th><th>title</th><th>flags</th></tr>"


def _cluster(c: dict[str, Any], shown: list[dict[str, Any]], by_path: dict[str, Document], links: Links) -> str:
    """A multi-member cluster, collapsed: its table, and each shown member's diff collapsed too."""
    members = c["members"]
    rows = "".join(_member_row(m, i == 0, links) for i, m in enumerate(members))
    text_link = _link(links, "canonical/" + c["id"] + ".txt", "canonical text")
    out = [
        f'<details class="group multi"><summary><b>{_e(c["title"] or "(no title)")}</b> — cluster {_e(c["id"])}, '
        f"<span class='count'>{len(members)}</span> notices; {text_link}</summary>"
        f'<p class="note">why canonical: {_e(c["why_canonical"])}</p><table>{HEADER}{rows}</table>'
    ]
    canonical = by_path.get(c["canonical"])
    if canonical is not None:
        out.append(_removed(canonical))
    if len(shown) < len(members) - 1:
        out.append(
            f'<p class="note">{len(members) - 1 - len(shown)} more member(s) are listed in the table above without a '
            f"diff (the report shows at most {DIFFS_PER_CLUSTER} diffs a cluster, {MAX_DIFFS} in all).</p>"
        )
    for m in shown:
        doc = by_path[m["path"]]
        aligned = align(canonical.text, doc.text) if canonical is not None else None
        out.append(
            f'<details class="pair"><summary><span class="rel-{_e(m["relation"])}">{_e(m["relation"])} '
            f'{m["similarity"] or 0:.3f}{_via(m)}</span> <span class="path">{_e(m["path"])}</span> against the canonical '
            f'<span class="path">{_e(c["canonical"])}</span></summary>{_removed(doc)}'
            f"{aligned_columns(aligned) if aligned else ''}</details>"
        )
    out.append("</details>")
    return "".join(out)


def _singles(report: dict[str, Any], links: Links) -> str:
    """Notices with no duplicate: the first page as rows, all of them as data the script pages through."""
    singles = [c["members"][0] for c in report["clusters"] if len(c["members"]) == 1]
    prefix = links("raw/x")[: -len("raw/x")]  # where the corpus lies seen from the page: said once, not per row
    data = []
    for m in singles:
        row = {"p": m["path"], "t": m["title"] or "", "e": m["encoding"] or "", "f": " ".join(m["flags"]),
               "d": m["doc_number"] or "", "i": m["issuer"] or ""}  # fmt: skip
        if links(m["path"]) != prefix + m["path"]:
            row["h"] = links(m["path"])
        data.append(row)
    blob = json.dumps({"prefix": prefix, "rows": data}, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    sortable = HEADER.replace("<th>path", '<th id="by-path">path').replace("<th>title", '<th id="by-title">title')
    first = "".join(_member_row(m, True, links) for m in singles[:PAGE])
    return (
        f'<details class="group" id="singles-group"><summary><span class="count">{len(singles)}</span> notices with '
        f'no duplicate</summary><p class="pager" id="pager">notices <span class="at"></span>'
        f'<button class="prev" onclick="turn(-1)">previous {PAGE}</button><button class="next" onclick="turn(1)">'
        f'next {PAGE}</button></p><table id="singles"><thead>{sortable}</thead><tbody>{first}</tbody></table></details>'
        f'<script type="application/json" id="singles-data">{blob}</script></div>'
    )


def _related(related: Sequence[dict[str, Any]], vetoed: set[frozenset[str]], links: Links) -> str:
    if not related:
        return '<div id="related"><h2>Related notices</h2><p class="note">None.</p></div>'
    out = [
        '<div id="related"><h2>Related notices (reported, never merged)</h2><table class="fixed">'
        '<colgroup><col style="width:24%"><col style="width:24%"><col style="width:7%"><col style="width:7%">'
        '<col style="width:38%"></colgroup><tr><th id="related-a">A</th><th>B</th><th>kept apart</th>'
        '<th id="related-jaccard">Jaccard</th><th>why</th></tr>'
    ]
    for r in related:
        text = f"{r['a']} {r['a_title'] or ''} {r['b']} {r['b_title'] or ''}"
        kind = "vetoed" if frozenset((r["a"], r["b"])) in vetoed else "related"
        out.append(
            f'<tr data-flags="" data-text="{_e(text)}"><td>{_e(r["a_title"] or "")}<br>'
            f'<span class="path">{_link(links, r["a"])}</span></td><td>{_e(r["b_title"] or "")}<br>'
            f'<span class="path">{_link(links, r["b"])}</span></td><td class="rel-{kind}">{kind}</td>'
            f'<td>{r["jaccard"]:.3f}</td><td class="why">{_e(r["reason"])}</td></tr>'
        )
    out.append("</table></div>")
    return "".join(out)


def _chains(chains: Sequence[Chain], links: Links) -> str:
    """Each chain of versions, oldest first, and the articles each final version changed (collapsed)."""
    if not chains:
        return ""
    out = ['<div id="chains"><h2>Versions of one regulation</h2>']
    for chain in chains:
        current = _link(links, chain.current) if chain.current else "none: repealed"
        out.append(f"<h3>{_e(chain.act)}</h3><p>{len(chain.versions)} version(s), current {current}</p>"
                   "<table><tr><th>status</th><th>date</th><th>version</th></tr>")  # fmt: skip
        for v in chain.versions:
            more = "".join(f"<br>= {_link(links, p)}" for p in v.paths[1:])
            note = f"<br>repealed by {_link(links, v.repealed_by)}" if v.repealed_by else ""
            out.append(f'<tr><td class="rel-{"near" if v.status == "current" else "related"}">{_e(v.status)}</td>'
                       f'<td>{_e(v.when or "")}</td><td>{_link(links, v.path)}{more}{note}</td></tr>')  # fmt: skip
        out.append("</table>")
        finals = [v for v in chain.versions if v.status != "draft"]
        for a, b in pairwise(finals):
            diff = article_diff(a.canonical.text, b.canonical.text)
            items = "".join(f"<li>{_e(c.describe())}</li>" for c in diff.changes if c.kind != "renumbered")
            out.append(f"<details><summary>{_e(a.path)} → {_e(b.path)}: {_e(diff.summary())}</summary>"
                       f"<ul>{items}</ul></details>")  # fmt: skip
    out.append("</div>")
    return "".join(out)


def _pair_diffs(
    apart: Sequence[dict[str, Any]], related: Sequence[dict[str, Any]], vetoed: set[frozenset[str]],
    by_path: dict[str, Document],
) -> str:  # fmt: skip
    """Each related or vetoed pair's diff, collapsed, vetoed first: what tells the two apart."""
    if not apart:
        return ""
    out = ["<h2>What tells related and vetoed pairs apart</h2>"]
    if len(apart) < len(related):
        out.append(f'<p class="note">The {len(apart)} closest pairs (vetoed first) of {len(related)}.</p>')
    for r in apart:
        kind = "vetoed" if frozenset((r["a"], r["b"])) in vetoed else "related"
        text = f"{r['a']} {r['a_title'] or ''} {r['b']} {r['b_title'] or ''}"
        out.append(
            f'<details class="pair pairdiff" data-text="{_e(text)}"><summary><span class="rel-{kind}">{kind} '
            f'{r["jaccard"]:.3f}</span> <span class="path">{_e(r["a"])}</span> ~ <span class="path">{_e(r["b"])}'
            f"</span>: {_e(r['reason'])}</summary>{aligned_columns(align(by_path[r['a']].text, by_path[r['b']].text))}"
            "</details>"
        )
    return "".join(out)


def _withdrawn(said: dict[str, Withdraw], withdrawn: Sequence[dict[str, Any]], links: Links) -> str:
    """Notices withdrawn by hand: who, when and why (their originals stay in raw/)."""
    if not withdrawn:
        return '<div id="withdrawn"><h2>Withdrawn notices</h2><p class="note">None.</p></div>'
    out = [
        '<div id="withdrawn"><h2>Withdrawn notices (originals kept in raw/)</h2><table class="fixed"><colgroup>'
        '<col style="width:28%"><col style="width:24%"><col style="width:14%"><col style="width:34%"></colgroup>'
        "<tr><th>path</th><th>title</th><th>by, when</th><th>why</th></tr>"
    ]
    for w in withdrawn:
        e = said.get(w["id"])
        by, time, why = (e.by, e.time, e.reason) if e else (None, None, None)
        out.append(
            f'<tr><td class="path">{_link(links, w["path"])}</td><td>{_e(w["title"])}</td>'
            f'<td>{_e(by)}<br>{_e(time)}</td><td class="why">{_e(why)}</td></tr>'
        )
    out.append("</table></div>")
    return "".join(out)


def _flags_and_rejected(report: dict[str, Any]) -> str:
    parts = ["<h2>Quality flags</h2><table><tr><th>flag</th><th>notices</th><th>meaning</th></tr>"]
    parts += [
        f"<tr><td>{_e(f)}</td><td>{i['count']}</td><td>{_e(i['meaning'])}</td></tr>" for f, i in report["flags"].items()
    ]
    parts.append("</table><h2>Rejected files</h2>")
    if report["rejected"]:
        parts.append("<table><tr><th>path</th><th>reason</th><th>when</th></tr>")
        parts += [
            f'<tr><td class="path">{_e(r["path"])}</td><td>{_e(r["reason"])}</td><td>{_e(r["time"])}</td></tr>'
            for r in report["rejected"]
        ]
        parts.append("</table>")
    else:
        parts.append('<p class="note">None.</p>')
    parts.append(f'<p class="note">Flags: {len(FLAGS)} kinds, explained above. Made by policy-dedup.</p></body></html>')
    return "".join(parts)

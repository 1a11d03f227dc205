"""A self-contained HTML report of a corpus: figures, a similarity histogram, clusters with
side-by-side character diffs against the canonical, related pairs, quality flags with a filter,
and rejected files. No external script, font or image: it opens offline, from a mail attachment.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from dedupe.diff import DiffOp, char_diff
from dedupe.document import Document
from dedupe.quality import ARTIFACT_STEPS, FLAGS
from dedupe.reports.table import corpus_report
from dedupe.store import Corpus
from dedupe.verify import MERGING

CONTEXT = 40  # characters of unchanged text kept around each change
OPEN_CLUSTERS = 30  # clusters shown expanded; the rest are collapsed
MAX_DIFF_CHARS = 6000  # per member: a longer diff is cut, with a note
DIFFS_PER_CLUSTER = 10  # members shown with a diff; the others are in the cluster's table
MAX_DIFFS = 300  # diffs in the whole report, so that it stays a few MB at 10,000 notices

CSS = """
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0 auto;max-width:1400px;padding:1rem 2rem;color:#1d2330}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccd}
.cards{display:flex;gap:1rem;flex-wrap:wrap}.card{border:1px solid #ccd;border-radius:6px;padding:.6rem 1rem;min-width:8rem}
.card b{display:block;font-size:1.4rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}td,th{border:1px solid #dde;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f4f8}.path{font-family:ui-monospace,monospace;font-size:.85rem;word-break:break-all}
.flag{display:inline-block;background:#eef;border-radius:3px;padding:0 .3rem;margin:1px;font-size:.8rem}
.rel-near,.rel-exact,.rel-contained{color:#0a6}.rel-related{color:#a60}.canonical{font-weight:bold}
details{border:1px solid #dde;border-radius:6px;margin:.6rem 0;padding:.4rem .8rem}summary{cursor:pointer}
.diff{display:grid;grid-template-columns:1fr 1fr;gap:.5rem}
.diff pre{white-space:pre-wrap;word-break:break-all;overflow-wrap:anywhere;margin:0;padding:.5rem;background:#fafafa;
border:1px solid #eee;font-family:inherit;font-size:.9rem;line-height:1.5}
del{background:#fdd;text-decoration:line-through}ins{background:#dfd;text-decoration:none}.gap{color:#889}
.note{color:#556;font-size:.9rem}.hidden{display:none}
"""
SCRIPT = """
function filt(){var f=document.getElementById('flag').value;
document.querySelectorAll('[data-flags]').forEach(function(e){
e.classList.toggle('hidden', f!=='' && (' '+e.dataset.flags+' ').indexOf(' '+f+' ')<0);});}
document.addEventListener('DOMContentLoaded',function(){
function shown(sel){return Array.prototype.filter.call(document.querySelectorAll(sel),function(e){
var r=e.getBoundingClientRect();return r.width>0&&r.height>0;}).length;}
document.body.dataset.rendered='clusters:'+shown('#clusters details')+';diffs:'+shown('.diff pre')+';rows:'+shown('#clusters tr');});
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def diff_columns(ops: Sequence[DiffOp], context: int = CONTEXT) -> tuple[str, str]:
    """Left (canonical) and right (member) HTML of a diff, unchanged runs shortened to context."""
    left: list[str] = []
    right: list[str] = []
    used = 0
    for k, (tag, text) in enumerate(ops):
        if used > MAX_DIFF_CHARS:
            note = '<span class="gap">[… diff cut here: the texts differ further]</span>'
            left.append(note)
            right.append(note)
            break
        if tag == "equal":
            if len(text) > 2 * context + 10:
                head = _e(text[:context]) if k > 0 else ""
                tail = _e(text[-context:]) if k < len(ops) - 1 else ""
                gap = f'<span class="gap"> [… {len(text) - (len(head) > 0) * context - (len(tail) > 0) * context} same characters …] </span>'
                chunk = f"{head}{gap}{tail}"
            else:
                chunk = _e(text)
            left.append(chunk)
            right.append(chunk)
        elif tag == "delete":
            left.append(f"<del>{_e(text)}</del>")
        else:
            right.append(f"<ins>{_e(text)}</ins>")
        used += len(text) if tag != "equal" else 2 * context
    return "".join(left), "".join(right)


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


def _member_row(m: dict[str, Any], canonical: bool) -> str:
    flags = " ".join(m["flags"])
    relation = "canonical" if canonical else m["relation"]
    sim = "" if canonical else f"{m['similarity']:.3f}"
    badges = "".join(f'<span class="flag">{_e(f)}</span>' for f in m["flags"])
    return (
        f'<tr data-flags="{_e(flags)}"><td class="path {"canonical" if canonical else ""}">{_e(m["path"])}</td>'
        f'<td class="rel-{_e(relation)}">{_e(relation)}</td><td>{sim}</td><td>{_e(m["encoding"])}</td>'
        f"<td>{_e(m['title'])}</td><td>{badges}</td></tr>"
    )


def _removed(doc: Document) -> str:
    notes = [c.describe() for c in doc.normalized.changes if c.step in ARTIFACT_STEPS]
    if not notes:
        return ""
    return '<p class="note">removed while normalizing: ' + _e("; ".join(notes)) + "</p>"


def render_html(corpus: Corpus) -> str:
    report = corpus_report(corpus)
    docs, pairs = corpus.contents()
    by_path = {d.path: d for d in docs.values()}
    s = report["summary"]
    parts = [
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>policy-dedup report: {_e(report['corpus'])}</title><style>{CSS}</style><script>{SCRIPT}</script>",
        f"</head><body><h1>policy-dedup report — {_e(report['corpus'])}</h1>",
        '<div class="cards">',
        *(
            f'<div class="card"><b>{v}</b>{_e(k)}</div>'
            for k, v in (
                ("originals", s["originals"]),
                ("clusters", s["clusters"]),
                ("duplicates", s["duplicates"]),
                ("multi-member clusters", s["multi_member_clusters"]),
                ("related pairs", sum(1 for p in pairs if not _merges(p))),
                ("rejected files", len(report["rejected"])),
            )
        ),
        "</div>",
        "<h2>Similarity of verified pairs</h2>",
        _histogram([p["jaccard"] for p in pairs]),
        '<p class="note">Exact Jaccard of every verified pair; green from 0.8 (the near-duplicate threshold).</p>',
        '<h2>Clusters</h2><p><label>Show only notices flagged <select id="flag" onchange="filt()">'
        '<option value="">(any)</option>',
        *(f'<option value="{_e(f)}">{_e(f)} ({info["count"]})</option>' for f, info in report["flags"].items()),
        '</select></label></p><div id="clusters">',
    ]
    header = "<tr><th>path</th><th>relation</th><th>similarity</th><th>encoding</th><th>title</th><th>flags</th></tr>"
    singles = []
    diffs = 0
    for n, c in enumerate(report["clusters"]):
        members = c["members"]
        if len(members) == 1:
            singles.append(_member_row(members[0], True))
            continue
        canonical = by_path[c["canonical"]]
        all_flags = " ".join(sorted({f for m in members for f in m["flags"]}))
        parts.append(
            f'<details data-flags="{_e(all_flags)}" {"open" if n < OPEN_CLUSTERS else ""}><summary>'
            f"<b>{_e(c['title'] or '(no title)')}</b> — cluster {_e(c['id'])}, {len(members)} notices</summary>"
            f"<table>{header}{''.join(_member_row(m, i == 0) for i, m in enumerate(members))}</table>"
        )
        parts.append(_removed(canonical))
        shown = members[1 : 1 + min(DIFFS_PER_CLUSTER, max(0, MAX_DIFFS - diffs))]
        diffs += len(shown)
        if len(shown) < len(members) - 1:
            parts.append(
                f'<p class="note">{len(members) - 1 - len(shown)} more member(s) are listed in the table above '
                f"without a diff (the report shows at most {DIFFS_PER_CLUSTER} diffs a cluster, {MAX_DIFFS} in all)."
                "</p>"
            )
        for m in shown:
            doc = by_path[m["path"]]
            left, right = diff_columns(char_diff(canonical.text, doc.text))
            parts.append(
                f'<p><span class="rel-{_e(m["relation"])}">{_e(m["relation"])} {m["similarity"]:.3f}</span> '
                f'<span class="path">{_e(m["path"])}</span> against the canonical '
                f'<span class="path">{_e(canonical.path)}</span></p>{_removed(doc)}'
                f'<div class="diff"><pre><b>canonical</b>\n{left}</pre><pre><b>{_e(m["path"])}</b>\n{right}</pre></div>'
            )
        parts.append("</details>")
    parts.append(
        f'<details data-flags=""><summary>{len(singles)} notices with no duplicate</summary>'
        f"<table>{header}{''.join(singles)}</table></details></div>"
    )
    parts.append(_related(pairs, docs))
    parts.append("<h2>Quality flags</h2><table><tr><th>flag</th><th>notices</th><th>meaning</th></tr>")
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


def _merges(pair: dict[str, Any]) -> bool:
    return pair["relation"] in MERGING and not pair["veto"]


def _related(pairs: Sequence[dict[str, Any]], docs: dict[str, Document]) -> str:
    rows = [p for p in pairs if not _merges(p)]
    if not rows:
        return '<h2>Related notices</h2><p class="note">None.</p>'
    out = [
        "<h2>Related notices (reported, never merged)</h2><table><tr><th>A</th><th>B</th><th>Jaccard</th><th>why</th></tr>"
    ]
    for p in sorted(rows, key=lambda p: -p["jaccard"]):
        out.append(
            f'<tr><td class="path">{_e(docs[p["a"]].path)}</td><td class="path">{_e(docs[p["b"]].path)}</td>'
            f'<td>{p["jaccard"]:.3f}</td><td>{_e(p["veto"] or p["reason"])}</td></tr>'
        )
    out.append("</table>")
    return "".join(out)

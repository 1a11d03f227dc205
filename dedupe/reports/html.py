"""A self-contained HTML report of a corpus: figures, a similarity histogram, clusters with
side-by-side character diffs against the canonical, related pairs, quality flags with a filter,
and rejected files. No external script, font or image: it opens offline, from a mail attachment.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from dedupe.diff import DiffOp, char_diff
from dedupe.document import Document
from dedupe.quality import ARTIFACT_STEPS, FLAGS
from dedupe.reports.pairdiff import Aligned
from dedupe.reports.table import corpus_report
from dedupe.store import Corpus

CONTEXT = 40  # characters of unchanged text kept around each change
OPEN_CLUSTERS = 30  # clusters shown expanded; the rest are collapsed
MAX_DIFF_CHARS = 6000  # per member: a longer diff is cut, with a note
CHANGED_RUN = 1500  # characters of one changed run shown; the rest is counted
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
.note{color:#556;font-size:.9rem}.hidden{display:none}th{cursor:pointer}th:hover{background:#e6e8f0}
a{color:inherit}input#q{font-size:1rem;padding:.2rem .4rem;width:20rem}
"""
SCRIPT = """
function visible(e){return !e.classList.contains('hidden');}
function filt(){
var f=document.getElementById('flag').value, q=document.getElementById('q').value.trim().toLowerCase();
document.querySelectorAll('tr[data-flags]').forEach(function(r){
var ok=(f===''||(' '+r.dataset.flags+' ').indexOf(' '+f+' ')>=0)&&(q===''||r.dataset.text.toLowerCase().indexOf(q)>=0);
r.classList.toggle('hidden',!ok);});
document.querySelectorAll('details.group').forEach(function(d){
var rows=Array.prototype.filter.call(d.querySelectorAll('tr[data-flags]'),visible).length;
d.classList.toggle('hidden',rows===0);if(f!==''||q!==''){if(rows)d.open=true;}
var c=d.querySelector('.count');if(c)c.textContent=rows;});
var shown=function(sel){return Array.prototype.filter.call(document.querySelectorAll(sel),visible).length;};
document.getElementById('found').textContent=(f||q)?shown('#clusters tr[data-flags]')+' notice(s) shown':'';
document.body.dataset.filtered='clusters:'+shown('#clusters details.multi')+';notices:'+shown('#clusters tr[data-flags]')
+';related:'+shown('#related tr[data-flags]');}
function sortBy(th){var table=th.closest('table'),i=Array.prototype.indexOf.call(th.parentNode.children,th);
var rows=Array.prototype.slice.call(table.querySelectorAll('tr')).slice(1),dir=th.dataset.dir==='asc'?-1:1;
th.dataset.dir=dir===1?'asc':'desc';
rows.sort(function(a,b){var x=a.children[i].textContent,y=b.children[i].textContent,nx=parseFloat(x),ny=parseFloat(y);
return dir*(isNaN(nx)||isNaN(ny)?x.localeCompare(y,'zh'):nx-ny);});
rows.forEach(function(r){table.appendChild(r);});}
document.addEventListener('DOMContentLoaded',function(){
document.querySelectorAll('th').forEach(function(th){th.addEventListener('click',function(){sortBy(th);});});
var h=new URLSearchParams(location.hash.slice(1));
if(h.get('flag'))document.getElementById('flag').value=h.get('flag');
if(h.get('q'))document.getElementById('q').value=h.get('q');
if(h.get('sort')){var th=document.querySelector('#'+h.get('sort'));if(th)sortBy(th);}
filt();
function shown(sel){return Array.prototype.filter.call(document.querySelectorAll(sel),function(e){
var r=e.getBoundingClientRect();return r.width>0&&r.height>0;}).length;}
document.body.dataset.rendered='clusters:'+shown('#clusters details.multi')+';diffs:'+shown('.diff pre')+';rows:'+shown('#clusters tr');
var first=document.querySelector('#singles tr[data-flags] td');document.body.dataset.first=first?first.textContent:'';});
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def diff_columns(ops: Sequence[DiffOp], context: int = CONTEXT, limit: int = MAX_DIFF_CHARS) -> tuple[str, str]:
    """Left and right HTML of a diff, unchanged runs shortened to ``context`` and a changed run to
    ``limit`` characters: a text one side lacks (a long head) never buries the rest."""
    left: list[str] = []
    right: list[str] = []
    used = 0
    for k, (tag, text) in enumerate(ops):
        if used > limit:
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
        else:
            shown = _e(text[:CHANGED_RUN])
            if len(text) > CHANGED_RUN:
                shown += f'<span class="gap"> [… {len(text) - CHANGED_RUN} more characters on this side only …]</span>'
            mark = "del" if tag == "delete" else "ins"
            (left if tag == "delete" else right).append(f"<{mark}>{shown}</{mark}>")
        used += min(len(text), CHANGED_RUN) if tag != "equal" else 2 * context
    return "".join(left), "".join(right)


def _plain(text: str) -> str:
    more = len(text) - CHANGED_RUN
    return _e(text[:CHANGED_RUN]) + (f'<span class="gap"> [… {more} more characters …]</span>' if more > 0 else "")


def aligned_columns(aligned: Aligned, limit: int = MAX_DIFF_CHARS) -> str:
    """A pair's side-by-side HTML: the heads apart (collapsed) when the diff starts at the body."""
    left, right = diff_columns(aligned.ops, limit=limit)
    out = []
    if aligned.start:
        if aligned.head_ops is not None:
            head_left, head_right = diff_columns(aligned.head_ops, limit=limit)
        else:
            head_left, head_right = _plain(aligned.head_a), _plain(aligned.head_b)
        out.append(
            f'<details class="heads"><summary>the heads differ ({len(aligned.head_a)} and {len(aligned.head_b)} '
            f"characters): the diff below starts at {_e(aligned.start)}</summary>"
            f'<div class="diff"><pre>{head_left}</pre><pre>{head_right}</pre></div></details>'
        )
    out.append(f'<div class="diff"><pre>{left}</pre><pre>{right}</pre></div>')
    return "".join(out)


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


def _member_row(m: dict[str, Any], canonical: bool, links: Links) -> str:
    flags = " ".join(m["flags"])
    relation = "canonical" if canonical else m["relation"]
    sim = "" if canonical else f"{m['similarity'] or 0:.3f}"
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
    """The page; links to the corpus's files are relative to ``base`` (where the page is written)."""
    start = (base or Path.cwd()).resolve()

    def links(path: str) -> str:
        return Path(os.path.relpath((corpus.root / path).resolve(), start)).as_posix()

    report = corpus_report(corpus)
    docs, pairs = corpus.contents()  # pairs: for the histogram of every verified pair
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
                ("related pairs", len(report["related"])),
                ("rejected files", len(report["rejected"])),
            )
        ),
        "</div>",
        "<h2>Similarity of verified pairs</h2>",
        _histogram([p["jaccard"] for p in pairs]),
        '<p class="note">Exact Jaccard of every verified pair; green from 0.8 (the near-duplicate threshold).</p>',
        '<h2>Clusters</h2><p><label>Search titles, 文号 and paths <input id="q" type="search" oninput="filt()"></label> '
        '<label>Show only notices flagged <select id="flag" onchange="filt()"><option value="">(any)</option>',
        *(f'<option value="{_e(f)}">{_e(f)} ({info["count"]})</option>' for f, info in report["flags"].items()),
        '</select></label> <span id="found" class="note"></span> '
        '<span class="note">(click a column heading to sort)</span></p><div id="clusters">',
    ]
    header = "<tr><th>path</th><th>relation</th><th>similarity</th><th>encoding</th><th>title</th><th>flags</th></tr>"
    singles = []
    diffs = 0
    for n, c in enumerate(report["clusters"]):
        members = c["members"]
        if len(members) == 1:
            singles.append(_member_row(members[0], True, links))
            continue
        canonical = by_path[c["canonical"]]
        rows = "".join(_member_row(m, i == 0, links) for i, m in enumerate(members))
        text_link = _link(links, "canonical/" + c["id"] + ".txt", "canonical text")
        parts.append(
            f'<details class="group multi" {"open" if n < OPEN_CLUSTERS else ""}><summary>'
            f"<b>{_e(c['title'] or '(no title)')}</b> — cluster {_e(c['id'])}, <span class='count'>{len(members)}"
            f"</span> notices; {text_link}</summary>"
            f'<p class="note">why canonical: {_e(c["why_canonical"])}</p><table>{header}{rows}</table>'
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
                f'<p><span class="rel-{_e(m["relation"])}">{_e(m["relation"])} {m["similarity"] or 0:.3f}</span> '
                f'<span class="path">{_e(m["path"])}</span> against the canonical '
                f'<span class="path">{_e(canonical.path)}</span></p>{_removed(doc)}'
                f'<div class="diff"><pre><b>canonical</b>\n{left}</pre><pre><b>{_e(m["path"])}</b>\n{right}</pre></div>'
            )
        parts.append("</details>")
    sortable = header.replace("<th>path", '<th id="by-path">path').replace("<th>title", '<th id="by-title">title')
    parts.append(
        f'<details class="group"><summary><span class="count">{len(singles)}</span> notices with no duplicate</summary>'
        f"<table id='singles'>{sortable}{''.join(singles)}</table></details></div>"
    )
    parts.append(_related(report["related"], links))
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


def _related(related: Sequence[dict[str, Any]], links: Links) -> str:
    if not related:
        return '<div id="related"><h2>Related notices</h2><p class="note">None.</p></div>'
    out = [
        '<div id="related"><h2>Related notices (reported, never merged)</h2><table><tr><th id="related-a">A</th>'
        '<th>B</th><th id="related-jaccard">Jaccard</th><th>why</th></tr>'
    ]
    for r in related:
        text = f"{r['a']} {r['a_title'] or ''} {r['b']} {r['b_title'] or ''}"
        out.append(
            f'<tr data-flags="" data-text="{_e(text)}"><td>{_e(r["a_title"] or "")}<br>'
            f'<span class="path">{_link(links, r["a"])}</span></td><td>{_e(r["b_title"] or "")}<br>'
            f'<span class="path">{_link(links, r["b"])}</span></td><td>{r["jaccard"]:.3f}</td><td>{_e(r["reason"])}</td></tr>'
        )
    out.append("</table></div>")
    return "".join(out)

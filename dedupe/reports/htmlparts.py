"""What the HTML report (:mod:`dedupe.reports.html`) and the review page share: the report's style
and script, and two texts side by side with their differences marked."""

from __future__ import annotations

import html
from collections.abc import Sequence

from dedupe.diff import DiffOp
from dedupe.reports.pairdiff import Aligned

CONTEXT = 40  # characters of unchanged text kept around each change
MAX_DIFF_CHARS = 6000  # per member: a longer diff is cut, with a note
CHANGED_RUN = 1500  # characters of one changed run shown; the rest is counted

CSS = """
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0 auto;max-width:1400px;padding:1rem 2rem;color:#1d2330}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccd}
.cards{display:flex;gap:1rem;flex-wrap:wrap}.card{border:1px solid #ccd;border-radius:6px;padding:.6rem 1rem;min-width:8rem}
.card b{display:block;font-size:1.4rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}td,th{border:1px solid #dde;padding:.3rem .5rem;text-align:left;vertical-align:top}
table.fixed{table-layout:fixed}td{overflow-wrap:anywhere}
th{background:#f3f4f8}.path{font-family:ui-monospace,monospace;font-size:.85rem;word-break:break-all}
.flag{display:inline-block;background:#eef;border-radius:3px;padding:0 .3rem;margin:1px;font-size:.8rem}
td[class^=rel-]{white-space:nowrap}.rel-near,.rel-exact,.rel-contained,.rel-confirmed{color:#0a6}.rel-related{color:#a60}.rel-vetoed{color:#b30}.canonical{font-weight:bold}
details{border:1px solid #dde;border-radius:6px;margin:.6rem 0;padding:.4rem .8rem}summary{cursor:pointer}
details.pair{border-style:dashed}
.diff{display:grid;grid-template-columns:1fr 1fr;gap:.5rem}
.diff pre{white-space:pre-wrap;word-break:break-all;overflow-wrap:anywhere;margin:0;padding:.5rem;background:#fafafa;
border:1px solid #eee;font-family:inherit;font-size:.9rem;line-height:1.5}
del{background:#fdd;text-decoration:line-through}ins{background:#dfd;text-decoration:none}.gap{color:#889}
.note{color:#556;font-size:.9rem}.hidden{display:none}th{cursor:pointer}th:hover{background:#e6e8f0}
a{color:inherit}input#q{font-size:1rem;padding:.2rem .4rem;width:20rem}.pager button{margin:0 .3rem}
"""
SCRIPT = """
var SINGLES=null,MATCHES=[],PAGE=%(page)d,AT=0;
function visible(e){return !e.classList.contains('hidden');}
function esc(s){var d=document.createElement('div');d.textContent=s==null?'':s;return d.innerHTML;}
function singles(){if(SINGLES===null){var s=document.getElementById('singles-data'),d=s?JSON.parse(s.textContent):{rows:[]};
SINGLES=d.rows;SINGLES.forEach(function(r){r.h=r.h||d.prefix+r.p;r.x=r.p+' '+r.t+' '+r.d+' '+r.i;});}return SINGLES;}
function ok(flags,text,f,q){return (f===''||(' '+flags+' ').indexOf(' '+f+' ')>=0)&&(q===''||text.toLowerCase().indexOf(q)>=0);}
function showSingles(){var tb=document.querySelector('#singles tbody');if(!tb)return;
tb.innerHTML=MATCHES.slice(AT,AT+PAGE).map(function(s){return '<tr data-flags="'+esc(s.f)+'" data-text="'+esc(s.x)
+'"><td class="path canonical"><a href="'+esc(s.h)+'">'+esc(s.p)+'</a></td><td class="rel-canonical">canonical</td><td></td><td>'
+esc(s.e)+'</td><td>'+esc(s.t)+'</td><td>'+s.f.split(' ').filter(Boolean).map(function(f){return '<span class="flag">'+esc(f)+'</span>';}).join('')
+'</td></tr>';}).join('');
var p=document.getElementById('pager');if(p){p.querySelector('.at').textContent=MATCHES.length?(AT+1)+'–'+Math.min(AT+PAGE,MATCHES.length)+' of '+MATCHES.length:'none';
p.querySelector('.prev').disabled=AT===0;p.querySelector('.next').disabled=AT+PAGE>=MATCHES.length;}}
function turn(n){AT=Math.max(0,Math.min(AT+n*PAGE,Math.max(0,MATCHES.length-1)));showSingles();}
function filt(){
var f=document.getElementById('flag').value, q=document.getElementById('q').value.trim().toLowerCase();
document.querySelectorAll('#clusters details.multi tr[data-flags], #related tr[data-flags]').forEach(function(r){
r.classList.toggle('hidden',!ok(r.dataset.flags,r.dataset.text,f,q));});
MATCHES=singles().filter(function(s){return ok(s.f,s.x,f,q);});AT=0;showSingles();
document.querySelectorAll('details.multi').forEach(function(d){
var rows=Array.prototype.filter.call(d.querySelectorAll('tr[data-flags]'),visible).length;
d.classList.toggle('hidden',rows===0);if(f!==''||q!==''){if(rows)d.open=true;}
var c=d.querySelector('.count');if(c)c.textContent=rows;});
var g=document.getElementById('singles-group');if(g){g.classList.toggle('hidden',MATCHES.length===0);g.querySelector('.count').textContent=MATCHES.length;
if((f!==''||q!=='')&&MATCHES.length)g.open=true;}
document.querySelectorAll('details.pairdiff').forEach(function(d){d.classList.toggle('hidden',!ok('',d.dataset.text,f,q));});
var shown=function(sel){return Array.prototype.filter.call(document.querySelectorAll(sel),visible).length;};
var notices=shown('#clusters details.multi tr[data-flags]')+MATCHES.length;
document.getElementById('found').textContent=(f||q)?notices+' notice(s) shown':'';
document.body.dataset.filtered='clusters:'+shown('#clusters details.multi')+';notices:'+notices+';related:'+shown('#related tr[data-flags]');}
function sortBy(th){var table=th.closest('table'),i=Array.prototype.indexOf.call(th.parentNode.children,th);
var dir=th.dataset.dir==='asc'?-1:1;th.dataset.dir=dir===1?'asc':'desc';
var cmp=function(x,y){var nx=parseFloat(x),ny=parseFloat(y);return dir*(isNaN(nx)||isNaN(ny)?x.localeCompare(y,'zh'):nx-ny);};
if(table.id==='singles'){var key=['p','','','e','t','f'][i];if(!key)return;
singles().sort(function(a,b){return cmp(a[key]||'',b[key]||'');});filt();return;}
var rows=Array.prototype.slice.call(table.querySelectorAll('tr')).slice(1);
rows.sort(function(a,b){return cmp(a.children[i].textContent,b.children[i].textContent);});
rows.forEach(function(r){r.parentNode.appendChild(r);});}
document.addEventListener('DOMContentLoaded',function(){
document.querySelectorAll('th').forEach(function(th){th.addEventListener('click',function(){sortBy(th);});});
var h=new URLSearchParams(location.hash.slice(1));
if(h.get('flag'))document.getElementById('flag').value=h.get('flag');
if(h.get('q'))document.getElementById('q').value=h.get('q');
if(h.get('sort')){var th=document.querySelector('#'+h.get('sort'));if(th)sortBy(th);}
filt();
if(h.get('open')==='all')document.querySelectorAll('details').forEach(function(d){d.open=true;});
function shown(sel){return Array.prototype.filter.call(document.querySelectorAll(sel),function(e){
var r=e.getBoundingClientRect();return r.width>0&&r.height>0;}).length;}
var why=document.querySelector('#related td.why');
document.body.dataset.rendered='clusters:'+shown('#clusters details.multi')+';diffs:'+shown('.diff pre')+';rows:'+shown('#clusters tr')
+';why:'+(why?Math.round(why.getBoundingClientRect().width):0);
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

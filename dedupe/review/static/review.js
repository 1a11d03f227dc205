// The review queue: one item at a time, decided by mouse or keyboard; each decision is a POST
// that records the correction the CLI would, and the queue comes back as the corpus now stands.
"use strict";
var items = [], current = 0, pending = null, done = 0;
var $ = function (id) { return document.getElementById(id); };
var LABELS = {same: "same notice", different: "different notices", canonical: "make canonical", withdraw: "withdraw"};

function el(tag, text, cls) {
  var e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function state(s) { document.body.dataset.state = s; }

function api(path, body) {
  var init = body ? {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)} : {};
  return fetch(path, init).then(function (r) {
    return r.json().catch(function () { return {error: r.status + " " + r.statusText}; });
  });
}

function showQueue() {
  var q = $("queue");
  q.textContent = "";
  var counts = {};
  items.forEach(function (it, i) {
    counts[it.kind] = (counts[it.kind] || 0) + 1;
    var li = el("li");
    li.appendChild(el("span", it.kind, "kind kind-" + it.kind));
    li.appendChild(el("span", it.b.title || it.b.path));
    li.dataset.key = it.key;
    if (i === current) li.className = "current";
    li.addEventListener("click", function () { select(i); });
    q.appendChild(li);
  });
  var parts = Object.keys(counts).map(function (k) { return counts[k] + " " + k; });
  $("counts").textContent = items.length + " item(s) waiting" + (parts.length ? ": " + parts.join(", ") : "");
  $("empty").hidden = items.length > 0;
  $("item").hidden = items.length === 0;
  document.body.dataset.count = items.length;
}

function side(box, label, s) {
  box.textContent = "";
  var h = el("div");
  h.appendChild(el("b", label + (s.is_canonical ? " (canonical)" : "") + " "));
  h.appendChild(el("span", s.path, "path"));
  box.appendChild(h);
  box.appendChild(el("div", s.title || "(no title)"));
  box.appendChild(el("div", [s.doc_number, s.issuer, s.date].filter(Boolean).join(" · ") || "(no 文号, issuer or date)", "note"));
  box.appendChild(el("div", s.chars + " characters, " + s.encoding + ", cluster " + s.cluster, "note"));
  var flags = el("div");
  s.flags.forEach(function (f) { flags.appendChild(el("span", f, "flag")); });
  box.appendChild(flags);
}

function select(i) {
  if (!items.length) { current = 0; showQueue(); state("ready"); return; }
  current = Math.max(0, Math.min(i, items.length - 1));
  cancel();
  showQueue();
  var it = items[current];
  var f = $("figures");
  f.textContent = "";
  f.appendChild(el("span", it.kind, "kind kind-" + it.kind));
  var sim = "Jaccard " + it.jaccard.toFixed(3) + (it.containment !== null && it.containment !== undefined ? ", containment " + Number(it.containment).toFixed(3) : "");
  f.appendChild(el("b", (it.kind === "vetoed" ? "" : it.relation + " · ") + sim + " (A ~ B)"));
  f.appendChild(el("div", it.reason, "note"));
  side($("side-a"), "A", it.a);
  side($("side-b"), "B", it.b);
  document.body.dataset.current = it.key;
  $("diff").textContent = "…";
  state("loading");
  api("api/pair/" + encodeURIComponent(it.a.id) + "/" + encodeURIComponent(it.b.id)).then(function (r) {
    if (items[current] !== it) return;
    if (r.error) { $("diff").textContent = r.error; } else { $("diff").innerHTML = r.html; }
    state("ready");
  });
}

function ask(action, which) {
  if (!items.length) return;
  pending = {action: action, side: which};
  var it = items[current], target = action === "same" || action === "different" ? "A ~ B" : which.toUpperCase() + " " + it[which].path;
  $("pending").textContent = "Reason to " + LABELS[action] + " (" + target + ")";
  $("pending").className = "asking";
  if ($("reason").value.trim()) { decide(); } else { $("reason").focus(); }
}

function cancel() {
  pending = null;
  $("pending").textContent = "Reason";
  $("pending").className = "";
}

function decide() {
  var it = items[current], p = pending, by = $("by").value.trim(), reason = $("reason").value.trim();
  if (!p) return;
  if (!by) { message("give your name first: the log records who decided", true); $("by").focus(); return; }
  if (!reason) { $("reason").focus(); return; }
  var notices = p.action === "same" || p.action === "different" ? [it.a.id, it.b.id] : [it[p.side].id];
  localStorage.setItem("policy-dedup-by", by);
  state("busy");
  api("api/decide", {action: p.action, notices: notices, reason: reason, by: by}).then(function (r) {
    if (r.error) { message(r.error, true); state("ready"); return; }
    done += 1;
    $("done-count").textContent = done;
    document.body.dataset.done = done;
    var li = el("li", r.done);
    $("done").appendChild(li);
    message(r.done, false);
    $("reason").value = "";
    $("reason").blur();
    items = r.items;
    select(current);
  });
}

function message(text, bad) {
  $("status").textContent = text;
  $("status").className = bad ? "error" : "";
}

document.addEventListener("keydown", function (e) {
  var typing = e.target.tagName === "INPUT";
  if (typing) {
    if (e.key === "Enter" && e.target.id === "reason") { e.preventDefault(); decide(); }
    if (e.key === "Escape") { cancel(); e.target.blur(); }
    return;
  }
  if (e.ctrlKey || e.metaKey || e.altKey || document.body.dataset.state === "busy") return;
  var keys = {j: function () { select(current + 1); }, k: function () { select(current - 1); },
    s: function () { ask("same", "b"); }, d: function () { ask("different", "b"); },
    c: function () { ask("canonical", "b"); }, w: function () { ask("withdraw", "b"); },
    C: function () { ask("canonical", "a"); }, W: function () { ask("withdraw", "a"); }};
  if (keys[e.key]) { e.preventDefault(); keys[e.key](); }
});

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("#actions button").forEach(function (b) {
    b.addEventListener("click", function () { ask(b.dataset.action, b.dataset.side); });
  });
  api("api/queue").then(function (r) {
    $("by").value = localStorage.getItem("policy-dedup-by") || r.by || "";
    items = r.items;
    select(0);
  });
});

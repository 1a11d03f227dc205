"""What ``history`` prints of one notice: its manifest row, every decision about it, and the chain of
versions it is one of (``dedupe.store.export.history`` reads them)."""

from __future__ import annotations

from typing import Any

from dedupe.reports.versions import chain_lines


def format_history(found: dict[str, Any]) -> str:
    row = found["notice"]
    lines = [
        f"{row['path']}  (id {row['id']}, {row['status']}, from {row['source']}, ingested {row['ingested_at']})",
        f"  title: {row['title'] or '(none)'}; 文号: {row['doc_number'] or '(none)'}; date: {row['date'] or '(none)'}",
        f"  cluster {row['cluster']}: {'canonical' if row['is_canonical'] else row['relation']}",
        "",
    ]
    for e in found["decisions"]:
        who = f" by {e['by']}" if e.get("by") else ""
        about = " ~ ".join(str(e[k]) for k in ("a", "b") if k in e) or e.get("path") or e.get("canonical") or ""
        lines.append(f"{e.get('time', '?')}  {e['decision']}{who}: {about}  ({e.get('reason', '')})")
    if found.get("chain"):
        lines += ["", "a version of:", *chain_lines(found["chain"])]
    return "\n".join(lines)

"""The printable history of an element: text, Markdown or HTML (old -> new, who, when, why).

Built from :class:`pmtui.services.audit_history.History` with the document model of
:mod:`pmtui.core.documents`, which escapes every value taken from the data.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from pmtui.core import audit_diff, documents as doc
from pmtui.services.audit_history import History
from pmtui.services.errors import PmError
from pmtui.store.audit import utc_text

FORMATS = ("text", "md", "html")
#: Longest value printed in a change line (longer ones end with an ellipsis).
VALUE_WIDTH = 160


def change_lines(entry: dict, refs: dict[str, dict]) -> list[str]:
    """``field: old -> new`` lines of one entry, with codes beside referenced ids."""
    lines = []
    for c in entry["changes"]:
        old, new = (_ref(c["field"], v, refs) for v in (c["old"], c["new"]))
        lines.append(audit_diff.one_line(audit_diff.Change(c["field"], old, new, c["created"]), VALUE_WIDTH))
    return lines


def _ref(column: str, value, refs: dict[str, dict]):
    name = refs.get(column, {}).get(value)
    return f"{value} ({name})" if name is not None and value is not None else value


def blocks(hist: History, *, now: datetime, actor: str | None = None) -> list[doc.Block]:
    """The document: title, what the element is now, then every entry oldest first."""
    e = hist.element
    entries = hist.entries
    span = f"from {entries[0]['ts']} to {entries[-1]['ts']}" if entries else "no entries"
    out: list[doc.Block] = [
        doc.Heading(1, f"History of {e.label}"),
        doc.Para(f"Element: {e.entity} {e.key}. {len(entries)} audit {'entry' if len(entries) == 1 else 'entries'},"
                 f" {span}. Printed {utc_text(now)}"
                 + (f" by {actor}" if actor else "") + ".", meta=True),
    ]
    if hist.current is None:
        out.append(doc.Para("The element no longer exists: it was deleted (see the last entry)."))
    else:
        now_fields = [f"{k}: {audit_diff.show(_ref(k, v, hist.refs), VALUE_WIDTH)}" for k, v in hist.current.items()]
        out += [doc.Heading(2, "Now"), doc.Para("\n".join(now_fields))]
    rows = tuple((f"{x['seq']} ({x['hash'][:10]})", x["ts"], x["actor"], x["action"],
                  "\n".join(change_lines(x, hist.refs)) or "(no field changed)", x["reason"] or "")
                 for x in entries)
    out += [doc.Heading(2, "Entries, oldest first"),
            doc.Table(("Entry (hash)", "When (UTC)", "Who", "Action", "Old -> new", "Why"), rows)]
    return out


def render(hist: History, fmt: str, *, now: datetime, actor: str | None = None) -> str:
    """The history as ``text``, ``md`` or ``html``."""
    if fmt not in FORMATS:
        raise PmError(f"format {fmt!r} must be one of {', '.join(FORMATS)}")
    return doc.render(fmt, f"History of {hist.element.label}", blocks(hist, now=now, actor=actor))


def format_for(path: str | Path, default: str = "text") -> str:
    """The format a file name asks for: ``.md`` Markdown, ``.html``/``.htm`` HTML, else ``default``."""
    suffix = Path(path).suffix.lower()
    return {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}.get(suffix, default)


def write(hist: History, path: str | Path, fmt: str, *, now: datetime, actor: str | None = None) -> Path:
    """Write the history to ``path`` (folders created, file replaced atomically); returns the path."""
    target = Path(path)
    text = render(hist, fmt, now=now, actor=actor)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
    except OSError as exc:
        raise PmError(f"cannot write {target}: {exc.strerror or exc}") from None
    return target

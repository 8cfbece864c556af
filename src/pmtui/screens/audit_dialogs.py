"""Dialogs of the audit browser: the filter, and exporting an element's printable history."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Input, Label, Static

from pmtui import actions
from pmtui.screens.controls_form import FormDialog
from pmtui.services import audit_browse, audit_history, history_report

#: Filter fields: input id, label, placeholder.
FILTER_FIELDS = (
    ("kpi", "KPI", "code, e.g. OTD_PCT"),
    ("unit", "Unit", "code, e.g. PLANT_A"),
    ("period", "Period", "YYYY-MM (with a KPI or unit)"),
    ("entity", "Table", "or an audited table, e.g. measurements"),
    ("key", "Key", "the row's key (with a table)"),
    ("actor", "User", "who acted, e.g. jvandijk"),
    ("date_from", "From", "YYYY-MM-DD"),
    ("date_to", "To", "YYYY-MM-DD (inclusive)"),
)


class FilterDialog(FormDialog):
    """Edit the browser's filter; checked against the file before it is applied."""

    SCOPE = "audit-filter"
    BINDINGS = actions.bindings("audit-filter")
    TITLE = "Filter the audit trail"
    SAVE = "Apply"
    BUSY = "Checking…"

    def __init__(self, current: audit_browse.Filter) -> None:
        super().__init__()
        self.current = current

    def fields(self) -> ComposeResult:
        """One line per field; empty fields match everything."""
        yield Static("Element: a KPI and/or unit (their rows and the rows about them), or a table and key.",
                     classes="controls-form-note", markup=False)
        with Grid(classes="controls-form-grid"):
            for name, label, hint in FILTER_FIELDS:
                yield Label(label)
                yield Input(getattr(self.current, name), id=name, placeholder=hint, compact=True)

    def perform(self, conn: sqlite3.Connection, values: dict[str, str]) -> dict:
        """Validate the filter (unknown codes, bad dates) and hand it back."""
        flt = audit_browse.Filter(**values).cleaned()
        audit_browse.where_clause(conn, flt)
        return {"filter": flt}


def default_path(db_path: str, entity: str, key: str) -> str:
    """``<folder of the file>/exports/history-<table>-<key>.html``."""
    folder = Path(db_path).resolve().parent if db_path != ":memory:" else Path.cwd()
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in f"{entity}-{key}")
    return str(folder / "exports" / f"history-{safe}.html")


class ExportDialog(FormDialog):
    """Write the printable history of one element; the format follows the file's extension."""

    SCOPE = "audit-export"
    BINDINGS = actions.bindings("audit-export")
    TITLE = "Export the element's history"
    SAVE = "Write"

    def __init__(self, entity: str, key: str) -> None:
        super().__init__()
        self.entity, self.key = entity, key

    def fields(self) -> ComposeResult:
        """Which element, and the file."""
        yield Static(f"Every audit entry about {self.entity} {self.key}, oldest first: old -> new, who, when,"
                     " why. .html and .md files get those formats, any other name plain text.",
                     classes="controls-form-note", markup=False)
        yield Label("File")
        yield Input(default_path(self.app.db_path, self.entity, self.key), id="path", compact=True)

    def perform(self, conn: sqlite3.Connection, values: dict[str, str]) -> dict:
        """Write the file and hand back its path."""
        path = values["path"].strip()
        element = audit_history.element_of(conn, entity=self.entity, key=self.key)
        hist = audit_history.history(conn, element)
        written = history_report.write(hist, path, history_report.format_for(path), now=self.app.clock(),
                                       actor=self.app.user)
        return {"path": str(written), "entries": len(hist.entries), "label": element.label}

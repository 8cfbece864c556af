"""The audit history browser: the audit trail, filtered and paged from SQL, newest first.

Filtered by element (a KPI and/or unit and their rows, or a table and key), user and
date range (``F``); pages of 50 entries by keyset on ``seq`` (``]`` older, ``[`` newer);
the selected entry's changes (old -> new) below; ``x`` writes the printable history of
the selected entry's element to a file and shows its path. Opened from the KPI screen
it starts filtered to that KPI at that unit; from the scorecard, to the unit.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from pmtui import actions
from pmtui.screens.audit_dialogs import ExportDialog, FilterDialog
from pmtui.services import audit_browse, audit_history, history_report
from pmtui.services.errors import PmError
from pmtui.widgets.footer import PmFooter

KIND_STYLE = {"refused": "bold red", "delete": "red", "insert": "green", "import": "green"}


class AuditBrowserScreen(Screen):
    """Entries of the current page on top, the highlighted entry's changes below."""

    SCOPE = "audit-browser"
    BINDINGS = actions.bindings("audit-browser")
    ACCEPTS_CONTEXT = True

    @dataclass
    class Loaded(Message):
        """One page read by the worker."""

        page: audit_browse.Page
        before: int | None

    @dataclass
    class Detail(Message):
        """One entry with its changes and the labels of ids it mentions."""

        entry: dict
        lines: list[str]

    @dataclass
    class Failed(Message):
        """Why nothing can be shown."""

        text: str

    def __init__(self, *, kpi: str | None = None, unit: str | None = None, period: str | None = None,
                 entity: str | None = None, key: str | None = None, actor: str | None = None) -> None:
        super().__init__()
        # The period of the screen it was opened from is not applied: the whole series is the element's history.
        del period
        self.filter = audit_browse.Filter(kpi=kpi or "", unit=unit or "", entity=entity or "", key=key or "",
                                          actor=actor or "")
        self.page: audit_browse.Page | None = None
        self.starts: list[int | None] = [None]  # the ``before`` of each page up to the one shown
        self._shown: int | None = None  # the entry whose detail is shown or being read

    def compose(self) -> ComposeResult:
        """Filter line, the entries, the selected entry's changes."""
        yield Header()
        yield Static("Loading…", id="audit-title", markup=False)
        yield DataTable(id="audit-entries", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="audit-detail-box"):
            yield Static("", id="audit-detail", markup=False)
        yield PmFooter()

    def on_mount(self) -> None:
        """Columns, then the first page."""
        table = self.query_one(DataTable)
        for label, width in (("Seq", 6), ("When (UTC)", 16), ("Who", 9), ("Action", 20), ("Element", 17)):
            table.add_column(label, width=width)
        self.reload()

    def reload(self) -> None:
        """Read the page shown again."""
        self._load(self.filter, self.starts[-1])

    @work(thread=True, exclusive=True, group="audit-browser", exit_on_error=False)
    def _load(self, flt: audit_browse.Filter, before: int | None) -> None:
        try:
            with self.app.database() as conn:
                page = audit_browse.page(conn, flt, before=before)
        except (PmError, sqlite3.Error) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Loaded(page, before))

    def on_audit_browser_screen_loaded(self, message: Loaded) -> None:
        """Fill the table with the page."""
        self.page = message.page
        table = self.query_one(DataTable)
        table.clear()
        for r in self.page.rows:
            style = "bold red" if r["action"].startswith("refused.") else ""
            table.add_row(str(r["seq"]), r["ts"][:16].replace("T", " "), r["actor"], Text(r["action"], style=style),
                          f"{r['entity']}:{r['entity_key']}", key=str(r["seq"]))
        self._title()
        if not table.has_focus:
            table.focus()
        self._select()

    def _title(self) -> None:
        n = len(self.starts)
        rows = self.page.rows if self.page else []
        span = f"entries {rows[0]['seq']}..{rows[-1]['seq']}" if rows else "no entries"
        more = " · ] older" if self.page and self.page.more else ""
        newer = " · [ newer" if n > 1 else ""
        self.query_one("#audit-title", Static).update(Text.assemble(
            ("Audit trail", "bold"), f"  filter: {self.filter.describe()}  (f)\n",
            (f"page {n} · {span}{newer}{more} · x export history", "dim")))

    def on_audit_browser_screen_failed(self, message: Failed) -> None:
        """Say why nothing is shown."""
        self.query_one("#audit-title", Static).update(Text(message.text, style="bold red"))

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._select()

    def selected(self) -> dict | None:
        """The list row under the cursor."""
        rows = self.page.rows if self.page else []
        index = self.query_one(DataTable).cursor_row
        return rows[index] if rows and 0 <= index < len(rows) else None

    def _select(self) -> None:
        row = self.selected()
        if row is None:
            self._shown = None
            self.query_one("#audit-detail", Static).update("No entry matches the filter." if self.page else "")
            return
        if row["seq"] != self._shown:  # filling the table highlights the same row more than once
            self._shown = row["seq"]
            self._detail(row["seq"])

    @work(thread=True, exclusive=True, group="audit-detail", exit_on_error=False)
    def _detail(self, seq: int) -> None:
        try:
            with self.app.database() as conn:
                entry = audit_history.entry(conn, seq)
                refs = audit_history.references(conn, entry["entity"], [entry]) \
                    if entry["entity"] in audit_history.GUARDED_TABLES else {}
        except (PmError, sqlite3.Error) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Detail(entry, history_report.change_lines(entry, refs)))

    def on_audit_browser_screen_detail(self, message: Detail) -> None:
        """Show who, when, why and old -> new of the entry."""
        e = message.entry
        head = Text.assemble((f"#{e['seq']} {e['action']}", KIND_STYLE.get(e["kind"], "bold")),
                             f" by {e['actor']} at {e['ts']} on {e['entity']}:{e['key']}")
        why = Text(f"\nwhy: {e['reason']}", style="italic") if e["reason"] else Text("")
        body = "\n".join(message.lines) or "(no field changed)"
        self.query_one("#audit-detail", Static).update(Text.assemble(head, why, "\n", body))

    def action_older_page(self) -> None:
        """The next page of older entries."""
        if self.page and self.page.more:
            self.starts.append(self.page.last_seq)
            self.reload()

    def action_newer_page(self) -> None:
        """Back to the previous (newer) page."""
        if len(self.starts) > 1:
            self.starts.pop()
            self.reload()

    def apply(self, flt: audit_browse.Filter) -> None:
        """Show the first page of ``flt``."""
        self.filter, self.starts = flt, [None]
        self.reload()

    def action_edit_filter(self) -> None:
        """Open the filter dialog."""
        self.app.push_screen(FilterDialog(self.filter), lambda r: r and self.apply(r["filter"]))

    def action_clear_filter(self) -> None:
        """Every entry."""
        self.apply(audit_browse.Filter())

    def action_export_history(self) -> None:
        """Write the selected entry's element history to a file (dialog), then show the path."""
        row = self.selected()
        if row is None or row["entity"] not in audit_history.GUARDED_TABLES or row["entity_key"].startswith("batch:"):
            self.notify("Select an entry about one audited row first.", severity="warning", markup=False)
            return
        self.app.push_screen(ExportDialog(row["entity"], row["entity_key"]), self._exported)

    def _exported(self, result: dict | None) -> None:
        if result:
            self.notify(f"History of {result['label']} ({result['entries']} entries) written to {result['path']}",
                        title="Exported", timeout=30, markup=False)

    def action_close(self) -> None:
        """Back to the previous screen."""
        self.dismiss()

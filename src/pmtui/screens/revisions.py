"""Target revisions: the list (original against revised), counts per unit, request and decide."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from pmtui import actions
from pmtui.screens.revision_dialogs import RevisionDecisionDialog, RevisionRequestDialog
from pmtui.services import target_revisions
from pmtui.services.errors import PmError
from pmtui.widgets.footer import PmFooter

#: Rows read per view (newest first); the CLI pages further with --limit.
LIMIT = 200

#: The filter cycle of ``f``: all, then each status.
FILTERS = (None, "submitted", "approved", "rejected")

STATUS_STYLE = {"submitted": "bold magenta", "approved": "bold green", "rejected": "bold red"}

#: Sized to fit 80 columns; who decided and the note are in the detail line below the table.
COLUMNS = (("Id", 3), ("Unit", 9), ("KPI", 13), ("Period", 7), ("Orig.", 6), ("Revised", 7),
           ("Status", 9), ("By", 8))


def _number(value: float | None) -> Text:
    return Text("–" if value is None else f"{value:g}", justify="right")


class RevisionsScreen(Screen):
    """Every revision (or those in one status) with the unit counts above them."""

    SCOPE = "revisions"
    BINDINGS = actions.bindings("revisions")

    @dataclass
    class Loaded(Message):
        """Rows and counts read by the worker."""

        rows: list[dict]
        counts: list[dict]

    @dataclass
    class Failed(Message):
        """Why nothing can be shown."""

        text: str

    def __init__(self) -> None:
        super().__init__()
        self.status: str | None = None
        self.rows: list[dict] = []

    def compose(self) -> ComposeResult:
        """Counts line, the table, the selected revision's reason and note, the keys."""
        yield Header()
        yield Static("Loading…", id="revisions-summary")
        yield DataTable(id="revisions-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="revisions-detail", markup=False)
        yield PmFooter()

    def on_mount(self) -> None:
        """Set up the columns and read the list."""
        table = self.query_one(DataTable)
        for label, width in COLUMNS:
            table.add_column(label, width=width, key=label.lower())
        self.reload()

    def reload(self) -> None:
        """Read the list again with the current filter."""
        self._load(self.status)

    @work(thread=True, exclusive=True, group="revisions", exit_on_error=False)
    def _load(self, status: str | None) -> None:
        try:
            with self.app.database() as conn:
                rows = target_revisions.revisions(conn, status=status, limit=LIMIT)
                counts = target_revisions.revision_counts(conn)
        except (PmError, sqlite3.Error) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Loaded(rows, counts))

    def on_revisions_screen_loaded(self, message: Loaded) -> None:
        """Fill the table; the summary counts revisions per unit."""
        self.rows = message.rows
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for r in message.rows:
            table.add_row(str(r["id"]), r["unit"], r["kpi"], r["period"], _number(r["original_target"]),
                          _number(r["revised_target"]), Text(r["status"], style=STATUS_STYLE.get(r["status"], "")),
                          r["requested_by"], key=str(r["id"]))
        if message.rows:  # the same row after a decision
            table.move_cursor(row=min(max(row, 0), len(message.rows) - 1))
        counts = "  ".join(f"{c['unit']} {c['approved']}✓{c['rejected']}✗{c['pending']}…" for c in message.counts[:4])
        shown = self.status or "all"
        self.query_one("#revisions-summary", Static).update(Text.assemble(
            ("Target revisions", "bold"), f" ({shown}: {len(message.rows)})  per unit ✓approved ✗rejected …pending:\n",
            counts or "none"))
        self._show_detail()

    def on_revisions_screen_failed(self, message: Failed) -> None:
        """Say why nothing is shown."""
        self.query_one("#revisions-summary", Static).update(Text(message.text, style="bold red"))

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    def selected(self) -> dict | None:
        """The revision under the cursor."""
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def _show_detail(self) -> None:
        r = self.selected()
        if r is None:
            text = ""
        else:
            decided = f"{r['status']} by {r['decided_by']}" if r["decided_by"] else "awaiting a decision"
            text = f"Reason: {r['reason']}\n{decided}" + (f": {r['decision_note']}" if r["decision_note"] else "")
        self.query_one("#revisions-detail", Static).update(text)

    def _refusal(self) -> str | None:
        if self.app.readonly:
            return "Read-only session: revisions cannot be requested or decided."
        if self.app.user is None:
            return "No acting user: start pmtui with --user NAME to request or decide revisions."
        return None

    def action_request_revision(self) -> None:
        """Open the request dialog, pre-filled from the selected row."""
        refusal = self._refusal()
        if refusal:
            self.notify(refusal, title="Revision refused", severity="error", markup=False)
            return
        self.app.push_screen(RevisionRequestDialog(self.selected()), self._stored)

    def action_decide_revision(self) -> None:
        """Open the decision dialog for the selected pending revision."""
        refusal = self._refusal()
        r = self.selected()
        if refusal or r is None or r["status"] != "submitted":
            self.notify(refusal or "Move to a pending (submitted) revision first.", title="Decide",
                        severity="error" if refusal else "warning", markup=False)
            return
        self.app.push_screen(RevisionDecisionDialog(r), self._stored)

    def _stored(self, row: dict | None) -> None:
        if row:
            self.notify(f"Revision {row['id']} {row['status']}: {row['kpi']} {row['unit']} {row['period']}.",
                        title="Target revision", markup=False)
            self.app.refresh_screens()

    def action_cycle_filter(self) -> None:
        """Show all, then pending, approved and rejected revisions."""
        self.status = FILTERS[(FILTERS.index(self.status) + 1) % len(FILTERS)]
        self.reload()

    def action_close(self) -> None:
        """Back to the previous screen."""
        self.dismiss()

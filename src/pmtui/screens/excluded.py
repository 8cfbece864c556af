"""The excluded-metrics register: what was considered and left out, why, who decided, when."""

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
from pmtui.services import excluded
from pmtui.services.errors import PmError
from pmtui.widgets.footer import PmFooter

#: Entries read (latest decision first); the CLI lists them all.
LIMIT = 500

COLUMNS = (("Metric", 26), ("Cycle", 7), ("Decided by", 10), ("On", 10), ("Level", 12))


class ExcludedScreen(Screen):
    """The register as a table; the highlighted entry's reason and description below it."""

    SCOPE = "excluded"
    BINDINGS = actions.bindings("excluded")

    @dataclass
    class Loaded(Message):
        """Entries read by the worker."""

        rows: list[dict]

    @dataclass
    class Failed(Message):
        """Why nothing can be shown."""

        text: str

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict] = []

    def compose(self) -> ComposeResult:
        """Title, the table, the selected entry, the keys."""
        yield Header()
        yield Static("Loading…", id="excluded-title")
        yield DataTable(id="excluded-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="excluded-detail", markup=False)
        yield PmFooter()

    def on_mount(self) -> None:
        """Set up the columns and read the register."""
        table = self.query_one(DataTable)
        for label, width in COLUMNS:
            table.add_column(label, width=width)
        self.reload()

    def reload(self) -> None:
        """Read the register again."""
        self._load()

    @work(thread=True, exclusive=True, group="excluded", exit_on_error=False)
    def _load(self) -> None:
        try:
            with self.app.database() as conn:
                rows = excluded.entries(conn, limit=LIMIT)
        except (PmError, sqlite3.Error) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Loaded(rows))

    def on_excluded_screen_loaded(self, message: Loaded) -> None:
        """Fill the table."""
        self.rows = message.rows
        table = self.query_one(DataTable)
        table.clear()
        for r in message.rows:
            level = Text(r["confidentiality"], style="bold red" if r["confidentiality"] == "confidential" else "")
            table.add_row(r["name"], r["cycle"] or "–", r["decided_by"], r["decided_on"], level, key=str(r["id"]))
        self.query_one("#excluded-title", Static).update(Text.assemble(
            ("Excluded metrics", "bold"), f"   {len(message.rows)} entries   add with ",
            ("pmtui excluded add", "bold")))
        self._show_detail()

    def on_excluded_screen_failed(self, message: Failed) -> None:
        """Say why nothing is shown."""
        self.query_one("#excluded-title", Static).update(Text(message.text, style="bold red"))

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    def _show_detail(self) -> None:
        row = self.query_one(DataTable).cursor_row
        if not self.rows or row >= len(self.rows):
            self.query_one("#excluded-detail", Static).update("")
            return
        r = self.rows[row]
        text = f"Why left out: {r['reason']}" + (f"\nWhat it measures: {r['description']}" if r["description"] else "")
        self.query_one("#excluded-detail", Static).update(text)

    def action_close(self) -> None:
        """Back to the previous screen."""
        self.dismiss()

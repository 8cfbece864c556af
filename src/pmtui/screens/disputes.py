"""Committees and the dispute register (M3.5): disputes on ownership and attribution.

The committees are summarised on top; the register is a table paged from SQL (open
disputes first) with the selected dispute's claim, hearing, decision and what the
decision changed underneath. ``r`` raises, ``H`` hears, ``d`` decides.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from pmtui import actions
from pmtui.screens.dispute_dialogs import ProceedDialog, RaiseDialog
from pmtui.screens.paged_rows import PagedRowsScreen
from pmtui.services import committees, disputes
from pmtui.services.errors import PmError
from pmtui.widgets.footer import PmFooter

#: Committees summarised above the register.
COMMITTEES_SHOWN = 2

COLUMNS = (("Code", 7), ("Kind", 11), ("KPI", 18), ("Unit", 9), ("Proposed", 12), ("Status", 8))
STATUS_STYLE = {"raised": "bold yellow", "heard": "bold cyan", "upheld": "bold green", "rejected": "red",
                "withdrawn": "dim"}


class DisputesScreen(PagedRowsScreen):
    """The committees and the dispute register, with raise / hear / decide dialogs."""

    SCOPE = "disputes"
    BINDINGS = actions.bindings("disputes")

    @dataclass
    class Loaded(Message):
        """A page of disputes and the committees, read by the worker."""

        committees: list[dict]
        rows: list[dict]
        total: int

    @dataclass
    class Failed(Message):
        """Why nothing can be shown."""

        text: str

    def __init__(self) -> None:
        super().__init__()
        self.committees: list[dict] = []

    def compose(self) -> ComposeResult:
        """Committees, the register, the selected dispute."""
        yield Header()
        yield Static("Loading…", id="dsp-committees")
        yield Static("", id="dsp-title")
        yield DataTable(id="dsp-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="dsp-detail", markup=False)
        yield PmFooter()

    def on_mount(self) -> None:
        """Columns, then the first page."""
        table = self.query_one(DataTable)
        for label, width in COLUMNS:
            table.add_column(label, width=width)
        self.reload()

    def reload(self) -> None:
        """Read the current page again."""
        self._load(self.page_start)

    @work(thread=True, exclusive=True, group="disputes", exit_on_error=False)
    def _load(self, offset: int) -> None:
        try:
            with self.app.database() as conn:
                boards = committees.list_committees(conn, limit=COMMITTEES_SHOWN + 1)
                rows = disputes.list_disputes(conn, limit=self.PAGE, offset=offset)
                total = disputes.count(conn)
        except (PmError, sqlite3.Error) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Loaded(boards, rows, total))

    def on_disputes_screen_loaded(self, message: Loaded) -> None:
        """Fill the summary and the table."""
        self.committees, self.rows, self.total = message.committees, message.rows, message.total
        lines = [Text.assemble((c["code"], "bold"), f" {c['name']}: {len(c['members'])} members,"
                               f" {c['open_disputes']} open") for c in message.committees[:COMMITTEES_SHOWN]]
        if len(message.committees) > COMMITTEES_SHOWN:
            lines.append(Text("more committees: pmtui committees list", style="dim"))
        self.query_one("#dsp-committees", Static).update(
            Text("\n").join(lines) if lines else Text("No committee yet: pmtui committees add", style="dim"))
        table = self.query_one(DataTable)
        row_before = table.cursor_row
        table.clear()
        for r in message.rows:
            status = r["outcome"] or r["status"]
            table.add_row(r["code"], r["kind"], r["kpi"], r["unit"] or "–", r["proposed_role"] or "–",
                          Text(status, style=STATUS_STYLE.get(status, "")), key=r["code"])
        if message.rows:
            table.move_cursor(row=min(row_before, len(message.rows) - 1))
        self.query_one("#dsp-title", Static).update(Text.assemble(
            ("Disputes", "bold"), f"  {self.page_label()}",
            ("   r raise · h hear · d decide" + ("  · [ ] pages" if message.total > self.PAGE else ""), "dim")))
        self.show_detail()

    def on_disputes_screen_failed(self, message: Failed) -> None:
        """Say why nothing is shown."""
        self.query_one("#dsp-committees", Static).update(Text(message.text, style="bold red"))

    def show_detail(self) -> None:
        """The highlighted dispute's KPI, claim, hearing, decision and what it changed."""
        d = self.selected()
        detail = self.query_one("#dsp-detail", Static)
        if d is None:
            detail.update("No disputes yet: r raises one.")
            return
        head = f"{d['kpi']} {d['kpi_name']} · owner now {d['owner_role'] or '-'} · before {d['committee']}"
        detail.update("\n".join([head, *disputes.story(d)]))

    def action_raise_dispute(self) -> None:
        """Open the raise dialog (the first committee preselected)."""
        committee = self.committees[0]["code"] if self.committees else ""
        self.app.push_screen(RaiseDialog(committee=committee), self._done)

    def _proceed(self, status: str, step: str) -> None:
        d = self.selected()
        if d is None or d["status"] != status:
            self.notify(f"Select a {status} dispute to {step}.", severity="warning", markup=False)
            return
        self.app.push_screen(ProceedDialog(d, step), self._done)

    def action_hear_dispute(self) -> None:
        """Hear the selected raised dispute."""
        self._proceed("raised", "hear")

    def action_decide_dispute(self) -> None:
        """Decide the selected heard dispute."""
        self._proceed("heard", "decide")

    def _done(self, row: dict | None) -> None:
        if not row:
            return
        applied = f" Applied: {row['applied']}." if row.get("applied") else ""
        self.notify(f"{row['code']} is {row['outcome'] or row['status']}.{applied}", title="Dispute",
                    markup=False)
        self.app.refresh_screens()

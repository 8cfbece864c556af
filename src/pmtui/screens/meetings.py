"""Review meetings: a page of meetings (of one unit and the units below it, or all); Enter runs one."""

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
from pmtui.services import reviews, tui_reads
from pmtui.services.errors import PmError
from pmtui.widgets.footer import PmFooter

#: Meetings per page (read with LIMIT/OFFSET).
PAGE = 50
COLUMNS = (("Meeting", 18), ("Status", 11), ("Chair", 9), ("Decided", 7), ("Held", 10), ("Level", 12))
STATUS_STYLE = {"planned": "cyan", "in_progress": "bold yellow", "finalised": "green"}
LEVEL_STYLE = {"confidential": "bold red"}


def decided_cell(row: dict) -> Text:
    """``decided/items``, bold red while a held meeting still has undecided items."""
    open_items = row["items"] - row["decided"]
    style = "bold red" if open_items and row["status"] == "in_progress" else ""
    return Text(f"{row['decided']}/{row['items']}", style=style, justify="right")


class MeetingsScreen(Screen):
    """Meetings, latest period first; opened from the scorecard or a KPI it starts at their unit."""

    SCOPE = "meetings"
    ACCEPTS_CONTEXT = True
    BINDINGS = actions.bindings("meetings")

    @dataclass
    class Loaded(Message):
        """A page read by the worker."""

        rows: list[dict]
        total: int

    @dataclass
    class Failed(Message):
        """Why nothing can be shown."""

        text: str

    @dataclass
    class UnitsLoaded(Message):
        """Units for the picker."""

        units: list

    def __init__(self, *, kpi: str | None = None, unit: str | None = None, period: str | None = None) -> None:
        super().__init__()
        self.unit = unit
        self.page_start = 0
        self.total = 0
        self.rows: list[dict] = []

    def compose(self) -> ComposeResult:
        """Title, the page of meetings, the selected meeting's summary, the keys."""
        yield Header()
        yield Static("Loading…", id="meetings-title")
        yield DataTable(id="meetings-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="meetings-detail", markup=False)
        yield PmFooter()

    def on_mount(self) -> None:
        """Columns, then the first page."""
        table = self.query_one(DataTable)
        for label, width in COLUMNS:
            table.add_column(label, width=width)
        self.reload()

    def reload(self) -> None:
        """Read the current page again (after a meeting was run, say)."""
        self._load(self.unit, self.page_start)

    @work(thread=True, exclusive=True, group="meetings", exit_on_error=False)
    def _load(self, unit: str | None, offset: int) -> None:
        try:
            with self.app.database() as conn:
                total = reviews.count_meetings(conn, unit=unit)
                rows = reviews.list_meetings(conn, unit=unit, limit=PAGE, offset=offset)
        except (PmError, sqlite3.Error) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Loaded(rows, total))

    def on_meetings_screen_loaded(self, message: Loaded) -> None:
        """Fill the table, keeping the cursor where it was."""
        self.rows, self.total = message.rows, message.total
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for r in message.rows:
            table.add_row(r["code"], Text(r["status"].replace("_", " "), style=STATUS_STYLE.get(r["status"], "")),
                          r["chair"] or "–", decided_cell(r), r["held_on"] or "–",
                          Text(r["confidentiality"], style=LEVEL_STYLE.get(r["confidentiality"], "")), key=r["code"])
        if message.rows:
            table.move_cursor(row=min(row, len(message.rows) - 1))
        first, last = self.page_start + 1, self.page_start + len(message.rows)
        shown = f"{first}–{last} of {message.total}" if message.rows else "none"
        self.query_one("#meetings-title", Static).update(Text.assemble(
            ("Review meetings", "bold"), f" of {self.unit} and below" if self.unit else " of every unit",
            f"   {shown}", ("   [ ] pages" if message.total > PAGE else "", "dim")))
        self._show_detail()

    def on_meetings_screen_failed(self, message: Failed) -> None:
        """Say why nothing is shown."""
        self.query_one("#meetings-title", Static).update(Text(message.text, style="bold red"))

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_meeting()

    def _current(self) -> dict | None:
        row = self.query_one(DataTable).cursor_row
        return self.rows[row] if self.rows and 0 <= row < len(self.rows) else None

    def _show_detail(self) -> None:
        r = self._current()
        text = "" if r is None else (
            f"{r['title']}\n{r['unit']} · {r['cycle']} · period {r['period']} · {r['items']} agenda items,"
            f" {r['decided']} decided")
        self.query_one("#meetings-detail", Static).update(text)

    def action_open_meeting(self) -> None:
        """Open the meeting under the cursor."""
        r = self._current()
        if r is None:
            self.notify("No meeting here yet: create one with 'pmtui review create'.", severity="warning",
                        markup=False)
            return
        from pmtui.screens.meeting import MeetingScreen  # noqa: PLC0415 - loads when first opened

        self.app.push_screen(MeetingScreen(r["code"]))

    def action_next_page(self) -> None:
        """The next page of meetings."""
        if self.page_start + PAGE < self.total:
            self.page_start += PAGE
            self.reload()

    def action_previous_page(self) -> None:
        """The previous page of meetings."""
        if self.page_start:
            self.page_start = max(0, self.page_start - PAGE)
            self.reload()

    def action_all_units(self) -> None:
        """Meetings of every unit."""
        self.unit, self.page_start = None, 0
        self.reload()

    def action_pick_unit(self) -> None:
        """Choose the unit whose meetings (and its units' meetings) are listed."""
        self._units()

    @work(thread=True, exclusive=True, group="meetings-units", exit_on_error=False)
    def _units(self) -> None:
        with self.app.database() as conn:
            units = tui_reads.units(conn)
        self.post_message(self.UnitsLoaded(units))

    def on_meetings_screen_units_loaded(self, message: UnitsLoaded) -> None:
        """Open the unit picker."""
        from pmtui.screens.unit_picker import UnitPicker  # noqa: PLC0415

        self.app.push_screen(UnitPicker(message.units, self.unit, "Meetings of unit"), self._picked)

    def _picked(self, code: str | None) -> None:
        if code:
            self.unit, self.page_start = code, 0
            self.reload()

    def action_close(self) -> None:
        """Back to the previous screen."""
        self.dismiss()

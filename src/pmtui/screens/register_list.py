"""A paged list over one table of the area, read page by page from SQL in a worker.

Shared by the action register and the root-cause screen: a title line, a table, the
highlighted row's detail underneath, ``[`` / ``]`` for pages and a unit filter. A
subclass names its ``PREFIX`` (widget ids), ``COLUMNS``, and implements
:meth:`PagedListScreen.fetch` (one page and the total, in the worker), :meth:`cells`
(a row's table cells), :meth:`heading` (the title line) and :meth:`detail`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from pmtui.screens.register_form import refusal
from pmtui.screens.unit_picker import UnitPicker
from pmtui.services import tui_reads
from pmtui.services.errors import PmError
from pmtui.widgets.footer import PmFooter

#: Rows read per page.
PAGE = 50


class PagedListScreen(Screen):
    """Base of the register's list screens (see the module docstring)."""

    ACCEPTS_CONTEXT = True
    PREFIX = "list"
    COLUMNS: tuple[tuple[str, int], ...] = ()
    #: Title of the unit picker.
    UNIT_TITLE = "Choose a unit (and the units below it)"

    @dataclass
    class Loaded(Message):
        """A page read by the worker."""

        rows: list[dict]
        total: int
        units: list = field(default_factory=list)

    @dataclass
    class Failed(Message):
        """Why nothing can be shown."""

        text: str

    def __init__(self, *, kpi: str | None = None, unit: str | None = None, period: str | None = None,
                 focus: str | None = None) -> None:
        super().__init__()
        self.kpi, self.unit, self.period = kpi, unit, period
        #: The id of the row to put the cursor on once it is read (a palette jump).
        self.focus = focus
        self.page = 0
        self.rows: list[dict] = []
        self.total = 0
        self.units: list = []

    def page_size(self) -> int:
        """Rows per page (the module's :data:`PAGE`, read at call time so tests can shrink it)."""
        return PAGE

    def compose(self) -> ComposeResult:
        """Title, the table, the highlighted row's detail, the keys."""
        yield Header()
        yield Static("Loading…", id=f"{self.PREFIX}-title")
        yield DataTable(id=f"{self.PREFIX}-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id=f"{self.PREFIX}-detail", markup=False)
        yield PmFooter()

    def on_mount(self) -> None:
        """Columns, then the first page."""
        table = self.query_one(DataTable)
        for label, width in self.COLUMNS:
            table.add_column(label, width=width)
        self.reload()

    def reload(self) -> None:
        """Read the current page again."""
        self._load(self.page, not self.units)

    def fetch(self, conn: sqlite3.Connection, limit: int, offset: int) -> tuple[list[dict], int]:
        """One page of rows and the total, read in the worker (subclasses implement it)."""
        raise NotImplementedError

    def cells(self, row: dict) -> tuple:
        """The table cells of one row (subclasses implement it)."""
        raise NotImplementedError

    def heading(self) -> Text:
        """The title line (subclasses implement it)."""
        raise NotImplementedError

    def detail(self, row: dict | None) -> str:
        """The text under the table for the highlighted row (subclasses implement it)."""
        raise NotImplementedError

    @work(thread=True, exclusive=True, group="register-list", exit_on_error=False)
    def _load(self, page: int, with_units: bool) -> None:
        size = self.page_size()
        try:
            with self.app.database() as conn:
                rows, total = self.fetch(conn, size, page * size)
                units = tui_reads.units(conn) if with_units else []
        except (PmError, sqlite3.Error) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Loaded(rows, total, units))

    def on_paged_list_screen_loaded(self, message: Loaded) -> None:
        """Fill the table, keeping the cursor row where possible."""
        self.rows, self.total = message.rows, message.total
        self.units = message.units or self.units
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for r in self.rows:
            table.add_row(*self.cells(r), key=str(r["id"]))
        ids = [str(r["id"]) for r in self.rows]
        if self.focus is not None and self.focus in ids:
            row, self.focus = ids.index(self.focus), None
        if self.rows:
            table.move_cursor(row=min(max(row, 0), len(self.rows) - 1))
        self.query_one(f"#{self.PREFIX}-title", Static).update(self.heading())
        self.show_detail()

    def on_paged_list_screen_failed(self, message: Failed) -> None:
        """Say why nothing is shown."""
        self.query_one(f"#{self.PREFIX}-title", Static).update(Text(message.text, style="bold red"))

    def shown(self) -> str:
        """``"1-50 of 120"`` for the title line."""
        first = self.page * self.page_size()
        more = "  [ ] pages" if self.total > self.page_size() else ""
        return (f"{first + 1}-{first + len(self.rows)} of {self.total}" if self.rows else "none") + more

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self.show_detail()

    def selected(self) -> dict | None:
        """The highlighted row, or None."""
        row = self.query_one(DataTable).cursor_row
        return self.rows[row] if self.rows and 0 <= row < len(self.rows) else None

    def show_detail(self) -> None:
        """Show the highlighted row's detail."""
        self.query_one(f"#{self.PREFIX}-detail", Static).update(self.detail(self.selected()))

    def refilter(self, **changes) -> None:
        """Change filter attributes, back to the first page, read again."""
        for name, value in changes.items():
            setattr(self, name, value)
        self.page = 0
        self.reload()

    def action_pick_unit(self) -> None:
        """Only one unit and the units below it."""
        if self.units:
            self.app.push_screen(UnitPicker(self.units, self.unit, self.UNIT_TITLE),
                                 lambda code: code and self.refilter(unit=code))

    def action_next_page(self) -> None:
        """The next page."""
        if (self.page + 1) * self.page_size() < self.total:
            self.page += 1
            self.reload()

    def action_previous_page(self) -> None:
        """The previous page."""
        if self.page:
            self.page -= 1
            self.reload()

    def push_form(self, dialog) -> None:
        """Open a form, unless this session may not write; reload once it has stored something."""
        why = refusal(self.app)
        if why:
            self.notify(why, severity="error", markup=False)
            return
        self.app.push_screen(dialog, self.stored)

    def stored(self, row: dict | None) -> None:
        """After a form: say so and read again."""
        if row:
            self.notify("Recorded.", timeout=3)
            self.reload()

    def action_reload(self) -> None:
        """Read the list again."""
        self.reload()

    def action_close(self) -> None:
        """Back to the previous screen."""
        self.dismiss()

"""The RACI matrix: KPIs down, activities (create, validate, report, challenge) across.

Each cell shows the letters held in it (``R A C I``); cells that break a rule are red and
the last column counts a KPI's broken rules. The cell under the cursor is spelled out
below the table (which role holds which letter, and what is wrong). ``e`` or Enter edits
the cell in :class:`pmtui.screens.raci_edit.RaciEditDialog`. Opened from the KPI screen
it shows that KPI, from the scorecard the KPIs measured at its unit (``c`` shows all).
"""

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
from pmtui.core.raci import ACTIVITIES, LETTERS, RULES
from pmtui.screens.raci_edit import RaciEditDialog
from pmtui.services import raci, roles
from pmtui.services.errors import PmError
from pmtui.widgets.footer import PmFooter
from pmtui.widgets.pager import PagedScreen, Pager

#: KPIs per page.
PAGE = 40
COLUMNS = (("KPI", 16), *((a.capitalize(), 9) for a in ACTIVITIES), ("Rules", 5))


def cell_text(entries: list[dict], broken: bool) -> Text:
    """The letters of one cell in R, A, C, I order (``–`` when empty), red when a rule is broken."""
    letters = sorted((e["letter"] for e in entries), key=LETTERS.index)
    return Text(" ".join(letters) or "–", style="bold red" if broken else ("" if letters else "dim"))


def broken_cells(row: dict) -> set[str]:
    """Activities of a matrix row with a broken rule (every one when the KPI has no RACI)."""
    found = set()
    for v in row["violations"]:
        found |= set(ACTIVITIES) if v["activity"] is None else {v["activity"]}
    return found


class RaciScreen(PagedScreen, Screen):
    """One page of the matrix, its broken rules, and the cell under the cursor spelled out."""

    SCOPE = "raci"
    ACCEPTS_CONTEXT = True
    BINDINGS = actions.bindings("raci")

    @dataclass
    class Loaded(Message):
        """A page of the matrix and the roles to pick from."""

        data: dict
        roles: list[dict]

    @dataclass
    class Failed(Message):
        """Why nothing can be shown."""

        text: str

    def __init__(self, *, kpi: str | None = None, unit: str | None = None, period: str | None = None) -> None:
        super().__init__()
        self.kpi, self.unit = kpi, unit
        self.pager = Pager(PAGE)
        self.rows: list[dict] = []
        self.roles: list[dict] = []

    def compose(self) -> ComposeResult:
        """Title, the matrix, the cell detail, the keys."""
        yield Header()
        yield Static("Loading…", id="raci-title")
        yield DataTable(id="raci-table", cursor_type="cell", zebra_stripes=True)
        yield Static("", id="raci-detail")
        yield PmFooter()

    def on_mount(self) -> None:
        """Columns, then the first page."""
        table = self.query_one(DataTable)
        for label, width in COLUMNS:
            table.add_column(label, width=width)
        self.reload()

    def reload(self) -> None:
        """Read the current page again."""
        self._load(self.kpi, self.unit, self.pager.offset)

    @work(thread=True, exclusive=True, group="raci", exit_on_error=False)
    def _load(self, kpi: str | None, unit: str | None, offset: int) -> None:
        try:
            with self.app.database() as conn:
                if unit and roles.is_top_unit(conn, unit):
                    unit = self.unit = None  # every KPI is measured somewhere below the top: no filter
                data = raci.matrix(conn, kpi=kpi, unit=unit, limit=PAGE, offset=offset)
                codes = roles.role_codes(conn)
        except (PmError, sqlite3.Error) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Loaded(data, codes))

    def on_raci_screen_failed(self, message: Failed) -> None:
        """Say why nothing is shown."""
        self.query_one("#raci-title", Static).update(Text(message.text, style="bold red"))

    def on_raci_screen_loaded(self, message: Loaded) -> None:
        """Fill the table, keeping the cursor where it was."""
        self.rows, self.roles = message.data["rows"], message.roles
        self.pager.total = message.data["total"]
        table = self.query_one(DataTable)
        where = table.cursor_coordinate
        table.clear()
        for r in self.rows:
            broken = broken_cells(r)
            count = len(r["violations"])
            table.add_row(Text(r["kpi"], style="bold"), *(cell_text(r["cells"][a], a in broken) for a in ACTIVITIES),
                          Text(f"✗ {count}" if count else "✓", style="bold red" if count else "green"), key=r["kpi"])
        if self.rows:
            table.move_cursor(row=min(where.row, len(self.rows) - 1), column=where.column or 1)
        problems = sum(len(r["violations"]) for r in self.rows)
        scope = f"KPI {self.kpi}" if self.kpi else (f"KPIs of {self.unit}" if self.unit else "all KPIs")
        self.query_one("#raci-title", Static).update(Text.assemble(
            ("RACI matrix", "bold"), f"  {scope} · {self.pager.label()} · ",
            (f"{problems} broken rule(s) on this page", "bold red" if problems else "green"),
            ("\nc: all KPIs  " if self.kpi or self.unit else "\n", "dim"),
            ("R responsible · A accountable · C consulted · I informed", "dim")))
        self._show_detail()

    @on(DataTable.CellHighlighted)
    def _highlighted(self, event: DataTable.CellHighlighted) -> None:
        event.stop()
        self._show_detail()

    @on(DataTable.CellSelected)
    def _selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        self.action_edit_cell()

    def _cursor(self) -> tuple[dict | None, str]:
        """The matrix row and activity under the cursor (the first activity off the activity columns)."""
        coordinate = self.query_one(DataTable).cursor_coordinate
        if not self.rows or coordinate.row >= len(self.rows):
            return None, ACTIVITIES[0]
        column = coordinate.column
        return self.rows[coordinate.row], ACTIVITIES[column - 1] if 1 <= column <= len(ACTIVITIES) else ACTIVITIES[0]

    def _show_detail(self) -> None:
        row, activity = self._cursor()
        detail = self.query_one("#raci-detail", Static)
        if row is None:
            detail.update(Text("No KPI to show.", style="dim"))
            return
        text = Text.assemble((f"{row['kpi']}", "bold"), f" {row['name']} · ", (activity, "bold"), "\n")
        for letter in LETTERS:
            holders = [c["role"] for c in row["cells"][activity] if c["letter"] == letter]
            text.append(f"{letter}: ", style="bold")
            text.append(", ".join(holders) or "–", style="" if holders else "dim")
            text.append("  ")
        for v in row["violations"]:
            if v["activity"] in (activity, None):
                text.append(f"\n✗ {RULES[v['rule']]}", style="bold red")
                if v["roles"]:
                    text.append(f" ({', '.join(v['roles'])})", style="red")
        detail.update(text)

    def action_edit_cell(self) -> None:
        """Open the edit dialog for the cell under the cursor."""
        refusal = ("Read-only session: the matrix cannot be changed." if self.app.readonly else
                   "No acting user: start pmtui with --user NAME to edit." if self.app.user is None else None)
        row, activity = self._cursor()
        if refusal or row is None:
            self.notify(refusal or "No KPI under the cursor.", severity="error", markup=False)
            return
        self.app.push_screen(RaciEditDialog(row, activity, self.roles), self._edited)

    def _edited(self, result: dict | None) -> None:
        if not result:
            return
        broken = len(result["violations"])
        self.notify(f"{result['role']} {result['letter'] or 'removed'} for {result['activity']} of"
                    f" {len(result['kpis'])} KPI(s); {broken} rule(s) still broken there.",
                    title="RACI saved", markup=False)
        self.reload()

    def action_next_problem(self) -> None:
        """Move the cursor to the next broken cell on this page (wrapping round)."""
        table = self.query_one(DataTable)
        cells = [(i, ACTIVITIES.index(a) + 1) for i, r in enumerate(self.rows)
                 for a in ACTIVITIES if a in broken_cells(r)]
        if not cells:
            self.notify("No broken rule on this page.", markup=False)
            return
        here = (table.cursor_coordinate.row, table.cursor_coordinate.column)
        row, column = next((c for c in cells if c > here), cells[0])
        table.move_cursor(row=row, column=column)

    def action_clear_filter(self) -> None:
        """Show every KPI."""
        if self.kpi or self.unit:
            self.kpi = self.unit = None
            self.pager.offset = 0
            self.reload()

    def show_page(self) -> None:
        """Read the page the pager points at."""
        self.reload()

"""Icons-only SPC portfolio: variation and assurance of every KPI of the current unit."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static

from pmtui import actions
from pmtui.core.spc_status import ASSURANCE_ICONS, VARIATION_ICONS
from pmtui.services import spc_reads
from pmtui.services.errors import PmError
from pmtui.widgets.footer import PmFooter

#: Width of one icon cell: two icons and a KPI code of up to 16 characters.
CELL_WIDTH = 24
DEFAULT_UNIT = "GROUP"


def icon(table: dict, name: str | None) -> Text:
    """A bracketed glyph such as ``(!)`` in its colour (the glyph alone carries the meaning)."""
    glyph, colour, _label = table.get(name, table[None])
    return Text(f"({glyph})", style=f"bold {colour}")


def cell(row: dict) -> Text:
    """One portfolio cell: variation icon, assurance icon, KPI code (``*`` marks SPC mode)."""
    return Text.assemble(icon(VARIATION_ICONS, row["variation"]), icon(ASSURANCE_ICONS, row["assurance"]),
                         " ", (row["kpi"], "bold" if row["spc_mode"] else ""), "*" if row["spc_mode"] else "")


def legend() -> Text:
    """What the glyphs mean."""
    parts = [Text.assemble(icon(VARIATION_ICONS, k), f" {VARIATION_ICONS[k][2]}  ") for k in VARIATION_ICONS if k]
    parts += [Text.assemble(icon(ASSURANCE_ICONS, k), f" {ASSURANCE_ICONS[k][2]}  ") for k in ASSURANCE_ICONS if k]
    return Text.assemble(*parts, ("*", "bold"), " SPC mode")


class SpcPortfolioScreen(Screen):
    """A compact grid of icon cells (NHS Making Data Count) for the unit of the screen below."""

    SCOPE = "spc-portfolio"
    BINDINGS = actions.bindings("spc-portfolio")

    @dataclass
    class Loaded(Message):
        """The unit's summary rows."""

        rows: list

    @dataclass
    class Failed(Message):
        """Why nothing could be read."""

        text: str

    def __init__(self, unit: str | None = None) -> None:
        super().__init__()
        self.unit = unit
        self.cells: list[str] = []  # the cells as plain text (what a monochrome terminal shows)

    def compose(self) -> ComposeResult:
        """Title, the grid and the legend."""
        yield Header()
        yield Static("", id="spc-portfolio-title")
        with VerticalScroll(id="spc-portfolio-body"):
            yield Static("", id="spc-portfolio-grid")
        yield Static(legend(), id="spc-portfolio-legend")
        yield PmFooter()

    def on_mount(self) -> None:
        """Take the unit of the screen this one was opened from, then read."""
        if self.unit is None:
            below = [s for s in self.app.screen_stack if s is not self and getattr(s, "unit", None)]
            self.unit = below[-1].unit if below else DEFAULT_UNIT
        self.query_one("#spc-portfolio-title", Static).update(Text.assemble(
            ("SPC portfolio of ", "dim"), (self.unit, "bold")))
        self.reload()

    def reload(self) -> None:
        """Read the summary again."""
        self._load(self.unit)

    @work(thread=True, exclusive=True, group="spc-portfolio", exit_on_error=False)
    def _load(self, unit: str) -> None:
        try:
            with self.app.database() as conn:
                rows = spc_reads.summary(conn, unit)
        except (PmError, sqlite3.Error) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Loaded(rows))

    def on_spc_portfolio_screen_failed(self, message: Failed) -> None:
        """Say why the grid is empty."""
        self.query_one("#spc-portfolio-grid", Static).update(Text(message.text, style="bold red"))

    def on_spc_portfolio_screen_loaded(self, message: Loaded) -> None:
        """Lay the cells out in as many columns as fit."""
        rows = message.rows
        grid = self.query_one("#spc-portfolio-grid", Static)
        if not rows:
            grid.update(Text("No SPC results for this unit: run 'pmtui spc refresh'.", style="dim"))
            return
        columns = max(1, (self.size.width - 2) // CELL_WIDTH)
        table = Table.grid(padding=(0, 1))
        for _ in range(columns):
            table.add_column(width=CELL_WIDTH - 1, no_wrap=True)
        self.cells = [cell(r).plain for r in rows]
        for start in range(0, len(rows), columns):
            table.add_row(*[cell(r) for r in rows[start:start + columns]])
        grid.update(table)
        concerns = sum(r["variation"] == "special_cause_concern" for r in rows)
        fails = sum(r["assurance"] == "consistent_fail" for r in rows)
        self.query_one("#spc-portfolio-title", Static).update(Text.assemble(
            ("SPC portfolio of ", "dim"), (self.unit, "bold"), f"   {len(rows)} KPIs, ",
            (f"{concerns} concern(s)", "bold dark_orange" if concerns else ""), ", ",
            (f"{fails} failing target", "bold dark_orange" if fails else "")))

    def action_close(self) -> None:
        """Back to where it was opened."""
        self.dismiss()

"""The KPI screen: definition, the unit's targets, the last 24 periods and a trend chart."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from pmtui import actions
from pmtui.core import periods
from pmtui.screens.entry import EntryTarget
from pmtui.screens.unit_picker import UnitPicker
from pmtui.services import scorecard, tui_reads
from pmtui.services.errors import PmError
from pmtui.services.scorecard import KpiDetail
from pmtui.services.tui_reads import TargetItem, UnitItem
from pmtui.widgets import status
from pmtui.widgets.footer import PmFooter
from pmtui.widgets.kpi_notes import KpiNotes
from pmtui.widgets.trend import TrendChart

#: Periods of history shown (the table never holds more rows than this).
HISTORY = 24

HISTORY_COLUMNS = (("Period", 7), ("Value", 10), ("Data", 9), ("Target", 10), ("Score", 5), ("RAG", 8))


class KpiScreen(Screen):
    """One KPI at one unit.

    Args:
        kpi: KPI code.
        unit: Unit code.
        period: The period the caller was showing; the history runs to this or the latest
            closed period, whichever is later.
    """

    SCOPE = "kpi"
    BINDINGS = actions.bindings("kpi")

    @dataclass
    class Loaded(Message):
        """What the worker read."""

        detail: KpiDetail
        targets: list[TargetItem]
        units: list[UnitItem]

    @dataclass
    class Failed(Message):
        """The worker could not read the KPI."""

        text: str

    def __init__(self, kpi: str, unit: str, period: str | None = None) -> None:
        super().__init__()
        self.kpi = kpi
        self.unit = unit
        self.period = period
        self.detail: KpiDetail | None = None
        self.units: list[UnitItem] = []

    def compose(self) -> ComposeResult:
        """Title, definition beside targets, history table beside the chart."""
        yield Header()
        yield Static(f"{self.kpi} at {self.unit}", id="kpi-title")
        with Horizontal(id="kpi-top"):
            yield Static("", id="kpi-definition")
            yield Static("", id="kpi-targets")
        with Horizontal(id="kpi-body"):
            yield DataTable(id="kpi-history", cursor_type="row")
            yield TrendChart(id="kpi-trend")
        yield KpiNotes(id="kpi-notes")  # ratings and commentary beside the numbers (M2.4, M2.2)
        yield PmFooter()

    def on_mount(self) -> None:
        """Set up the history columns and read the data."""
        table = self.query_one("#kpi-history", DataTable)
        for label, width in HISTORY_COLUMNS:
            table.add_column(Text(label, justify="left" if label in ("Period", "Data", "RAG") else "right"),
                             width=width, key=label.lower())
        self.reload()

    def reload(self) -> None:
        """Read the KPI again for the current unit."""
        last = periods.latest_closed(self.app.clock().date())
        if self.period and self.period > last:
            last = self.period
        self._load(self.kpi, self.unit, last)
        self.query_one(KpiNotes).load(self.kpi, self.unit)

    @work(thread=True, exclusive=True, group="kpi", exit_on_error=False)
    def _load(self, kpi: str, unit: str, last: str) -> None:
        try:
            with self.app.database() as conn:
                detail = scorecard.kpi_detail(conn, kpi, unit, last, n=HISTORY)
                targets = tui_reads.targets(conn, kpi, unit)
                measured = set(detail.units)
                units = [u for u in tui_reads.units(conn) if u.code in measured]
        except (PmError, sqlite3.Error) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Loaded(detail, targets, units))

    def on_kpi_screen_failed(self, message: Failed) -> None:
        """Say why nothing is shown."""
        self.query_one("#kpi-title", Static).update(Text(message.text, style="bold red"))
        self.notify(message.text, title="KPI", severity="error", markup=False)

    def on_kpi_screen_loaded(self, message: Loaded) -> None:
        """Fill every panel."""
        self.detail, self.units = message.detail, message.units
        d = message.detail.definition
        unit_name = next((u.name for u in message.units if u.code == self.unit), "")
        self.query_one("#kpi-title", Static).update(Text.assemble(
            (d["code"], "bold"), f" {d['name']}   at ", (self.unit, "bold"), f" {unit_name}"))
        self.query_one("#kpi-definition", Static).update(_definition(d))
        self.query_one("#kpi-targets", Static).update(_targets(message.targets, d["decimals"]))
        self._fill_history(message.detail)

    def _fill_history(self, detail: KpiDetail) -> None:
        decimals = detail.definition["decimals"]
        table = self.query_one("#kpi-history", DataTable)
        table.clear()
        for h in reversed(detail.history):  # latest first: the period under review on top
            table.add_row(h["period"], Text(status.number(h["value"], decimals), justify="right"),
                          status.value_state(h["status"]),
                          Text(status.target(h["target"], h["target_high"], decimals), justify="right"),
                          status.score(h["score"]), status.rag(h["rag"]), key=h["period"])
        if not detail.history:
            table.add_row("–", "", Text("no values in the last 24 periods", style="dim"), "", "", "")
        self.query_one(TrendChart).show([h["period"] for h in detail.history], [h["value"] for h in detail.history],
                                        [h["target"] for h in detail.history], detail.definition["uom"])

    def action_pick_unit(self) -> None:
        """Switch to another unit that measures this KPI."""
        if len(self.units) > 1:
            self.app.push_screen(UnitPicker(self.units, self.unit, f"Units measuring {self.kpi}"), self._unit_chosen)
        else:
            self.notify(f"No other unit measures {self.kpi}.", timeout=3)

    def _unit_chosen(self, code: str | None) -> None:
        if code and code != self.unit:
            self.unit = code
            self.reload()

    def action_enter_value(self) -> None:
        """Enter a value for this KPI at this unit (the dialog proposes the period the caller showed)."""
        if self.detail is None:
            return
        d = self.detail.definition
        unit_name = next((u.name for u in self.units if u.code == self.unit), "")
        self.app.open_entry(EntryTarget(d["code"], f"{d['code']} {d['name']}", self.unit,
                                        f"{self.unit} {unit_name}".strip(), d["uom"], period=self.period))

    def action_reload(self) -> None:
        """Read the data again."""
        self.reload()

    def action_close(self) -> None:
        """Back to the scorecard."""
        self.dismiss()


def _definition(d: dict) -> Text:
    def fact(label: str, value: str) -> tuple:
        return (f"{label} ", "dim"), (f"{value}   ", "")

    text = Text()
    if d.get("definition"):
        text.append(d["definition"] + "\n")
    text.append_tokens([
        *fact("Unit", d["uom"] or "–"), *fact("Direction", d["direction"]),
        *fact("Aggregation", d["aggregation"]), *fact("Frequency", d["frequency"]),
        *fact("Lead/lag", d["lead_lag"]), *fact("Financial", "yes" if d["financial"] else "no"),
        *fact("Owner", d.get("owner_role") or "–"), *fact("Perspective", d.get("perspective") or "–"),
    ])
    return text


def _targets(items: list[TargetItem], decimals: int) -> Table | Text:
    if not items:
        return Text("No targets set for this unit.", style="dim")
    grid = Table.grid(padding=(0, 1))
    grid.add_column("Period", style="bold")
    grid.add_column("Target", justify="right")
    grid.add_column("Amber", justify="right")
    grid.add_row(Text("Period", style="dim"), Text("Target", style="dim"), Text("Amber", style="dim"))
    for t in items:
        grid.add_row(t.period, status.target(t.target, t.target_high, decimals),
                     status.target(t.amber, t.amber_high, decimals))
    return grid

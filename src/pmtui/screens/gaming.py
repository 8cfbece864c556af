"""Gaming detection: sandbagged targets and results hugging the target, with the evidence.

The list comes from :func:`pmtui.services.gaming.scan` (KPIs with incentive links first);
the selected finding's numbers are spelled out below it. Opened from the scorecard or a
KPI it covers that unit and the units below it (starting on that KPI's finding). ``o``
keeps only incentivised KPIs.
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
from pmtui.core.gaming import explain
from pmtui.services import gaming
from pmtui.services.errors import PmError
from pmtui.widgets.footer import PmFooter
from pmtui.widgets.pager import PagedScreen, Pager

#: Findings per page.
PAGE = 50
COLUMNS = (("Kind", 8), ("KPI", 16), ("Unit", 13), ("Period", 7), ("Incentive", 14), ("Measure", 8))
KIND_STYLE = {"sandbagging": "yellow", "hugging": "magenta"}


def measure(finding: dict) -> str:
    """The strength of a finding in one cell: how much easier the target, or the hugging share."""
    ev = finding["evidence"]
    if finding["kind"] == "hugging":
        return f"{ev['share']:.0%} hug"
    return f"{ev['easier_by']:+.0%}" if "easier_by" in ev else "band"


class GamingScreen(PagedScreen, Screen):
    """The findings as a table; the highlighted one's evidence below it."""

    SCOPE = "gaming"
    ACCEPTS_CONTEXT = True
    BINDINGS = actions.bindings("gaming")

    @dataclass
    class Loaded(Message):
        """The scan's result."""

        data: dict

    @dataclass
    class Failed(Message):
        """Why nothing can be shown."""

        text: str

    def __init__(self, *, kpi: str | None = None, unit: str | None = None, period: str | None = None) -> None:
        super().__init__()
        self.unit, self.kpi = unit, kpi
        self.findings: list[dict] = []
        self.shown: list[dict] = []
        self.incentivised_only = False
        self.thresholds: dict = {}
        self._pairs = 0
        self.pager = Pager(PAGE)

    def compose(self) -> ComposeResult:
        """Title, findings, evidence, keys."""
        yield Header()
        yield Static("Scanning targets and approved results…", id="gaming-title")
        yield DataTable(id="gaming-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="gaming-detail")
        yield PmFooter()

    def on_mount(self) -> None:
        """Columns, then the scan."""
        table = self.query_one(DataTable)
        for label, width in COLUMNS:
            table.add_column(label, width=width)
        self.reload()

    def reload(self) -> None:
        """Scan again."""
        self._load(self.unit)

    @work(thread=True, exclusive=True, group="gaming", exit_on_error=False)
    def _load(self, unit: str | None) -> None:
        try:
            with self.app.database() as conn:
                data = gaming.scan(conn, today=self.app.clock().date(), unit=unit)
        except (PmError, sqlite3.Error) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Loaded(data))

    def on_gaming_screen_failed(self, message: Failed) -> None:
        """Say why nothing is shown."""
        self.query_one("#gaming-title", Static).update(Text(message.text, style="bold red"))

    def on_gaming_screen_loaded(self, message: Loaded) -> None:
        """Keep the findings and show the first page."""
        self.findings, self.thresholds = message.data["findings"], message.data["thresholds"]
        self._pairs = message.data["pairs"]
        self._refill()
        # Opened from a KPI: start on that KPI's finding when it has one.
        index = next((i for i, f in enumerate(self.shown) if f["kpi"] == self.kpi), None)
        if index is not None:
            self.pager.offset = index // PAGE * PAGE
            self._refill()
            self.query_one(DataTable).move_cursor(row=index - self.pager.offset)

    def _refill(self) -> None:
        self.shown = [f for f in self.findings if f["incentivised"] or not self.incentivised_only]
        self.pager.total = len(self.shown)
        self.pager.offset = min(self.pager.offset, max(0, (self.pager.total - 1) // PAGE * PAGE))
        table = self.query_one(DataTable)
        table.clear()
        for f in self.shown[self.pager.offset:self.pager.offset + PAGE]:
            incentive = ", ".join(f"{i['role']} {i['weight']:g}" for i in f["incentives"])
            table.add_row(Text(f["kind"][:7], style=KIND_STYLE[f["kind"]]), f["kpi"], f["unit"], f["period"],
                          Text(incentive or "–", style="bold yellow" if incentive else "dim"),
                          Text(measure(f), justify="right"))
        t = self.thresholds
        self.query_one("#gaming-title", Static).update(Text.assemble(
            ("Gaming detection", "bold"), f"  {self.unit or 'all units'} · {self.pager.label()} findings in"
            f" {self._pairs} KPI x unit pairs", (" · incentivised only" if self.incentivised_only else "", "bold"),
            (f"\nwindow {t.get('window')} · sandbag margin {t.get('sandbag_margin', 0):.0%} · hug band"
             f" {t.get('hug_band', 0):.0%}, share {t.get('hug_share', 0):.0%}", "dim")))
        self._show_detail()

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    def selected(self) -> dict | None:
        """The finding under the cursor."""
        row = self.query_one(DataTable).cursor_row
        index = self.pager.offset + row
        return self.shown[index] if self.shown and 0 <= row and index < len(self.shown) else None

    def _show_detail(self) -> None:
        f = self.selected()
        detail = self.query_one("#gaming-detail", Static)
        if f is None:
            detail.update(Text("Nothing suspicious with the current thresholds.", style="dim"))
            return
        text = Text.assemble((f"{f['kpi']} at {f['unit']}", "bold"), f" {f['kpi_name']} ({f['direction']})")
        if f["incentives"]:
            text.append("  incentive: " + ", ".join(f"{i['role']} {i['weight']:g}" for i in f["incentives"]),
                        style="bold yellow")
        for line in explain(f["kind"], f["evidence"]):
            text.append(f"\n{line}")
        detail.update(text)

    def action_toggle_incentivised(self) -> None:
        """Show only incentivised KPIs, or everything again."""
        self.incentivised_only = not self.incentivised_only
        self.pager.offset = 0
        self._refill()

    def show_page(self) -> None:
        """Show the page of findings the pager points at."""
        self._refill()

"""The leading/lagging screen: driver links with their measured lag, and the KPIs' assessments.

The drivers table shows each link's pooled best lag, r, pairs and strength; the chart
beside the KPI table shows r by lag for the driver under the cursor (bars right of the
axis for positive r, left for negative). The KPI table lists the class (leading or
lagging), the availability / predictability / actionability scores and the regulated flag.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from pmtui import actions
from pmtui.services import drivers
from pmtui.services.drivers import DriverResult
from pmtui.services.errors import PmError
from pmtui.widgets.footer import PmFooter

#: KPIs listed (assessed ones first); the CLI lists them all.
KPIS_SHOWN = 200
#: Cells on each side of the chart's axis.
HALF = 10
STRENGTH_STYLE = {"strong": "bold green", "moderate": "yellow", "weak": "dim", "not enough data": "dim italic"}


def r_bar(r: float | None) -> Text:
    """r in -1..1 as a bar left (negative) or right (positive) of a centre axis."""
    if r is None:
        return Text(" " * HALF + "┆" + " " * HALF, style="dim")
    cells = round(abs(r) * HALF)
    if r < 0:
        return Text.assemble(" " * (HALF - cells), ("█" * cells, "red"), "│", " " * HALF)
    return Text.assemble(" " * HALF, "│", ("█" * cells, "green"), " " * (HALF - cells))


def lag_chart(result: DriverResult) -> Text:
    """r by lag for one driver, pooled across units, with the best lag marked."""
    pooled = result.pooled
    text = Text.assemble((f"{result.leading} → {result.lagging}\n", "bold"),
                         (f"r by lag in months, {len(result.units)} unit(s)\n", "dim"))
    best = pooled.best.lag if pooled.best else None
    for point in pooled.points:
        mark = ("◀", "bold yellow") if point.lag == best else (" ", "")
        value = "  n/a" if point.r is None else f"{point.r:+.2f}"
        text.append_text(Text.assemble(f"{point.lag:>2} ", r_bar(point.r), f" {value} ", mark, "\n"))
    expected = {1: "positive", -1: "negative"}.get(result.expected_sign, "none (band KPI)")
    verdict = {True: ("as expected", "green"), False: ("contrary to expectation", "bold red"),
               None: ("–", "dim")}[pooled.sign_ok]
    text.append_text(Text.assemble(("expected sign ", "dim"), expected, ("  best r ", "dim"), verdict))
    return text


class DriversScreen(Screen):
    """KPI assessments and driver links measured on approved history."""

    SCOPE = "drivers"
    BINDINGS = actions.bindings("drivers")

    @dataclass
    class Loaded(Message):
        """What the worker read and measured."""

        kpis: list[dict]
        drivers: list[DriverResult]

    @dataclass
    class Failed(Message):
        """The worker could not read."""

        text: str

    def __init__(self) -> None:
        super().__init__()
        self.results: list[DriverResult] = []

    def compose(self) -> ComposeResult:
        """Drivers on top; KPIs beside the lag chart below."""
        yield Header()
        yield DataTable(id="drv-links", cursor_type="row")
        with Horizontal(id="drv-body"):
            yield DataTable(id="drv-kpis", cursor_type="row")
            yield Static("Loading…", id="drv-chart")
        yield PmFooter()

    def on_mount(self) -> None:
        """Columns, then the read."""
        links = self.query_one("#drv-links", DataTable)
        for label, width in (("Leading", 16), ("Lagging", 16), ("Lag", 3), ("r", 6), ("n", 4), ("Strength", 15)):
            links.add_column(label, width=width, key=label.lower())
        kpis = self.query_one("#drv-kpis", DataTable)
        for label, width in (("KPI", 16), ("Type", 4), ("Av", 2), ("Pr", 2), ("Ac", 2), ("Reg", 3)):
            kpis.add_column(label, width=width, key=label.lower())
        self.reload()

    def reload(self) -> None:
        """Read and measure again."""
        self._load()

    @work(thread=True, exclusive=True, group="drivers", exit_on_error=False)
    def _load(self) -> None:
        try:
            with self.app.database() as conn:
                kpis = drivers.assessments(conn, limit=KPIS_SHOWN)
                results = drivers.drivers(conn)
        except (PmError, sqlite3.Error) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Loaded(kpis, results))

    def on_drivers_screen_failed(self, message: Failed) -> None:
        """Say why nothing is shown."""
        self.query_one("#drv-chart", Static).update(Text(message.text, style="bold red"))

    def on_drivers_screen_loaded(self, message: Loaded) -> None:
        """Fill both tables and the chart."""
        self.results = message.drivers
        links = self.query_one("#drv-links", DataTable)
        links.clear()
        for i, d in enumerate(message.drivers):
            p = d.pooled
            links.add_row(d.leading, d.lagging, "–" if p.best is None else str(p.best.lag),
                          Text("–" if p.best is None else f"{p.best.r:+.2f}", justify="right"),
                          Text(str(p.best.n if p.best else 0), justify="right"),
                          Text(p.strength + ("" if p.sign_ok is not False else " ✗"),
                               style=STRENGTH_STYLE.get(p.strength, "")), key=str(i))
        kpis = self.query_one("#drv-kpis", DataTable)
        kpis.clear()
        for k in message.kpis:
            kpis.add_row(k["kpi"], Text("lead" if k["lead_lag"] == "leading" else "lag",
                                        style="cyan" if k["lead_lag"] == "leading" else ""),
                         *[Text("–" if k[f] is None else str(k[f]), justify="right")
                           for f in ("availability", "predictability", "actionability")],
                         Text("yes" if k["regulated"] else "", style="bold"), key=k["kpi"])
        self._chart(0)

    @on(DataTable.RowHighlighted, "#drv-links")
    def _link_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._chart(event.cursor_row)

    def _chart(self, index: int) -> None:
        chart = self.query_one("#drv-chart", Static)
        if not self.results:
            chart.update(Text("No driver links yet: add one with 'pmtui drivers add'.", style="dim"))
        elif 0 <= index < len(self.results):
            chart.update(lag_chart(self.results[index]))

    def action_close(self) -> None:
        """Back to the previous screen."""
        self.dismiss()

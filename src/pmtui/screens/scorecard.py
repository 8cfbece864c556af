"""The scorecard screen: one unit, one period, objectives grouped by perspective."""

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
from pmtui.screens.entry import EntryTarget
from pmtui.screens.kpi import KpiScreen
from pmtui.screens.unit_picker import UnitPicker
from pmtui.services import cognitive_load, scorecard, scorecard_period, tui_reads
from pmtui.services.cognitive_load import ViewLoad
from pmtui.services.errors import PmError
from pmtui.services.scorecard import Scorecard
from pmtui.services.tui_reads import CascadedObjective, UnitItem
from pmtui.widgets import status
from pmtui.widgets.footer import PmFooter
from pmtui.widgets.scorecard_table import ScorecardTable, row_kind


class ScorecardScreen(Screen):
    """The first screen: pick a unit and a period, read the scores, drill into KPIs."""

    SCOPE = "scorecard"
    BINDINGS = actions.bindings("scorecard")

    @dataclass
    class Loaded(Message):
        """A scorecard read by the worker."""

        units: list[UnitItem]
        card: Scorecard
        coverage: float | None
        cascade: dict[str, list[CascadedObjective]]
        load: ViewLoad | None = None

    @dataclass
    class Failed(Message):
        """The worker could not read the scorecard."""

        text: str

    def __init__(self, unit: str | None = None, period: str | None = None) -> None:
        super().__init__()
        self.unit = unit
        self.period = period
        self.card: Scorecard | None = None
        self.cascade: dict[str, list[CascadedObjective]] = {}
        self.units: list[UnitItem] = []
        self.expanded: set[str] = set()

    def compose(self) -> ComposeResult:
        """Header, a summary of the unit, the scorecard table and the keys."""
        yield Header()
        yield Static("Loading…", id="summary")
        yield ScorecardTable(id="scorecard-table")
        yield PmFooter()

    def on_mount(self) -> None:
        """Read the first scorecard."""
        self.reload()

    def reload(self) -> None:
        """Read the scorecard again for the current unit and period."""
        self._load(self.unit, self.period)

    @work(thread=True, exclusive=True, group="scorecard", exit_on_error=False)
    def _load(self, unit: str | None, period: str | None) -> None:
        try:
            with self.app.database() as conn:
                units = tui_reads.units(conn)
                if not units:
                    raise PmError("this file has no units yet: set up the framework first (see 'pmtui --help')")
                unit = unit or units[0].code
                choices = scorecard.available_periods(conn, unit)
                # Keep the chosen period when the new unit has data for it, else its latest
                # period with enough of its weight scored (setting scorecard_min_coverage).
                if period not in choices:
                    period = scorecard_period.opening_period(conn, unit)
                card = scorecard.build(conn, unit, period)
                cascade = tui_reads.cascaded(conn, [o.code for p in card.perspectives for o in p.objectives])
                load = cognitive_load.view_load(conn, card)
        except (PmError, sqlite3.Error) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Loaded(units, card, tui_reads.coverage(card), cascade, load))

    def on_scorecard_screen_loaded(self, message: Loaded) -> None:
        """Show what the worker read."""
        self.units, self.card, self.cascade = message.units, message.card, message.cascade
        self.unit, self.period = message.card.unit, message.card.period
        self.query_one("#summary", Static).update(self._summary(message.card, message.coverage, message.load))
        self.query_one(ScorecardTable).ratings = message.load.ratings if message.load else {}
        self._redraw()

    def on_scorecard_screen_failed(self, message: Failed) -> None:
        """Say why nothing is shown."""
        self.query_one("#summary", Static).update(Text(message.text, style="bold red"))
        self.notify(message.text, title="Scorecard", severity="error", markup=False)

    def on_resize(self) -> None:
        """The name column takes the width that is left."""
        self._redraw()

    def _redraw(self) -> None:
        if self.card is not None:
            self.query_one(ScorecardTable).show(self.card, self.expanded, self.size.width, self.cascade)

    @staticmethod
    def _summary(card: Scorecard, coverage: float | None, load: ViewLoad | None = None) -> Text:
        position = ""
        if card.period in card.periods:
            position = f" ({card.periods.index(card.period) + 1} of {len(card.periods)})"
        text = Text.assemble(
            (card.unit, "bold"), f" {card.unit_name}\n",
            "period ", (card.period or "none", "bold"), position,
            "   score ", status.score(card.score), " ", status.rag(card.status),
            "   coverage ", ("–" if coverage is None else f"{coverage:.0%}", "bold"),
            "   pending ", (str(card.pending), "bold magenta" if card.pending else "bold"),
        )
        if card.period is None:
            text.append("\nNo values yet for this unit: press e on a KPI to enter one.", style="dim")
        if load is not None and load.warning:  # cognitive load (M2.6): too many KPIs to read at once
            text.append(f"\n⚠ {load.warning}", style="bold yellow")
        return text

    def _selected(self) -> tuple[str, ...]:
        return row_kind(self.query_one(ScorecardTable).cursor_key())

    def _kpi_line(self, objective: str, code: str):
        for perspective in self.card.perspectives if self.card else []:
            for line in perspective.objectives:
                if line.code == objective:
                    return next((k for k in line.kpis if k.code == code), None)
        return None

    def action_open_item(self) -> None:
        """Expand or collapse an objective; open a KPI; drill down to a cascaded objective's unit."""
        kind = self._selected()
        if kind[:1] == ("O",):
            self.expanded ^= {kind[1]}
            self._redraw()
        elif kind[:1] == ("K",):
            self.app.push_screen(KpiScreen(kind[2], self.unit, self.period))
        elif kind[:1] == ("C",):
            self.unit, self.expanded = kind[3], {kind[2]}
            self.reload()

    @on(DataTable.RowSelected)
    def _selected_row(self, event: DataTable.RowSelected) -> None:
        # Enter (the table's binding, see actions "open-item") or a click on the row.
        event.stop()
        self.action_open_item()

    def action_toggle_all(self) -> None:
        """Expand every objective, or collapse them all when all are open."""
        codes = {o.code for p in (self.card.perspectives if self.card else []) for o in p.objectives}
        self.expanded = set() if codes <= self.expanded else codes
        self._redraw()

    def action_previous_period(self) -> None:
        """Step to the previous period with data."""
        self._step(+1)

    def action_next_period(self) -> None:
        """Step to the next period with data."""
        self._step(-1)

    def _step(self, offset: int) -> None:
        # ``periods`` is latest first, so older periods have larger indexes.
        if not self.card or self.card.period not in self.card.periods:
            return
        index = self.card.periods.index(self.card.period) + offset
        if not 0 <= index < len(self.card.periods):
            self.notify("No " + ("earlier" if offset > 0 else "later") + " period with data.", timeout=2)
            return
        self.period = self.card.periods[index]
        self.reload()

    def action_pick_unit(self) -> None:
        """Choose another unit."""
        if self.units:
            self.app.push_screen(UnitPicker(self.units, self.unit), self._unit_chosen)

    def _unit_chosen(self, code: str | None) -> None:
        if code and code != self.unit:
            self.show_unit(code)

    def show_unit(self, code: str) -> None:
        """Show the scorecard of unit ``code`` (the palette jumps here too)."""
        self.unit = code
        self.expanded = set()
        self.reload()

    def action_enter_value(self) -> None:
        """Enter a value for the KPI under the cursor at this unit."""
        kind = self._selected()
        line = self._kpi_line(kind[1], kind[2]) if kind[:1] == ("K",) else None
        if line is None or self.card is None:
            self.notify("Move to a KPI row first (Enter on an objective lists its KPIs).", severity="warning",
                        timeout=4)
            return
        self.app.open_entry(EntryTarget(line.code, f"{line.code} {line.name}", self.card.unit,
                                        f"{self.card.unit} {self.card.unit_name}", line.uom,
                                        period=self.card.period))

    def action_reload(self) -> None:
        """Read the data again."""
        self.reload()

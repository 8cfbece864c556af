"""The scorecard as a table: perspectives, their objectives and (when expanded) the KPIs.

Row keys say what a row is: ``P|<perspective>``, ``O|<objective>`` or
``K|<objective>|<kpi>``, ``C|<objective>|<cascaded objective>|<its unit>`` or
``N|<objective>`` (a note); the screen acts on the key of the row under the cursor.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from pmtui import actions
from pmtui.services.scorecard import KpiLine, ObjectiveLine, Scorecard
from pmtui.services.tui_reads import CascadedObjective
from pmtui.widgets import status

#: Fixed column widths; the name column takes what is left of the screen width.
WIDTHS = {"Status": 9, "Score": 5, "Cov": 4, "Value": 9, "Target": 9}
#: Cell padding (1 each side per column) plus the vertical scrollbar.
CHROME = 2 * (len(WIDTHS) + 1) + 2
MIN_NAME = 18


def row_kind(key: str | None) -> tuple[str, ...]:
    """Split a row key into its parts, e.g. ``("K", "GROW_A", "REV")``; empty when None."""
    return tuple(key.split("|")) if key else ()


def _kpi_status(kpi: KpiLine) -> Text:
    # Only approved values are scored; otherwise say where the value is in the workflow.
    if kpi.value is not None and kpi.status_of_value != "approved":
        return status.value_state(kpi.status_of_value)
    return status.rag(kpi.status)


class ScorecardTable(DataTable):
    """A row-cursor table that renders a :class:`Scorecard`.

    Enter selects the row (:class:`DataTable.RowSelected`); the screen decides what that does.
    """

    BINDINGS = actions.bindings("scorecard", widget="table")

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)
        #: Managers' ratings (M2.4) by KPI code for the period shown, drawn before KPI names.
        self.ratings: dict[str, int] = {}

    def show(self, card: Scorecard, expanded: set[str], width: int,
             children: dict[str, list[CascadedObjective]] | None = None) -> None:
        """Redraw for ``card``, listing the KPIs (and cascaded objectives) of the ``expanded`` objectives.

        The cursor stays on the row with the same key when that row still exists.
        """
        keep = self.cursor_key()
        self.clear(columns=True)
        self.add_column("Objective / KPI", width=max(MIN_NAME, width - sum(WIDTHS.values()) - CHROME), key="name")
        for label, size in WIDTHS.items():
            self.add_column(Text(label, justify="right" if label in ("Score", "Cov", "Value", "Target") else "left"),
                            width=size, key=label.lower())
        for perspective in card.perspectives:
            self.add_row(Text(perspective.name.upper(), style="bold"), status.rag(perspective.status),
                         status.score(perspective.score), "", "", "", key=f"P|{perspective.code}")
            for objective in perspective.objectives:
                self._objective(objective, objective.code in expanded, (children or {}).get(objective.code, []))
        if self.row_count and keep is not None:
            rows = [r.key.value for r in self.ordered_rows]
            self.move_cursor(row=rows.index(keep) if keep in rows else 0, animate=False)

    def _objective(self, objective: ObjectiveLine, open_: bool, below: list[CascadedObjective]) -> None:
        marker = "▾" if open_ else "▸"
        name = Text.assemble(f"  {marker} ", (objective.code, "bold"), " ", objective.name)
        cov = "" if objective.coverage is None else f"{objective.coverage:.0%}"
        self.add_row(name, status.rag(objective.status), status.score(objective.score), Text(cov, justify="right"),
                     "", "", key=f"O|{objective.code}")
        if not open_:
            return
        if not objective.kpis and not below:
            self.add_row(Text("      no KPIs and nothing cascaded below", style="dim italic"),
                         "", "", "", "", "", key=f"N|{objective.code}")
        for kpi in objective.kpis:
            name = Text.assemble("    ", status.rating_badge(self.ratings.get(kpi.code)), " ", (kpi.code, "bold"), " ",
                                 kpi.name)
            self.add_row(name, _kpi_status(kpi),
                         status.score(kpi.score), "",
                         Text(status.number(kpi.value, kpi.decimals), justify="right"),
                         Text(status.number(kpi.target, kpi.decimals), justify="right"),
                         key=f"K|{objective.code}|{kpi.code}")
        for child in below:
            # Scored at its own unit: Enter opens that unit's scorecard on it.
            self.add_row(Text.assemble("      ↳ ", (child.unit, "bold"), f" {child.name}", style="italic"),
                         Text("open unit", style="dim"), "", "", "", "",
                         key=f"C|{objective.code}|{child.code}|{child.unit}")

    def cursor_key(self) -> str | None:
        """The key of the row under the cursor (None when the table is empty)."""
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

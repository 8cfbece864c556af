"""Root-cause analyses: a page of records and the highlighted one's whys or fishbone.

Opened from the KPI screen or the scorecard it starts filtered to that KPI and unit.
``A`` starts an analysis, ``e`` works on (and closes) the highlighted one, ``n``
raises an action that follows from it, ``H`` opens revise-or-hold for its KPI, unit
and period (or the screen's, when no record is highlighted), ``u`` / ``o`` / ``c``
filter, ``[`` ``]`` page.
"""

from __future__ import annotations

import sqlite3

from rich.text import Text

from pmtui import actions as keys
from pmtui.screens.action_dialogs import AddActionDialog
from pmtui.screens.rca_editor import RcaEditorDialog
from pmtui.screens.register_list import PagedListScreen
from pmtui.screens.revise_hold import ReviseHoldDialog
from pmtui.services import root_causes

CLASS_STYLE = {"process": "cyan", "individual": "magenta"}


def describe(record: dict) -> str:
    """The analysis in a few lines: problem, whys or causes, root cause."""
    lines = [f"#{record['id']} {record['problem']}"]
    lines += [f"  why {n}: {w}" for n, w in enumerate(record["whys"], start=1)]
    lines += [f"  {category}: {'; '.join(causes)}" for category, causes in record["fishbone"].items()]
    if record["root_cause"]:
        lines.append(f"Root cause ({record['classification'] or 'unclassified'}): {record['root_cause']}")
    closed = f" · closed by {record['closed_by']}" if record["closed_by"] else ""
    lines.append(f"opened by {record['created_by']} {record['created_at'][:10]}{closed}"
                 f" · {record['actions']} action(s)")
    return "\n".join(lines)


class RootCausesScreen(PagedListScreen):
    """Records as a paged table; the highlighted record's analysis below."""

    SCOPE = "rca"
    BINDINGS = keys.bindings("rca")
    PREFIX = "rca"
    COLUMNS = (("#", 3), ("Period", 7), ("KPI", 16), ("Unit", 10), ("Template", 9), ("Status", 6), ("Class", 10))
    UNIT_TITLE = "Root causes of unit (and below)"

    def __init__(self, *, kpi: str | None = None, unit: str | None = None, period: str | None = None) -> None:
        super().__init__(kpi=kpi, unit=unit, period=period)
        self.open_only = False

    def fetch(self, conn: sqlite3.Connection, limit: int, offset: int) -> tuple[list[dict], int]:
        """One page of records and how many match."""
        filters = {"kpi": self.kpi, "unit": self.unit, "status": "open" if self.open_only else None}
        return root_causes.search(conn, limit=limit, offset=offset, **filters), root_causes.count(conn, **filters)

    def heading(self) -> Text:
        """``Root causes  <filters>  1-6 of 6``."""
        words = [f"KPI {self.kpi}" if self.kpi else "", f"{self.unit} and below" if self.unit else "",
                 "open only" if self.open_only else ""]
        return Text.assemble(("Root causes", "bold"), f"  {' · '.join(w for w in words if w) or 'all records'}  ",
                             (self.shown(), "bold"))

    def cells(self, r: dict) -> tuple:
        """Closed records dimmed; the classification coloured."""
        return (str(r["id"]), r["period"], r["kpi"], r["unit"], r["template"].replace("_", " "),
                Text(r["status"], style="dim" if r["status"] == "closed" else "bold"),
                Text(r["classification"] or "–", style=CLASS_STYLE.get(r["classification"], "dim")))

    def detail(self, record: dict | None) -> str:
        """The highlighted analysis."""
        return describe(record) if record else "No analyses match: c clears the filters, A starts one."

    def action_toggle_open(self) -> None:
        """Only open analyses, or all."""
        self.refilter(open_only=not self.open_only)

    def action_clear_filters(self) -> None:
        """Every analysis."""
        self.refilter(kpi=None, unit=None, period=None, open_only=False)

    def action_new_rca(self) -> None:
        """Start an analysis for the screen's KPI, unit and period."""
        self.push_form(RcaEditorDialog(kpi=self.kpi, unit=self.unit, period=self.period))

    def action_edit_rca(self) -> None:
        """Work on the highlighted analysis (closed ones are final)."""
        record = self.selected()
        if record is None or record["status"] != "open":
            self.notify("Move to an open analysis first (closed ones are final).", severity="warning", timeout=3)
            return
        self.push_form(RcaEditorDialog(record))

    def action_rca_action(self) -> None:
        """Raise an action that follows from the highlighted analysis."""
        record = self.selected()
        if record is None:
            self.notify("Move to an analysis first.", severity="warning", timeout=3)
            return
        self.push_form(AddActionDialog(unit=record["unit"], kpi=record["kpi"], root_cause_id=record["id"]))

    def action_revise_hold(self) -> None:
        """Revise or hold the target of the highlighted analysis (or of the screen's KPI, unit and period)."""
        record = self.selected()
        where = (record["kpi"], record["unit"], record["period"]) if record else (self.kpi, self.unit, self.period)
        if not all(where):
            self.notify("Move to an analysis, or open this screen from a KPI.", severity="warning", timeout=3)
            return
        self.push_form(ReviseHoldDialog(*where))
